//! The KPIs' roll-ups: what each record adds to each KPI it counts for (`kpi_members`), and
//! those additions summed per KPI, person, local day and part (`kpi_cells`), so a report
//! reads a few hundred sums instead of every record of a period.
//!
//! A record's contribution is read with the KPI's own record set (store::kpis), the one
//! its drill-down lists, so the roll-up cannot define a KPI differently. Every write that
//! changes a record a KPI counts calls [`touch`] in its transaction: the record's old
//! contribution is taken out of the sums and its new one put in. [`rebuild`] works them
//! all out again from the records (after a bulk load, or when a definition changes:
//! [`VERSION`]); a test checks that it finds what the writes kept.
use crate::domain::forecast::ForecastCategory;
use crate::domain::kpi_tally::{graded, Graded};
use crate::domain::kpis::{KpiKey, Period};
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::store::db::{Db, Sql};
pub use crate::ssr::store::kpi_slots::{day_of, day_start};
use crate::ssr::store::kpis::{kind_of, record_set, Window};
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The roll-ups' definition: raise it when a record set, a part or a grade changes, and
/// the next start rebuilds them.
pub const VERSION: i64 = 8;

use crate::ssr::store::kpi_slots::{
    cells_name, coarser, month_part, slot_ms, Coarser, DAY_MS, MONTH_PART_LEN,
};

/// The record sets kept as roll-ups (a KPI that is a figure of another's records reads
/// that one's: see `kpis::records_of`). The unpaid installments are kept once, by planned
/// date (their part), under `ReceivablesOverdue`: overdue and due in 30 days are two
/// ranges of those dates (see [`rolled_as`]); their month cells beside them sum the
/// months before this one for overdue. Active people (a few hundred) are read from
/// their records.
pub const ROLLED: [KpiKey; 20] = {
    use KpiKey::*;
    [
        LeadsNew,
        MqlToSql,
        LeadFirstContactSla,
        FollowUpCompliance,
        ActivitiesLogged,
        WinRate,
        WonAmount,
        PipelineValue,
        WeightedForecast,
        TicketFirstResponseMedian,
        TicketResolutionMedian,
        ResolutionRate,
        SlaCompliance,
        Csat,
        Nps,
        DataCompleteness,
        CustomersAtRisk,
        CustomerRetention,
        ReceivedAmount,
        ReceivablesOverdue,
    ]
};

/// The roll-up whose cells hold `key`'s records, if any.
pub fn rolled_as(key: KpiKey) -> Option<KpiKey> {
    let set = match crate::ssr::store::kpis::records_of(key) {
        KpiKey::ReceivablesDue30d => KpiKey::ReceivablesOverdue,
        set => set,
    };
    ROLLED.contains(&set).then_some(set)
}

pub fn is_rolled(key: KpiKey) -> bool {
    rolled_as(key).is_some()
}

/// What a write changed, by the records' ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    Leads,
    /// Activities (their planned follow-ups).
    Activities,
    Deals,
    Tickets,
    /// Customers, or what a customer's KPIs read of theirs (contacts, NPS answers).
    Customers,
    /// Installments (what is still owed of them, their dates).
    Installments,
    /// Received payments.
    Receipts,
}

impl Touched {
    fn keys(self) -> &'static [KpiKey] {
        use KpiKey::*;
        match self {
            Touched::Leads => &[LeadsNew, MqlToSql, LeadFirstContactSla],
            Touched::Activities => &[FollowUpCompliance, ActivitiesLogged],
            Touched::Deals => &[WinRate, WonAmount, PipelineValue, WeightedForecast],
            Touched::Tickets => &[
                TicketFirstResponseMedian,
                TicketResolutionMedian,
                ResolutionRate,
                SlaCompliance,
                Csat,
            ],
            Touched::Customers => &[DataCompleteness, CustomersAtRisk, CustomerRetention, Nps],
            Touched::Installments => &[ReceivablesOverdue],
            Touched::Receipts => &[ReceivedAmount],
        }
    }
}

/// Brings the roll-ups up to date with the records `ids` (of the kind `touched`), in the
/// caller's transaction, after it wrote them.
pub async fn touch(
    conn: &mut AnyConnection,
    touched: Touched,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    for key in touched.keys() {
        refresh(conn, *key, ids).await?;
    }
    if touched == Touched::Deals {
        // A deal won makes its customer a buying one (retention's cohort).
        let mut sql = Sql::new(
            "SELECT DISTINCT customer_id FROM opportunities WHERE customer_id IS NOT NULL AND id IN (",
        );
        sql.bind_list(ids.iter().copied()).push(")");
        let customers: Vec<i64> = sql.query_scalar::<i64>().fetch_all(&mut *conn).await?;
        if !customers.is_empty() {
            refresh(conn, KpiKey::CustomerRetention, &customers).await?;
        }
    }
    Ok(())
}

/// After a customer was deleted or restored (what of theirs the receivables read): brings
/// the roll-ups of their contracts' installments and receipts up to date.
pub async fn touch_customer_contracts(
    conn: &mut AnyConnection,
    customer: i64,
) -> Result<(), sqlx::Error> {
    let contracts: Vec<i64> = sqlx::query_scalar("SELECT id FROM contracts WHERE customer_id = $1")
        .bind(customer)
        .fetch_all(&mut *conn)
        .await?;
    touch_contracts(conn, &contracts, &[]).await
}

/// Brings the receivables' roll-ups up to date with the contracts `ids` (their plans,
/// payments, approval), in the caller's transaction, after it wrote them; `gone`: the
/// installments it deleted from their plans.
pub async fn touch_contracts(
    conn: &mut AnyConnection,
    ids: &[i64],
    gone: &[i64],
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return touch(conn, Touched::Installments, gone).await;
    }
    let of = |table: &str| {
        let mut sql = Sql::new(&format!("SELECT id FROM {table} WHERE contract_id IN ("));
        sql.bind_list(ids.iter().copied()).push(")");
        sql
    };
    let mut installments: Vec<i64> = of("installments")
        .query_scalar::<i64>()
        .fetch_all(&mut *conn)
        .await?;
    installments.extend_from_slice(gone);
    touch(conn, Touched::Installments, &installments).await?;
    let receipts: Vec<i64> = of("receipts")
        .query_scalar::<i64>()
        .fetch_all(&mut *conn)
        .await?;
    touch(conn, Touched::Receipts, &receipts).await
}

#[derive(sqlx::FromRow, Debug, Clone)]
struct Member {
    owner_id: i64,
    day: i64,
    part: String,
    grade: i64,
    flagged: i64,
    amount: Option<i64>,
    measure: Option<i64>,
    weighted: i64,
}

const MEMBER_COLUMNS: &str = "owner_id, day, part, grade, flagged, amount, measure, weighted";

/// Takes the records' old contributions to `key` out and puts their new ones in. The
/// cells change by exactly what this transaction deleted and inserted, so they stay the
/// sum of the members. Two transactions touching one record at once on PostgreSQL (READ
/// COMMITTED; a record's own writes are serialised by its row lock, but a customer is
/// also touched by its deals, contacts and answers) can leave it two member rows until
/// its next touch removes both: counted twice meanwhile. Not yet guarded.
async fn refresh(conn: &mut AnyConnection, key: KpiKey, ids: &[i64]) -> Result<(), sqlx::Error> {
    let mut gone = Sql::new("DELETE FROM kpi_members WHERE kpi = ");
    gone.bind(key.as_str())
        .push(" AND record_id IN (")
        .bind_list(ids.iter().copied())
        .push(&format!(") RETURNING {MEMBER_COLUMNS}"));
    let old: Vec<Member> = gone.all(&mut *conn, |m: Member| m).await?;
    let mut sql = members_insert(key, Some(ids));
    sql.push(&format!(" RETURNING {MEMBER_COLUMNS}"));
    let new: Vec<Member> = sql.all(&mut *conn, |m: Member| m).await?;
    let mut deltas: HashMap<Cell, Sums> = HashMap::new();
    for (members, sign) in [(old, -1), (new, 1)] {
        for m in members {
            let add = [
                1,
                m.flagged,
                m.amount.unwrap_or(0),
                i64::from(m.amount.is_some()),
                m.measure.unwrap_or(0),
                i64::from(m.measure.is_some()),
                m.weighted,
            ];
            add_into(
                &mut deltas,
                (m.owner_id, m.day, m.part, m.grade),
                &add,
                sign,
            );
        }
    }
    if let Some((_, how)) = coarser(key) {
        // The same change to the coarser cells beside them.
        let mut coarse: HashMap<Cell, Sums> = HashMap::new();
        for ((owner, slot, part, grade), d) in &deltas {
            let cell = match how {
                Coarser::Slots(per) => (*owner, slot.div_euclid(per), part.clone(), *grade),
                Coarser::Month => (*owner, *slot, month_part(part), *grade),
            };
            add_into(&mut coarse, cell, d, 1);
        }
        add_to_cells(conn, &cells_name(key, true), coarse).await?;
    }
    add_to_cells(conn, &cells_name(key, false), deltas).await
}

/// A cell's key below its KPI: owner, slot (day or hour), part, grade.
type Cell = (i64, i64, String, i64);

/// What a cell sums: count, flagged, amount sum and count, measure sum and count, weighted.
type Sums = [i64; 7];

/// Adds `sign` × `add` to `cell`'s sums in `into`.
fn add_into(into: &mut HashMap<Cell, Sums>, cell: Cell, add: &Sums, sign: i64) {
    let sums = into.entry(cell).or_default();
    for (sum, v) in sums.iter_mut().zip(add) {
        *sum += sign * v;
    }
}

/// Adds each change to its cell of `kpi`, making the cell or removing it when no record
/// is left in it (a rebuild would not make it).
async fn add_to_cells(
    conn: &mut AnyConnection,
    kpi: &str,
    deltas: HashMap<Cell, Sums>,
) -> Result<(), sqlx::Error> {
    for ((owner, day, part, grade), d) in deltas {
        if d.iter().all(|v| *v == 0) {
            continue;
        }
        let mut up = Sql::new(
            "INSERT INTO kpi_cells (kpi, owner_id, day, part, grade, n, flagged, amount_sum, \
             amount_n, measure_sum, measure_n, weighted) VALUES (",
        );
        up.bind(kpi)
            .push(", ")
            .bind_list([owner, day])
            .push(", ")
            .bind(part.as_str())
            .push(", ")
            .bind_list([grade, d[0], d[1], d[2], d[3], d[4], d[5], d[6]])
            .push(
                ") ON CONFLICT (kpi, owner_id, day, part, grade) DO UPDATE SET \
                 n = kpi_cells.n + excluded.n, flagged = kpi_cells.flagged + excluded.flagged, \
                 amount_sum = kpi_cells.amount_sum + excluded.amount_sum, \
                 amount_n = kpi_cells.amount_n + excluded.amount_n, \
                 measure_sum = kpi_cells.measure_sum + excluded.measure_sum, \
                 measure_n = kpi_cells.measure_n + excluded.measure_n, \
                 weighted = kpi_cells.weighted + excluded.weighted",
            );
        up.query().execute(&mut *conn).await?;
        if d[0] < 0 {
            let mut empty = Sql::new("DELETE FROM kpi_cells WHERE kpi = ");
            empty
                .bind(kpi)
                .push(" AND owner_id = ")
                .bind(owner)
                .push(" AND day = ")
                .bind(day)
                .push(" AND part = ")
                .bind(part.as_str())
                .push(" AND grade = ")
                .bind(grade)
                .push(" AND n = 0");
            empty.query().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// All time, and a moment after every record's: a record set read through it holds every
/// record that counts, or will once its time has passed.
fn all_time() -> Window {
    let far = i64::MAX / 4;
    Window {
        start_ms: -far,
        end_ms: far,
        period: Period {
            from: NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
        },
        now_ms: far,
    }
}

/// `INSERT INTO kpi_members … SELECT` of the contributions of the records `ids` (all of
/// them when None) to `key`.
fn members_insert(key: KpiKey, ids: Option<&[i64]>) -> Sql {
    let offset = DEFAULT_UTC_OFFSET_MINUTES as i64 * 60_000;
    let day = |col: &str| format!("({col} + {offset}) / {DAY_MS}");
    let slot = |col: &str| format!("({col} + {offset}) / {}", slot_ms(key));
    let mut sql = Sql::new(&format!(
        "INSERT INTO kpi_members (kpi, record_id, {MEMBER_COLUMNS}) SELECT '{}', q.id, \
         COALESCE(q.owner, 0), ",
        key.as_str()
    ));
    let snapshot = key.is_snapshot() || key == KpiKey::WeightedForecast;
    if key == KpiKey::CustomerRetention {
        // By the day the customer first bought, graded by the day they churned (0: not).
        sql.push(&format!(
            "{}, '', CASE WHEN q.measure IS NULL THEN 0 ELSE {} END, 0, \
             CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), 0 FROM (",
            day("q.at"),
            day("q.measure")
        ));
        retention_records(&mut sql);
    } else {
        let grade = match graded(key) {
            // The forecast's deals by their category (the sales forecast's roll-ups).
            Graded::Not if key == KpiKey::WeightedForecast => forecast_grade(),
            Graded::Not => "0".to_string(),
            Graded::ByMeasure => "COALESCE(q.measure, 0)".to_string(),
            Graded::ByAmount => "COALESCE(q.amount, 0)".to_string(),
        };
        let weighted = crate::ssr::store::kpi_cells::weighted(key);
        sql.push(&format!(
            "{}, COALESCE(q.part, ''), {grade}, CASE WHEN q.measure = 1 THEN 1 ELSE 0 END, \
             q.amount, q.measure, {weighted} FROM (",
            if snapshot {
                "0".to_string()
            } else {
                slot("q.at")
            }
        ));
        record_set(key, &all_time(), false, &mut sql);
    }
    if let Some(ids) = ids {
        sql.push(&format!(" AND {} IN (", kind_of(key).id))
            .bind_list(ids.iter().copied())
            .push(")");
    }
    sql.push(") q");
    sql
}

/// A forecast category as the weighted forecast's cells grade it: its place in
/// `ForecastCategory::ALL`.
fn forecast_grade() -> String {
    let mut case = "CASE q.category".to_string();
    for (i, c) in ForecastCategory::ALL.iter().enumerate() {
        case.push_str(&format!(" WHEN '{}' THEN {i}", c.as_str()));
    }
    case.push_str(" ELSE 0 END");
    case
}

/// Retention's records as its roll-up keeps them: each customer who has bought, when they
/// first did (`at`) and when they churned (`measure`). Its record set (store::kpis) asks
/// the same of one period: bought before it, not churned before it, churned by its end.
fn retention_records(sql: &mut Sql) {
    sql.push(
        "SELECT c.id, (SELECT MIN(o.won_at) FROM opportunities o WHERE o.customer_id = c.id \
         AND o.deleted_at IS NULL AND o.stage = 'won') AS at, c.owner_id AS owner, \
         c.churned_at AS measure FROM customers c \
         WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL \
         AND EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id \
         AND o.deleted_at IS NULL AND o.stage = 'won')",
    );
}

/// Works every roll-up out again from the records, in one transaction.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM kpi_members")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM kpi_cells")
        .execute(&mut *conn)
        .await?;
    for key in ROLLED {
        members_insert(key, None)
            .query()
            .execute(&mut *conn)
            .await?;
    }
    let sums = "COUNT(*), SUM(flagged), COALESCE(SUM(amount), 0), COUNT(amount), \
                COALESCE(SUM(measure), 0), COUNT(measure), SUM(weighted)";
    let cells = "INSERT INTO kpi_cells (kpi, owner_id, day, part, grade, n, flagged, amount_sum, \
                 amount_n, measure_sum, measure_n, weighted)";
    sqlx::query(&format!(
        "{cells} SELECT kpi, owner_id, day, part, grade, {sums} \
         FROM kpi_members GROUP BY kpi, owner_id, day, part, grade"
    ))
    .execute(&mut *conn)
    .await?;
    // The coarser cells beside some KPIs' (kpi_slots::coarser). Their slots are after
    // 1970, so SQL's division is the floor.
    for key in ROLLED {
        let Some((_, how)) = coarser(key) else {
            continue;
        };
        let (day, part) = match how {
            Coarser::Slots(per) => (format!("day / {per}"), "part".to_string()),
            Coarser::Month => (
                "day".to_string(),
                format!("SUBSTR(part, 1, {MONTH_PART_LEN})"),
            ),
        };
        let mut coarse = Sql::new(&format!("{cells} SELECT "));
        coarse
            .bind(cells_name(key, true))
            .push(&format!(
                ", owner_id, {day}, {part}, grade, {sums} FROM kpi_members WHERE kpi = "
            ))
            .bind(key.as_str())
            .push(&format!(" GROUP BY owner_id, {day}, {part}, grade"));
        coarse.query().execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE kpi_rollup_state SET version = $1 WHERE id = 1")
        .bind(VERSION)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rebuilds the roll-ups when they were made by another definition (or never); true when
/// it did.
pub async fn ensure_built(db: &Db) -> Result<bool, sqlx::Error> {
    let built: i64 = sqlx::query_scalar("SELECT version FROM kpi_rollup_state WHERE id = 1")
        .fetch_one(&db.read)
        .await?;
    if built == VERSION {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// After a write of one record that may not have happened (a stale version, a row
/// already gone): touches it when it did; answers whether it did.
pub async fn touch_if(
    conn: &mut AnyConnection,
    written: bool,
    touched: Touched,
    id: i64,
) -> Result<bool, sqlx::Error> {
    if written {
        touch(conn, touched, &[id]).await?;
    }
    Ok(written)
}
