//! A KPI's tally for a period and scope, from the roll-ups where they keep its records
//! (store::kpi_rollups) and from the records themselves otherwise (tallied in SQL), whole or grouped by
//! person, day or part for the dashboard's charts.
use crate::domain::kpi_tally::Tally;
use crate::domain::kpis::KpiKey;
use crate::error::{AppError, AppResult};
use crate::ssr::clock::iso_date;
use crate::ssr::store::kpi_cells::{self as cells, Branch, By, Cells};
use crate::ssr::store::kpi_rollups as rollups;
use crate::ssr::store::kpi_slots as slots;
use crate::ssr::store::kpis::{receivable_dates, records_of, People, Window};
use chrono::Datelike;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The tallies of `key`'s records in `w` for `people`, grouped `by` (read as a report
/// reads them: [`TalliesRead::prefetch`]).
pub(crate) async fn tallies(
    conn: &mut AnyConnection,
    key: KpiKey,
    w: &Window,
    people: &People,
    by: By,
) -> AppResult<Vec<(String, Tally)>> {
    let mut read = TalliesRead::default();
    Ok(read.grouped(conn, key, w, people, by).await?.clone())
}

/// One of the reads a tally is the sum of.
enum Read<'a> {
    /// Roll-up cells.
    Cells(Cells<'a>),
    /// The records themselves, in this window (what the cells do not hold).
    Records(Window),
    /// Retention's cells (store::kpi_retention::retention_each).
    Retention(Window),
}

/// The reads whose sum is the tally of `key`'s records in `w` for `people`, grouped `by`:
/// the roll-up's cells where they hold the records, the records otherwise. (A drill-down
/// narrowed to a stage or a source reads its records: `kpis::records`.)
fn plan<'a>(key: KpiKey, w: &Window, people: &'a People, by: By) -> AppResult<Vec<Read<'a>>> {
    let set = records_of(key);
    let Some(rolled) = rollups::rolled_as(key) else {
        return Ok(vec![Read::Records(*w)]);
    };
    if rolled == KpiKey::ReceivablesOverdue {
        // The unpaid installments' cells of the planned dates `key` counts today.
        let Some((from, until)) = receivable_dates(set, w.now_ms) else {
            return Ok(vec![Read::Records(*w)]);
        };
        // (Parts are inclusive: up to the day before `until`.)
        let last = until.pred_opt().ok_or(AppError::Internal)?;
        let read = |parts: (String, String), coarse| {
            Read::Cells(Cells {
                key: rolled,
                people,
                slots: None,
                parts: Some(parts),
                coarse,
            })
        };
        return Ok(match from {
            // Overdue: the months before this one from the month cells, this month's days
            // from the date cells (by part, only the dates have them).
            None if by != By::Part => {
                let month_start = until.with_day(1).ok_or(AppError::Internal)?;
                let last_month = month_start.pred_opt().ok_or(AppError::Internal)?;
                let mut reads = vec![read(
                    (String::new(), slots::month_part(&iso_date(last_month))),
                    true,
                )];
                if month_start <= last {
                    reads.push(read((iso_date(month_start), iso_date(last)), false));
                }
                reads
            }
            from => vec![read(
                (from.map(iso_date).unwrap_or_default(), iso_date(last)),
                false,
            )],
        });
    }
    if set == KpiKey::CustomerRetention {
        if by != By::Nothing {
            return Err(AppError::Internal);
        }
        return Ok(vec![Read::Retention(*w)]);
    }
    let parts =
        (set == KpiKey::WeightedForecast).then(|| (iso_date(w.period.from), iso_date(w.period.to)));
    let chosen = |slots, coarse| {
        Read::Cells(Cells {
            key: set,
            people,
            slots,
            parts: parts.clone(),
            coarse,
        })
    };
    if key.is_snapshot() || set == KpiKey::WeightedForecast {
        return Ok(vec![chosen(None, false)]);
    }
    let slot = |ms| slots::slot_of(set, ms);
    let (from, until) = (slot(w.start_ms), slot(w.end_ms));
    let settled =
        slots::settled_before(set, w.now_ms).map_or(until, |s| slot(s).clamp(from, until));
    let mut reads = Vec::new();
    let mut hours_from = from;
    if slots::is_hourly(set) {
        // Whole days from the day cells, the settled hours of the last day from the hours.
        let (first_day, whole_until) = (
            slots::day_of(w.start_ms),
            slots::day_of(slots::slot_start(set, settled)),
        );
        // (A period's window begins at a local midnight.)
        if whole_until > first_day && slots::day_start(first_day) == w.start_ms {
            reads.push(chosen(Some((first_day, whole_until)), true));
            hours_from = slot(slots::day_start(whole_until)).max(from);
        }
    }
    if settled > hours_from {
        reads.push(chosen(Some((hours_from, settled)), false));
    }
    if settled < until {
        // The records the cells cannot hold yet (at most a cell's worth).
        reads.push(Read::Records(Window {
            start_ms: slots::slot_start(set, settled).max(w.start_ms),
            ..*w
        }));
    }
    Ok(reads)
}

/// Adds `more`'s tallies to `out`'s of the same group.
fn merge(out: &mut Vec<(String, Tally)>, more: Vec<(String, Tally)>) {
    for (group, t) in more {
        match out.iter_mut().find(|(g, _)| *g == group) {
            Some((_, sum)) => sum.add(&t),
            None => out.push((group, t)),
        }
    }
}

/// The tallies a report has read, by record set, period and grouping: KPIs that are
/// figures of the same records (conversion of the new leads, p90 beside the median) and
/// the charts beside the numbers read them once.
#[derive(Default)]
pub(crate) struct TalliesRead(HashMap<SetRead, Vec<(String, Tally)>>);

/// A record set as read: its KPI, the period's instants, the grouping.
type SetRead = (KpiKey, i64, i64, By);

impl TalliesRead {
    /// The tallies of `key` in `w` for `people`, grouped `by`.
    pub(crate) async fn grouped(
        &mut self,
        conn: &mut AnyConnection,
        key: KpiKey,
        w: &Window,
        people: &People,
        by: By,
    ) -> AppResult<&Vec<(String, Tally)>> {
        let set = (records_of(key), w.start_ms, w.end_ms, by);
        if !self.0.contains_key(&set) {
            self.prefetch(conn, &[(key, w, by)], people).await?;
        }
        self.0.get(&set).ok_or(AppError::Internal)
    }

    /// Reads the tallies of each KPI in its window for `people`, grouped as asked, that
    /// were not read yet: their cells, retention's and the records the cells do not hold
    /// yet together (a report's fifty sums in three statements instead of fifty). A whole
    /// tally wanted beside a grouping of the same records is not read but summed from the
    /// groups (every group is read, so the sums agree).
    pub(crate) async fn prefetch(
        &mut self,
        conn: &mut AnyConnection,
        wanted: &[(KpiKey, &Window, By)],
        people: &People,
    ) -> AppResult<()> {
        let sets: Vec<(SetRead, &Window)> = wanted
            .iter()
            .map(|(key, w, by)| ((records_of(*key), w.start_ms, w.end_ms, *by), *w))
            .collect();
        let mut todo: Vec<(SetRead, Vec<Read<'_>>)> = Vec::new();
        // The whole tallies that are the sums of a grouping also wanted (read or to read).
        let mut summed_from: Vec<(SetRead, SetRead)> = Vec::new();
        for (set, w) in &sets {
            let set = *set;
            if self.0.contains_key(&set)
                || todo.iter().any(|(s, _)| *s == set)
                || summed_from.iter().any(|(s, _)| *s == set)
            {
                continue;
            }
            if set.3 == By::Nothing {
                let twin = sets
                    .iter()
                    .map(|(s, _)| *s)
                    .chain(self.0.keys().copied())
                    .find(|s| (s.0, s.1, s.2) == (set.0, set.1, set.2) && s.3 != By::Nothing);
                if let Some(twin) = twin {
                    summed_from.push((set, twin));
                    continue;
                }
            }
            todo.push((set, plan(set.0, w, people, set.3)?));
        }
        let batch: Vec<(Branch<'_>, By)> = todo
            .iter()
            .flat_map(|(set, reads)| reads.iter().map(move |r| (*set, r)))
            .map(|(set, r)| match r {
                Read::Cells(c) => (Branch::Cells(c), set.3),
                Read::Records(w) => (
                    Branch::Records {
                        key: set.0,
                        w: *w,
                        people,
                    },
                    set.3,
                ),
                Read::Retention(w) => (Branch::Retention { w: *w, people }, set.3),
            })
            .collect();
        let mut summed = cells::tallies_each(&mut *conn, &batch).await?.into_iter();
        for (set, reads) in todo {
            let mut out = Vec::new();
            for _ in reads {
                merge(&mut out, summed.next().unwrap_or_default());
            }
            self.0.insert(set, out);
        }
        for (set, twin) in summed_from {
            let mut sum = Tally::default();
            for (_, t) in self.0.get(&twin).into_iter().flatten() {
                sum.add(t);
            }
            self.0.insert(set, vec![(String::new(), sum)]);
        }
        Ok(())
    }

    /// The tally of all of `key`'s records in `w` for `people`.
    pub(crate) async fn whole(
        &mut self,
        conn: &mut AnyConnection,
        key: KpiKey,
        w: &Window,
        people: &People,
    ) -> AppResult<Tally> {
        let mut sum = Tally::default();
        for (_, t) in self.grouped(conn, key, w, people, By::Nothing).await? {
            sum.add(t);
        }
        Ok(sum)
    }
}

/// The tally of one group (a stage, a source, a person's id) of grouped tallies; an empty
/// tally when the group has no records.
pub(crate) fn group_of(grouped: &[(String, Tally)], group: &str) -> Tally {
    grouped
        .iter()
        .find(|(g, _)| g == group)
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}
