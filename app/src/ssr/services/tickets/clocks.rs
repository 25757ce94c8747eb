//! A ticket's SLA clocks as the service reads them: the admin's targets and service hours,
//! each clock of a ticket at a moment, the due times stored for the queue and the alert
//! rules, and re-timing every running ticket when the rules change.
use super::*;

/// The setting keys of the SLA targets, of the hours the desk's clocks run, and of the
/// teams that keep hours of their own.
pub const SLA_SETTING: &str = "sla";
pub const HOURS_SETTING: &str = "service_hours";
pub const TEAM_HOURS_SETTING: &str = "team_service_hours";

/// What the clocks are measured against.
pub struct ClockRules {
    pub sla: SlaRules,
    /// The desk's hours: for tickets with no team, or whose team keeps none of its own.
    pub hours: BusinessHours,
    pub team_hours: TeamHours,
}

impl ClockRules {
    /// The hours a ticket of this team is timed by.
    pub fn hours_for(&self, team: Option<i64>) -> &BusinessHours {
        team.and_then(|t| self.team_hours.get(&t))
            .unwrap_or(&self.hours)
    }
}

pub async fn clock_rules(conn: &mut AnyConnection) -> AppResult<ClockRules> {
    let stored = settings::several(
        &mut *conn,
        &[SLA_SETTING, HOURS_SETTING, TEAM_HOURS_SETTING],
    )
    .await?;
    Ok(ClockRules {
        sla: stored.get::<SlaRules>(SLA_SETTING),
        hours: stored.get::<BusinessHours>(HOURS_SETTING),
        team_hours: stored.get::<TeamHours>(TEAM_HOURS_SETTING),
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

/// The clocks of a ticket at `now`.
pub(super) struct Clocks {
    pub first_response: SlaClock,
    pub resolution: SlaClock,
    /// While a customer waits for an answer.
    pub next_response: Option<SlaClock>,
}

pub(super) fn clocks(
    r: &TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> Clocks {
    let t = times(r, pauses);
    let target = rules.sla.target(r.priority);
    let awaiting = opt_from_ms(r.awaiting_reply_since);
    let hours = rules.hours_for(r.team_id);
    Clocks {
        first_response: clock(sla::first_response(&t, &target, hours, now)),
        resolution: clock(sla::resolution(&t, &target, hours, now)),
        next_response: sla::next_response(awaiting, &target, hours, now).map(clock),
    }
}

/// The due times stored for ordering and for the alert rules: the first response's, fixed
/// at creation, the resolution's as it now runs (none while it stands still), and the next
/// response's while a customer waits.
pub(super) struct Dues {
    pub first_response: Option<i64>,
    pub resolution: Option<i64>,
    pub next_response: Option<i64>,
}

pub(super) fn stored_dues(
    r: &TicketRow,
    pauses: &[(i64, Option<i64>)],
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> Dues {
    let c = clocks(r, pauses, rules, now);
    let ms = |d: Option<DateTime<Utc>>| d.map(|t| t.timestamp_millis());
    Dues {
        first_response: ms(c.first_response.due_at),
        resolution: ms(c.resolution.due_at),
        next_response: ms(c.next_response.and_then(|n| n.due_at)),
    }
}

/// Re-times every running ticket's stored due times under the rules as they now stand in
/// `conn` (an admin's save of the targets or the service hours, in its transaction): the
/// alert rules and the queue read them. Returns how many tickets it looked at.
pub(crate) async fn retime_running(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let rules = clock_rules(&mut *conn).await?;
    let (mut after, mut seen) = (0, 0);
    loop {
        let rows = sla_store::running_after(&mut *conn, after, 500).await?;
        let Some(last) = rows.last() else {
            return Ok(seen);
        };
        after = last.id;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let pauses = store::pauses_of(&mut *conn, &ids).await?;
        for r in &rows {
            let spans = pauses.get(&r.id).map(Vec::as_slice).unwrap_or_default();
            let due = stored_dues(r, spans, &rules, now);
            let dues = (due.first_response, due.resolution, due.next_response);
            let queue = crate::domain::tickets::queue_due(r.status, r.first_responded_at, dues);
            sla_store::set_dues(&mut *conn, r.id, dues, queue).await?;
        }
        seen += rows.len();
    }
}
