//! Leads: the first-contact countdown, one-tap call logging, qualify, disqualify with a
//! reason, convert; and a short form to add one.
use crate::api::{
    list_leads, task_assignees, AddLead, AssignLead, ContactLead, ConvertLead, DisqualifyLead,
    LeadsView, QualifyLead,
};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::domain::leads::LeadStatus;
use crate::format::relative;
use crate::model::Lead;
use crate::model::{Role, User};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let tab = move || query.with(|m| m.get("tab").unwrap_or_else(|| "new".into()));
    let cursor = move || query.with(|m| m.get("cursor"));
    let add = ServerAction::<AddLead>::new();
    let contact = ServerAction::<ContactLead>::new();
    let qualify = ServerAction::<QualifyLead>::new();
    let disqualify = ServerAction::<DisqualifyLead>::new();
    let convert = ServerAction::<ConvertLead>::new();
    let assign = ServerAction::<AssignLead>::new();
    provide_context(assign);
    // Managers hand leads to the reps of their team.
    let people = crate::page_data::page_resource(|| (), |_| task_assignees());
    provide_context(people);
    provide_context(contact);
    provide_context(qualify);
    provide_context(disqualify);
    provide_context(convert);
    let versions = move || {
        add.version().get()
            + contact.version().get()
            + qualify.version().get()
            + disqualify.version().get()
            + convert.version().get()
            + assign.version().get()
    };
    let leads = crate::page_data::page_resource(
        move || (tab(), cursor(), versions()),
        |(tab, cursor, _)| {
            let (status, pool) = match tab.as_str() {
                "pool" => (None, Some(true)),
                other => (Some(other.to_string()), None),
            };
            list_leads(status, pool, cursor)
        },
    );
    let error = move || {
        [
            add.value().get().and_then(|r| r.err()),
            contact.value().get().and_then(|r| r.err()),
            qualify.value().get().and_then(|r| r.err()),
            disqualify.value().get().and_then(|r| r.err()),
            convert.value().get().and_then(|r| r.err()),
            assign.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let converted = move || convert.value().get().and_then(|r| r.ok());
    let tabs = [
        ("new", lang.t("New", "新线索")),
        ("mql", lang.t("Marketing-qualified", "市场合格")),
        ("sql", lang.t("Sales-qualified", "销售合格")),
        ("pool", lang.t("Pool", "线索池")),
    ];
    let sources = crate::domain::leads::TYPED_LEAD_SOURCES
        .map(|code| (code, crate::domain::leads::lead_source_label(code, lang)));
    view! {
        <PageTitle text=lang.t("Leads · Tandem", "线索 · Tandem")/>
        <h1>{lang.t("Leads", "线索")}</h1>
        <nav class="tabs" aria-label=lang.t("Lead lists", "线索列表")>
            {tabs.into_iter().map(|(code, label)| view! {
                <a href=format!("/leads?tab={code}") aria-current=move || (tab() == code).then_some("page")>{label}</a>
            }).collect::<Vec<_>>()}
        </nav>
        {move || error().map(|e| view! { <ErrorNote error=e/> })}
        {move || converted().map(|c| view! {
            <p class="notice" role="status">
                {lang.t("Converted. ", "已转化。")}
                <a href=format!("/customers/{}", c.customer_id)>{lang.t("Open the new customer", "打开新客户")}</a>
            </p>
        })}
        <details class="card new-lead">
            <summary class="button">{lang.t("New lead", "新建线索")}</summary>
            <ActionForm action=add attr:class="stack">
                <label for="lead-name">{lang.t("Name", "姓名")}</label>
                <input id="lead-name" name="name" required maxlength="100"/>
                <label for="lead-company">{lang.t("Company", "公司")}</label>
                <input id="lead-company" name="company" maxlength="200"/>
                <label for="lead-phone">{lang.t("Mobile or phone", "手机或电话")}</label>
                <input id="lead-phone" name="phone" type="tel" inputmode="tel" maxlength="30"/>
                <label for="lead-email">{lang.t("Email", "邮箱")}</label>
                <input id="lead-email" name="email" type="email" maxlength="200"/>
                <label for="lead-source">{lang.t("Source", "来源")}</label>
                <select id="lead-source" name="source">
                    {sources.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect::<Vec<_>>()}
                </select>
                <button type="submit" class="primary">{lang.t("Add lead", "添加线索")}</button>
            </ActionForm>
        </details>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match leads.await {
                    Ok(LeadsView { page, now }) => {
                        let next = page.next_cursor.map(|c| view! {
                            <a class="button more" href=format!("/leads?tab={}&cursor={c}", tab())>{lang.t("More", "更多")}</a>
                        });
                        if page.items.is_empty() {
                            view! { <p class="empty">{lang.t("No leads here.", "暂无线索。")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="rows" data-testid="lead-list">
                                    {page.items.into_iter().map(|l| view! { <LeadRow l now/> }).collect::<Vec<_>>()}
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

#[component]
fn LeadRow(l: Lead, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let lang = use_lang();
    let contact = use_context::<ServerAction<ContactLead>>();
    let qualify = use_context::<ServerAction<QualifyLead>>();
    let disqualify = use_context::<ServerAction<DisqualifyLead>>();
    let convert = use_context::<ServerAction<ConvertLead>>();
    let waiting = l.first_contacted_at.is_none() && !l.status.is_closed();
    let overdue = waiting && l.first_contact_due_at.is_some_and(|d| d < now);
    let clock = l.first_contact_due_at.filter(|_| waiting).map(|d| {
        if d < now {
            format!(
                "{} {}",
                lang.t("First contact overdue", "首次联系已超时"),
                relative(lang, d, now)
            )
        } else {
            format!(
                "{} {}",
                lang.t("First contact due", "首次联系截止"),
                relative(lang, d, now)
            )
        }
    });
    let tel = l.phone.clone().map(|p| {
        view! { <a class="action call" href=format!("tel:{p}") aria-label=format!("{} {}", lang.t("Call", "拨打"), l.name)>"📞"</a> }
    });
    let (id, version) = (l.id, l.version);
    let next_status = match l.status {
        LeadStatus::New => Some(("mql", lang.t("Qualify (MQL)", "确认为市场合格"))),
        LeadStatus::Mql => Some(("sql", lang.t("Qualify (SQL)", "确认为销售合格"))),
        _ => None,
    };
    let closed = l.status.is_closed();
    let assign = use_context::<ServerAction<AssignLead>>();
    let people =
        use_context::<crate::page_data::PageResource<Result<Vec<User>, crate::error::AppError>>>();
    let owner = l.owner_id;
    view! {
        <li class="row lead" class:overdue=overdue data-lead=l.id>
            <div class="main">
                <span class="title">{l.name.clone()}{l.company.clone().map(|c| format!(" · {c}"))}</span>
                <span class="meta">
                    {l.owner_name.clone().unwrap_or_else(|| lang.t("Pool", "线索池").to_string())}
                    {clock.map(|c| format!(" · {c}"))}
                </span>
                <div class="lead-actions">
                    {waiting.then_some(()).and(contact).map(|a| view! {
                        <ActionForm action=a attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="kind" value="call"/>
                            <button type="submit">{lang.t("Log a call", "记录通话")}</button>
                        </ActionForm>
                    })}
                    {next_status.and_then(|(code, label)| qualify.map(|a| view! {
                        <ActionForm action=a attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="version" value=version/>
                            <input type="hidden" name="status" value=code/>
                            <button type="submit">{label}</button>
                        </ActionForm>
                    }))}
                    {(l.status == LeadStatus::Sql).then_some(()).and(convert).map(|a| view! {
                        <ActionForm action=a attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="version" value=version/>
                            <button type="submit" class="primary">{lang.t("Convert to customer", "转为客户")}</button>
                        </ActionForm>
                    })}
                    {(!closed).then_some(()).and(assign.zip(people)).map(|(a, people)| view! {
                        <Suspense>
                            {move || Suspend::new(async move {
                                // Only managers and admins see more people than themselves.
                                let all = people.await.unwrap_or_default();
                                let manages = all.len() > 1 && all.iter().any(|u| matches!(u.role, Role::Manager | Role::Admin));
                                let reps: Vec<User> = all.into_iter().filter(|u| u.role == Role::Rep).collect();
                                (manages && !reps.is_empty()).then(|| view! {
                                    <ActionForm action=a attr:class="inline-form">
                                        <input type="hidden" name="id" value=id/>
                                        <label class="sr-only" for=format!("assign-{id}")>{lang.t("Assign to", "分配给")}</label>
                                        <select id=format!("assign-{id}") name="owner_id">
                                            {reps.into_iter().map(|u| view! { <option value=u.id selected=Some(u.id) == owner>{u.name}</option> }).collect::<Vec<_>>()}
                                        </select>
                                        <button type="submit">{lang.t("Assign", "分配")}</button>
                                    </ActionForm>
                                })
                            })}
                        </Suspense>
                    })}
                    {(!closed).then_some(()).and(disqualify).map(|a| view! {
                        <details class="inline-details">
                            <summary class="button">{lang.t("Disqualify", "无效线索")}</summary>
                            <ActionForm action=a attr:class="stack">
                                <input type="hidden" name="id" value=id/>
                                <input type="hidden" name="version" value=version/>
                                <label for=format!("dq-{id}")>{lang.t("Reason", "原因")}</label>
                                <input id=format!("dq-{id}") name="reason" required maxlength="200"/>
                                <button type="submit">{lang.t("Disqualify", "确认无效")}</button>
                            </ActionForm>
                        </details>
                    })}
                </div>
            </div>
            {tel}
        </li>
    }
}
