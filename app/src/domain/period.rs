//! Reporting periods: local days from–to, the previous period of the same length, this
//! week / month / quarter / year, and the steps a chart cuts a period into.
use crate::domain::time::{local_date, local_midnight_ms};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// A period of local days, `from` to `to` inclusive, as the instants it spans: from the
/// first day's midnight to the midnight after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period's instants `[start, end)` at this UTC offset.
    pub fn span_ms(self, offset_minutes: i32) -> (i64, i64) {
        let midnight = |d: NaiveDate| local_midnight_ms(d, offset_minutes).unwrap_or(0);
        (midnight(self.from), midnight(self.to + Duration::days(1)))
    }

    /// The period of the same length that ends the day before this one starts.
    pub fn previous(self) -> Period {
        let days = (self.to - self.from).num_days() + 1;
        Period {
            from: self.from - Duration::days(days),
            to: self.from - Duration::days(1),
        }
    }

    /// This week (from Monday), month, quarter or year up to and including today.
    pub fn named(name: &str, now: DateTime<Utc>, offset_minutes: i32) -> Option<Period> {
        let today = local_date(now, offset_minutes);
        let from = match name {
            "week" => today - Duration::days(today.weekday().num_days_from_monday() as i64),
            "month" => today.with_day(1)?,
            "quarter" => NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)?,
            "year" => NaiveDate::from_ymd_opt(today.year(), 1, 1)?,
            _ => return None,
        };
        Some(Period { from, to: today })
    }
}

impl Period {
    /// This whole month or quarter (to its last day, not only to today): what a forecast
    /// is for.
    pub fn whole(name: &str, now: DateTime<Utc>, offset_minutes: i32) -> Option<Period> {
        let start = Period::named(name, now, offset_minutes)?.from;
        let months = match name {
            "month" => 1,
            "quarter" => 3,
            _ => return None,
        };
        let next = start.checked_add_months(chrono::Months::new(months))?;
        Some(Period {
            from: start,
            to: next - Duration::days(1),
        })
    }

    /// Whether the period's charts step by week (at most 16 weeks) rather than by month.
    pub fn charted_weekly(self) -> bool {
        (self.to - self.from).num_days() < 16 * 7
    }

    /// The period cut into the chart's steps, each clipped to the period: weeks from
    /// Monday when the period is at most 16 weeks long, calendar months otherwise.
    pub fn steps(self) -> Vec<Period> {
        let weekly = self.charted_weekly();
        let mut steps = Vec::new();
        let mut from = self.from;
        while from <= self.to {
            let end = if weekly {
                from + Duration::days(6 - from.weekday().num_days_from_monday() as i64)
            } else {
                let (y, m) = if from.month() == 12 {
                    (from.year() + 1, 1)
                } else {
                    (from.year(), from.month() + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).map_or(self.to, |next| next - Duration::days(1))
            };
            let to = end.min(self.to);
            steps.push(Period { from, to });
            from = to + Duration::days(1);
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_have_a_previous_of_the_same_length() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let march = Period {
            from: d(2026, 3, 1),
            to: d(2026, 3, 31),
        };
        assert_eq!(
            march.previous(),
            Period {
                from: d(2026, 1, 29),
                to: d(2026, 2, 28)
            }
        );
        let (start, end) = march.span_ms(8 * 60);
        assert_eq!(end - start, 31 * 86_400_000);
        let now = Utc
            .with_ymd_and_hms(2026, 12, 5, 3, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            Period::named("week", now, 480).map(|p| p.from),
            Some(d(2026, 11, 30))
        );
        assert_eq!(
            Period::named("quarter", now, 480).map(|p| p.from),
            Some(d(2026, 10, 1))
        );
        assert_eq!(Period::named("fortnight", now, 480), None);
        assert_eq!(
            Period::whole("quarter", now, 480),
            Some(Period {
                from: d(2026, 10, 1),
                to: d(2026, 12, 31)
            })
        );
        assert_eq!(
            Period::whole("month", now, 480).map(|p| p.to),
            Some(d(2026, 12, 31))
        );
    }

    #[test]
    fn a_period_is_charted_by_week_or_by_month_without_gaps() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        // 2026-03-01 is a Sunday: the first week is that one day.
        let march = Period {
            from: d(2026, 3, 1),
            to: d(2026, 3, 31),
        };
        let weeks = march.steps();
        assert_eq!(weeks.len(), 6);
        assert_eq!(
            weeks[0],
            Period {
                from: d(2026, 3, 1),
                to: d(2026, 3, 1)
            }
        );
        assert_eq!(
            weeks[1],
            Period {
                from: d(2026, 3, 2),
                to: d(2026, 3, 8)
            }
        );
        assert_eq!(
            weeks[5],
            Period {
                from: d(2026, 3, 30),
                to: d(2026, 3, 31)
            }
        );
        let year = Period {
            from: d(2026, 1, 15),
            to: d(2026, 12, 5),
        };
        let months = year.steps();
        assert_eq!(months.len(), 12);
        assert_eq!(
            months[0],
            Period {
                from: d(2026, 1, 15),
                to: d(2026, 1, 31)
            }
        );
        assert_eq!(
            months[1],
            Period {
                from: d(2026, 2, 1),
                to: d(2026, 2, 28)
            }
        );
        assert_eq!(
            months[11],
            Period {
                from: d(2026, 12, 1),
                to: d(2026, 12, 5)
            }
        );
        for pair in months.windows(2).chain(weeks.windows(2)) {
            assert_eq!(pair[0].to + Duration::days(1), pair[1].from);
        }
    }
}
