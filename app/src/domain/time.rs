//! Local days for people: "due today" means before midnight where the user is.
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// China Standard Time, the default until users carry their own time zone.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 8 * 60;

/// The first instant of the next local day after `now`.
pub fn end_of_local_day(now: DateTime<Utc>, offset_minutes: i32) -> DateTime<Utc> {
    let Some(offset) = FixedOffset::east_opt(offset_minutes * 60) else {
        return now + Duration::days(1);
    };
    let local = now.with_timezone(&offset);
    let next_midnight = (local.date_naive() + Duration::days(1)).and_time(NaiveTime::MIN);
    offset
        .from_local_datetime(&next_midnight)
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now + Duration::days(1))
}

/// When a task is due, from the form's quick choice (`today`, `1d`, `7d`, `none`) or a
/// picked local date (`pick`, due at 18:00 that day). The rule the pages offer, here so
/// any door can offer it.
pub fn task_due_from_choice(
    choice: &str,
    pick: Option<&str>,
    now: DateTime<Utc>,
    offset_minutes: i32,
) -> Result<Option<DateTime<Utc>>, crate::error::AppError> {
    use crate::error::AppError;
    match choice {
        "today" => Ok(Some(end_of_work_day(now, offset_minutes))),
        "pick" => local_date_at(pick.unwrap_or_default(), 18, offset_minutes)
            .map(Some)
            .ok_or_else(|| AppError::field("pick", "choose a date")),
        other => Ok(NextFollowUp::parse(other)
            .ok_or_else(|| AppError::field("due", "choose today, tomorrow, next week or a date"))?
            .resolve(now, offset_minutes)),
    }
}

/// The next follow-up, from the form's quick choice (`1d`, `3d`, `7d`, `none`) or a
/// picked local date (`pick`, at 10:00 that day).
pub fn next_follow_up_from_choice(
    choice: &str,
    pick: Option<&str>,
    now: DateTime<Utc>,
    offset_minutes: i32,
) -> Result<Option<DateTime<Utc>>, crate::error::AppError> {
    use crate::error::AppError;
    if choice == "pick" {
        return local_date_at(pick.unwrap_or_default(), 10, offset_minutes)
            .map(Some)
            .ok_or_else(|| AppError::field("pick", "choose a date"));
    }
    Ok(NextFollowUp::parse(choice)
        .ok_or_else(|| AppError::field("next", "choose tomorrow, in 3 days, next week or a date"))?
        .resolve(now, offset_minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picked_days_and_work_day_ends_are_local() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 6, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            local_date_at("2026-11-25", 10, 480),
            Some(
                Utc.with_ymd_and_hms(2026, 11, 25, 2, 0, 0)
                    .single()
                    .unwrap_or_default()
            )
        );
        assert_eq!(local_date_at("25/11", 10, 480), None);
        assert_eq!(
            end_of_work_day(now, 480),
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
                .single()
                .unwrap_or_default()
        );
        let late = Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(end_of_work_day(late, 480) > late);
    }

    #[test]
    fn the_forms_due_choices_resolve_in_beijing_time_and_junk_is_named() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 2, 0, 0)
            .single()
            .unwrap_or_default();
        let at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).single();
        assert_eq!(
            task_due_from_choice("today", None, now, 480).ok(),
            Some(at(22, 10))
        );
        assert_eq!(
            task_due_from_choice("pick", Some("2026-11-25"), now, 480).ok(),
            Some(at(25, 10))
        );
        assert_eq!(
            task_due_from_choice("none", None, now, 480).ok(),
            Some(None)
        );
        let field = |r: Result<_, crate::error::AppError>| match r {
            Err(crate::error::AppError::Validation(e)) => e.keys().cloned().collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(
            field(task_due_from_choice("soonish", None, now, 480)),
            ["due"]
        );
        assert_eq!(
            field(task_due_from_choice("pick", Some("25/11"), now, 480)),
            ["pick"]
        );
        assert_eq!(
            next_follow_up_from_choice("pick", Some("2026-11-25"), now, 480).ok(),
            Some(at(25, 2))
        );
        assert_eq!(
            field(next_follow_up_from_choice("later", None, now, 480)),
            ["next"]
        );
        assert!(next_follow_up_from_choice("1d", None, now, 480)
            .ok()
            .flatten()
            .is_some_and(|t| t > now));
    }

    #[test]
    fn the_local_day_ends_at_local_midnight() {
        // 2026-11-22 15:30 UTC is 23:30 in Beijing: the day ends 30 minutes later.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 15, 30, 0)
            .single()
            .unwrap_or_default();
        let end = end_of_local_day(now, DEFAULT_UTC_OFFSET_MINUTES);
        assert_eq!(
            end,
            Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0)
                .single()
                .unwrap_or_default()
        );
        // 16:30 UTC is already the next Beijing day.
        let later = now + Duration::hours(1);
        assert_eq!(
            end_of_local_day(later, DEFAULT_UTC_OFFSET_MINUTES),
            end + Duration::days(1)
        );
    }
}

/// The quick choices for a next follow-up, as a rep taps them after a call or visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextFollowUp {
    Tomorrow,
    InThreeDays,
    NextWeek,
    None,
}

impl NextFollowUp {
    pub fn parse(s: &str) -> Option<NextFollowUp> {
        match s {
            "1d" | "tomorrow" => Some(NextFollowUp::Tomorrow),
            "3d" => Some(NextFollowUp::InThreeDays),
            "7d" | "next_week" => Some(NextFollowUp::NextWeek),
            "" | "none" => Some(NextFollowUp::None),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NextFollowUp::Tomorrow => "1d",
            NextFollowUp::InThreeDays => "3d",
            NextFollowUp::NextWeek => "7d",
            NextFollowUp::None => "none",
        }
    }

    /// 10:00 local time that many days ahead: a time a customer answers the phone.
    pub fn resolve(self, now: DateTime<Utc>, offset_minutes: i32) -> Option<DateTime<Utc>> {
        let days = match self {
            NextFollowUp::Tomorrow => 1,
            NextFollowUp::InThreeDays => 3,
            NextFollowUp::NextWeek => 7,
            NextFollowUp::None => return None,
        };
        let offset = FixedOffset::east_opt(offset_minutes * 60)?;
        let local_day = now.with_timezone(&offset).date_naive() + Duration::days(days);
        let at = local_day.and_time(NaiveTime::from_hms_opt(10, 0, 0)?);
        offset
            .from_local_datetime(&at)
            .single()
            .map(|d| d.with_timezone(&Utc))
    }
}

/// A picked calendar day (`YYYY-MM-DD`) at a local hour, as UTC; None when not a date.
pub fn local_date_at(day: &str, hour: u32, offset_minutes: i32) -> Option<DateTime<Utc>> {
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    local_hour(date, hour, offset_minutes)
}

/// A local day at a local hour, as UTC.
pub fn local_hour(date: NaiveDate, hour: u32, offset_minutes: i32) -> Option<DateTime<Utc>> {
    FixedOffset::east_opt(offset_minutes * 60)?
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?))
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// The instant (epoch ms) a local day begins.
pub fn local_midnight_ms(date: NaiveDate, offset_minutes: i32) -> Option<i64> {
    local_hour(date, 0, offset_minutes).map(|t| t.timestamp_millis())
}

/// The local calendar day `now` falls on.
pub fn local_date(now: DateTime<Utc>, offset_minutes: i32) -> NaiveDate {
    match FixedOffset::east_opt(offset_minutes * 60) {
        Some(offset) => now.with_timezone(&offset).date_naive(),
        None => now.date_naive(),
    }
}

/// When a task picked as "today" is due: 18:00 local, or the end of the day if that passed.
pub fn end_of_work_day(now: DateTime<Utc>, offset_minutes: i32) -> DateTime<Utc> {
    match local_hour(local_date(now, offset_minutes), 18, offset_minutes) {
        Some(t) if t > now => t,
        _ => end_of_local_day(now, offset_minutes) - Duration::minutes(1),
    }
}

#[cfg(test)]
mod follow_up_tests {
    use super::*;

    #[test]
    fn quick_choices_land_at_ten_in_the_morning_local_time() {
        // 2026-11-22 15:30 UTC is 23:30 on the 22nd in Beijing.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 15, 30, 0)
            .single()
            .unwrap_or_default();
        let tomorrow = NextFollowUp::Tomorrow.resolve(now, DEFAULT_UTC_OFFSET_MINUTES);
        assert_eq!(
            tomorrow,
            Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).single()
        );
        let week = NextFollowUp::NextWeek.resolve(now, DEFAULT_UTC_OFFSET_MINUTES);
        assert_eq!(week, Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).single());
        assert_eq!(
            NextFollowUp::None.resolve(now, DEFAULT_UTC_OFFSET_MINUTES),
            None
        );
        assert_eq!(NextFollowUp::parse("3d"), Some(NextFollowUp::InThreeDays));
        assert_eq!(NextFollowUp::parse("someday"), None);
    }
}
