//! The rep's "Today": what to do now, each row one tap from acting on it.
use crate::api::{get_today, LogFollowUp};
use crate::components::quick_log::QuickLog;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::{relative, short_time};
use crate::model::TodayView;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn TodayPage() -> impl IntoView {
    let lang = use_lang();
    let log = ServerAction::<LogFollowUp>::new();
    provide_context(log);
    let sent = crate::components::outbox::use_sent();
    let today =
        crate::page_data::page_resource(move || (log.version().get(), sent.get()), |_| get_today());
    view! {
        <PageTitle text=lang.t("Today · Tandem", "今日 · Tandem")/>
        <h1>{lang.t("Today", "今日")}</h1>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match today.await {
                    Ok(v) => view! { <TodayBody v/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TodayBody(v: TodayView) -> impl IntoView {
    let lang = use_lang();
    let now = v.now;
    let follow_count = v.follow_ups.len();
    let follow_ups = v.follow_ups.into_iter().map(|f| {
        let href = format!("/customers/{}", f.customer_id);
        let tel = f.phone.clone().map(|p| {
            let label = format!("{} {}", lang.t("Call", "拨打"), f.customer_name);
            view! { <a class="action call" href=format!("tel:{p}") aria-label=label>"📞"</a> }
        });
        view! {
            <li class="row" class:overdue=f.overdue data-customer=f.customer_id>
                <a class="main" href=href>
                    <span class="title">{f.customer_name.clone()}<span class="badge">{f.level.as_str()}</span></span>
                    <span class="meta">{relative(lang, f.next_follow_up_at, now)}" · "{short_time(f.next_follow_up_at)}</span>
                </a>
                {tel}
                <QuickLog customer_id=f.customer_id customer_name=f.customer_name.clone()/>
            </li>
        }
    }).collect::<Vec<_>>();
    let lead_count = v.leads.len();
    let leads = v.leads.into_iter().map(|l| {
        let due = l.first_contact_due_at.map(|d| relative(lang, d, now)).unwrap_or_default();
        let overdue = l.first_contact_due_at.is_some_and(|d| d < now);
        let tel = l.phone.clone().map(|p| view! { <a class="action call" href=format!("tel:{p}") aria-label=lang.t("Call lead", "拨打线索电话")>"📞"</a> });
        view! {
            <li class="row" class:overdue=overdue>
                <div class="main">
                    <span class="title">{l.name.clone()}{l.company.clone().map(|c| format!(" · {c}"))}</span>
                    <span class="meta">{lang.t("First contact ", "首次联系 ")}{due}</span>
                </div>
                {tel}
            </li>
        }
    }).collect::<Vec<_>>();
    let task_count = v.tasks.len();
    let tasks = v.tasks.into_iter().map(|t| {
        let due = t.due_at.map(|d| relative(lang, d, now)).unwrap_or_default();
        view! {
            <li class="row" class:overdue=t.overdue>
                <a class="main" href=t.customer_id.map(|c| format!("/customers/{c}#tasks")).unwrap_or_else(|| "/tasks".into())>
                    <span class="title">{t.title.clone()}</span>
                    <span class="meta">{t.customer_name.clone().unwrap_or_default()}" "{due}</span>
                </a>
            </li>
        }
    }).collect::<Vec<_>>();
    let log = use_context::<ServerAction<LogFollowUp>>();
    let log_error = move || log.and_then(|a| a.value().get()).and_then(|r| r.err());
    let returning_count = v.returning.len();
    let returning = v
        .returning
        .into_iter()
        .map(|r| {
            let days = crate::domain::pool::days_left(now, r.reclaim_at);
            let why = match r.reason.as_deref() {
                Some("no_won_deal") => lang.t("no won deal", "未成交"),
                _ => lang.t("no follow-up", "未跟进"),
            };
            let text = match lang {
                crate::i18n::Lang::En => format!("Returns to the pool in {days} days ({why})"),
                crate::i18n::Lang::ZhCn => format!("{days} 天后退回公海({why})"),
            };
            view! {
                <li class="row warn">
                    <a class="main" href=format!("/customers/{}", r.customer_id)>
                        <span class="title">{r.customer_name.clone()}</span>
                        <span class="meta">{text}</span>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let stalled_count = v.stalled.len();
    let stalled = v
        .stalled
        .into_iter()
        .map(|d| {
            let days = (now - d.stage_entered_at).num_days();
            let text = match lang {
                crate::i18n::Lang::En => format!("{} for {days} days", d.stage.label(lang)),
                crate::i18n::Lang::ZhCn => format!("停留在{} {days} 天", d.stage.label(lang)),
            };
            view! {
                <li class="row warn">
                    <a class="main" href=format!("/deals/{}", d.id)>
                        <span class="title">{d.name.clone()}" · "{d.customer_name.clone()}</span>
                        <span class="meta">{text}</span>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        {move || log_error().map(|e| view! { <crate::components::ErrorNote error=e/> })}
        <p class="summary">
            {format!("{} {}", v.owned_customers, lang.t("customers in your book", "位客户由您负责"))}
        </p>
        <section aria-labelledby="fu">
            <h2 id="fu">{lang.t("Follow-ups due", "待跟进")}" "<span class="count">{follow_count}</span></h2>
            {if follow_count == 0 {
                view! { <p class="empty">{lang.t("Nothing due today. Well done.", "今日没有待跟进的客户。")}</p> }.into_any()
            } else {
                view! { <ul class="rows">{follow_ups}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="ld">
            <h2 id="ld">{lang.t("New leads waiting", "待首次联系的线索")}" "<span class="count">{lead_count}</span></h2>
            {if lead_count == 0 {
                view! { <p class="empty">{lang.t("No leads waiting.", "暂无待联系线索。")}</p> }.into_any()
            } else {
                view! { <ul class="rows">{leads}</ul> }.into_any()
            }}
        </section>
        {(returning_count > 0).then(|| view! {
            <section aria-labelledby="rt">
                <h2 id="rt">{lang.t("About to return to the pool", "即将退回公海")}" "<span class="count">{returning_count}</span></h2>
                <ul class="rows">{returning}</ul>
            </section>
        })}
        {(stalled_count > 0).then(|| view! {
            <section aria-labelledby="st">
                <h2 id="st">{lang.t("Stalled deals", "停滞的商机")}" "<span class="count">{stalled_count}</span></h2>
                <ul class="rows">{stalled}</ul>
            </section>
        })}
        <section aria-labelledby="tk">
            <h2 id="tk">{lang.t("Tasks due", "到期任务")}" "<span class="count">{task_count}</span></h2>
            {if task_count == 0 {
                view! { <p class="empty">{lang.t("No tasks due.", "暂无到期任务。")}</p> }.into_any()
            } else {
                view! { <ul class="rows">{tasks}</ul> }.into_any()
            }}
        </section>
    }
}
