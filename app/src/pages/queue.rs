//! The agent's home: the ticket queue, one view at a time (mine, unassigned, the team's,
//! all open, breached, waiting on the customer), by the next SLA deadline, and the
//! agent's away switch. Keyboard first: j/k
//! move, Enter opens, c logs a call, ? lists the keys.
use crate::api::{get_queue, LogTicket, SetAvailability};
use crate::components::shortcuts::{focus, use_shortcuts, ShortcutHelp};
use crate::components::tickets::TicketRows;
use crate::components::PageTitle;
use crate::components::{choice_options, ErrorNote, Loading};
use crate::model::{TicketCategory, TicketChannel, TicketNarrow, TicketPriority, TicketView};
use crate::use_lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let view_param = move || query.with(|q| q.get("view"));
    let cursor = move || query.with(|q| q.get("cursor"));
    // The narrowing: one priority, category or channel.
    let narrow = move || query.with(|q| (q.get("priority"), q.get("category"), q.get("channel")));
    let customer = move || query.with(|q| q.get("customer")).unwrap_or_default();
    let log = ServerAction::<LogTicket>::new();
    let availability = ServerAction::<SetAvailability>::new();
    // A ticket that comes in (by mail, form or another agent) shows without a reload: the
    // live connection bumps `changes` and the queue reads itself again.
    let live = use_context::<crate::components::live::Live>();
    let queue = crate::page_data::page_resource(
        move || {
            let changes = live.map(|l| l.changes.get());
            let saved = (log.version().get(), availability.version().get());
            (view_param(), cursor(), narrow(), saved, changes)
        },
        |(view, cursor, (priority, category, channel), _, _)| {
            get_queue(view, cursor, priority, category, channel)
        },
    );
    let selected = RwSignal::new(0usize);
    // Made here, not inside the list's render: the rows outlive a re-render of the list.
    let selected_row: Signal<usize> = selected.into();
    let help = RwSignal::new(false);
    let ids = RwSignal::new(Vec::<i64>::new());
    let navigate = use_navigate();
    use_shortcuts(move |key| match key {
        "j" => selected
            .update(|s| *s = (*s + 1).min(ids.with_untracked(|i| i.len().saturating_sub(1)))),
        "k" => selected.update(|s| *s = s.saturating_sub(1)),
        "Enter" => {
            if let Some(id) = ids.with_untracked(|i| i.get(selected.get_untracked()).copied()) {
                navigate(&format!("/tickets/{id}"), Default::default());
            }
        }
        "c" => focus("log-subject"),
        "?" => help.update(|h| *h = !*h),
        "Escape" => help.set(false),
        _ => {}
    });
    let created = move || log.value().get().and_then(|r| r.ok());
    view! {
        <PageTitle text=lang.t("Ticket queue · Tandem", "工单队列 · Tandem")/>
        <h1>{lang.t("Ticket queue", "工单队列")}</h1>
        <ShortcutHelp open=help keys=vec![
            ("j / k", "Next / previous ticket", "下一个 / 上一个工单"),
            ("Enter", "Open the ticket", "打开工单"),
            ("c", "Log a call", "登记来电"),
            ("r / n / a", "On a ticket: reply, note, assign", "工单内：回复、备注、分配"),
            ("?", "Show or hide these keys", "显示或隐藏快捷键"),
        ]/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) => {
                        // The keyboard's row stays on its ticket when the queue reads
                        // itself again (a ticket came in above it); a new view starts at the top.
                        let before = ids.with_untracked(|i| i.get(selected.get_untracked()).copied());
                        let now_ids: Vec<i64> = q.page.items.iter().map(|t| t.id).collect();
                        selected.set(before.and_then(|id| now_ids.iter().position(|i| *i == id)).unwrap_or(0));
                        ids.set(now_ids);
                        let current = q.view;
                        let narrowed = q.narrow.query();
                        let next = q.page.next_cursor.clone().map(|c| view! {
                            <a class="button more" href=format!("/queue?view={}{narrowed}&cursor={c}", q.view)>{lang.t("More", "更多")}</a>
                        });
                        let filters = view! { <QueueFilters view=current narrow=q.narrow/> };
                        let away = q.away.map(|away| view! {
                            <ActionForm action=availability attr:class="availability">
                                <input type="hidden" name="away" value=(!away).to_string()/>
                                <span role="status">{if away {
                                    lang.t("You are away: no new tickets are routed to you.", "您已设为离开：不会再给您分配新工单。")
                                } else {
                                    lang.t("You are at the desk: new tickets are routed to you.", "您在岗：新工单会分配给您。")
                                }}</span>
                                <button type="submit">{if away { lang.t("I'm back", "我回来了") } else { lang.t("I'm away", "我要离开") }}</button>
                            </ActionForm>
                        });
                        view! {
                            {away}
                            <nav class="tabs" aria-label=lang.t("Queue views", "队列视图")>
                                {TicketView::TABS.iter().map(|v| {
                                    let here = *v == current;
                                    view! { <a href=format!("/queue?view={v}{}", q.narrow.query()) aria-current=here.then_some("page")>{v.label(lang)}</a> }
                                }).collect::<Vec<_>>()}
                            </nav>
                            {filters}
                            <section aria-labelledby="queue-view">
                                <h2 id="queue-view">{q.view.label(lang)}" "<span class="count">{q.page.items.len()}</span></h2>
                                <TicketRows tickets=q.page.items now=q.now selected=selected_row/>
                                {next}
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
        <section aria-labelledby="log-call" class="card">
            <h2 id="log-call">{lang.t("Log a call", "登记来电")}</h2>
            {move || log.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
            {move || created().map(|t| view! {
                <p class="notice" role="status">
                    {lang.t("Ticket logged: ", "已登记工单：")}
                    <a href=format!("/tickets/{}", t.id)>{format!("#{} {}", t.id, t.subject)}</a>
                </p>
            })}
            <ActionForm action=log attr:class="stack">
                <input type="hidden" name="customer_id" prop:value=customer/>
                <input type="hidden" name="channel" value=TicketChannel::Phone.as_str()/>
                <label for="log-subject">{lang.t("Subject", "主题")}</label>
                <input id="log-subject" name="subject" required maxlength="200" autocomplete="off"/>
                <label for="log-body">{lang.t("What the customer said", "客户反映的问题")}</label>
                <textarea id="log-body" name="body" rows="3"></textarea>
                <div class="row">
                    <label>{lang.t("Priority", "优先级")}" "
                        <select name="priority">
                            {TicketPriority::ALL.iter().map(|p| view! {
                                <option value=p.as_str() selected=*p == TicketPriority::Normal>{p.label(lang)}</option>
                            }).collect::<Vec<_>>()}
                        </select>
                    </label>
                    <label>{lang.t("Category", "类别")}" "
                        <select name="category">
                            {TicketCategory::ALL.iter().map(|c| view! {
                                <option value=c.as_str() selected=*c == TicketCategory::Inquiry>{c.label(lang)}</option>
                            }).collect::<Vec<_>>()}
                        </select>
                    </label>
                </div>
                {move || (!customer().is_empty()).then(|| view! {
                    <p class="hint">{lang.t("For customer #", "客户 #")}{customer()}</p>
                })}
                <button type="submit">{lang.t("Log the call", "登记")}</button>
            </ActionForm>
        </section>
    }
}

/// Narrows the view to one priority, category or channel (a plain GET form: the choice is
/// in the address, so a narrowed queue can be bookmarked and shared).
#[component]
fn QueueFilters(view: TicketView, narrow: TicketNarrow) -> impl IntoView {
    let lang = use_lang();
    let any = lang.t("Any", "全部");
    view! {
        <form method="get" action="/queue" class="filters" aria-label=lang.t("Narrow the queue", "筛选队列")>
            <input type="hidden" name="view" value=view.as_str()/>
            <label>{lang.t("Priority", "优先级")}" "
                <select name="priority">
                    <option value="">{any}</option>
                    {choice_options(lang, TicketPriority::label, narrow.priority)}
                </select>
            </label>
            <label>{lang.t("Category", "类别")}" "
                <select name="category">
                    <option value="">{any}</option>
                    {choice_options(lang, TicketCategory::label, narrow.category)}
                </select>
            </label>
            <label>{lang.t("Channel", "渠道")}" "
                <select name="channel">
                    <option value="">{any}</option>
                    {choice_options(lang, TicketChannel::label, narrow.channel)}
                </select>
            </label>
            <button type="submit">{lang.t("Filter", "筛选")}</button>
        </form>
    }
}
