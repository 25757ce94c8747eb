//! Tickets (工单) and their conversations. Agents and admins read every ticket; everyone
//! else reads the tickets of the customers in their own scope (the service history beside
//! the sales record), never a ticket without a customer. Their conversations are in
//! [`super::ticket_messages`].
use super::scope::{owned_by_scope, Access};
use crate::domain::scope::{scope_for, DataScope};
use crate::domain::tickets::{queue_due, NO_DEADLINE};
use crate::model::{TicketCategory, TicketChannel, TicketNarrow, TicketPriority, TicketStatus};
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

/// A ticket as stored; the service makes its clocks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub subject: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub contact_id: Option<i64>,
    pub channel: TicketChannel,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub first_response_due_at: Option<i64>,
    pub resolution_due_at: Option<i64>,
    pub first_responded_at: Option<i64>,
    pub awaiting_reply_since: Option<i64>,
    pub next_response_due_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub csat: Option<i64>,
    pub merged_into_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The sort key of [`list`].
    pub next_due: i64,
}

/// The queue's sort key: the stored next deadline ([`queue_due`]); after every deadline
/// for tickets in no queue (resolved, closed), which only the "all" view lists.
fn next_due() -> String {
    format!("COALESCE(t.next_due_at, {NO_DEADLINE})")
}

pub(super) fn select() -> Sql {
    Sql::new(&format!(
        "SELECT t.id, t.subject, t.customer_id, c.name AS customer_name, t.contact_id, t.channel, \
         t.category, t.priority, t.status, t.assignee_id, a.name AS assignee_name, t.team_id, tm.name AS team_name, \
         t.first_response_due_at, t.resolution_due_at, t.first_responded_at, \
         t.awaiting_reply_since, t.next_response_due_at, t.resolved_at, \
         t.closed_at, t.csat, t.merged_into_id, t.created_at, t.updated_at, t.version, {} AS next_due \
         FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id \
         LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.deleted_at IS NULL",
        next_due()
    ))
}

/// Restricts `t` to the tickets the viewer may read.
fn scoped(sql: &mut Sql, viewer: &Viewer) {
    match scope_for(viewer.role) {
        DataScope::All | DataScope::Service => {}
        DataScope::OwnAndPool | DataScope::TeamSubtree => {
            sql.push(" AND t.customer_id IS NOT NULL AND c.deleted_at IS NULL");
            owned_by_scope(sql, viewer, Access::Read, "c.owner_id");
        }
    }
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<TicketRow>, sqlx::Error> {
    let mut sql = select();
    sql.push(" AND t.id = ").bind(id);
    scoped(&mut sql, viewer);
    sql.query_as::<TicketRow>().fetch_optional(ex).await
}

/// Which tickets a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    /// Open and assigned to the viewer.
    Mine,
    /// Open and assigned to nobody.
    Unassigned,
    /// Open and in this team (none: the viewer has no team, so nothing).
    Team(Option<i64>),
    /// Open, anyone's.
    Open,
    /// Open with a clock past its deadline at the given moment.
    Breached(i64),
    /// Pending on the customer.
    Waiting,
    /// Every ticket, closed ones too.
    All,
}

pub struct TicketFilter {
    pub view: QueueView,
    pub customer_id: Option<i64>,
    /// One priority, category or channel.
    pub narrow: TicketNarrow,
    /// Keyset: after this (next deadline, id).
    pub after: Option<(i64, i64)>,
    pub limit: i64,
}

/// A page of tickets by their next deadline, soonest (most breached) first.
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    f: &TicketFilter,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    let mut sql = select();
    scoped(&mut sql, viewer);
    // Every view but "all" lists open tickets, which are those with a next deadline; they
    // read their page from an index in (next deadline, id) order.
    let open = " AND t.next_due_at IS NOT NULL";
    let key = match f.view {
        QueueView::All => next_due(),
        _ => "t.next_due_at".to_string(),
    };
    match f.view {
        QueueView::Mine => {
            sql.push(open)
                .push(" AND t.assignee_id = ")
                .bind(viewer.user_id);
        }
        QueueView::Unassigned => {
            sql.push(open).push(" AND t.assignee_id IS NULL");
        }
        QueueView::Team(team) => {
            sql.push(open)
                .push(" AND t.team_id = ")
                .bind(team.unwrap_or(-1));
        }
        QueueView::Open => {
            sql.push(open);
        }
        QueueView::Breached(now_ms) => {
            sql.push(" AND t.next_due_at < ").bind(now_ms);
        }
        QueueView::Waiting => {
            sql.push(" AND t.status = 'pending'");
        }
        QueueView::All => {}
    }
    if let Some(c) = f.customer_id {
        sql.push(" AND t.customer_id = ").bind(c);
    }
    if let Some(p) = f.narrow.priority {
        sql.push(" AND t.priority = ").bind(p.as_str());
    }
    if let Some(c) = f.narrow.category {
        sql.push(" AND t.category = ").bind(c.as_str());
    }
    if let Some(c) = f.narrow.channel {
        sql.push(" AND t.channel = ").bind(c.as_str());
    }
    if let Some((due, id)) = f.after {
        sql.push(" AND (")
            .push(&key)
            .push(", t.id) > (")
            .bind(due)
            .push(", ")
            .bind(id)
            .push(")");
    }
    sql.push(" ORDER BY ")
        .push(&key)
        .push(", t.id LIMIT ")
        .bind(f.limit);
    sql.query_as::<TicketRow>().fetch_all(ex).await
}

/// What a ticket's row holds besides its conversation.
pub struct TicketFields<'a> {
    pub subject: &'a str,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub channel: TicketChannel,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub first_response_due_at: Option<i64>,
    pub resolution_due_at: Option<i64>,
    pub first_responded_at: Option<i64>,
    pub awaiting_reply_since: Option<i64>,
    pub next_response_due_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The ticket a merged duplicate went into.
    pub merged_into_id: Option<i64>,
}

/// How a new ticket came to be stored: the address a public form was posted from (its
/// rate limit) and the routing rule that assigned it (its round robin).
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub client_ip: Option<&'a str>,
    pub assignment_rule: Option<i64>,
}

impl TicketFields<'_> {
    /// Where the ticket stands in the queue ([`queue_due`]).
    pub fn queue_due(&self) -> Option<i64> {
        let dues = (
            self.first_response_due_at,
            self.resolution_due_at,
            self.next_response_due_at,
        );
        queue_due(self.status, self.first_responded_at, dues)
    }
}

pub async fn insert(
    conn: &mut AnyConnection,
    f: &TicketFields<'_>,
    by: i64,
    origin: Origin<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let id = Insert::into("tickets")
        .value("subject", f.subject)
        .value("customer_id", f.customer_id)
        .value("contact_id", f.contact_id)
        .value("channel", f.channel.as_str())
        .value("category", f.category.as_str())
        .value("priority", f.priority.as_str())
        .value("status", f.status.as_str())
        .value("assignee_id", f.assignee_id)
        .value("team_id", f.team_id)
        .value("next_due_at", f.queue_due())
        .value("assignment_rule", origin.assignment_rule)
        .value("first_response_due_at", f.first_response_due_at)
        .value("resolution_due_at", f.resolution_due_at)
        .value("client_ip", origin.client_ip)
        .created(now_ms, by)
        .returning_id(&mut *conn)
        .await?;
    kpi_rollups::touch(conn, Touched::Tickets, &[id]).await?;
    Ok(id)
}

/// Writes every field if `version` is still current; false when it is not.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &TicketFields<'_>,
    by: Option<i64>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE tickets SET subject = ");
    sql.bind(f.subject)
        .push(", customer_id = ")
        .bind(f.customer_id)
        .push(", contact_id = ")
        .bind(f.contact_id)
        .push(", category = ")
        .bind(f.category.as_str())
        .push(", priority = ")
        .bind(f.priority.as_str())
        .push(", status = ")
        .bind(f.status.as_str())
        .push(", assignee_id = ")
        .bind(f.assignee_id)
        .push(", team_id = ")
        .bind(f.team_id)
        .push(", first_response_due_at = ")
        .bind(f.first_response_due_at)
        .push(", resolution_due_at = ")
        .bind(f.resolution_due_at)
        .push(", first_responded_at = ")
        .bind(f.first_responded_at)
        .push(", awaiting_reply_since = ")
        .bind(f.awaiting_reply_since)
        .push(", next_response_due_at = ")
        .bind(f.next_response_due_at)
        .push(", resolved_at = ")
        .bind(f.resolved_at)
        .push(", closed_at = ")
        .bind(f.closed_at)
        .push(", merged_into_id = ")
        .bind(f.merged_into_id)
        .push(", next_due_at = ")
        .bind(f.queue_due())
        .push(", updated_by = ")
        .bind(by)
        .stamp(now_ms, None)
        .where_version(id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    kpi_rollups::touch_if(conn, written, Touched::Tickets, id).await
}

/// The spans a ticket's resolution clock stood still, oldest first (the last may be open).
pub async fn pauses<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_id: i64,
) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT paused_at, resumed_at FROM ticket_pauses WHERE ticket_id = ");
    sql.bind(ticket_id).push(" ORDER BY id");
    sql.query_as::<(i64, Option<i64>)>().fetch_all(ex).await
}

/// The pause spans of many tickets in one query (a page of the queue), by ticket.
pub async fn pauses_of<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<(i64, Option<i64>)>>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    if ticket_ids.is_empty() {
        return Ok(out);
    }
    let mut sql =
        Sql::new("SELECT ticket_id, paused_at, resumed_at FROM ticket_pauses WHERE ticket_id IN (");
    sql.bind_list(ticket_ids.iter().copied())
        .push(") ORDER BY ticket_id, id");
    for (ticket, paused, resumed) in sql
        .query_as::<(i64, i64, Option<i64>)>()
        .fetch_all(ex)
        .await?
    {
        out.entry(ticket)
            .or_insert_with(Vec::new)
            .push((paused, resumed));
    }
    Ok(out)
}

/// Stops the resolution clock (pending, resolved).
pub async fn pause(
    conn: &mut AnyConnection,
    ticket_id: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    Insert::into("ticket_pauses")
        .value("ticket_id", ticket_id)
        .value("paused_at", at_ms)
        .execute(conn)
        .await
}

/// Starts the resolution clock again where it stood.
pub async fn resume(
    conn: &mut AnyConnection,
    ticket_id: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE ticket_pauses SET resumed_at = ");
    sql.bind(at_ms)
        .push(" WHERE ticket_id = ")
        .bind(ticket_id)
        .push(" AND resumed_at IS NULL");
    sql.query().execute(conn).await.map(|_| ())
}

/// The ticket a merged ticket's conversation went to, if it was merged.
pub async fn merged_into<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT merged_into_id FROM tickets WHERE id = ");
    sql.bind(id);
    Ok(sql
        .query_scalar::<Option<i64>>()
        .fetch_optional(ex)
        .await?
        .flatten())
}

/// Tickets a public form opened from this address since then (the form's rate limit).
pub async fn submissions_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    ip: &str,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM tickets WHERE client_ip = ");
    sql.bind(ip).push(" AND created_at >= ").bind(since_ms);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// The customer's satisfaction score (a new version of the ticket).
pub async fn set_csat(
    conn: &mut AnyConnection,
    id: i64,
    score: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE tickets SET csat = ");
    sql.bind(score).stamp(now_ms, None).where_version(id, None);
    sql.query().execute(conn).await.map(|_| ())
}

/// Tickets resolved at or before `cutoff_ms` and still resolved, oldest first.
pub async fn resolved_before<'e>(
    ex: impl Executor<'e, Database = Any>,
    cutoff_ms: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id FROM tickets WHERE deleted_at IS NULL AND status = 'resolved' AND resolved_at <= ",
    );
    sql.bind(cutoff_ms)
        .push(" ORDER BY resolved_at, id LIMIT ")
        .bind(limit);
    sql.query_scalar::<i64>().fetch_all(ex).await
}
