//! The customer page's timeline: follow-ups, stage moves, tasks, owner changes and
//! tickets, newest first, paged by a keyset cursor.
use crate::api::customer_timeline;
use crate::domain::pipeline::Stage;
use crate::format::{money, short_time};
use crate::i18n::Lang;
use crate::model::{ActivityKind, TimelineItem};
use crate::use_lang;
use leptos::prelude::*;

/// The timeline, with "More" appending older entries.
#[component]
pub fn Timeline(customer_id: i64, first: crate::model::Page<TimelineItem>) -> impl IntoView {
    let lang = use_lang();
    let (items, set_items) = signal(first.items);
    let (cursor, set_cursor) = signal(first.next_cursor);
    let (loading, set_loading) = signal(false);
    let more = move |_| {
        let Some(c) = cursor.get_untracked() else {
            return;
        };
        set_loading.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(page) = customer_timeline(customer_id, c).await {
                set_items.update(|v| v.extend(page.items));
                set_cursor.set(page.next_cursor);
            }
            set_loading.set(false);
        });
    };
    view! {
        <ul class="rows" data-testid="timeline">
            {move || items.get().into_iter().map(|t| timeline_row(lang, t)).collect::<Vec<_>>()}
        </ul>
        {move || cursor.get().is_some().then(|| view! {
            <button type="button" class="button more" on:click=more disabled=loading>
                {lang.t("Older entries", "更早的记录")}
            </button>
        })}
    }
}

fn timeline_row(lang: Lang, t: TimelineItem) -> impl IntoView {
    let who = t.user_name.clone().unwrap_or_default();
    let amount = t.amount_minor.map(money).unwrap_or_default();
    let (icon, text) = match t.kind.as_str() {
        "activity" => (
            "✎",
            format!(
                "{} · {}",
                ActivityKind::parse(&t.title)
                    .map(|k| k.label(lang))
                    .unwrap_or("—"),
                t.detail.clone().unwrap_or_default()
            ),
        ),
        "stage" => (
            "📈",
            format!(
                "{} → {}",
                t.detail.clone().unwrap_or_default(),
                Stage::parse(&t.title)
                    .map(|s| s.label(lang).to_string())
                    .unwrap_or_else(|| t.title.clone())
            ),
        ),
        "task" => (
            "☐",
            format!(
                "{}{}",
                lang.t("Task: ", "任务:"),
                t.detail.clone().unwrap_or_default()
            ),
        ),
        "task_done" => (
            "✓",
            format!(
                "{}{}",
                lang.t("Task done: ", "任务完成:"),
                t.detail.clone().unwrap_or_default()
            ),
        ),
        "ticket" => (
            "🎧",
            format!(
                "{}{}",
                lang.t("Ticket: ", "工单:"),
                t.detail.clone().unwrap_or_default()
            ),
        ),
        "survey" => {
            let (kind, score) = t.title.split_once(':').unwrap_or(("csat", "?"));
            let of = if kind == "nps" { 10 } else { 5 };
            let said = t
                .detail
                .clone()
                .map(|c| format!(": {c}"))
                .unwrap_or_default();
            (
                "☆",
                format!(
                    "{} {score}/{of}{said}",
                    if kind == "nps" {
                        lang.t("NPS", "NPS 推荐度")
                    } else {
                        lang.t("Satisfaction", "满意度")
                    }
                ),
            )
        }
        "contract" => (
            "📄",
            format!("{} {amount}", lang.t("Contract requested", "提交合同")),
        ),
        "payment" => (
            "💴",
            format!(
                "{} {amount}{}",
                lang.t("Payment received", "收到回款"),
                t.detail
                    .clone()
                    .map(|r| format!(" · {r}"))
                    .unwrap_or_default()
            ),
        ),
        "contract_decided" => (
            "📄",
            format!(
                "{} {amount}",
                if t.title == "approved" {
                    lang.t("Contract approved", "合同已批准")
                } else {
                    lang.t("Contract rejected", "合同被驳回")
                }
            ),
        ),
        _ => {
            let reason = t
                .detail
                .clone()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let what = match t.title.as_str() {
                "claim" => lang.t("Claimed from the pool by", "领取自公海:"),
                "release" => lang.t("Returned to the pool by", "退回公海:"),
                "assign" => lang.t("Assigned to", "分配给"),
                _ => lang.t("Reclaimed to the pool from", "自动收回公海,原负责人"),
            };
            ("👤", format!("{what} {who}{reason}"))
        }
    };
    let by = if t.kind == "owner" {
        String::new()
    } else {
        format!(" · {who}")
    };
    // A visit's check-in: the place, opening on a map.
    let place = match (t.latitude, t.longitude) {
        (Some(lat), Some(lon)) => Some(view! {
            <a
                class="checkin"
                data-testid="checkin"
                href=format!("https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}")
                target="_blank"
                rel="noopener"
            >
                {format!("📍 {} {lat:.4}, {lon:.4}", lang.t("Checked in at", "签到位置"))}
            </a>
        }),
        _ => None,
    };
    view! {
        <li class="row" data-kind=t.kind.clone()>
            <span class="icon" aria-hidden="true">{icon}</span>
            <div class="main">
                <span class="title">{text}</span>
                <span class="meta">{short_time(t.at)}{by}</span>
                {place}
                {(t.kind == "ticket").then(|| view! {
                    <a class="ticket-link" href=format!("/tickets/{}", t.id)>{lang.t("Open the ticket", "打开工单")}</a>
                })}
            </div>
        </li>
    }
}
