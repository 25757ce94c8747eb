//! A KPI's tally for a period and scope, from the roll-ups where they keep its records
//! (store::kpi_rollups) and from the records themselves otherwise (tallied in SQL), whole or grouped by
//! person, day or part for the dashboard's charts.
use crate::domain::kpi_tally::Tally;
use crate::domain::kpis::KpiKey;
use crate::error::{AppError, AppResult};
use crate::ssr::store::kpi_cells::{self as cells, By, Cells};
use crate::ssr::store::kpi_rollups as rollups;
use crate::ssr::store::kpis::{records_of, Narrow, People, Window};
use sqlx::AnyConnection;
use std::collections::hash_map::{Entry, HashMap};

/// The tallies of `key`'s records in `w` for `people`, narrowed, grouped `by`.
pub(crate) async fn tallies(
    conn: &mut AnyConnection,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
    by: By,
) -> AppResult<Vec<(String, Tally)>> {
    let set = records_of(key);
    let forecast_by_stage = set == KpiKey::WeightedForecast && narrow.stage.is_some();
    if !rollups::is_rolled(key) || forecast_by_stage {
        return Ok(cells::records_tallied(&mut *conn, set, w, people, narrow, by).await?);
    }
    if set == KpiKey::CustomerRetention {
        if by != By::Nothing {
            return Err(AppError::Internal);
        }
        return Ok(vec![(
            String::new(),
            cells::retention(&mut *conn, people, w).await?,
        )]);
    }
    let dates = (
        w.period.from.format("%Y-%m-%d").to_string(),
        w.period.to.format("%Y-%m-%d").to_string(),
    );
    let parts = match (set, narrow.stage, narrow.source) {
        (KpiKey::WeightedForecast, _, _) => Some((dates.0.as_str(), dates.1.as_str())),
        (_, Some(stage), _) => Some((stage.as_str(), stage.as_str())),
        (_, _, Some(source)) => Some((source, source)),
        _ => None,
    };
    let chosen = |slots, coarse| Cells {
        key: set,
        people,
        slots,
        parts,
        coarse,
    };
    if key.is_snapshot() || set == KpiKey::WeightedForecast {
        return Ok(cells::tallies(&mut *conn, &chosen(None, false), by).await?);
    }
    let slot = |ms| cells::slot_of(set, ms);
    let (from, until) = (slot(w.start_ms), slot(w.end_ms));
    let settled =
        cells::settled_before(set, w.now_ms).map_or(until, |s| slot(s).clamp(from, until));
    let mut out = Vec::new();
    let mut hours_from = from;
    if cells::is_hourly(set) {
        // Whole days from the day cells, the settled hours of the last day from the hours.
        let (first_day, whole_until) = (
            cells::day_of(w.start_ms),
            cells::day_of(cells::slot_start(set, settled)),
        );
        // (A period's window begins at a local midnight.)
        if whole_until > first_day && cells::day_start(first_day) == w.start_ms {
            let days = Some((first_day, whole_until));
            out = cells::tallies(&mut *conn, &chosen(days, true), by).await?;
            hours_from = slot(cells::day_start(whole_until)).max(from);
        }
    }
    if settled > hours_from {
        let hours = chosen(Some((hours_from, settled)), false);
        merge(&mut out, cells::tallies(&mut *conn, &hours, by).await?);
    }
    if settled < until {
        // The records the cells cannot hold yet (at most a cell's worth).
        let rest = Window {
            start_ms: cells::slot_start(set, settled).max(w.start_ms),
            ..*w
        };
        let unsettled = cells::records_tallied(&mut *conn, set, &rest, people, narrow, by).await?;
        merge(&mut out, unsettled);
    }
    Ok(out)
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
        Ok(match self.0.entry(set) {
            Entry::Occupied(read) => read.into_mut(),
            Entry::Vacant(unread) => {
                unread.insert(tallies(conn, set.0, w, people, Narrow::default(), by).await?)
            }
        })
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
