//! Tickets: logging one (a call, an integration), the queue, working it (status, priority,
//! category, assignee), and its conversation (public replies and internal notes), each
//! change audited with its outbox event. The SLA clocks are made here from the stored
//! instants, the admin's targets and the service hours, the same way for every door.
use super::write::{audited, check_version, stale, Versioned};
use super::{page_limit, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_work_tickets;
use crate::domain::sla::{self, BusinessHours, TicketTimes};
use crate::domain::tickets::{can_move, SlaRules};
use crate::domain::validate::{optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::scope::Access;
use crate::ssr::store::settings;
use crate::ssr::store::tickets::{self as store, QueueView, TicketFields, TicketFilter, TicketRow};
use crate::ssr::store::{contacts, customers, decode_key_cursor, encode_key_cursor, users};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// The setting keys of the SLA targets and of the hours the clocks run.
pub const SLA_SETTING: &str = "sla";
pub const HOURS_SETTING: &str = "service_hours";

/// What the clocks are measured against.
pub struct ClockRules {
    pub sla: SlaRules,
    pub hours: BusinessHours,
}

pub async fn clock_rules(conn: &mut AnyConnection) -> AppResult<ClockRules> {
    Ok(ClockRules {
        sla: settings::get::<SlaRules>(&mut *conn, SLA_SETTING).await?,
        hours: settings::get::<BusinessHours>(&mut *conn, HOURS_SETTING).await?,
    })
}

/// The instants a row's clocks are made from.
fn times(r: &TicketRow, pauses: &[(i64, Option<i64>)]) -> TicketTimes {
    TicketTimes {
        created_at: from_ms(r.created_at),
        first_responded_at: opt_from_ms(r.first_responded_at),
        resolved_at: opt_from_ms(r.resolved_at),
        pending: pauses
            .iter()
            .map(|(p, q)| (from_ms(*p), opt_from_ms(*q)))
            .collect(),
    }
}

fn clock(c: sla::ClockView) -> SlaClock {
    SlaClock {
        state: c.state,
        due_at: c.due_at,
        left_minutes: c.left_minutes,
    }
}

/// The two clocks of a ticket at `now`.
fn clocks(
    r: &TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> (SlaClock, SlaClock) {
    let t = times(r, pauses);
    let target = rules.sla.target(r.priority);
    (
        clock(sla::first_response(&t, &target, &rules.hours, now)),
        clock(sla::resolution(&t, &target, &rules.hours, now)),
    )
}

fn view(
    r: TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> Ticket {
    let (first_response, resolution) = clocks(&r, pauses, rules, now);
    Ticket {
        id: r.id,
        subject: r.subject,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        contact_id: r.contact_id,
        channel: r.channel,
        category: r.category,
        priority: r.priority,
        status: r.status,
        assignee_id: r.assignee_id,
        assignee_name: r.assignee_name,
        first_response,
        resolution,
        first_responded_at: opt_from_ms(r.first_responded_at),
        resolved_at: opt_from_ms(r.resolved_at),
        closed_at: opt_from_ms(r.closed_at),
        csat: r.csat,
        created_at: from_ms(r.created_at),
        updated_at: from_ms(r.updated_at),
        version: r.version,
    }
}

/// One ticket as the viewer sees it now; None when it is not theirs to see.
async fn read(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Option<Ticket>> {
    let Some(row) = store::get(&mut *conn, viewer, id).await? else {
        return Ok(None);
    };
    let pauses = store::pauses(&mut *conn, id).await?;
    Ok(Some(view(row, &pauses, rules, now)))
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketDetail> {
    let now = state.clock.now();
    let mut conn = state.db.read.acquire().await?;
    let rules = clock_rules(&mut conn).await?;
    let ticket = read(&mut conn, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let messages = store::messages(&mut *conn, id).await?;
    Ok(TicketDetail { ticket, messages })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// mine | unassigned | open | breached | waiting | all (default open)
    pub view: Option<String>,
    pub customer_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of tickets by their next SLA deadline, soonest first.
pub async fn list(state: &AppState, viewer: &Viewer, q: TicketQuery) -> AppResult<Page<Ticket>> {
    let now = state.clock.now();
    let limit = page_limit(q.limit)?;
    let queue = match q.view.as_deref().unwrap_or("open") {
        "mine" => QueueView::Mine,
        "unassigned" => QueueView::Unassigned,
        "open" => QueueView::Open,
        "breached" => QueueView::Breached(now.timestamp_millis()),
        "waiting" => QueueView::Waiting,
        "all" => QueueView::All,
        _ => {
            return Err(AppError::field(
                "view",
                "choose from mine, unassigned, open, breached, waiting, all",
            ))
        }
    };
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            decode_key_cursor(c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    let mut conn = state.db.read.acquire().await?;
    let rules = clock_rules(&mut conn).await?;
    let mut rows = store::list(
        &mut *conn,
        viewer,
        &TicketFilter {
            view: queue,
            customer_id: q.customer_id,
            after,
            limit: limit + 1,
        },
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|r| encode_key_cursor(r.next_due, r.id)))
        .flatten();
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let pauses = store::pauses(&mut *conn, r.id).await?;
        items.push(view(r, &pauses, &rules, now));
    }
    Ok(Page { items, next_cursor })
}

/// A choice the input may leave out: its default then, and the field named when it is
/// none of the values.
fn picked<T: crate::domain::Choice>(
    check: &mut Check,
    field: &str,
    sent: &Option<crate::domain::Picked<T>>,
    default: T,
) -> T {
    match sent {
        None => default,
        Some(p) => check.field(field, p.value().map(Some)).unwrap_or(default),
    }
}

/// 403 unless the viewer works tickets.
fn may_work(viewer: &Viewer) -> AppResult<()> {
    if can_work_tickets(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `user_id` may be given tickets: an active agent or admin.
async fn check_assignee(
    conn: &mut AnyConnection,
    check: &mut Check,
    user_id: Option<i64>,
) -> AppResult<()> {
    if let Some(id) = user_id {
        let ok = users::get(&mut *conn, id)
            .await?
            .is_some_and(|u| u.active && can_work_tickets(u.role));
        if !ok {
            check.fail("assignee_id", "choose an active agent");
        }
    }
    Ok(())
}

/// The due times stored for ordering and for the alert rules: the first response's, fixed
/// at creation, and the resolution's as it now runs (none while it stands still).
fn stored_dues(
    r: &TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> (Option<i64>, Option<i64>) {
    let (first, resolution) = clocks(r, pauses, rules, now);
    let ms = |d: Option<DateTime<Utc>>| d.map(|t| t.timestamp_millis());
    (ms(first.due_at), ms(resolution.due_at))
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewTicket) -> AppResult<Ticket> {
    may_work(viewer)?;
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut check = Check::new();
    let subject = check.field("subject", required_text(&input.subject, 200));
    let body = check.field(
        "body",
        optional_text(input.body.as_deref().unwrap_or(""), 20_000),
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
    if let Some(cid) = input.customer_id {
        if customers::get(&mut *tx, viewer, cid, Access::Read)
            .await?
            .is_none()
        {
            check.fail("customer_id", "no such customer");
        }
    }
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
    let rules = clock_rules(&mut tx).await?;
    let target = rules.sla.target(priority);
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
            assignee_id: input.assignee_id,
            first_response_due_at: ms(rules.hours.add(now, target.first_response_minutes)),
            resolution_due_at: ms(rules.hours.add(now, target.resolution_minutes)),
            first_responded_at: None,
            resolved_at: None,
            closed_at: None,
        },
        viewer.user_id,
        now_ms,
    )
    .await?;
    if let Some(body) = body {
        // What the customer said opens the conversation (the agent wrote it down).
        store::add_message(&mut tx, id, None, &body, false, now_ms).await?;
    }
    let ticket = read(&mut tx, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change {
            action: Action::Created,
            entity_type: Entity::Ticket,
            entity_id: id,
            before: None,
            after: super::snapshot(&ticket),
        },
        now_ms,
    )
    .await?;
    tx.commit().await?;
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
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut tx = state.db.begin().await?;
    let rules = clock_rules(&mut tx).await?;
    let current = read(&mut tx, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    check_version(&current, current.version, p.version)?;
    let mut row = store::get(&mut *tx, viewer, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
    check.finish()?;
    let stands_still = |s: TicketStatus| {
        matches!(
            s,
            TicketStatus::Pending | TicketStatus::Resolved | TicketStatus::Closed
        )
    };
    if to != row.status {
        match (stands_still(row.status), stands_still(to)) {
            (false, true) => store::pause(&mut tx, id, now_ms).await?,
            (true, false) => store::resume(&mut tx, id, now_ms).await?,
            _ => {}
        }
        match to {
            TicketStatus::Resolved => row.resolved_at = row.resolved_at.or(Some(now_ms)),
            TicketStatus::Closed => row.closed_at = Some(now_ms),
            TicketStatus::Open | TicketStatus::New | TicketStatus::Pending => {
                row.resolved_at = None;
                row.closed_at = None;
            }
        }
    }
    row.subject = subject;
    row.status = to;
    row.priority = p.priority.unwrap_or(row.priority);
    row.category = p.category.unwrap_or(row.category);
    row.assignee_id = assignee;
    let pauses = store::pauses(&mut *tx, id).await?;
    let (first_due, resolution_due) = stored_dues(&row, &pauses, &rules, now);
    let written = store::update(
        &mut tx,
        id,
        p.version,
        &fields_of(&row, first_due, resolution_due),
        Some(viewer.user_id),
        now_ms,
    )
    .await?;
    if !written {
        return Err(stale(read(&mut tx, viewer, id, &rules, now).await?));
    }
    let action = if assignee != current.assignee_id {
        Action::Assigned
    } else {
        Action::Updated
    };
    let after = read(&mut tx, viewer, id, &rules, now).await?;
    let ticket = audited(
        &mut tx,
        Some(viewer),
        Versioned {
            entity: Entity::Ticket,
            action,
            id,
            before: &current,
        },
        after,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(ticket)
}

fn fields_of(
    r: &TicketRow,
    first_due: Option<i64>,
    resolution_due: Option<i64>,
) -> TicketFields<'_> {
    TicketFields {
        subject: &r.subject,
        customer_id: r.customer_id,
        contact_id: r.contact_id,
        channel: r.channel,
        category: r.category,
        priority: r.priority,
        status: r.status,
        assignee_id: r.assignee_id,
        first_response_due_at: first_due,
        resolution_due_at: resolution_due,
        first_responded_at: r.first_responded_at,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
    }
}

/// Adds a public reply or an internal note. The first public reply meets the
/// first-response clock and opens a new ticket; a note changes no clock.
pub async fn add_message(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    m: NewTicketMessage,
) -> AppResult<TicketDetail> {
    may_work(viewer)?;
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let body = required_text(&m.body, 20_000).map_err(|e| AppError::field("body", e))?;
    let mut tx = state.db.begin().await?;
    let rules = clock_rules(&mut tx).await?;
    let current = read(&mut tx, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut row = store::get(&mut *tx, viewer, id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::add_message(&mut tx, id, Some(viewer.user_id), &body, m.internal, now_ms).await?;
    if !m.internal && (row.first_responded_at.is_none() || row.status == TicketStatus::New) {
        row.first_responded_at = row.first_responded_at.or(Some(now_ms));
        if row.status == TicketStatus::New {
            row.status = TicketStatus::Open;
        }
        let pauses = store::pauses(&mut *tx, id).await?;
        let (first_due, resolution_due) = stored_dues(&row, &pauses, &rules, now);
        let written = store::update(
            &mut tx,
            id,
            row.version,
            &fields_of(&row, first_due, resolution_due),
            Some(viewer.user_id),
            now_ms,
        )
        .await?;
        if !written {
            return Err(stale(read(&mut tx, viewer, id, &rules, now).await?));
        }
    }
    let after = read(&mut tx, viewer, id, &rules, now).await?;
    let ticket = audited(
        &mut tx,
        Some(viewer),
        Versioned {
            entity: Entity::Ticket,
            action: if m.internal {
                Action::Noted
            } else {
                Action::Replied
            },
            id,
            before: &current,
        },
        after,
        now_ms,
    )
    .await?;
    let messages = store::messages(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(TicketDetail { ticket, messages })
}

/// The agent's queue: one view (default: the viewer's own tickets for those who work
/// them, every open one for managers), for the roles that have a queue.
pub async fn queue(
    state: &AppState,
    viewer: &Viewer,
    view: Option<String>,
    cursor: Option<String>,
) -> AppResult<TicketQueue> {
    if !crate::domain::scope::can_work_queue(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let view = view.filter(|v| !v.is_empty()).unwrap_or_else(|| {
        if can_work_tickets(viewer.role) {
            "mine"
        } else {
            "open"
        }
        .to_string()
    });
    let page = list(
        state,
        viewer,
        TicketQuery {
            view: Some(view.clone()),
            customer_id: None,
            limit: Some(50),
            cursor,
        },
    )
    .await?;
    Ok(TicketQueue {
        now: state.clock.now(),
        view,
        page,
    })
}

/// The ticket page: the ticket and its conversation, and beside it the customer's
/// contacts, owner, open deals, latest follow-ups and other tickets.
pub async fn page(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketPage> {
    let detail = get(state, viewer, id).await?;
    let customer = match detail.ticket.customer_id {
        None => None,
        Some(cid) => match super::customers::overview(state, viewer, cid).await {
            Ok(o) => {
                let others = list(
                    state,
                    viewer,
                    TicketQuery {
                        view: Some("all".into()),
                        customer_id: Some(cid),
                        limit: Some(20),
                        cursor: None,
                    },
                )
                .await?;
                Some(CustomerBeside {
                    customer: o.customer,
                    contacts: o.contacts,
                    open_deals: o
                        .deals
                        .into_iter()
                        .filter(|d| !d.stage.is_closed())
                        .collect(),
                    follow_ups: o
                        .timeline
                        .items
                        .into_iter()
                        .filter(|i| i.kind == "activity")
                        .take(5)
                        .collect(),
                    other_tickets: others.items.into_iter().filter(|t| t.id != id).collect(),
                })
            }
            // The customer was deleted since: the ticket still stands.
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        },
    };
    let can_work = can_work_tickets(viewer.role);
    let assignable = if can_work {
        users::active_with_roles(&state.db.read, crate::domain::scope::TICKET_WORKERS)
            .await?
            .into_iter()
            .map(|(id, name)| Assignable { id, name })
            .collect()
    } else {
        Vec::new()
    };
    Ok(TicketPage {
        now: state.clock.now(),
        detail,
        customer,
        assignable,
        can_work,
    })
}

/// The customer wrote again (a reply by email): their words join the conversation, and a
/// ticket waiting on them, resolved or closed opens again with its resolution clock running
/// where it stood. Written by nobody on Tandem's side (the audit names no actor).
pub async fn customer_replied(state: &AppState, id: i64, body: &str) -> AppResult<Ticket> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let desk = desk_viewer();
    let mut tx = state.db.begin().await?;
    let rules = clock_rules(&mut tx).await?;
    let current = read(&mut tx, &desk, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut row = store::get(&mut *tx, &desk, id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::add_message(&mut tx, id, None, body, false, now_ms).await?;
    let reopened = matches!(
        row.status,
        TicketStatus::Pending | TicketStatus::Resolved | TicketStatus::Closed
    );
    if reopened {
        store::resume(&mut tx, id, now_ms).await?;
        row.status = TicketStatus::Open;
        row.resolved_at = None;
        row.closed_at = None;
    }
    let pauses = store::pauses(&mut *tx, id).await?;
    let (first_due, resolution_due) = stored_dues(&row, &pauses, &rules, now);
    if !store::update(
        &mut tx,
        id,
        row.version,
        &fields_of(&row, first_due, resolution_due),
        None,
        now_ms,
    )
    .await?
    {
        return Err(stale(read(&mut tx, &desk, id, &rules, now).await?));
    }
    let after = read(&mut tx, &desk, id, &rules, now).await?;
    let ticket = audited(
        &mut tx,
        None,
        Versioned {
            entity: Entity::Ticket,
            action: if reopened {
                Action::Reopened
            } else {
                Action::Replied
            },
            id,
            before: &current,
        },
        after,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(ticket)
}

/// The service desk as the system reads tickets: every ticket (the agents' scope).
fn desk_viewer() -> Viewer {
    Viewer {
        user_id: 0,
        role: Role::Agent,
        team_id: None,
        name: String::new(),
        email: String::new(),
        locale: "zh-CN".into(),
        ip: None,
        credential: None,
        token_scopes: None,
    }
}
