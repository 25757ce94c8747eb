//! A ticket at the desk: the conversation (public replies and internal notes, told apart),
//! the reply box, the ticket's status, priority, category and assignee, and beside it the
//! customer's contacts, owner, open deals, latest follow-ups and other tickets. Keys: r
//! reply, n note, a assign, ? the list.
use crate::api::{answer_ticket, get_ticket, MergeTicket, WorkTicket};
use crate::components::article_finder::ArticleFinder;
use crate::components::shortcuts::{focus, use_shortcuts, ShortcutHelp};
use crate::components::tickets::{SlaBadge, TicketRows};
use crate::components::PageTitle;
use crate::components::{choice_options, ErrorNote, Loading};
use crate::error::AppError;
use crate::format::{money, short_time};
use crate::model::{
    CustomerBeside, TicketCategory, TicketDetail, TicketMessage, TicketPage as TicketPageView,
    TicketPriority, TicketStatus,
};
use crate::use_lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    // The reply box is sent whole, files and all, as the form it is in the page.
    let reply_form = NodeRef::<leptos::html::Form>::new();
    let answer: Answer = Action::new(move |_: &()| {
        let data = reply_form.get_untracked().and_then(|form| {
            web_sys::FormData::new_with_form(&form)
                .ok()
                .map(server_fn::codec::MultipartData::from)
        });
        async move {
            match data {
                Some(data) => answer_ticket(data).await,
                None => Err(AppError::Transport(
                    "the reply form is not on the page".into(),
                )),
            }
        }
    });
    let work = ServerAction::<WorkTicket>::new();
    let merge = ServerAction::<MergeTicket>::new();
    let internal = RwSignal::new(false);
    let help = RwSignal::new(false);
    let page = crate::page_data::page_resource(
        move || {
            (
                id(),
                answer.version().get(),
                work.version().get() + merge.version().get(),
            )
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_ticket(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    use_shortcuts(move |key| match key {
        "r" => {
            internal.set(false);
            focus("reply-body");
        }
        "n" => {
            internal.set(true);
            focus("reply-body");
        }
        "a" => focus("ticket-assignee"),
        "?" => help.update(|h| *h = !*h),
        "Escape" => help.set(false),
        _ => {}
    });
    let action_error = move || {
        answer
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| work.value().get().and_then(|r| r.err()))
            .or_else(|| merge.value().get().and_then(|r| r.err()))
    };
    view! {
        <ShortcutHelp open=help keys=vec![
            ("r", "Reply to the customer", "回复客户"),
            ("n", "Add an internal note", "添加内部备注"),
            ("a", "Assign", "分配"),
            ("?", "Show or hide these keys", "显示或隐藏快捷键"),
        ]/>
        {move || action_error().map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <TicketView p internal answer reply_form work merge/> }.into_any(),
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                            resp.set_status(match e {
                                AppError::NotFound => http::StatusCode::NOT_FOUND,
                                AppError::Forbidden => http::StatusCode::FORBIDDEN,
                                AppError::Unauthenticated => http::StatusCode::UNAUTHORIZED,
                                _ => http::StatusCode::INTERNAL_SERVER_ERROR,
                            });
                        }
                        view! { <ErrorNote error=e/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Sends the reply box (a public reply or a note, with its files).
type Answer = Action<(), Result<TicketDetail, AppError>>;

#[component]
fn TicketView(
    p: TicketPageView,
    internal: RwSignal<bool>,
    answer: Answer,
    reply_form: NodeRef<leptos::html::Form>,
    work: ServerAction<WorkTicket>,
    merge: ServerAction<MergeTicket>,
) -> impl IntoView {
    let lang = use_lang();
    let t = p.detail.ticket;
    let now = p.now;
    let title = format!("#{} {}", t.id, t.subject);
    let messages = p
        .detail
        .messages
        .into_iter()
        .map(|m| view! { <Message m/> })
        .collect::<Vec<_>>();
    let body_ref = NodeRef::<leptos::html::Textarea>::new();
    let canned = p.canned;
    // A canned reply, filled in for this ticket, replaces what is in the box (no name: it
    // is not part of the form).
    let pick_canned = {
        let canned = canned.clone();
        move |e: leptos::ev::Event| {
            let chosen = event_target_value(&e)
                .parse::<usize>()
                .ok()
                .and_then(|i| canned.get(i));
            if let (Some(reply), Some(el)) = (chosen, body_ref.get()) {
                el.set_value(&reply.body);
                let _ = el.focus();
            }
        }
    };
    let canned_picker = (p.can_work && !canned.is_empty()).then(|| view! {
        <label for="canned-reply">{lang.t("Canned reply", "快捷回复")}</label>
        <select id="canned-reply" on:change=pick_canned>
            <option value="">{lang.t("Choose one to fill in…", "选择一条填入…")}</option>
            {canned.iter().enumerate().map(|(i, r)| view! { <option value=i.to_string()>{r.title.clone()}</option> }).collect::<Vec<_>>()}
        </select>
    });
    let reply = p.can_work.then(|| view! {
        <form class="stack reply" node_ref=reply_form method="post" action="/sfn/answer_ticket" enctype="multipart/form-data"
            on:submit=move |e| {
                e.prevent_default();
                answer.dispatch(());
            }>
            <input type="hidden" name="id" value=t.id/>
            {canned_picker}
            <ArticleFinder reply=body_ref/>
            <label for="reply-body">
                {move || if internal.get() { lang.t("Internal note (only the team sees it)", "内部备注（仅团队可见）") } else { lang.t("Reply to the customer", "回复客户") }}
            </label>
            <textarea id="reply-body" name="body" rows="4" required node_ref=body_ref class:note=move || internal.get()></textarea>
            <label for="reply-files">{lang.t("Attach files (up to 10 MB each)", "添加附件（每个最大 10 MB）")}</label>
            <input type="file" id="reply-files" name="files" multiple/>
            <label class="check">
                <input type="checkbox" name="internal" value="on" prop:checked=move || internal.get()
                    on:change=move |e| internal.set(event_target_checked(&e))/>
                {lang.t("Internal note", "内部备注")}
            </label>
            <button type="submit" class="primary" disabled=move || answer.pending().get()>
                {move || if internal.get() { lang.t("Add note", "添加备注") } else { lang.t("Send reply", "发送回复") }}
            </button>
        </form>
    }.into_any());
    let assignee = t.assignee_id;
    let team = t.team_id;
    let controls = p.can_work.then(|| view! {
        <ActionForm action=work attr:class="stack work">
            <input type="hidden" name="id" value=t.id/>
            <input type="hidden" name="version" value=t.version/>
            <label for="ticket-status">{lang.t("Status", "状态")}</label>
            <select id="ticket-status" name="status">
                {choice_options(lang, TicketStatus::label, Some(t.status))}
            </select>
            <label for="ticket-priority">{lang.t("Priority", "优先级")}</label>
            <select id="ticket-priority" name="priority">
                {choice_options(lang, TicketPriority::label, Some(t.priority))}
            </select>
            <label for="ticket-category">{lang.t("Category", "类别")}</label>
            <select id="ticket-category" name="category">
                {choice_options(lang, TicketCategory::label, Some(t.category))}
            </select>
            <label for="ticket-assignee">{lang.t("Assignee", "处理人")}</label>
            <select id="ticket-assignee" name="assignee_id">
                <option value="" selected=assignee.is_none()>{lang.t("Nobody (queue)", "未分配（队列）")}</option>
                {p.assignable.iter().map(|a| view! { <option value=a.id selected=assignee == Some(a.id)>{a.name.clone()}</option> }).collect::<Vec<_>>()}
            </select>
            <label for="ticket-team">{lang.t("Team", "团队")}</label>
            <select id="ticket-team" name="team_id">
                <option value="" selected=team.is_none()>{lang.t("No team", "无团队")}</option>
                {p.teams.iter().map(|a| view! { <option value=a.id selected=team == Some(a.id)>{a.name.clone()}</option> }).collect::<Vec<_>>()}
            </select>
            <button type="submit">{lang.t("Save", "保存")}</button>
        </ActionForm>
    }.into_any());
    // A duplicate goes into another ticket (not once it is closed or merged).
    let merge_form = (p.can_work && t.status != TicketStatus::Closed).then(|| view! {
        <details class="merge">
            <summary>{lang.t("Merge into another ticket", "合并到其他工单")}</summary>
            <ActionForm action=merge attr:class="stack">
                <input type="hidden" name="id" value=t.id/>
                <input type="hidden" name="version" value=t.version/>
                <label for="merge-into">{lang.t("Ticket number", "工单号")}</label>
                <input id="merge-into" name="into" inputmode="numeric" required placeholder="#123"/>
                <button type="submit">{lang.t("Merge", "合并")}</button>
            </ActionForm>
        </details>
    });
    let merged = t.merged_into_id.map(|into| {
        view! {
            <p class="merged" data-testid="merged-into">
                {lang.t("Merged into ", "已合并到 ")}
                <a href=format!("/tickets/{into}")>{format!("#{into}")}</a>
            </p>
        }
    });
    view! {
        <PageTitle text=format!("{title} · Tandem")/>
        <div class="ticket-layout">
            <article class="ticket" aria-labelledby="ticket-title">
                <h1 id="ticket-title">{title}</h1>
                <p class="meta">
                    <span class=format!("pill p-{}", t.priority)>{t.priority.label(lang)}</span>" "
                    <span class="pill" data-status=t.status.as_str()>{t.status.label(lang)}</span>" "
                    {t.category.label(lang)}" · "{t.assignee_name.clone().unwrap_or_else(|| lang.t("nobody", "未分配").to_string())}
                </p>
                <dl class="clocks">
                    <div><dt>{lang.t("First response", "首次响应")}</dt><dd><SlaBadge clock=t.first_response now/></dd></div>
                    {t.next_response.map(|c| view! {
                        <div data-testid="next-response"><dt>{lang.t("Next response", "下次回复")}</dt><dd><SlaBadge clock=c now/></dd></div>
                    })}
                    <div><dt>{lang.t("Resolution", "解决")}</dt><dd><SlaBadge clock=t.resolution now/></dd></div>
                    {t.csat.map(|score| view! {
                        <div data-testid="csat">
                            <dt>{lang.t("Customer satisfaction", "客户满意度")}</dt>
                            <dd class:low=crate::domain::surveys::is_low_csat(score)>{format!("{score} / 5")}</dd>
                        </div>
                    })}
                </dl>
                <ol class="conversation" aria-label=lang.t("Conversation", "对话")>{messages}</ol>
                {reply}
            </article>
            <aside class="beside" aria-label=lang.t("Ticket and customer", "工单与客户")>
                {merged}
                {controls}
                {merge_form}
                {p.customer.map(|c| view! { <Beside c now/> })}
            </aside>
        </div>
    }
}

#[component]
fn Message(m: TicketMessage) -> impl IntoView {
    let lang = use_lang();
    let who = match (&m.author_name, m.author_id) {
        (Some(n), _) => n.clone(),
        (None, None) => lang.t("Customer", "客户").to_string(),
        (None, Some(_)) => String::new(),
    };
    let kind = if m.internal {
        "note"
    } else if m.author_id.is_none() {
        "customer"
    } else {
        "reply"
    };
    view! {
        <li class=format!("message {kind}") data-kind=kind>
            <p class="meta">
                <strong>{who}</strong>" · "{short_time(m.created_at)}
                {m.internal.then(|| view! { " · "<span class="badge">{lang.t("Internal note", "内部备注")}</span> })}
            </p>
            <p class="body">{m.body}</p>
            {(!m.attachments.is_empty()).then(|| view! {
                <ul class="attachments" aria-label=lang.t("Attachments", "附件")>
                    {m.attachments.into_iter().map(|a| view! {
                        <li><a href=a.href() download=a.file_name.clone()>{a.file_name.clone()}</a>
                            " "<span class="muted">{crate::format::file_size(a.size_bytes)}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {m.delivery.map(|d| {
                let state = if d.delivered() { "sent" } else if d.last_error.is_some() { "failing" } else { "queued" };
                view! { <p class="delivery" data-delivery=state>{d.status_text(lang)}</p> }
            })}
        </li>
    }
}

/// The customer beside the ticket: the whole story at a glance.
#[component]
fn Beside(c: CustomerBeside, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let lang = use_lang();
    let customer = c.customer;
    let owner = customer
        .owner_name
        .clone()
        .unwrap_or_else(|| lang.t("Public pool", "公海").to_string());
    view! {
        <section class="card" aria-labelledby="beside-customer">
            <h2 id="beside-customer"><a href=format!("/customers/{}", customer.id)>{customer.name.clone()}</a></h2>
            <p class="meta">{lang.t("Owner: ", "负责人：")}{owner}" · "{customer.level.as_str()}</p>
            <h3>{lang.t("Contacts", "联系人")}</h3>
            <ul class="plain">
                {c.contacts.iter().map(|k| view! {
                    <li>{k.name.clone()}" "<span class="meta">{k.title.clone().unwrap_or_default()}" "{k.phone.clone().unwrap_or_default()}" "{k.email.clone().unwrap_or_default()}</span></li>
                }).collect::<Vec<_>>()}
            </ul>
            <h3>{lang.t("Open deals", "进行中的商机")}</h3>
            <ul class="plain">
                {c.open_deals.iter().map(|o| view! {
                    <li>{o.name.clone()}" "<span class="meta">{o.stage.label(lang)}" · "{o.amount_minor.map(money).unwrap_or_else(|| "—".into())}</span></li>
                }).collect::<Vec<_>>()}
            </ul>
            <h3>{lang.t("Latest follow-ups", "最近跟进")}</h3>
            <ul class="plain">
                {c.follow_ups.iter().map(|i| view! {
                    <li><span class="meta">{short_time(i.at)}</span>" "{i.detail.clone().unwrap_or_default()}</li>
                }).collect::<Vec<_>>()}
            </ul>
            <h3>{lang.t("Other tickets", "其他工单")}</h3>
            <TicketRows tickets=c.other_tickets now/>
        </section>
    }
}
