//! The alert centre: unread first, filter by kind, mark read, open the record.
use crate::api::{list_alerts, ReadAlert, ReadAllAlerts};
use crate::components::live::Live;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::domain::alerts::AlertKind;
use crate::format::short_time;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let kind = move || query.with(|m| m.get("kind").filter(|k| !k.is_empty()));
    let cursor = move || query.with(|m| m.get("cursor"));
    let live = use_context::<Live>().unwrap_or_default();
    let read = ServerAction::<ReadAlert>::new();
    let read_all = ServerAction::<ReadAllAlerts>::new();
    let alerts = crate::page_data::page_resource(
        move || {
            (
                kind(),
                cursor(),
                live.changes.get(),
                read.version().get() + read_all.version().get(),
            )
        },
        |(kind, cursor, _, _)| list_alerts(kind, cursor),
    );
    let initial_kind = kind();
    // Offer the system notifications once the page runs in a browser that can ask.
    let (can_ask, set_can_ask) = signal(false);
    Effect::new(move |_| {
        set_can_ask
            .set(web_sys::Notification::permission() == web_sys::NotificationPermission::Default);
    });
    let ask = move |_| {
        let _ = web_sys::Notification::request_permission();
        set_can_ask.set(false);
    };
    view! {
        <PageTitle text=lang.t("Alerts · Tandem", "提醒 · Tandem")/>
        <h1>{lang.t("Alerts", "提醒")}</h1>
        <div class="toolbar">
            <form method="get" action="/alerts" class="inline-form">
                <label for="alert-kind">{lang.t("Kind", "类型")}</label>
                <select id="alert-kind" name="kind">
                    <option value="">{lang.t("All kinds", "全部类型")}</option>
                    {AlertKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=initial_kind.as_deref() == Some(k.as_str())>{k.label(lang)}</option>
                    }).collect::<Vec<_>>()}
                </select>
                <button type="submit">{lang.t("Show", "筛选")}</button>
            </form>
            {move || can_ask.get().then(|| view! {
                <button type="button" on:click=ask>{lang.t("Notify me on this device", "在此设备上通知我")}</button>
            })}
            <ActionForm action=read_all attr:class="inline">
                <button type="submit" data-testid="read-all">{lang.t("Mark all read", "全部标为已读")}</button>
            </ActionForm>
        </div>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match alerts.await {
                    Ok(page) => {
                        let next = page.next_cursor.map(|c| {
                            let mut href = format!("/alerts?cursor={c}");
                            if let Some(k) = kind() {
                                href.push_str(&format!("&kind={k}"));
                            }
                            view! { <a class="button more" href=href>{lang.t("More", "更多")}</a> }
                        });
                        if page.items.is_empty() {
                            return view! { <p class="empty">{lang.t("No alerts.", "暂无提醒。")}</p> }.into_any();
                        }
                        view! {
                            <ul class="rows" data-testid="alert-list">
                                {page.items.into_iter().map(|a| {
                                    let unread = a.read_at.is_none();
                                    let label = format!("{} {}", lang.t("Mark read:", "标为已读:"), a.title);
                                    view! {
                                        <li class="row alert" class:unread=unread data-alert=a.id>
                                            <a class="main" href=a.href()>
                                                <span class="title">{a.title.clone()}</span>
                                                <span class="meta">{a.kind.label(lang)}" · "{a.body.clone()}" · "{short_time(a.created_at)}</span>
                                            </a>
                                            {unread.then(|| view! {
                                                <ActionForm action=read attr:class="inline">
                                                    <input type="hidden" name="id" value=a.id/>
                                                    <button type="submit" class="action done" aria-label=label>"✓"</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect::<Vec<_>>()}
                            </ul>
                            {next}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
