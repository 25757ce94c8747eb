//! Reading the KPIs' roll-ups (store::kpi_rollups keeps them): a KPI's cells for a
//! period and scope summed into tallies, whole or by owner, day or part; and the same
//! tallies worked out in SQL from the records themselves, for what the cells do not hold.
//! (Retention, summed its own way, is read in store::kpi_retention.)
use crate::domain::forecast::ForecastCategory;
use crate::domain::kpi_tally::{graded, Graded, Tally};
use crate::domain::kpis::KpiKey;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpis::{push_facts, push_people, records_of, Narrow, People, Window};
use sqlx::{Any, Executor};
use std::collections::HashMap;

pub(crate) const DAY_MS: i64 = 86_400_000;

pub(crate) const HOUR_MS: i64 = 3_600_000;

/// The instant before which every record of `key` counts or does not for good: records
/// judged only once their time has passed (a lead's contact deadline, a follow-up's day
/// of grace) are read from the records after it.
pub fn settled_before(key: KpiKey, now_ms: i64) -> Option<i64> {
    match records_of(key) {
        KpiKey::LeadFirstContactSla => Some(now_ms + 1),
        KpiKey::FollowUpCompliance => Some(now_ms - DAY_MS + 1),
        _ => None,
    }
}

/// How long a cell of `key` is: an hour for the KPIs whose records are judged late (so
/// what the cells cannot hold yet is at most an hour of records), a local day otherwise.
pub fn slot_ms(key: KpiKey) -> i64 {
    if is_hourly(key) {
        HOUR_MS
    } else {
        DAY_MS
    }
}

/// Whether `key`'s records are kept in hour cells (those judged late).
pub fn is_hourly(key: KpiKey) -> bool {
    settled_before(key, 0).is_some()
}

/// Retention's coarser cells: blocks of this many days (days since 1970 divided by it).
pub const RETENTION_BLOCK_DAYS: i64 = 32;

/// How a KPI's coarser cells are made of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coarser {
    /// This many slots make one (slot divided by it).
    Slots(i64),
    /// A date part's month: its first seven characters (`YYYY-MM`).
    Month,
}

/// The length of a month part (`YYYY-MM`) of a date part.
pub const MONTH_PART_LEN: usize = 7;

/// The month (`YYYY-MM`) of a date part, as the month cells keep it (SQL's `SUBSTR` to
/// [`MONTH_PART_LEN`] in `kpi_rollups::rebuild`).
pub fn month_part(part: &str) -> String {
    part.chars().take(MONTH_PART_LEN).collect()
}

/// Whether `key`'s cells are also kept coarser, and how: an hourly KPI keeps days (24
/// hours), so a month sums thirty days per person and only the last day by the hour;
/// retention keeps 32-day blocks, since it sums every day before a period (two years are
/// 23 blocks and a few days, not 730 days); the unpaid installments keep months of
/// planned dates, since overdue sums every date before today.
pub fn coarser(key: KpiKey) -> Option<(&'static str, Coarser)> {
    match records_of(key) {
        KpiKey::CustomerRetention => Some(("32d", Coarser::Slots(RETENTION_BLOCK_DAYS))),
        KpiKey::ReceivablesOverdue | KpiKey::ReceivablesDue30d => Some(("month", Coarser::Month)),
        set if is_hourly(set) => Some(("day", Coarser::Slots(24))),
        _ => None,
    }
}

/// The name `key`'s cells are kept under in `kpi_cells`: the KPI's, or for its coarser
/// cells ([`coarser`]) the KPI's with `:day`, `:32d` or `:month` after it.
pub fn cells_name(key: KpiKey, coarse: bool) -> String {
    let set = records_of(key).as_str();
    match coarser(key).filter(|_| coarse) {
        Some((suffix, _)) => format!("{set}:{suffix}"),
        None => set.to_string(),
    }
}

/// The cell (local hours or days since 1970-01-01) an instant falls in, for `key`.
pub fn slot_of(key: KpiKey, ms: i64) -> i64 {
    (ms + DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000).div_euclid(slot_ms(key))
}

/// The instant a cell of `key` begins.
pub fn slot_start(key: KpiKey, slot: i64) -> i64 {
    slot * slot_ms(key) - DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000
}

/// The local day an instant falls on (days since 1970-01-01 in Tandem's time zone).
pub fn day_of(ms: i64) -> i64 {
    (ms + DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000).div_euclid(DAY_MS)
}

/// The instant a local day begins.
pub fn day_start(day: i64) -> i64 {
    day * DAY_MS - DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000
}

/// The category a weighted forecast cell's grade stands for.
pub fn forecast_category(grade: i64) -> ForecastCategory {
    usize::try_from(grade)
        .ok()
        .and_then(|i| ForecastCategory::ALL.get(i).copied())
        .unwrap_or(ForecastCategory::Pipeline)
}

/// Which cells a tally sums: the KPI's, these people's, these slots' (local days or hours,
/// `slot_of`; None: the state, kept without a time), and these parts (an inclusive
/// range). `coarse`: the slots are the KPI's coarser cells (an hourly KPI's days).
pub struct Cells<'a> {
    pub key: KpiKey,
    pub people: &'a People,
    pub slots: Option<(i64, i64)>,
    pub parts: Option<(String, String)>,
    pub coarse: bool,
}

/// How a tally's cells are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum By {
    Nothing,
    Owner,
    Day,
    Part,
}

#[derive(sqlx::FromRow)]
struct CellSum {
    grouped: Option<String>,
    grade: i64,
    n: i64,
    flagged: i64,
    amount_sum: i64,
    amount_n: i64,
    measure_sum: i64,
    measure_n: i64,
    weighted: i64,
}

/// The tallies of the cells chosen, one per group (its owner, day or part as text).
pub async fn tallies<'e>(
    ex: impl Executor<'e, Database = Any>,
    cells: &Cells<'_>,
    by: By,
) -> Result<Vec<(String, Tally)>, sqlx::Error> {
    let mut sql = Sql::new("");
    push_cells_select(&mut sql, cells, by, None);
    let rows: Vec<CellSum> = sql.all(ex, |r: CellSum| r).await?;
    Ok(into_tallies(cells.key, rows))
}

#[derive(sqlx::FromRow)]
struct TaggedSum {
    req: i64,
    #[sqlx(flatten)]
    sum: CellSum,
}

/// The parameters one statement may carry (SQLite's limit is 32,766).
const MAX_BINDS: usize = 20_000;

/// One branch of [`tallies_each`]: roll-up cells, or the records themselves in a window
/// (what the cells do not hold yet).
pub enum Branch<'a> {
    Cells(&'a Cells<'a>),
    Records {
        key: KpiKey,
        w: Window,
        people: &'a People,
    },
}

impl Branch<'_> {
    fn key(&self) -> KpiKey {
        match self {
            Branch::Cells(c) => c.key,
            Branch::Records { key, .. } => *key,
        }
    }

    /// At most how many values the branch binds.
    fn binds(&self) -> usize {
        let people = |p: &People| match p {
            People::These(ids) => ids.len(),
            People::Everyone => 0,
        };
        match self {
            Branch::Cells(c) => 6 + people(c.people),
            Branch::Records { people: p, .. } => 12 + people(p),
        }
    }
}

/// The tallies of each of `reads`, in their order: what [`tallies`] and
/// [`records_tallied`] answer for each, in as few statements as the parameters allow (each
/// read one branch of a `UNION ALL`, tagged with its place), so a report's dozens of sums
/// cost one trip to the database for the cells and one for the records.
///
/// The cells' branches and the records' go in statements of their own. A statement of
/// cells' branches has the same plan whatever its values (an index range on each KPI's
/// cells), so PostgreSQL can plan it once per connection and keep that plan; planned
/// together with the records' branches, whose best plan depends on their values, the whole
/// statement was planned again on every call, which took longer than running it.
pub async fn tallies_each(
    conn: &mut sqlx::AnyConnection,
    reads: &[(Branch<'_>, By)],
) -> Result<Vec<Vec<(String, Tally)>>, sqlx::Error> {
    let mut rows_of: Vec<Vec<CellSum>> = reads.iter().map(|_| Vec::new()).collect();
    for records in [false, true] {
        let mine: Vec<usize> = (0..reads.len())
            .filter(|&i| matches!(reads[i].0, Branch::Records { .. }) == records)
            .collect();
        let mut at = 0;
        while at < mine.len() {
            let mut sql = Sql::new("");
            let mut binds = 0;
            let first = at;
            while at < mine.len() {
                let (branch, by) = &reads[mine[at]];
                let cost = branch.binds();
                if at > first && binds + cost > MAX_BINDS {
                    break;
                }
                if at > first {
                    sql.push(" UNION ALL ");
                }
                let tag = Some(mine[at] as i64);
                match branch {
                    Branch::Cells(cells) => push_cells_select(&mut sql, cells, *by, tag),
                    Branch::Records { key, w, people } => {
                        push_records_select(&mut sql, *key, w, people, Narrow::default(), *by, tag)
                    }
                }
                binds += cost;
                at += 1;
            }
            let rows = if records {
                sql.all(&mut *conn, |r: TaggedSum| r).await?
            } else {
                all_with_kept_plan::<TaggedSum>(&mut *conn, &sql).await?
            };
            for r in rows {
                if let Some(of) = usize::try_from(r.req).ok().and_then(|i| rows_of.get_mut(i)) {
                    of.push(r.sum);
                }
            }
        }
    }
    Ok(reads
        .iter()
        .zip(rows_of)
        .map(|((branch, _), rows)| into_tallies(branch.key(), rows))
        .collect())
}

/// The rows of a statement of KPI cells' branches, run with the plan PostgreSQL keeps for it.
///
/// Left to choose, PostgreSQL plans such a statement again for every call: the plan it
/// would keep for any values (each KPI's cells read by an index range) is costed above
/// the one planned for the values at hand, though it runs as fast, and planning forty
/// branches takes as long as running them (docs/benchmarks.md). The choice is a setting,
/// set here for a transaction of this one statement (`SET LOCAL`), so it ends with it
/// even when the caller goes away midway (an unfinished transaction is rolled back before
/// the connection is used again). Parallel workers are turned off with it: costed for
/// any values, a report of fifty branches looked large enough to hand to workers, whose
/// start took 20 ms of a 4 ms statement (the REST report at 10^5 customers). SQLite plans
/// a statement once per connection anyway.
pub(crate) async fn all_with_kept_plan<R>(
    conn: &mut sqlx::AnyConnection,
    sql: &Sql,
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if conn.backend_name() != "PostgreSQL" {
        return sql.all(&mut *conn, |r: R| r).await;
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    // (`set_config(…, true)` is `SET LOCAL`; both settings in one trip.)
    Sql::new(
        "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), \
         set_config('max_parallel_workers_per_gather', '0', true)",
    )
    .query()
    .execute(&mut *tx)
    .await?;
    let rows = sql.all(&mut *tx, |r: R| r).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The `SELECT` of the cells chosen, summed by group and grade (first, `req`: the tag, for
/// a branch of [`tallies_each`]).
fn push_cells_select(sql: &mut Sql, cells: &Cells<'_>, by: By, tag: Option<i64>) {
    let per_day = if cells.coarse && is_hourly(cells.key) {
        1
    } else {
        DAY_MS / slot_ms(cells.key)
    };
    let group = match by {
        By::Nothing => "''".to_string(),
        By::Owner => "CAST(owner_id AS VARCHAR(20))".to_string(),
        By::Day if per_day == 1 => "CAST(day AS VARCHAR(20))".to_string(),
        By::Day => format!("CAST(day / {per_day} AS VARCHAR(20))"),
        By::Part => "part".to_string(),
    };
    let sum = |c: &str| format!("CAST(SUM({c}) AS BIGINT) AS {c}");
    let req = tag.map_or(String::new(), |t| format!("CAST({t} AS BIGINT) AS req, "));
    sql.push(&format!(
        "SELECT {req}{group} AS grouped, grade, {}, {}, {}, {}, {}, {}, {} FROM kpi_cells WHERE kpi = ",
        sum("n"),
        sum("flagged"),
        sum("amount_sum"),
        sum("amount_n"),
        sum("measure_sum"),
        sum("measure_n"),
        sum("weighted"),
    ));
    sql.bind(cells_name(cells.key, cells.coarse));
    push_people(sql, "owner_id", cells.people);
    match cells.slots {
        Some((from, until)) => {
            sql.push(" AND day >= ")
                .bind(from)
                .push(" AND day < ")
                .bind(until);
        }
        None => {
            sql.push(" AND day = 0");
        }
    }
    if let Some((low, high)) = &cells.parts {
        sql.push(" AND part >= ")
            .bind(low.as_str())
            .push(" AND part <= ")
            .bind(high.as_str());
    }
    // PostgreSQL refuses a constant in GROUP BY: everything together is by grade alone.
    if by == By::Nothing {
        sql.push(" GROUP BY grade");
    } else {
        sql.push(&format!(" GROUP BY {group}, grade"));
    }
}

/// What a record adds to the weighted sum: its amount × probability for the open
/// pipeline's KPIs, nothing for the others (their products would overflow a sum).
pub(crate) fn weighted(key: KpiKey) -> &'static str {
    if matches!(key, KpiKey::PipelineValue | KpiKey::WeightedForecast) {
        "COALESCE(q.amount, 0) * COALESCE(q.measure, 0)"
    } else {
        "0"
    }
}

/// Summed rows, one per group and grade, made into one tally per group.
fn into_tallies(key: KpiKey, rows: Vec<CellSum>) -> Vec<(String, Tally)> {
    let mut out: Vec<(String, Tally)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let name = r.grouped.unwrap_or_default();
        let i = *at.entry(name.clone()).or_insert_with(|| {
            out.push((name, Tally::default()));
            out.len() - 1
        });
        let mut t = Tally {
            n: r.n,
            flagged: r.flagged,
            amount_sum: r.amount_sum,
            amount_n: r.amount_n,
            measure_sum: r.measure_sum,
            measure_n: r.measure_n,
            weighted: r.weighted,
            ..Tally::default()
        };
        let graded_count = match graded(key) {
            Graded::Not => 0,
            Graded::ByMeasure => r.measure_n,
            Graded::ByAmount => r.amount_n,
        };
        if graded_count > 0 {
            t.grades.insert(r.grade, graded_count);
        }
        out[i].1.add(&t);
    }
    out.retain(|(_, t)| t.n > 0);
    out
}

/// The tallies of `key`'s records in `w` for these people, narrowed, grouped `by`, worked
/// out in SQL from the records themselves (what `Tally::of` would make of them, without
/// reading them out).
pub async fn records_tallied<'e>(
    ex: impl Executor<'e, Database = Any>,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
    by: By,
) -> Result<Vec<(String, Tally)>, sqlx::Error> {
    let mut sql = Sql::new("");
    push_records_select(&mut sql, key, w, people, narrow, by, None);
    let rows: Vec<CellSum> = sql.all(ex, |r: CellSum| r).await?;
    Ok(into_tallies(key, rows))
}

/// The `SELECT` of [`records_tallied`], in the columns of [`push_cells_select`]'s (first,
/// `req`: the tag, for a branch of [`tallies_each`]).
fn push_records_select(
    sql: &mut Sql,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
    by: By,
    tag: Option<i64>,
) {
    let offset = DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000;
    let group = match by {
        By::Nothing => None,
        By::Owner => Some("CAST(COALESCE(q.owner, 0) AS VARCHAR(20))".to_string()),
        By::Day => Some(format!("CAST((q.at + {offset}) / {DAY_MS} AS VARCHAR(20))")),
        By::Part => Some("q.part".to_string()),
    };
    let grade = match graded(key) {
        Graded::Not => None,
        Graded::ByMeasure => Some("q.measure"),
        Graded::ByAmount => Some("q.amount"),
    };
    let req = tag.map_or(String::new(), |t| format!("CAST({t} AS BIGINT) AS req, "));
    sql.push(&format!(
        "SELECT {req}{} AS grouped, {} AS grade, COUNT(*) AS n, \
         CAST(COALESCE(SUM(CASE WHEN q.measure = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS flagged, \
         CAST(COALESCE(SUM(q.amount), 0) AS BIGINT) AS amount_sum, COUNT(q.amount) AS amount_n, \
         CAST(COALESCE(SUM(q.measure), 0) AS BIGINT) AS measure_sum, COUNT(q.measure) AS measure_n, \
         CAST(COALESCE(SUM({}), 0) AS BIGINT) AS weighted FROM (",
        group.as_deref().unwrap_or("CAST('' AS VARCHAR(20))"),
        grade.map_or("CAST(0 AS BIGINT)".to_string(), |g| format!("COALESCE({g}, 0)")),
        weighted(key),
    ));
    push_facts(sql, key, w, people, narrow, false);
    sql.push(") q");
    // A constant in GROUP BY is refused (PostgreSQL) or read as a position (SQLite).
    let grouped: Vec<String> = group
        .into_iter()
        .chain(grade.map(|g| format!("COALESCE({g}, 0)")))
        .collect();
    if !grouped.is_empty() {
        sql.push(&format!(" GROUP BY {}", grouped.join(", ")));
    }
}
