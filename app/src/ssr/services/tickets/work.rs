//! Writing tickets: logging one, moving and assigning it, and its conversation (the
//! desk's replies and notes, the customer's own replies by email).
use super::routing::{self, Routed};
use super::*;
use crate::domain::routing::TicketFacts;
use crate::ssr::services::mail_out::queue_reply;
use crate::ssr::services::surveys::ask_csat;
use crate::ssr::store::attachments::{self, NewAttachment};
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::ticket_messages::NewMessage;
use crate::ssr::store::tickets::Origin;
use sqlx::AnyConnection;

pub async fn create(state: &AppState, viewer: &Viewer, input: NewTicket) -> AppResult<Ticket> {
    create_from(state, viewer, input, Arrival::default()).await
}

/// How a ticket or a customer's words arrived, beyond what the input says: the address a
/// public form was posted from (its rate limit), the Message-ID of the email (its
/// threading, and that it is taken in once) and the files the email carried.
#[derive(Debug, Clone, Copy, Default)]
pub struct Arrival<'a> {
    pub client_ip: Option<&'a str>,
    pub email_message_id: Option<&'a str>,
    pub attachments: &'a [NewAttachment],
}

/// The customer's words join the conversation with the files they sent.
async fn add_customers_words(
    conn: &mut AnyConnection,
    id: i64,
    body: &str,
    arrival: Arrival<'_>,
    now_ms: i64,
) -> AppResult<()> {
    let said = NewMessage {
        author: None,
        body,
        internal: false,
        email_message_id: arrival.email_message_id,
    };
    let message = said::add_message(conn, id, &said, now_ms).await?;
    for file in arrival.attachments {
        attachments::insert(conn, (id, message), file, now_ms).await?;
    }
    Ok(())
}

/// `create`, remembering how the ticket arrived.
pub async fn create_from(
    state: &AppState,
    viewer: &Viewer,
    input: NewTicket,
    arrival: Arrival<'_>,
) -> AppResult<Ticket> {
    may_work(viewer)?;
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let subject = check.field("subject", required_text(&input.subject, 200));
    let body = check.field(
        "body",
        optional_long_text(input.body.as_deref().unwrap_or(""), 20_000),
    );
    let channel = picked(&mut check, "channel", &input.channel, TicketChannel::Phone);
    let category = picked(
        &mut check,
        "category",
        &input.category,
        TicketCategory::Inquiry,
    );
    let priority = picked(
        &mut check,
        "priority",
        &input.priority,
        TicketPriority::Normal,
    );
    let mut tx = state.db.begin().await?;
    crate::ssr::services::customers::check_visible(&mut tx, viewer, &mut check, input.customer_id)
        .await?;
    if let Some(k) = input.contact_id {
        let of_customer = contacts::get(&mut *tx, viewer, k, Access::Read)
            .await?
            .is_some_and(|c| input.customer_id.is_none_or(|want| want == c.customer_id));
        if !of_customer {
            check.fail("contact_id", "not a contact of this customer");
        }
    }
    check_assignee(&mut tx, &mut check, input.assignee_id).await?;
    check.finish()?;
    let customer_id = match (input.customer_id, input.contact_id) {
        (Some(c), _) => Some(c),
        (None, Some(k)) => contacts::get(&mut *tx, viewer, k, Access::Read)
            .await?
            .map(|c| c.customer_id),
        (None, None) => None,
    };
    // Nobody named: the routing rules pick the team and, round robin, the agent.
    let routed = match input.assignee_id {
        Some(_) => Routed::default(),
        None => {
            let facts = TicketFacts {
                category,
                priority,
                channel,
            };
            routing::route(&mut tx, facts).await?
        }
    };
    let rules = clock_rules(&mut tx).await?;
    let target = rules.sla.target(priority);
    let hours = rules.hours_for(routed.team_id);
    let ms = |d: Option<DateTime<Utc>>| d.map(|t| t.timestamp_millis());
    let id = store::insert(
        &mut tx,
        &TicketFields {
            subject: &subject,
            customer_id,
            contact_id: input.contact_id,
            channel,
            category,
            priority,
            status: TicketStatus::New,
            assignee_id: input.assignee_id.or(routed.assignee_id),
            team_id: routed.team_id,
            first_response_due_at: ms(hours.add(now, target.first_response_minutes)),
            resolution_due_at: ms(hours.add(now, target.resolution_minutes)),
            first_responded_at: None,
            awaiting_reply_since: None,
            next_response_due_at: None,
            resolved_at: None,
            closed_at: None,
            merged_into_id: None,
        },
        viewer.user_id,
        Origin {
            client_ip: arrival.client_ip,
            assignment_rule: routed.rule,
        },
        now_ms,
    )
    .await?;
    if let Some(body) = body {
        // What the customer said opens the conversation (the agent wrote it down).
        add_customers_words(&mut tx, id, &body, arrival, now_ms).await?;
    }
    let ticket = read(&mut tx, viewer, id, &rules, now).await?;
    let ticket = audited_new(
        &mut tx,
        viewer,
        (Entity::Ticket, Action::Created, id),
        ticket,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    announce_new_ticket(state).await;
    Ok(ticket)
}

/// Changes status, priority, category, subject or assignee. A move the lifecycle does not
/// allow is refused naming `status`; pending and resolved stop the resolution clock, and
/// leaving them starts it again where it stood.
pub async fn patch(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    p: TicketPatch,
) -> AppResult<Ticket> {
    may_work(viewer)?;
    let Opened {
        mut tx,
        rules,
        now,
        mut row,
        before,
    } = open_write(state, viewer, id, Some(p.version)).await?;
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let subject = match &p.subject {
        Some(s) => check.field("subject", required_text(s, 200)),
        None => row.subject.clone(),
    };
    let to = p.status.unwrap_or(row.status);
    if to != row.status && !can_move(row.status, to) {
        check.fail(
            "status",
            format!("a {} ticket cannot become {}", row.status, to),
        );
    }
    let assignee = p.assignee_id.unwrap_or(row.assignee_id);
    if assignee != row.assignee_id {
        check_assignee(&mut tx, &mut check, assignee).await?;
    }
    let team = p.team_id.unwrap_or(row.team_id);
    if team != row.team_id {
        check_team(&mut tx, &mut check, team).await?;
    }
    check.finish()?;
    move_status(&mut tx, &mut row, to, now_ms).await?;
    row.subject = subject;
    row.priority = p.priority.unwrap_or(row.priority);
    row.category = p.category.unwrap_or(row.category);
    row.assignee_id = assignee;
    row.team_id = team;
    let action = if assignee != before.assignee_id {
        Action::Assigned
    } else {
        Action::Updated
    };
    let saved = Save {
        row: &row,
        before: &before,
        action,
        actor: Some(viewer),
        reader: viewer,
    };
    let ticket = save_or_stale(&mut tx, saved, &rules, now).await?;
    if to == TicketStatus::Resolved && before.status != TicketStatus::Resolved {
        if let Some(contact) = reachable_contact(&mut tx, viewer, &row).await? {
            let about = (row.id, row.subject.as_str());
            let days = rules.sla.survey_link_days;
            ask_csat(&mut tx, state, viewer, about, &contact, days, now_ms).await?;
        }
    }
    tx.commit().await?;
    Ok(ticket)
}

/// Tells the sockets of everyone who works tickets that one came in, so open queues read
/// themselves again. Best effort: a queue that misses it shows the ticket on its next read.
async fn announce_new_ticket(state: &AppState) {
    let workers =
        users::active_with_roles(&state.db.read, crate::domain::scope::TICKET_WORKERS).await;
    if let Ok(workers) = workers {
        let ids: Vec<String> = workers.iter().map(|(id, _)| id.to_string()).collect();
        crate::ssr::services::alerts::announce(state, &format!("queue:{}", ids.join(","))).await;
    }
}

/// The customer's CSAT from their survey: on the ticket, audited as `ticket.rated` (with
/// the comment, the assignee and the customer, which the low-CSAT alert reads) by nobody
/// on Tandem's side.
pub async fn rated(
    conn: &mut AnyConnection,
    id: i64,
    score: i64,
    comment: Option<&str>,
    now_ms: i64,
) -> AppResult<()> {
    let row = store::get(&mut *conn, &desk_viewer(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::set_csat(&mut *conn, id, score, now_ms).await?;
    let before = serde_json::json!({ "csat": row.csat });
    let after = serde_json::json!({
        "subject": row.subject, "csat": score, "comment": comment,
        "assignee_id": row.assignee_id, "customer_id": row.customer_id,
    });
    let change = Change::new(Action::Rated, Entity::Ticket, id)
        .before(&before)
        .after(&after);
    audit::record(conn, None, change, now_ms).await?;
    Ok(())
}

/// Adds a public reply or an internal note, with the files the agent attached (a public
/// reply's go to the customer with its email). The first public reply meets the
/// first-response clock and opens a new ticket; a note changes no clock.
pub async fn add_message(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    m: NewTicketMessage,
    files: &[NewAttachment],
) -> AppResult<TicketDetail> {
    may_work(viewer)?;
    let body = required_long_text(&m.body, 20_000).map_err(|e| AppError::field("body", e))?;
    let Opened {
        mut tx,
        rules,
        now,
        mut row,
        before,
    } = open_write(state, viewer, id, None).await?;
    let now_ms = now.timestamp_millis();
    let written = NewMessage {
        author: Some(viewer.user_id),
        body: &body,
        internal: m.internal,
        email_message_id: None,
    };
    let message_id = said::add_message(&mut tx, id, &written, now_ms).await?;
    for file in files {
        attachments::insert(&mut tx, (id, message_id), file, now_ms).await?;
    }
    // A public reply goes to the ticket's contact by email, queued with the reply.
    if !m.internal {
        if let Some(to) = reachable_contact(&mut tx, viewer, &row).await? {
            let ticket = (row.id, row.subject.as_str());
            queue_reply(&mut tx, state, ticket, (message_id, &body), &to, now_ms).await?;
        }
    }
    let action = if m.internal {
        Action::Noted
    } else {
        Action::Replied
    };
    // A public reply answers: the first response, or a customer waiting for the next one.
    let answers = !m.internal
        && (row.first_responded_at.is_none()
            || row.status == TicketStatus::New
            || row.awaiting_reply_since.is_some());
    let ticket = if answers {
        row.first_responded_at = row.first_responded_at.or(Some(now_ms));
        row.awaiting_reply_since = None;
        if row.status == TicketStatus::New {
            move_status(&mut tx, &mut row, TicketStatus::Open, now_ms).await?;
        }
        let saved = Save {
            row: &row,
            before: &before,
            action,
            actor: Some(viewer),
            reader: viewer,
        };
        save_or_stale(&mut tx, saved, &rules, now).await?
    } else {
        // Nothing on the ticket itself changes: the message is audited on its own.
        let change = Versioned::new(Entity::Ticket, action, id, &before);
        let after = read(&mut tx, viewer, id, &rules, now).await?;
        audited(&mut tx, Some(viewer), change, after, now_ms).await?
    };
    let messages = conversation(&mut tx, id).await?;
    tx.commit().await?;
    Ok(TicketDetail { ticket, messages })
}

/// The ticket's contact if Tandem can write to them (they have an email address).
async fn reachable_contact(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    row: &TicketRow,
) -> AppResult<Option<Contact>> {
    let Some(id) = row.contact_id else {
        return Ok(None);
    };
    let contact = contacts::get(&mut *conn, viewer, id, Access::Read).await?;
    Ok(contact.filter(|c| c.email.is_some()))
}

/// The customer wrote again (a reply by email): their words join the conversation, and a
/// ticket waiting on them, resolved or closed opens again with its resolution clock running
/// where it stood. Written by nobody on Tandem's side (the audit names no actor).
pub async fn customer_replied(
    state: &AppState,
    id: i64,
    body: &str,
    arrival: Arrival<'_>,
) -> AppResult<Ticket> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let desk = desk_viewer();
    let mut tx = state.db.begin().await?;
    let rules = clock_rules(&mut tx).await?;
    // A reply to a merged duplicate joins the ticket it was merged into.
    let id = super::merge::live_ticket(&mut tx, id).await?;
    let Loaded { mut row, before } = load(&mut tx, &desk, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    add_customers_words(&mut tx, id, body, arrival, now_ms).await?;
    // Once the desk has answered, each message of the customer's starts the next-response
    // clock (the earliest unanswered one counts).
    if row.first_responded_at.is_some() {
        row.awaiting_reply_since = row.awaiting_reply_since.or(Some(now_ms));
    }
    let reopened = stands_still(row.status);
    if reopened {
        move_status(&mut tx, &mut row, TicketStatus::Open, now_ms).await?;
    }
    let saved = Save {
        row: &row,
        before: &before,
        action: if reopened {
            Action::Reopened
        } else {
            Action::Replied
        },
        actor: None,
        reader: &desk,
    };
    let ticket = save_or_stale(&mut tx, saved, &rules, now).await?;
    tx.commit().await?;
    Ok(ticket)
}

/// Run by the alert engine's tick: a ticket resolved `auto_close_days` ago and not
/// reopened since closes itself (audited, by nobody). Its customer may still reopen it
/// by replying.
pub async fn auto_close(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let desk = desk_viewer();
    let mut conn = state.db.read.acquire().await?;
    let rules = clock_rules(&mut conn).await?;
    drop(conn);
    let cutoff = now_ms - rules.sla.auto_close_days * 86_400_000;
    let due = store::resolved_before(&state.db.read, cutoff, 500).await?;
    let mut closed = 0;
    for id in due {
        let mut tx = state.db.begin().await?;
        let Some(Loaded { mut row, before }) = load(&mut tx, &desk, id, &rules, now).await? else {
            continue;
        };
        if row.status != TicketStatus::Resolved {
            continue;
        }
        move_status(&mut tx, &mut row, TicketStatus::Closed, now_ms).await?;
        let saved = Save {
            row: &row,
            before: &before,
            action: Action::Closed,
            actor: None,
            reader: &desk,
        };
        // None: someone changed it meanwhile, and it is theirs now.
        if save(&mut tx, saved, &rules, now).await?.is_some() {
            tx.commit().await?;
            closed += 1;
        }
    }
    Ok(closed)
}
