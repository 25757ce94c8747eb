//! Ticket SLA clocks, as pure rules: business hours (a team's time zone, hours per weekday,
//! holidays, or 24×7), targets per priority, and the state of each clock of a ticket at a
//! moment. The service desk stores the instants (created, first public reply, pending
//! spans, resolved) and asks these functions; nothing here reads a clock or a database.
//!
//! - The first-response clock runs in business time from creation until the first public
//!   reply by an agent; pending never pauses it.
//! - The resolution clock runs in business time from creation until resolution, paused
//!   while the ticket is pending (waiting on the customer); time paused is not counted.
//! - The next-response clock runs in business time from a customer's message that came
//!   after the desk had answered, until the desk's next public reply (or the ticket is
//!   resolved). Before the first answer the first-response clock covers the customer.
use crate::model::TicketPriority;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Open hours of one weekday, in local minutes after midnight (`start < end <= 1440`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkDay {
    pub start_minute: u32,
    pub end_minute: u32,
}

/// When the clocks run.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    pub utc_offset_minutes: i32,
    /// Monday first; None: closed that weekday.
    pub days: [Option<WorkDay>; 7],
    /// Local dates on which the clocks stop (public holidays).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

/// Teams that keep hours of their own (a support team in another time zone, a team on
/// shifts), by team id; every other ticket is timed by the desk's hours.
pub type TeamHours = std::collections::BTreeMap<i64, BusinessHours>;

/// How far ahead a due time is looked for before giving up (no open hours at all).
const SEARCH_DAYS: i64 = 3660;

/// Until an admin sets office hours, the clocks run round the clock: the targets of
/// product.md ("urgent tickets answered in 2 h") read as wall-clock hours.
impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours::always()
    }
}

impl BusinessHours {
    /// Round the clock, every day.
    pub fn always() -> Self {
        let day = Some(WorkDay {
            start_minute: 0,
            end_minute: 1440,
        });
        BusinessHours {
            utc_offset_minutes: 0,
            days: [day; 7],
            holidays: Vec::new(),
        }
    }

    /// Monday to Friday, 09:00–18:00 Beijing time: the default for a team.
    pub fn office_beijing() -> Self {
        let day = Some(WorkDay {
            start_minute: 9 * 60,
            end_minute: 18 * 60,
        });
        BusinessHours {
            utc_offset_minutes: 8 * 60,
            days: [day, day, day, day, day, None, None],
            holidays: Vec::new(),
        }
    }

    /// What is wrong with these hours, for the settings form.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            out.push((
                "utc_offset_minutes",
                "must be between -840 and 840".to_string(),
            ));
        }
        if self
            .days
            .iter()
            .flatten()
            .any(|d| d.start_minute >= d.end_minute || d.end_minute > 1440)
        {
            out.push((
                "days",
                "each open day starts before it ends, within the day".to_string(),
            ));
        }
        out
    }

    fn zone(&self) -> FixedOffset {
        // Out-of-range offsets are refused by `problems`; UTC stands in for one anyway.
        FixedOffset::east_opt(self.utc_offset_minutes * 60).unwrap_or(Utc.fix())
    }

    /// The open span of a local date, as instants; None when closed.
    fn open_on(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let day = self.days[date.weekday().num_days_from_monday() as usize]?;
        let midnight = self
            .zone()
            .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
            .single()?
            .with_timezone(&Utc);
        Some((
            midnight + Duration::minutes(i64::from(day.start_minute)),
            midnight + Duration::minutes(i64::from(day.end_minute)),
        ))
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone()).date_naive()
    }

    /// The instant `minutes` of business time after `from`; None if there is no open time
    /// in the next ten years.
    pub fn add(&self, from: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        let mut left = Duration::minutes(minutes.max(0));
        let mut date = self.local_date(from) - Duration::days(1);
        for _ in 0..SEARCH_DAYS {
            if let Some((open, close)) = self.open_on(date) {
                let start = open.max(from);
                if start < close {
                    let span = close - start;
                    if left <= span {
                        return Some(start + left);
                    }
                    left -= span;
                }
            }
            date += Duration::days(1);
        }
        None
    }

    /// Business minutes in `[from, to)` (0 when `to <= from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = Duration::zero();
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while date <= last {
            if let Some((open, close)) = self.open_on(date) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += b - a;
                }
            }
            date += Duration::days(1);
        }
        total.num_minutes()
    }
}

/// Minutes of business time per clock, for one priority.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    /// After a customer's message, the desk answers within this; None: the first
    /// response's target (an answer is owed as fast as the first one was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_response_minutes: Option<i64>,
}

impl Target {
    /// The next-response target in minutes.
    pub fn next_response(&self) -> i64 {
        self.next_response_minutes
            .unwrap_or(self.first_response_minutes)
    }
}

/// The default targets of product.md: urgent 2 h / 8 h, high 4 h / 24 h, normal 24 h /
/// 72 h, low 48 h / 120 h (first response / resolution).
pub fn default_target(priority: TicketPriority) -> Target {
    let (first, resolution) = match priority {
        TicketPriority::Urgent => (2, 8),
        TicketPriority::High => (4, 24),
        TicketPriority::Normal => (24, 72),
        TicketPriority::Low => (48, 120),
    };
    Target {
        first_response_minutes: first * 60,
        resolution_minutes: resolution * 60,
        next_response_minutes: None,
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Breached,
}

/// One clock of a ticket at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    pub state: ClockState,
    /// When it runs out, while running; when it ran out, once breached. None while paused
    /// (it depends on when the pause ends) and once met (except for the first response,
    /// whose due time is fixed at creation).
    pub due_at: Option<DateTime<Utc>>,
    /// Business minutes left (negative: by how much it was or is breached).
    pub left_minutes: i64,
}

/// The instants of a ticket the clocks are made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketTimes {
    pub created_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Spans the resolution clock stood still, oldest first: pending, and resolved before a
    /// reopen. The last may still be open.
    pub pending: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

/// The first-response clock at `now`.
pub fn first_response(
    t: &TicketTimes,
    target: &Target,
    hours: &BusinessHours,
    now: DateTime<Utc>,
) -> ClockView {
    let due = hours.add(t.created_at, target.first_response_minutes);
    let end = t.first_responded_at.unwrap_or(now);
    let used = hours.between(t.created_at, end);
    let left = target.first_response_minutes - used;
    let state = match (t.first_responded_at, left >= 0) {
        (Some(_), true) => ClockState::Met,
        (None, true) => ClockState::Running,
        (_, false) => ClockState::Breached,
    };
    ClockView {
        state,
        due_at: due,
        left_minutes: left,
    }
}

/// The next-response clock at `now`: None unless the customer is waiting for an answer
/// (since `awaiting_since`).
pub fn next_response(
    awaiting_since: Option<DateTime<Utc>>,
    target: &Target,
    hours: &BusinessHours,
    now: DateTime<Utc>,
) -> Option<ClockView> {
    let since = awaiting_since?;
    let left = target.next_response() - hours.between(since, now);
    Some(ClockView {
        state: if left >= 0 {
            ClockState::Running
        } else {
            ClockState::Breached
        },
        due_at: hours.add(since, target.next_response()),
        left_minutes: left,
    })
}

/// Business minutes the resolution clock has run by `end` (pending spans left out).
fn resolution_used(t: &TicketTimes, hours: &BusinessHours, end: DateTime<Utc>) -> i64 {
    let paused: i64 = t
        .pending
        .iter()
        .map(|(from, to)| {
            let to = to.unwrap_or(end).min(end);
            hours.between(*from, to)
        })
        .sum();
    hours.between(t.created_at, end) - paused
}

/// The resolution clock at `now`.
pub fn resolution(
    t: &TicketTimes,
    target: &Target,
    hours: &BusinessHours,
    now: DateTime<Utc>,
) -> ClockView {
    let end = t.resolved_at.unwrap_or(now);
    let left = target.resolution_minutes - resolution_used(t, hours, end);
    let paused = t.resolved_at.is_none() && t.pending.last().is_some_and(|(_, to)| to.is_none());
    let state = match (t.resolved_at, paused, left >= 0) {
        (Some(_), _, true) => ClockState::Met,
        (_, _, false) => ClockState::Breached,
        (None, true, true) => ClockState::Paused,
        (None, false, true) => ClockState::Running,
    };
    let due_at = match state {
        ClockState::Running => hours.add(now, left),
        ClockState::Breached => breach_instant(t, target, hours),
        ClockState::Paused | ClockState::Met => None,
    };
    ClockView {
        state,
        due_at,
        left_minutes: left,
    }
}

/// The instant the resolution clock ran out: walking the running spans (creation to each
/// pause, each resume to the next) until the target is used up.
fn breach_instant(
    t: &TicketTimes,
    target: &Target,
    hours: &BusinessHours,
) -> Option<DateTime<Utc>> {
    let mut left = target.resolution_minutes;
    let mut from = t.created_at;
    for (pause, resume) in &t.pending {
        let run = hours.between(from, *pause);
        if run > left {
            return hours.add(from, left);
        }
        left -= run;
        from = (*resume)?;
    }
    hours.add(from, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        // Beijing local time on a day of December 2026 (the 4th is a Friday).
        FixedOffset::east_opt(8 * 3600)
            .and_then(|z| z.with_ymd_and_hms(2026, 12, d, h, m, 0).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn business_time_skips_nights_weekends_and_holidays() {
        let office = BusinessHours::office_beijing();
        // Friday 16:00 + 4 h of office time: 2 h on Friday, 2 h on Monday → Monday 11:00.
        assert_eq!(office.add(at(4, 16, 0), 240), Some(at(7, 11, 0)));
        assert_eq!(office.between(at(4, 16, 0), at(7, 11, 0)), 240);
        // Made on Saturday: the clock starts on Monday at nine.
        assert_eq!(office.add(at(5, 10, 0), 60), Some(at(7, 10, 0)));
        // A holiday on Monday moves it to Tuesday.
        let mut with_holiday = office.clone();
        with_holiday
            .holidays
            .push(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default());
        assert_eq!(with_holiday.add(at(4, 16, 0), 240), Some(at(8, 11, 0)));
        // Round the clock counts every minute.
        let always = BusinessHours::always();
        assert_eq!(always.add(at(4, 16, 0), 240), Some(at(4, 20, 0)));
        assert_eq!(always.between(at(4, 16, 0), at(5, 16, 0)), 1440);
        // No open day at all: no due time, rather than a loop.
        let closed = BusinessHours {
            days: [None; 7],
            ..office
        };
        assert_eq!(closed.add(at(4, 16, 0), 1), None);
    }

    #[test]
    fn the_first_response_clock_runs_through_pending_and_stops_at_the_first_reply() {
        let office = BusinessHours::office_beijing();
        let target = default_target(TicketPriority::High); // 4 h
        let mut t = TicketTimes {
            created_at: at(4, 16, 0),
            pending: vec![(at(4, 16, 30), None)],
            ..TicketTimes::default()
        };
        let c = first_response(&t, &target, &office, at(7, 10, 0));
        assert_eq!(c.state, ClockState::Running);
        assert_eq!(c.due_at, Some(at(7, 11, 0)));
        assert_eq!(c.left_minutes, 60);
        assert_eq!(
            first_response(&t, &target, &office, at(7, 11, 30)).state,
            ClockState::Breached
        );
        t.first_responded_at = Some(at(7, 10, 59));
        let met = first_response(&t, &target, &office, at(9, 9, 0));
        assert_eq!((met.state, met.left_minutes), (ClockState::Met, 1));
    }

    #[test]
    fn pending_pauses_the_resolution_clock_and_the_pause_is_not_counted() {
        let always = BusinessHours::always();
        let target = default_target(TicketPriority::Urgent); // 8 h
                                                             // Created at 08:00; pending 10:00–14:00 (4 h paused).
        let mut t = TicketTimes {
            created_at: at(4, 8, 0),
            pending: vec![(at(4, 10, 0), None)],
            ..TicketTimes::default()
        };
        let paused = resolution(&t, &target, &always, at(4, 12, 0));
        assert_eq!(
            (paused.state, paused.due_at, paused.left_minutes),
            (ClockState::Paused, None, 360)
        );
        t.pending[0].1 = Some(at(4, 14, 0));
        let running = resolution(&t, &target, &always, at(4, 15, 0));
        assert_eq!(running.state, ClockState::Running);
        // 2 h used before the pause, 1 h after: 5 h left → 20:00.
        assert_eq!(running.due_at, Some(at(4, 20, 0)));
        assert_eq!(running.left_minutes, 300);
        let late = resolution(&t, &target, &always, at(4, 21, 0));
        assert_eq!(
            (late.state, late.due_at, late.left_minutes),
            (ClockState::Breached, Some(at(4, 20, 0)), -60)
        );
        t.resolved_at = Some(at(4, 19, 0));
        assert_eq!(
            resolution(&t, &target, &always, at(5, 9, 0)).state,
            ClockState::Met
        );
    }

    #[test]
    fn the_next_response_clock_runs_in_business_time_from_the_customers_message() {
        let office = BusinessHours::office_beijing();
        let target = default_target(TicketPriority::High); // 4 h, next response as first
        assert_eq!(next_response(None, &target, &office, at(4, 17, 0)), None);
        // The customer wrote on Friday at 17:00: 1 h on Friday, 3 h on Monday.
        let c = next_response(Some(at(4, 17, 0)), &target, &office, at(7, 9, 30)).unwrap();
        assert_eq!(
            (c.state, c.due_at, c.left_minutes),
            (ClockState::Running, Some(at(7, 12, 0)), 150)
        );
        let late = next_response(Some(at(4, 17, 0)), &target, &office, at(7, 13, 0)).unwrap();
        assert_eq!((late.state, late.left_minutes), (ClockState::Breached, -60));
        let own = Target {
            next_response_minutes: Some(30),
            ..target
        };
        let c = next_response(Some(at(7, 10, 0)), &own, &office, at(7, 10, 0)).unwrap();
        assert_eq!(c.due_at, Some(at(7, 10, 30)));
    }

    #[test]
    fn a_reopened_ticket_keeps_the_time_it_used() {
        let always = BusinessHours::always();
        let target = default_target(TicketPriority::Urgent); // 8 h
                                                             // Resolved after 7 h, reopened (resolution cleared) 2 days later: 1 h was left at
                                                             // resolution, and only the time since the reopen counts against it — the days it
                                                             // sat resolved are a pause.
        let t = TicketTimes {
            created_at: at(4, 8, 0),
            pending: vec![(at(4, 15, 0), Some(at(6, 15, 0)))],
            ..TicketTimes::default()
        };
        let c = resolution(&t, &target, &always, at(6, 15, 30));
        assert_eq!((c.state, c.left_minutes), (ClockState::Running, 30));
        assert_eq!(c.due_at, Some(at(6, 16, 0)));
    }
}
