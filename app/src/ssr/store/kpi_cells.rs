//! Reading the KPIs' roll-ups (store::kpi_rollups keeps them): a KPI's cells for a
//! period and scope summed into tallies, whole or by owner, day or part; and the same
//! tallies worked out in SQL from the records themselves, for what the cells do not hold.
//! (Retention, summed its own way, is read in store::kpi_retention; where a cell falls,
//! in store::kpi_slots; the plan PostgreSQL keeps for the cells' statements,
//! store::kept_plan.)
use crate::domain::kpi_tally::{graded, Graded, Tally};
use crate::domain::kpis::KpiKey;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kept_plan::KeptPlan;
use crate::ssr::store::kpi_retention;
use crate::ssr::store::kpi_slots::{cells_name, is_hourly, slot_ms, DAY_MS};
use crate::ssr::store::kpis::{push_facts, push_people, Narrow, People, Window};
use std::collections::HashMap;

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

#[derive(sqlx::FromRow)]
struct TaggedSum {
    req: i64,
    #[sqlx(flatten)]
    sum: CellSum,
}

/// The parameters one statement may carry (SQLite's limit is 32,766).
const MAX_BINDS: usize = 20_000;

/// One branch of [`tallies_each`]: roll-up cells, the records themselves in a window
/// (what the cells do not hold yet), or retention's cells.
pub enum Branch<'a> {
    Cells(&'a Cells<'a>),
    Records {
        key: KpiKey,
        w: Window,
        people: &'a People,
    },
    /// Customer retention in a window (store::kpi_retention), whole.
    Retention {
        w: Window,
        people: &'a People,
    },
}

impl Branch<'_> {
    fn key(&self) -> KpiKey {
        match self {
            Branch::Cells(c) => c.key,
            Branch::Records { key, .. } => *key,
            Branch::Retention { .. } => KpiKey::CustomerRetention,
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
            Branch::Retention { people: p, .. } => 8 + 2 * people(p),
        }
    }
}

/// The tallies of each of `reads`, in their order (the cells' sums, the records' tallied
/// in SQL, retention's: one per group, its owner, day or part as text), in as few
/// statements as the parameters allow (each read one branch of a `UNION ALL`, tagged with
/// its place; a KPI's reads of spans that meet, one branch: [`chained`]), so a report's
/// dozens of sums cost one trip to the database for the records, one for the cells and
/// one for retention.
///
/// The cells' branches and the records' go in statements of their own. A statement of
/// cells' branches has the same plan whatever its values (an index range on each KPI's
/// cells), so PostgreSQL can plan it once per connection and keep that plan ([`KeptPlan`],
/// which retention's statement shares); planned together with the records' branches,
/// whose best plan depends on their values, the whole statement was planned again on
/// every call, which took longer than running it.
pub async fn tallies_each(
    conn: &mut sqlx::AnyConnection,
    reads: &[(Branch<'_>, By)],
) -> Result<Vec<Vec<(String, Tally)>>, sqlx::Error> {
    let mut rows_of: Vec<Vec<CellSum>> = reads.iter().map(|_| Vec::new()).collect();
    let of_kind = |records: bool| -> Vec<usize> {
        (0..reads.len())
            .filter(|&i| match reads[i].0 {
                Branch::Records { .. } => records,
                Branch::Cells(_) => !records,
                Branch::Retention { .. } => false,
            })
            .collect()
    };
    for sql in statements(reads, &chained(reads, &of_kind(true))) {
        tag_rows(&mut rows_of, sql.all(&mut *conn, |r: TaggedSum| r).await?);
    }
    let cells = statements(reads, &chained(reads, &of_kind(false)));
    // Retention's reads, by the people they count (a report's: one group, two periods).
    let mut retention: Vec<(&People, Vec<(usize, Window)>)> = Vec::new();
    for (i, (branch, _)) in reads.iter().enumerate() {
        if let Branch::Retention { w, people } = branch {
            match retention.iter_mut().find(|(p, _)| p == people) {
                Some((_, windows)) => windows.push((i, *w)),
                None => retention.push((people, vec![(i, *w)])),
            }
        }
    }
    let mut retained: Vec<(usize, Tally)> = Vec::new();
    if !cells.is_empty() || !retention.is_empty() {
        // The cells' statements and retention's, with the plans PostgreSQL keeps.
        let mut kept = KeptPlan::begin(&mut *conn).await?;
        for sql in &cells {
            tag_rows(&mut rows_of, kept.all::<TaggedSum>(sql).await?);
        }
        for (people, windows) in &retention {
            let periods: Vec<Window> = windows.iter().map(|(_, w)| *w).collect();
            let tallies = kpi_retention::retention_each(&mut kept, people, &periods).await?;
            retained.extend(windows.iter().map(|(i, _)| *i).zip(tallies));
        }
        kept.end().await?;
    }
    let mut out: Vec<Vec<(String, Tally)>> = reads
        .iter()
        .zip(rows_of)
        .map(|((branch, _), rows)| into_tallies(branch.key(), rows))
        .collect();
    for (i, t) in retained {
        out[i] = vec![(String::new(), t)];
    }
    Ok(out)
}

/// The statements that run `units` (of [`chained`]), as few as the parameters allow:
/// each unit one branch of a `UNION ALL`, tagged with its place in `reads`.
fn statements(reads: &[(Branch<'_>, By)], units: &[Vec<usize>]) -> Vec<Sql> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < units.len() {
        let mut sql = Sql::new("");
        let mut binds = 0;
        let first = at;
        while at < units.len() {
            let unit = &units[at];
            // (A chain's boundaries are bound twice: in its tag and in its groups.)
            let cost = reads[unit[0]].0.binds() + 2 * (unit.len() - 1);
            if at > first && binds + cost > MAX_BINDS {
                break;
            }
            if at > first {
                sql.push(" UNION ALL ");
            }
            let (branch, by) = &reads[unit[0]];
            match branch {
                Branch::Cells(_) => {
                    let links: Vec<(i64, &Cells<'_>, By)> = unit
                        .iter()
                        .filter_map(|&i| match &reads[i] {
                            (Branch::Cells(c), by) => Some((i as i64, *c, *by)),
                            _ => None,
                        })
                        .collect();
                    push_chain_select(&mut sql, &links);
                }
                Branch::Records { key, w, people } => push_records_select(
                    &mut sql,
                    *key,
                    w,
                    people,
                    Narrow::default(),
                    *by,
                    unit[0] as i64,
                ),
                Branch::Retention { .. } => {}
            }
            binds += cost;
            at += 1;
        }
        out.push(sql);
    }
    out
}

/// Each tagged row to the rows of the read it is tagged with.
fn tag_rows(rows_of: &mut [Vec<CellSum>], rows: Vec<TaggedSum>) {
    for r in rows {
        if let Some(of) = usize::try_from(r.req).ok().and_then(|i| rows_of.get_mut(i)) {
            of.push(r.sum);
        }
    }
}

/// `mine` (indexes of `reads`) as the branches to run: the cells' reads of one KPI's
/// spans that meet (a period's and the one before it's, which a report always reads
/// together) chained into one, earliest first, each other read on its own. A chain reads
/// its whole span in one index range and tells its reads apart by day, which halves a
/// report's branches and the executor's work per branch.
fn chained(reads: &[(Branch<'_>, By)], mine: &[usize]) -> Vec<Vec<usize>> {
    let span = |i: usize| match &reads[i].0 {
        Branch::Cells(c) => c.slots.map(|s| (c, s)),
        Branch::Records { .. } | Branch::Retention { .. } => None,
    };
    let same_cells = |a: &Cells<'_>, b: &Cells<'_>| {
        a.key == b.key && a.coarse == b.coarse && a.parts == b.parts && a.people == b.people
    };
    let mut units: Vec<Vec<usize>> = Vec::new();
    for &i in mine {
        let joined = span(i).and_then(|(c, (from, until))| {
            units.iter_mut().find_map(|unit| {
                let (first, last) = (span(unit[0])?, span(*unit.last()?)?);
                if same_cells(first.0, c) && last.1 .1 == from {
                    unit.push(i);
                    Some(())
                } else if same_cells(first.0, c) && first.1 .0 == until {
                    unit.insert(0, i);
                    Some(())
                } else {
                    None
                }
            })
        });
        if joined.is_none() {
            units.push(vec![i]);
        }
    }
    units
}

/// The `SELECT` of the cells chosen, summed by group and grade (first, `req`: the tag, for
/// a branch of [`tallies_each`]).
fn push_cells_select(sql: &mut Sql, cells: &Cells<'_>, by: By, tag: i64) {
    let group = cells_group(cells, by);
    let req = format!("CAST({tag} AS BIGINT) AS req, ");
    sql.push(&format!(
        "SELECT {req}{group} AS grouped, grade, {} FROM kpi_cells WHERE ",
        summed_columns()
    ));
    push_cells_where(sql, cells, cells.slots);
    // PostgreSQL refuses a constant in GROUP BY: everything together is by grade alone.
    if by == By::Nothing {
        sql.push(" GROUP BY grade");
    } else {
        sql.push(&format!(" GROUP BY {group}, grade"));
    }
}

/// The `SELECT` of a chain of cells' reads ([`chained`]: one KPI's spans that meet,
/// earliest first, each with its tag and grouping), as one read of their whole span whose
/// cells each take the tag and group of the read their day falls in.
fn push_chain_select(sql: &mut Sql, links: &[(i64, &Cells<'_>, By)]) {
    let (Some(&(tag, first, by)), Some(last)) = (links.first(), links.last()) else {
        return;
    };
    let (Some((from, _)), Some((_, until))) = (first.slots, last.1.slots) else {
        return push_cells_select(sql, first, by, tag);
    };
    if links.len() == 1 {
        return push_cells_select(sql, first, by, tag);
    }
    // `CASE WHEN day < (the next read's first day) THEN … ELSE (the last read's) END`.
    let push_case = |sql: &mut Sql, of: &dyn Fn(i64, &Cells<'_>, By) -> String| {
        sql.push("CASE");
        for pair in links.windows(2) {
            let (t, c, by) = pair[0];
            let next_from = pair[1].1.slots.map_or(0, |s| s.0);
            sql.push(" WHEN day < ")
                .bind(next_from)
                .push(&format!(" THEN {}", of(t, c, by)));
        }
        let (t, c, by) = links[links.len() - 1];
        sql.push(&format!(" ELSE {} END", of(t, c, by)));
    };
    sql.push("SELECT req, grouped, grade, ");
    sql.push(&summed_columns());
    sql.push(" FROM (SELECT CAST(");
    push_case(sql, &|t, _, _| t.to_string());
    sql.push(" AS BIGINT) AS req, ");
    push_case(sql, &|_, c, by| cells_group(c, by));
    sql.push(
        " AS grouped, grade, n, flagged, amount_sum, amount_n, measure_sum, measure_n, weighted \
         FROM kpi_cells WHERE ",
    );
    push_cells_where(sql, first, Some((from, until)));
    sql.push(") c GROUP BY req, grouped, grade");
}

/// What a tally's cells are grouped by, as SQL over `kpi_cells` (`''`: all together).
fn cells_group(cells: &Cells<'_>, by: By) -> String {
    let per_day = if cells.coarse && is_hourly(cells.key) {
        1
    } else {
        DAY_MS / slot_ms(cells.key)
    };
    match by {
        By::Nothing => "''".to_string(),
        By::Owner => "CAST(owner_id AS VARCHAR(20))".to_string(),
        By::Day if per_day == 1 => "CAST(day AS VARCHAR(20))".to_string(),
        By::Day => format!("CAST(day / {per_day} AS VARCHAR(20))"),
        By::Part => "part".to_string(),
    }
}

/// The sums of a cells' `SELECT`, by their names.
fn summed_columns() -> String {
    [
        "n",
        "flagged",
        "amount_sum",
        "amount_n",
        "measure_sum",
        "measure_n",
        "weighted",
    ]
    .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
    .join(", ")
}

/// The `WHERE` of the cells chosen (their KPI, people and parts), over `slots`.
fn push_cells_where(sql: &mut Sql, cells: &Cells<'_>, slots: Option<(i64, i64)>) {
    sql.push("kpi = ");
    sql.bind(cells_name(cells.key, cells.coarse));
    push_people(sql, "owner_id", cells.people);
    match slots {
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

/// The `SELECT` of `key`'s records in `w` for these people, narrowed, grouped `by`,
/// tallied in SQL (what `Tally::of` would make of them, without reading them out), in the
/// columns of [`push_cells_select`]'s (first, `req`: the tag, for a branch of
/// [`tallies_each`]).
fn push_records_select(
    sql: &mut Sql,
    key: KpiKey,
    w: &Window,
    people: &People,
    narrow: Narrow,
    by: By,
    tag: i64,
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
    let req = format!("CAST({tag} AS BIGINT) AS req, ");
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
