//! Tickets as the desk and the customer page show them: the SLA clock badge and the
//! rows of a ticket list, each a link to its ticket.
use crate::domain::sla::ClockState;
use crate::format::{relative, short_time};
use crate::i18n::Lang;
use crate::model::{SlaClock, Ticket};
use crate::use_lang;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The clock a ticket is worked by now: the first response until it is given, then the
/// sooner of the next response (while the customer waits) and the resolution — the order
/// the queue sorts by.
pub fn next_clock(t: &Ticket) -> SlaClock {
    if t.first_responded_at.is_none() {
        return t.first_response;
    }
    match (t.next_response, t.resolution.due_at) {
        (Some(next), Some(resolution)) if next.due_at.is_some_and(|d| d < resolution) => next,
        (Some(next), None) => next,
        _ => t.resolution,
    }
}

/// A clock in words: "in 1 h 20 min", "2 h 5 min overdue", "paused", "met".
pub fn clock_text(lang: Lang, c: SlaClock, now: DateTime<Utc>) -> String {
    match (c.state, c.due_at) {
        (ClockState::Paused, _) => lang.t("paused", "已暂停").to_string(),
        (ClockState::Met, _) => lang.t("met", "已达成").to_string(),
        (_, Some(due)) => format!("{} · {}", relative(lang, due, now), short_time(due)),
        (_, None) => String::new(),
    }
}

/// A clock as a badge, coloured by how it stands.
#[component]
pub fn SlaBadge(clock: SlaClock, now: DateTime<Utc>) -> impl IntoView {
    let lang = use_lang();
    let state = match clock.state {
        ClockState::Running => "running",
        ClockState::Paused => "paused",
        ClockState::Met => "met",
        ClockState::Breached => "breached",
    };
    view! { <span class=format!("sla sla-{state}") data-sla=state>{clock_text(lang, clock, now)}</span> }
}

/// A list of tickets; the row at `selected` (the keyboard's) is marked.
#[component]
pub fn TicketRows(
    tickets: Vec<Ticket>,
    now: DateTime<Utc>,
    #[prop(optional)] selected: Option<Signal<usize>>,
) -> impl IntoView {
    let lang = use_lang();
    if tickets.is_empty() {
        return view! { <p class="empty" data-testid="no-tickets">{lang.t("No tickets here.", "这里没有工单。")}</p> }
            .into_any();
    }
    view! {
        <table class="grid tickets">
            <thead><tr>
                <th scope="col">{lang.t("SLA", "SLA")}</th>
                <th scope="col">{lang.t("Priority", "优先级")}</th>
                <th scope="col">{lang.t("Subject", "主题")}</th>
                <th scope="col">{lang.t("Customer", "客户")}</th>
                <th scope="col">{lang.t("Status", "状态")}</th>
                <th scope="col">{lang.t("Assignee", "处理人")}</th>
            </tr></thead>
            <tbody>
                {tickets.into_iter().enumerate().map(|(i, t)| {
                    let clock = next_clock(&t);
                    let breached = clock.state == ClockState::Breached;
                    let is_selected = move || selected.is_some_and(|s| s.get() == i);
                    view! {
                        <tr class:breached=breached class:selected=is_selected
                            aria-selected=move || is_selected().then_some("true") data-ticket=t.id>
                            <td><SlaBadge clock now/></td>
                            <td><span class=format!("pill p-{}", t.priority)>{t.priority.label(lang)}</span></td>
                            <td><a href=format!("/tickets/{}", t.id)>{format!("#{} ", t.id)}{t.subject.clone()}</a></td>
                            <td>{t.customer_name.clone().unwrap_or_default()}</td>
                            <td>{t.status.label(lang)}</td>
                            <td>{t.assignee_name.clone().unwrap_or_else(|| lang.t("nobody", "未分配").to_string())}</td>
                        </tr>
                    }
                }).collect::<Vec<_>>()}
            </tbody>
        </table>
    }.into_any()
}
