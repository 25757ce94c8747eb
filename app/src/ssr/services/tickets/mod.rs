//! Tickets: logging one (a call, an integration), the queue, working it (status, priority,
//! category, assignee), and its conversation (public replies and internal notes), each
//! change audited with its outbox event. The SLA clocks are made here from the stored
//! instants, the admin's targets and the service hours, the same way for every door:
//! this module holds the clocks and the reads, [`work`] the writes, [`desk`] the queue
//! and the ticket page.
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_work_tickets;
use crate::domain::sla::{self, BusinessHours, TeamHours, TicketTimes};
use crate::domain::tickets::{can_move, SlaRules};
use crate::domain::validate::{optional_long_text, required_long_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::context::AppState;
use crate::ssr::store::scope::Access;
use crate::ssr::store::settings;
use crate::ssr::store::sla::{self as sla_store, SlaClockKind};
use crate::ssr::store::ticket_messages as said;
use crate::ssr::store::tickets::{self as store, TicketFields, TicketRow};
use crate::ssr::store::{attachments, contacts, users};
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Transaction};

mod clocks;
mod desk;
mod list;
mod merge;
pub mod reply_form;
mod routing;
mod work;

pub(crate) use clocks::retime_running;
pub use clocks::{clock_rules, ClockRules, HOURS_SETTING, SLA_SETTING, TEAM_HOURS_SETTING};
use clocks::{clocks, stored_dues, Clocks, Dues};
pub use desk::{page, queue};
use list::list_on;
pub use list::{list, TicketQuery};
pub use merge::merge;
pub use routing::{routing, ROUTING_SETTING};
pub use work::{
    add_message, auto_close, create, create_from, customer_replied, patch, rated, Arrival,
};

fn view(
    r: TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> Ticket {
    let Clocks {
        first_response,
        resolution,
        next_response,
    } = clocks(&r, pauses, rules, now);
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
        team_id: r.team_id,
        team_name: r.team_name,
        first_response,
        resolution,
        next_response,
        merged_into_id: r.merged_into_id,
        first_responded_at: opt_from_ms(r.first_responded_at),
        resolved_at: opt_from_ms(r.resolved_at),
        closed_at: opt_from_ms(r.closed_at),
        csat: r.csat,
        created_at: from_ms(r.created_at),
        updated_at: from_ms(r.updated_at),
        version: r.version,
    }
}

/// A ticket loaded for a write: the stored row to change, and the ticket as it stood (the
/// audit's "before" and the 409's answer), read once.
struct Loaded {
    row: TicketRow,
    before: Ticket,
}

async fn load(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Option<Loaded>> {
    let Some(row) = store::get(&mut *conn, viewer, id).await? else {
        return Ok(None);
    };
    let pauses = store::pauses(&mut *conn, id).await?;
    let before = view(row.clone(), &pauses, rules, now);
    Ok(Some(Loaded { row, before }))
}

/// One ticket as the viewer sees it now; None when it is not theirs to see.
async fn read(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Option<Ticket>> {
    Ok(load(conn, viewer, id, rules, now).await?.map(|l| l.before))
}

/// The customer of a ticket the viewer may read; None when there is no such ticket or it
/// has no customer.
pub async fn customer_of(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Option<i64>> {
    Ok(store::get(&state.db.read, viewer, id)
        .await?
        .and_then(|t| t.customer_id))
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketDetail> {
    let mut conn = state.db.read.acquire().await?;
    Ok(get_with_rules(&mut conn, viewer, id, state.clock.now())
        .await?
        .0)
}

/// The ticket and its conversation, with the clock rules it was timed by (for a page that
/// times more tickets in the same request, on the same connection).
async fn get_with_rules(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<(TicketDetail, ClockRules)> {
    let rules = clock_rules(conn).await?;
    let ticket = read(conn, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let messages = conversation(conn, id).await?;
    Ok((TicketDetail { ticket, messages }, rules))
}

/// A ticket's messages, oldest first, each with the files it came with.
pub(crate) async fn conversation(
    conn: &mut AnyConnection,
    id: i64,
) -> AppResult<Vec<TicketMessage>> {
    let mut messages = said::messages(&mut *conn, id).await?;
    for file in attachments::of_ticket(&mut *conn, id).await? {
        if let Some(m) = messages.iter_mut().find(|m| m.id == file.message_id) {
            m.attachments.push(file);
        }
    }
    Ok(messages)
}

/// One file of a ticket the viewer may read, with its bytes; 404 for anything else.
pub async fn attachment(
    state: &AppState,
    viewer: &Viewer,
    (ticket_id, id): (i64, i64),
) -> AppResult<(TicketAttachment, Vec<u8>)> {
    if store::get(&state.db.read, viewer, ticket_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    attachments::get(&state.db.read, ticket_id, id)
        .await?
        .ok_or(AppError::NotFound)
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

/// A ticket's team must be a team that exists.
async fn check_team(
    conn: &mut AnyConnection,
    check: &mut Check,
    team_id: Option<i64>,
) -> AppResult<()> {
    if let Some(id) = team_id {
        if users::team(&mut *conn, id).await?.is_none() {
            check.fail("team_id", "choose a team");
        }
    }
    Ok(())
}

/// Whether the resolution clock stands still in this status.
fn stands_still(s: TicketStatus) -> bool {
    matches!(
        s,
        TicketStatus::Pending | TicketStatus::Resolved | TicketStatus::Closed
    )
}

/// Moves `row` to `to` with what the move does to the clocks: into pending, resolved or
/// closed the resolution clock stops, out of them it runs again where it stood; resolving
/// and closing are dated, and leaving them clears those dates.
async fn move_status(
    conn: &mut AnyConnection,
    row: &mut TicketRow,
    to: TicketStatus,
    now_ms: i64,
) -> AppResult<()> {
    if to == row.status {
        return Ok(());
    }
    match (stands_still(row.status), stands_still(to)) {
        (false, true) => store::pause(&mut *conn, row.id, now_ms).await?,
        (true, false) => store::resume(&mut *conn, row.id, now_ms).await?,
        _ => {}
    }
    match to {
        // A resolved ticket owes no further answer.
        TicketStatus::Resolved => {
            row.resolved_at = row.resolved_at.or(Some(now_ms));
            row.awaiting_reply_since = None;
        }
        TicketStatus::Closed => {
            row.closed_at = Some(now_ms);
            row.awaiting_reply_since = None;
        }
        TicketStatus::Open | TicketStatus::New | TicketStatus::Pending => {
            row.resolved_at = None;
            row.closed_at = None;
        }
    }
    row.status = to;
    Ok(())
}

/// What a write changes and who makes it: `actor` None for Tandem itself (a customer's
/// email, the auto-close), which leaves no editor on the row and no actor in the audit.
struct Save<'a> {
    row: &'a TicketRow,
    before: &'a Ticket,
    action: Action,
    actor: Option<&'a Viewer>,
    /// Whose scope the ticket is read back in.
    reader: &'a Viewer,
}

/// The write sequence for a ticket: its due times as the row now stands, the row if its
/// version is still the one loaded, read back, audited with its outbox event. None when
/// someone changed it meanwhile.
async fn save(
    conn: &mut AnyConnection,
    s: Save<'_>,
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Option<Ticket>> {
    let now_ms = now.timestamp_millis();
    let id = s.row.id;
    let pauses = store::pauses(&mut *conn, id).await?;
    let due = stored_dues(s.row, &pauses, rules, now);
    let written = store::update(
        &mut *conn,
        id,
        s.row.version,
        &fields_of(s.row, due),
        s.actor.map(|v| v.user_id),
        now_ms,
    )
    .await?;
    if !written {
        return Ok(None);
    }
    // A breached clock met late: the KPIs learn by how much.
    let (before, row) = (s.before, s.row);
    for (clock, met) in [
        (
            SlaClockKind::FirstResponse,
            before.first_responded_at.is_none() && row.first_responded_at.is_some(),
        ),
        (
            SlaClockKind::NextResponse,
            before.next_response.is_some() && row.awaiting_reply_since.is_none(),
        ),
        (
            SlaClockKind::Resolution,
            before.resolved_at.is_none() && row.resolved_at.is_some(),
        ),
    ] {
        if met {
            sla_store::breach_met(&mut *conn, id, clock, now_ms).await?;
        }
    }
    let after = read(&mut *conn, s.reader, id, rules, now).await?;
    let change = Versioned::new(Entity::Ticket, s.action, id, s.before);
    Ok(Some(audited(conn, s.actor, change, after, now_ms).await?))
}

/// `save`; a write that lost the race is 409 with the ticket as it now stands (or 404).
async fn save_or_stale(
    conn: &mut AnyConnection,
    s: Save<'_>,
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Ticket> {
    let (reader, id) = (s.reader, s.row.id);
    match save(&mut *conn, s, rules, now).await? {
        Some(t) => Ok(t),
        None => Err(match read(conn, reader, id, rules, now).await {
            Ok(latest) => stale(latest),
            Err(e) => e,
        }),
    }
}

/// A write to one ticket, begun: its transaction, the rules its clocks run by, the moment,
/// and the ticket as the writer may see it (404 otherwise), its version checked when the
/// writer named one.
struct Opened {
    tx: Transaction<'static, Any>,
    rules: ClockRules,
    now: DateTime<Utc>,
    row: TicketRow,
    before: Ticket,
}

async fn open_write(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    version: Option<i64>,
) -> AppResult<Opened> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let rules = clock_rules(&mut tx).await?;
    let Loaded { row, before } = load(&mut tx, viewer, id, &rules, now)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(sent) = version {
        check_version(&before, before.version, sent)?;
    }
    Ok(Opened {
        tx,
        rules,
        now,
        row,
        before,
    })
}

fn fields_of(r: &TicketRow, due: Dues) -> TicketFields<'_> {
    TicketFields {
        subject: &r.subject,
        customer_id: r.customer_id,
        contact_id: r.contact_id,
        channel: r.channel,
        category: r.category,
        priority: r.priority,
        status: r.status,
        assignee_id: r.assignee_id,
        team_id: r.team_id,
        first_response_due_at: due.first_response,
        resolution_due_at: due.resolution,
        first_responded_at: r.first_responded_at,
        awaiting_reply_since: r.awaiting_reply_since,
        next_response_due_at: due.next_response,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
        merged_into_id: r.merged_into_id,
    }
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
        away: false,
        ip: None,
        credential: None,
        token_scopes: None,
    }
}
