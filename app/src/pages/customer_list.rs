//! The customer list: search as you type, filters (health at risk among them), sorts
//! and keyset pages over the viewer's scope.
use crate::api::{list_customers, CustomerListParams};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::short_time;
use crate::i18n::Lang;
use crate::model::{Customer, CustomerStatus};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Reads the list's filters from the query string.
fn params_from(m: &leptos_router::params::ParamsMap) -> CustomerListParams {
    let text = |k: &str| {
        m.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    CustomerListParams {
        q: None,
        owner_id: m.get("owner_id").and_then(|s| s.parse().ok()),
        pool: m
            .get("pool")
            .map(|p| p == "1" || p == "true")
            .filter(|p| *p),
        level: text("level"),
        status: text("status"),
        industry: text("industry"),
        region: text("region"),
        tag: text("tag"),
        no_contact_days: m.get("no_contact_days").and_then(|s| s.parse().ok()),
        at_risk: m
            .get("at_risk")
            .map(|p| p == "1" || p == "true")
            .filter(|p| *p),
        sort: text("sort"),
        cursor: text("cursor"),
    }
}

/// The query string for a list (without the cursor unless given).
fn list_href(p: &CustomerListParams, q: &str) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", urlencode(&v)));
        }
    };
    add("q", Some(q.to_string()));
    add("owner_id", p.owner_id.map(|o| o.to_string()));
    add("pool", p.pool.filter(|x| *x).map(|_| "1".to_string()));
    add("level", p.level.clone());
    add("status", p.status.clone());
    add("industry", p.industry.clone());
    add("region", p.region.clone());
    add("tag", p.tag.clone());
    add("no_contact_days", p.no_contact_days.map(|d| d.to_string()));
    add(
        "at_risk",
        p.at_risk.filter(|x| *x).map(|_| "true".to_string()),
    );
    add("sort", p.sort.clone());
    add("cursor", p.cursor.clone());
    format!("/customers?{}", parts.join("&"))
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let initial_q = query.with_untracked(|m| m.get("q").unwrap_or_default());
    // Typing filters at once once the page is interactive; before that the form submits.
    let (q, set_q) = signal(initial_q.clone());
    let params = Memo::new(move |_| query.with(params_from));
    let pool = move || params.with(|p| p.pool == Some(true));
    let customers = crate::page_data::page_resource(
        move || (q.get(), params.get()),
        |(q, mut p)| {
            p.q = (!q.trim().is_empty()).then_some(q);
            list_customers(p)
        },
    );
    let filtered = move || {
        params.with(|p| {
            p.level.is_some()
                || p.status.is_some()
                || p.industry.is_some()
                || p.region.is_some()
                || p.tag.is_some()
                || p.no_contact_days.is_some()
                || p.at_risk.is_some()
                || p.sort.is_some()
        })
    };
    let initial = params.get_untracked();
    let chosen = move |v: &Option<String>, want: &str| v.as_deref() == Some(want);
    view! {
        <PageTitle text=lang.t("Customers · Tandem", "客户 · Tandem")/>
        <h1>{move || if pool() { lang.t("Public pool", "公海客户") } else { lang.t("Customers", "客户") }}</h1>
        <nav class="tabs" aria-label=lang.t("Customer lists", "客户列表")>
            <a href="/customers" aria-current=move || (!pool()).then_some("page")>{lang.t("All I can see", "全部")}</a>
            <a href="/customers?pool=1" aria-current=move || pool().then_some("page")>{lang.t("Public pool", "公海")}</a>
            <a href="/customers/new" class="new">{lang.t("+ New", "+ 新建")}</a>
        </nav>
        <form method="get" action="/customers" class="search" role="search">
            <label for="q" class="sr-only">{lang.t("Search customers", "搜索客户")}</label>
            <input id="q" name="q" type="search" value=initial_q
                placeholder=lang.t("Name, contact, phone or email", "名称、联系人、电话或邮箱")
                autocomplete="off"
                on:input=move |ev| set_q.set(event_target_value(&ev))/>
            {initial.owner_id.map(|o| view! { <input type="hidden" name="owner_id" value=o/> })}
            {initial.pool.map(|_| view! { <input type="hidden" name="pool" value="1"/> })}
            <button type="submit">{lang.t("Search", "搜索")}</button>
            <details class="filters" open=filtered>
                <summary class="button">{lang.t("Filter and sort", "筛选与排序")}</summary>
                <div class="filter-grid">
                    <label>{lang.t("Level", "级别")}
                        <select name="level">
                            <option value="">{lang.t("Any", "全部")}</option>
                            {["A", "B", "C"].into_iter().map(|l| view! { <option value=l selected=chosen(&initial.level, l)>{l}</option> }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label>{lang.t("Status", "状态")}
                        <select name="status">
                            <option value="">{lang.t("Any", "全部")}</option>
                            {[CustomerStatus::Prospect, CustomerStatus::Active, CustomerStatus::Churned].into_iter().map(|st| view! {
                                <option value=st.as_str() selected=chosen(&initial.status, st.as_str())>{st.label(lang)}</option>
                            }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label>{lang.t("Industry", "行业")}<input name="industry" value=initial.industry.clone() maxlength="100"/></label>
                    <label>{lang.t("Region", "地区")}<input name="region" value=initial.region.clone() maxlength="100"/></label>
                    <label>{lang.t("Tag", "标签")}<input name="tag" value=initial.tag.clone() maxlength="50"/></label>
                    <label>{lang.t("No contact for", "未联系超过")}
                        <select name="no_contact_days">
                            <option value="">{lang.t("Any time", "不限")}</option>
                            {[7i64, 14, 30, 60, 90].into_iter().map(|d| {
                                let label = match lang {
                                    Lang::En => format!("{d} days"),
                                    Lang::ZhCn => format!("{d} 天"),
                                };
                                view! { <option value=d selected=initial.no_contact_days == Some(d)>{label}</option> }
                            }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label class="check">
                        <input type="checkbox" name="at_risk" value="true" checked=initial.at_risk == Some(true)/>
                        {lang.t("At risk only", "仅流失风险客户")}
                    </label>
                    <label>{lang.t("Sort", "排序")}
                        <select name="sort">
                            <option value="newest">{lang.t("Newest first", "最新创建")}</option>
                            <option value="next_follow_up" selected=chosen(&initial.sort, "next_follow_up")>{lang.t("Next follow-up soonest", "下次跟进最近")}</option>
                            <option value="last_contact" selected=chosen(&initial.sort, "last_contact")>{lang.t("Longest without contact", "最久未联系")}</option>
                            <option value="name" selected=chosen(&initial.sort, "name")>{lang.t("Name A–Z", "名称 A–Z（拼音）")}</option>
                            <option value="health" selected=chosen(&initial.sort, "health")>{lang.t("Lowest health first", "健康度最低")}</option>
                        </select>
                    </label>
                    <button type="submit" class="primary">{lang.t("Apply", "应用")}</button>
                </div>
            </details>
        </form>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match customers.await {
                    Ok(page) => {
                        let next = page.next_cursor.map(|c| {
                            let mut p = params.get_untracked();
                            p.cursor = Some(c);
                            let href = list_href(&p, &q.get_untracked());
                            view! { <a class="button more" href=href>{lang.t("More", "更多")}</a> }
                        });
                        if page.items.is_empty() {
                            view! { <p class="empty" data-testid="no-customers">{lang.t("No customers match.", "没有符合条件的客户。")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="rows" data-testid="customer-list">
                                    {page.items.into_iter().map(|c| view! { <CustomerRow c/> }).collect::<Vec<_>>()}
                                </ul>
                                {next}
                            }.into_any()
                        }
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn CustomerRow(c: Customer) -> impl IntoView {
    let lang = use_lang();
    let owner = c
        .owner_name
        .clone()
        .unwrap_or_else(|| lang.t("Public pool", "公海").to_string());
    let follow = c
        .next_follow_up_at
        .map(|t| format!(" · {} {}", lang.t("next", "下次跟进"), short_time(t)));
    // The health and its biggest factor, in words, where it is low enough to matter.
    let health = c.health_score.filter(|h| *h < 60).map(|h| {
        let why = c
            .health_factors
            .first()
            .map(|f| format!(" · {}", f.factor.describe(lang)))
            .unwrap_or_default();
        view! {
            <span class="meta health" class:low=h < 40 data-health=h>
                {lang.t("Health ", "健康度 ")}{h}{why}
            </span>
        }
    });
    view! {
        <li class="row">
            <a class="main" href=format!("/customers/{}", c.id)>
                <span class="title">{c.name.clone()}<span class="badge">{c.level.as_str()}</span></span>
                <span class="meta">{owner}{follow}</span>
                {health}
            </a>
        </li>
    }
}
