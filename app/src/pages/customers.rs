//! The customer page: the 360 view of one customer (contacts, deals, tasks, contracts
//! ending soon, health and its reasons, the timeline) and the edit form.
use crate::api::{get_customer, ClaimCustomer, CustomerDetail, ReleaseCustomer};
use crate::api::{AddTask, CreateDeal, EditCustomer, FinishTask, LogFollowUp};
use crate::components::quick_log::QuickLog;
use crate::components::tasks::{NewTaskForm, TaskRows};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::error::AppError;
use crate::format::money;
use crate::format::short_time;
use crate::model::{Customer, CustomerStatus};
use crate::pages::customer_timeline::Timeline;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

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
    let sent = crate::components::outbox::use_sent();
    let detail = crate::page_data::page_resource(
        move || {
            (
                id(),
                claim.version().get(),
                release.version().get(),
                log.version().get() + sent.get() as usize,
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
