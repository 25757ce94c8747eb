//! Customer list (search as you type, keyset paging) and the customer page.
use crate::api::{
    get_customer, list_customers, ClaimCustomer, CustomerDetail, CustomerListParams,
    ReleaseCustomer,
};
use crate::api::{AddTask, CreateDeal, EditCustomer, FinishTask, LogFollowUp};
use crate::components::quick_log::QuickLog;
use crate::components::tasks::{NewTaskForm, TaskRows};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::error::AppError;
use crate::format::money;
use crate::format::short_time;
use crate::i18n::Lang;
use crate::model::{Customer, CustomerStatus};
use crate::pages::customer_timeline::Timeline;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    let customers = Resource::new(
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

#[component]
pub fn CustomerPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let claim = ServerAction::<ClaimCustomer>::new();
    let release = ServerAction::<ReleaseCustomer>::new();
    let log = ServerAction::<LogFollowUp>::new();
    provide_context(log);
    provide_context(claim);
    provide_context(release);
    let new_deal = ServerAction::<CreateDeal>::new();
    provide_context(new_deal);
    let add_task = ServerAction::<AddTask>::new();
    let finish_task = ServerAction::<FinishTask>::new();
    let edit = ServerAction::<EditCustomer>::new();
    provide_context(add_task);
    provide_context(finish_task);
    provide_context(edit);
    let detail = Resource::new(
        move || {
            (
                id(),
                claim.version().get(),
                release.version().get(),
                log.version().get(),
                new_deal.version().get(),
                add_task.version().get() + finish_task.version().get() + edit.version().get(),
            )
        },
        |(id, _, _, _, _, _)| async move {
            match id {
                Some(id) => get_customer(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let action_error = move || {
        [
            claim.value().get().and_then(|r| r.err()),
            release.value().get().and_then(|r| r.err()),
            log.value().get().and_then(|r| r.err()),
            new_deal.value().get().and_then(|r| r.err()),
            add_task.value().get().and_then(|r| r.err()),
            finish_task.value().get().and_then(|r| r.err()),
            edit.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        {move || action_error().map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <CustomerView d/> }.into_any(),
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                            resp.set_status(match e {
                                AppError::NotFound => http::StatusCode::NOT_FOUND,
                                AppError::Unauthenticated => http::StatusCode::UNAUTHORIZED,
                                _ => http::StatusCode::INTERNAL_SERVER_ERROR,
                            });
                        }
                        view! {
                            <PageTitle text=lang.t("Not found · Tandem", "未找到 · Tandem")/>
                            <h1>{lang.t("Customer not found", "客户不存在")}</h1>
                            <ErrorNote error=e/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerView(d: CustomerDetail) -> impl IntoView {
    let lang = use_lang();
    let c = d.customer;
    let owner = c
        .owner_name
        .clone()
        .unwrap_or_else(|| lang.t("Public pool", "公海").to_string());
    let contacts = d.contacts.into_iter().map(|k| {
        let tel = k.phone.clone().map(|p| view! { <a class="action call" href=format!("tel:{p}") aria-label=format!("{} {}", lang.t("Call", "拨打"), k.name)>"📞"</a> });
        let mail = k.email.clone().map(|e| view! { <a class="action mail" href=format!("mailto:{e}") aria-label=format!("{} {}", lang.t("Email", "发邮件给"), k.name)>"✉"</a> });
        view! {
            <li class="row">
                <div class="main">
                    <span class="title">{k.name.clone()}{k.decision_maker.then(|| view! { <span class="badge">{lang.t("Decision maker", "决策人")}</span> })}</span>
                    <span class="meta">{k.title.clone().unwrap_or_default()}" "{k.phone.clone().unwrap_or_default()}</span>
                </div>
                {tel}
                {mail}
            </li>
        }
    }).collect::<Vec<_>>();
    let no_contacts = contacts.is_empty();
    let new_deal = use_context::<ServerAction<CreateDeal>>();
    let viewer_is_rep = d.viewer_is_rep;
    let can_add_deal = c.owner_id == Some(d.viewer_id) || !d.viewer_is_rep && c.owner_id.is_some();
    let deals = d.deals.iter().map(|o| view! {
        <li class="row">
            <a class="main" href=format!("/deals/{}", o.id)>
                <span class="title">{o.name.clone()}</span>
                <span class="meta">{o.stage.label(lang)}" · "{o.amount_minor.map(money).unwrap_or_else(|| "—".into())}</span>
            </a>
        </li>
    }).collect::<Vec<_>>();
    let first_page = d.timeline;
    let no_timeline = first_page.items.is_empty();
    let tasks = d.tasks;
    let no_tasks = tasks.is_empty();
    let customer_id = c.id;
    let me = d.viewer_id;
    let in_pool = c.owner_id.is_none();
    let mine = c.owner_id == Some(me);
    let claim = use_context::<ServerAction<ClaimCustomer>>();
    let release = use_context::<ServerAction<ReleaseCustomer>>();
    let reclaim = c.reclaim_at.map(|at| {
        let days = crate::domain::pool::days_left(d.now, at);
        let why = match c.reclaim_reason.as_deref() {
            Some("no_won_deal") => lang.t("no won deal", "未成交"),
            _ => lang.t("no follow-up", "未跟进"),
        };
        match lang {
            crate::i18n::Lang::En => format!("Returns to the public pool in {days} days ({why})"),
            crate::i18n::Lang::ZhCn => format!("{days} 天后退回公海({why})"),
        }
    });
    let new_ticket = d.can_work_tickets.then(|| view! {
        <a class="button" href=format!("/queue?customer={}", c.id)>{lang.t("New ticket", "新建工单")}</a>
    });
    let actions = view! {
        <div class="record-actions">
            {new_ticket}
            {(in_pool && d.viewer_is_rep).then(|| claim.map(|a| view! {
                <ActionForm action=a>
                    <input type="hidden" name="id" value=c.id/>
                    <button type="submit" class="primary">{lang.t("Claim this customer", "领取客户")}</button>
                </ActionForm>
            }))}
            {mine.then(|| view! { <QuickLog customer_id=c.id customer_name=c.name.clone()/> })}
            {(mine || can_add_deal).then(|| view! { <EditCustomerForm c=c.clone()/> })}
            {(mine && !c.locked).then(|| release.map(|a| view! {
                <details class="release">
                    <summary class="button">{lang.t("Return to the pool", "退回公海")}</summary>
                    <ActionForm action=a attr:class="stack">
                        <input type="hidden" name="id" value=c.id/>
                        <label for="release-reason">{lang.t("Why?", "退回原因")}</label>
                        <input id="release-reason" name="reason" required maxlength="200"/>
                        <button type="submit">{lang.t("Return", "确认退回")}</button>
                    </ActionForm>
                </details>
            }))}
        </div>
    };
    view! {
        <PageTitle text=format!("{} · Tandem", c.name)/>
        <header class="record-head">
            <h1>{c.name.clone()}<span class="badge">{c.level.as_str()}</span></h1>
            <dl class="facts">
                <div><dt>{lang.t("Owner", "负责人")}</dt><dd>{owner}</dd></div>
                <div><dt>{lang.t("Status", "状态")}</dt><dd>{c.status.label(lang)}</dd></div>
                <div><dt>{lang.t("Next follow-up", "下次跟进")}</dt><dd>{c.next_follow_up_at.map(short_time).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("Last contact", "最近联系")}</dt><dd>{c.last_contact_at.map(short_time).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("Industry", "行业")}</dt><dd>{c.industry.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("Tags", "标签")}</dt><dd data-testid="tags">{if c.tags.is_empty() { "—".to_string() } else { c.tags.join(" · ") }}</dd></div>
                <div><dt>{lang.t("Region", "地区")}</dt><dd>{c.region.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{lang.t("Health", "健康度")}</dt><dd data-testid="health-score">{c.health_score.map(|h| h.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            {(!c.health_factors.is_empty()).then(|| view! {
                <ul class="health-factors" data-testid="health-factors" aria-label=lang.t("What lowers the health score", "影响健康度的因素")>
                    {c.health_factors.iter().map(|f| view! {
                        <li>{f.factor.describe(lang)}" "<span class="points">{format!("−{}", f.points)}</span></li>
                    }).collect::<Vec<_>>()}
                </ul>
            })}
            {reclaim.map(|r| view! { <p class="reclaim" data-testid="reclaim">{r}</p> })}
            {actions}
        </header>
        <crate::components::contracts::RenewalCard renewals=d.renewals.clone()/>
        <section aria-labelledby="contacts">
            <h2 id="contacts">{lang.t("Contacts", "联系人")}</h2>
            {if no_contacts {
                view! { <p class="empty">{lang.t("No contacts yet.", "暂无联系人。")}</p> }.into_any()
            } else {
                view! { <ul class="rows">{contacts}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="deals">
            <h2 id="deals">{lang.t("Deals", "商机")}</h2>
            <ul class="rows">{deals}</ul>
            {can_add_deal.then_some(()).and(new_deal).map(|a| view! {
                <details class="card">
                    <summary class="button">{lang.t("New deal", "新建商机")}</summary>
                    <ActionForm action=a attr:class="grid-form">
                        <input type="hidden" name="customer_id" value=customer_id/>
                        <label>{lang.t("Name", "名称")}<input name="name" required maxlength="200"/></label>
                        <label>{lang.t("Amount (yuan)", "金额(元)")}<input name="amount_yuan" inputmode="decimal"/></label>
                        <button type="submit" class="primary">{lang.t("Create", "创建")}</button>
                    </ActionForm>
                </details>
            })}
        </section>
        <section aria-labelledby="tasks">
            <h2 id="tasks">{lang.t("Open tasks", "待办任务")}</h2>
            {if no_tasks {
                view! { <p class="empty">{lang.t("No open tasks.", "暂无待办任务。")}</p> }.into_any()
            } else {
                view! { <TaskRows tasks show_assignee=true/> }.into_any()
            }}
            <NewTaskForm customer_id=Some(customer_id) can_assign=!viewer_is_rep/>
        </section>
        <section aria-labelledby="timeline">
            <h2 id="timeline">{lang.t("Timeline", "时间线")}</h2>
            {if no_timeline {
                view! { <p class="empty">{lang.t("Nothing logged yet.", "暂无跟进记录。")}</p> }.into_any()
            } else {
                view! { <Timeline customer_id first=first_page/> }.into_any()
            }}
        </section>
    }
}

/// The customer's profile as a form; saving sends the version read (409 if it moved).
#[component]
fn EditCustomerForm(c: Customer) -> impl IntoView {
    let lang = use_lang();
    let Some(edit) = use_context::<ServerAction<EditCustomer>>() else {
        return ().into_any();
    };
    let level = c.level.as_str();
    view! {
        <details class="edit-customer">
            <summary class="button">{lang.t("Edit", "编辑")}</summary>
            <ActionForm action=edit attr:class="grid-form">
                <input type="hidden" name="id" value=c.id/>
                <input type="hidden" name="version" value=c.version/>
                <label>{lang.t("Name", "名称")}<input name="name" required maxlength="200" value=c.name.clone()/></label>
                <label>{lang.t("Level", "级别")}
                    <select name="level">
                        {["A", "B", "C"].into_iter().map(|l| view! { <option value=l selected=l == level>{l}</option> }).collect::<Vec<_>>()}
                    </select>
                </label>
                <label>{lang.t("Status", "状态")}
                    <select name="status">
                        {[CustomerStatus::Prospect, CustomerStatus::Active, CustomerStatus::Churned].into_iter().map(|st| view! {
                            <option value=st.as_str() selected=st == c.status>{st.label(lang)}</option>
                        }).collect::<Vec<_>>()}
                    </select>
                </label>
                <label>{lang.t("Industry", "行业")}<input name="industry" maxlength="100" value=c.industry.clone().unwrap_or_default()/></label>
                <label>{lang.t("Region", "地区")}<input name="region" maxlength="100" value=c.region.clone().unwrap_or_default()/></label>
                <label>{lang.t("Tags (comma-separated)", "标签(逗号分隔)")}<input name="tags" maxlength="500" value=c.tags.join(", ")/></label>
                <button type="submit" class="primary">{lang.t("Save", "保存")}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}
