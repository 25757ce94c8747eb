//! The agent's ticket queue, ordered by the next SLA deadline.
use crate::api::get_queue;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::format::{relative, short_time};
use crate::i18n::Lang;
use crate::model::QueueRow;
use crate::use_lang;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

fn table(lang: Lang, rows: Vec<QueueRow>, now: DateTime<Utc>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">{lang.t("No open tickets.", "没有未处理的工单。")}</p> }
            .into_any();
    }
    view! {
        <table class="grid">
            <thead><tr>
                <th scope="col">{lang.t("SLA due", "SLA 截止")}</th>
                <th scope="col">{lang.t("Priority", "优先级")}</th>
                <th scope="col">{lang.t("Subject", "主题")}</th>
                <th scope="col">{lang.t("Customer", "客户")}</th>
                <th scope="col">{lang.t("Status", "状态")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let due = r.due_at.map(|d| format!("{} ({})", short_time(d), relative(lang, d, now))).unwrap_or_default();
                    let customer = r.customer_id.map(|id| view! { <a href=format!("/customers/{id}")>{r.customer_name.clone().unwrap_or_default()}</a> });
                    view! {
                        <tr class:breached=r.breached>
                            <td>{due}</td>
                            <td><span class=format!("pill p-{}", r.priority)>{r.priority.label(lang)}</span></td>
                            <td>{r.subject.clone()}</td>
                            <td>{customer}</td>
                            <td>{r.status.label(lang)}</td>
                        </tr>
                    }
                }).collect::<Vec<_>>()}
            </tbody>
        </table>
    }.into_any()
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = use_lang();
    let queue = Resource::new(|| (), |_| get_queue());
    view! {
        <PageTitle text=lang.t("Ticket queue · Tandem", "工单队列 · Tandem")/>
        <h1>{lang.t("Ticket queue", "工单队列")}</h1>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(v) => view! {
                        <section aria-labelledby="mine">
                            <h2 id="mine">{lang.t("Assigned to me", "分配给我的")}" "<span class="count">{v.mine.len()}</span></h2>
                            {table(lang, v.mine, v.now)}
                        </section>
                        <section aria-labelledby="unassigned">
                            <h2 id="unassigned">{lang.t("Unassigned", "未分配")}" "<span class="count">{v.unassigned.len()}</span></h2>
                            {table(lang, v.unassigned, v.now)}
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
