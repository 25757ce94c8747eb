//! The SLA clocks as the engine reads them: which tickets' clocks run out in a window
//! (the alert rules), the record of every breach and when it was met (the KPIs), and the
//! running tickets re-timed when the rules change.
use crate::model::TicketPriority;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::AnyConnection;

/// Which of a ticket's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClockKind {
    FirstResponse,
    Resolution,
    NextResponse,
}

impl SlaClockKind {
    pub const ALL: [SlaClockKind; 3] = [
        SlaClockKind::FirstResponse,
        SlaClockKind::Resolution,
        SlaClockKind::NextResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaClockKind::FirstResponse => "first_response",
            SlaClockKind::Resolution => "resolution",
            SlaClockKind::NextResponse => "next_response",
        }
    }

    /// The clock's due-time column of `tickets`, and the condition under which it still
    /// runs, both for the table named `t` (fixed words written here, never input). The
    /// condition carries a unary plus, which keeps it off the indexes: with a million
    /// tickets, almost all answered and resolved, SQLite's statistics make `resolved_at IS
    /// NULL` look like one row and read every open ticket through `tickets_resolved_at` on
    /// every tick (8 ms instead of 0.1 ms, docs/benchmarks.md); the due time's range is the
    /// selective part.
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            SlaClockKind::FirstResponse => {
                ("first_response_due_at", "+t.first_responded_at IS NULL")
            }
            SlaClockKind::Resolution => ("resolution_due_at", "+t.resolved_at IS NULL"),
            SlaClockKind::NextResponse => (
                "next_response_due_at",
                "+t.awaiting_reply_since IS NOT NULL",
            ),
        }
    }
}

/// Assigned open tickets whose `clock` runs out in `(from, to]` (of one priority, when
/// given): what the SLA alert rules read. `extra` names the clock.
pub async fn sla_due(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    clock: SlaClockKind,
    priority: Option<TicketPriority>,
) -> Result<Vec<crate::ssr::store::due::DueRecord>, sqlx::Error> {
    sla_due_query(from, to, clock, priority)
        .query_as::<crate::ssr::store::due::DueRecord>()
        .fetch_all(conn)
        .await
}

/// The statement `sla_due` runs (its plan is tested: it must read a due-time index).
pub fn sla_due_query(
    from: i64,
    to: i64,
    clock: SlaClockKind,
    priority: Option<TicketPriority>,
) -> Sql {
    let (column, running) = clock.columns();
    // The clock's name and columns are fixed words written here, never input.
    let mut sql = Sql::new(&format!(
        "SELECT t.id, t.assignee_id AS owner_id, t.subject AS name, t.{column} AS at, u.name AS owner_name, \
         '{}' AS extra FROM tickets t JOIN users u ON u.id = t.assignee_id \
         WHERE t.deleted_at IS NULL AND t.status IN ('new', 'open') AND {running} AND t.{column} > ",
        clock.as_str()
    ));
    sql.bind(from)
        .push(&format!(" AND t.{column} <= "))
        .bind(to);
    if let Some(p) = priority {
        sql.push(" AND t.priority = ").bind(p.as_str());
    }
    sql
}

/// Records every clock of an open ticket that ran out in `(from, to]`, assigned or not,
/// once (a repeated tick adds nothing): what the managers' SLA KPIs count.
pub async fn record_breaches(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<u64, sqlx::Error> {
    let mut recorded = 0;
    for clock in SlaClockKind::ALL {
        let (column, running) = clock.columns();
        // Column and clock names are fixed words written here, never input.
        let mut sql = Sql::new(&format!(
            "INSERT INTO sla_breaches (ticket_id, clock, due_at) SELECT t.id, '{}', t.{column} FROM tickets t \
             WHERE t.deleted_at IS NULL AND t.status IN ('new', 'open') AND {running} AND t.{column} > ",
            clock.as_str()
        ));
        sql.bind(from)
            .push(&format!(" AND t.{column} <= "))
            .bind(to)
            .push(" ON CONFLICT (ticket_id, clock, due_at) DO NOTHING RETURNING ticket_id");
        let breached: Vec<i64> = sql.query_scalar().fetch_all(&mut *conn).await?;
        recorded += breached.len() as u64;
        for chunk in breached.chunks(500) {
            kpi_rollups::touch(conn, Touched::Tickets, chunk).await?;
        }
    }
    Ok(recorded)
}

/// A breached clock was met after all (a late first response, a late resolution).
pub async fn breach_met(
    conn: &mut AnyConnection,
    ticket_id: i64,
    clock: SlaClockKind,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE sla_breaches SET met_at = ");
    sql.bind(now_ms)
        .push(" WHERE met_at IS NULL AND ticket_id = ")
        .bind(ticket_id)
        .push(" AND clock = ")
        .bind(clock.as_str());
    sql.query().execute(conn).await.map(|_| ())
}

/// Tickets whose clocks may still run (new, open, pending) after `after_id`, by id: what a
/// change of the SLA targets or the service hours re-times.
pub async fn running_after(
    conn: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<super::tickets::TicketRow>, sqlx::Error> {
    let mut sql = super::tickets::select();
    sql.push(" AND t.status IN ('new', 'open', 'pending') AND t.id > ")
        .bind(after_id)
        .push(" ORDER BY t.id LIMIT ")
        .bind(limit);
    sql.query_as::<super::tickets::TicketRow>()
        .fetch_all(conn)
        .await
}

/// Stores a ticket's due times (first response, resolution, next response) and its queue
/// deadline as re-timed under new rules; the ticket itself is unchanged (no new version).
pub async fn set_dues(
    conn: &mut AnyConnection,
    id: i64,
    (first, resolution, next): (Option<i64>, Option<i64>, Option<i64>),
    queue_due: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE tickets SET first_response_due_at = ");
    sql.bind(first)
        .push(", resolution_due_at = ")
        .bind(resolution)
        .push(", next_response_due_at = ")
        .bind(next)
        .push(", next_due_at = ")
        .bind(queue_due)
        .push(" WHERE id = ")
        .bind(id);
    sql.query().execute(conn).await.map(|_| ())
}
