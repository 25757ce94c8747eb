//! The queries behind each role's home page.
use super::scope::assignable_users_scope;
use crate::domain::pipeline::Stage;
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::Sql;
// The book's follow-up cells are UTC days and hours of the planned time.
use crate::ssr::store::kpi_slots::{DAY_MS, HOUR_MS};
use sqlx::{Any, AnyPool, Executor};

#[derive(sqlx::FromRow)]
struct FollowUpDbRow {
    id: i64,
    name: String,
    level: Level,
    next_follow_up_at: i64,
    phone: Option<String>,
}

/// Customers the viewer owns whose next follow-up is before `until_ms`, oldest first.
pub async fn follow_ups(
    pool: &AnyPool,
    viewer: &Viewer,
    now_ms: i64,
    until_ms: i64,
    limit: i64,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT c.id, c.name, c.level, c.next_follow_up_at, \
         (SELECT k.phone FROM contacts k WHERE k.customer_id = c.id AND k.deleted_at IS NULL AND k.phone IS NOT NULL \
          ORDER BY k.decision_maker DESC, k.id LIMIT 1) AS phone \
         FROM customers c WHERE c.deleted_at IS NULL AND c.owner_id = ",
    );
    sql.bind(viewer.user_id)
        .push(" AND c.next_follow_up_at < ")
        .bind(until_ms)
        .push(" ORDER BY c.next_follow_up_at LIMIT ")
        .bind(limit);
    let rows = sql.query_as::<FollowUpDbRow>().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| FollowUpRow {
            customer_id: r.id,
            customer_name: r.name,
            level: r.level,
            next_follow_up_at: from_ms(r.next_follow_up_at),
            overdue: r.next_follow_up_at < now_ms,
            phone: r.phone,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct LeadDbRow {
    id: i64,
    name: String,
    company: Option<String>,
    phone: Option<String>,
    source: String,
    first_contact_due_at: Option<i64>,
}

/// The viewer's leads that nobody has contacted yet, most urgent first.
pub async fn waiting_leads(
    pool: &AnyPool,
    viewer: &Viewer,
    limit: i64,
) -> Result<Vec<WaitingLead>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT l.id, l.name, l.company, l.phone, l.source, l.first_contact_due_at FROM leads l \
         WHERE l.deleted_at IS NULL AND l.status IN ('new','mql') AND l.first_contacted_at IS NULL AND l.owner_id = ",
    );
    sql.bind(viewer.user_id)
        .push(" ORDER BY l.first_contact_due_at LIMIT ")
        .bind(limit);
    let rows = sql.query_as::<LeadDbRow>().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| WaitingLead {
            id: r.id,
            name: r.name,
            company: r.company,
            phone: r.phone,
            source: r.source,
            first_contact_due_at: opt_from_ms(r.first_contact_due_at),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct TaskDbRow {
    id: i64,
    title: String,
    due_at: Option<i64>,
    customer_id: Option<i64>,
    customer_name: Option<String>,
}

/// Open tasks of the viewer due before `until_ms`.
pub async fn tasks_due(
    pool: &AnyPool,
    viewer: &Viewer,
    now_ms: i64,
    until_ms: i64,
    limit: i64,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT t.id, t.title, t.due_at, t.customer_id, c.name AS customer_name FROM tasks t \
         LEFT JOIN customers c ON c.id = t.customer_id \
         WHERE t.deleted_at IS NULL AND t.done_at IS NULL AND t.assignee_id = ",
    );
    sql.bind(viewer.user_id)
        .push(" AND t.due_at < ")
        .bind(until_ms)
        .push(" ORDER BY t.due_at LIMIT ")
        .bind(limit);
    let rows = sql.query_as::<TaskDbRow>().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| TaskRow {
            id: r.id,
            title: r.title,
            overdue: r.due_at.is_some_and(|d| d < now_ms),
            due_at: opt_from_ms(r.due_at),
            customer_id: r.customer_id,
            customer_name: r.customer_name,
        })
        .collect())
}

/// The live customers the viewer owns (read from the book: migration 0037).
pub async fn owned_count(pool: &AnyPool, viewer: &Viewer) -> Result<i64, sqlx::Error> {
    book_count(pool, viewer.user_id).await
}

/// The live customers in the public pool (read from the book).
pub async fn pool_count<'e>(ex: impl Executor<'e, Database = Any>) -> Result<i64, sqlx::Error> {
    book_count(ex, BOOK_POOL).await
}

/// The book's owner for the public pool (customers without an owner).
const BOOK_POOL: i64 = 0;

/// The live customers `owner` (or [`BOOK_POOL`]) holds, from the book (`customer_book`,
/// kept by triggers on `customers`: migration 0037).
async fn book_count<'e>(
    ex: impl Executor<'e, Database = Any>,
    owner: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM customer_book \
         WHERE span = 'all' AND slot = 0 AND owner_id = ",
    );
    sql.bind(owner);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// Pushes the number of `owner`'s live customers whose next follow-up is before
/// `before_ms`: the book's whole days and hours before it, and the customers of the
/// hour it falls in read one by one (`owner`: an SQL expression).
fn push_follow_ups_before(sql: &mut Sql, owner: &str, before_ms: i64) {
    let day = before_ms.div_euclid(DAY_MS);
    let hour = before_ms.div_euclid(HOUR_MS);
    sql.push(&format!(
        "((SELECT CAST(COALESCE(SUM(b.n), 0) AS BIGINT) FROM customer_book b \
         WHERE b.owner_id = {owner} AND b.span = 'day' AND b.slot < "
    ))
    .bind(day)
    .push(&format!(
        ") + (SELECT CAST(COALESCE(SUM(b.n), 0) AS BIGINT) FROM customer_book b \
         WHERE b.owner_id = {owner} AND b.span = 'hour' AND b.slot >= "
    ))
    .bind(day * (DAY_MS / HOUR_MS))
    .push(" AND b.slot < ")
    .bind(hour)
    .push(&format!(
        ") + (SELECT COUNT(*) FROM customers c WHERE c.owner_id = {owner} \
         AND c.deleted_at IS NULL AND c.next_follow_up_at >= "
    ))
    .bind(hour * HOUR_MS)
    .push(" AND c.next_follow_up_at < ")
    .bind(before_ms)
    .push("))");
}

#[derive(sqlx::FromRow)]
struct RepDbRow {
    id: i64,
    name: String,
    overdue: i64,
}

/// Everyone the viewer manages, with their overdue follow-ups (customers whose next
/// follow-up is more than a day late); the other figures come from the KPI roll-ups
/// (`services::home::book_figures`).
pub async fn rep_stats<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    now_ms: i64,
) -> Result<Vec<RepStats>, sqlx::Error> {
    let mut sql = Sql::new("SELECT u.id, u.name, ");
    push_follow_ups_before(&mut sql, "u.id", now_ms - DAY_MS);
    sql.push(" AS overdue FROM users u WHERE u.active = 1 AND u.role = 'rep'");
    assignable_users_scope(&mut sql, viewer, "u.id");
    sql.push(" ORDER BY u.name");
    let rows = sql.query_as::<RepDbRow>().fetch_all(ex).await?;
    Ok(rows
        .into_iter()
        .map(|r| RepStats {
            user_id: r.id,
            name: r.name,
            customers: 0,
            activities_7d: 0,
            overdue_follow_ups: r.overdue,
            open_pipeline_minor: 0,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ReturningDbRow {
    id: i64,
    name: String,
    reclaim_at: i64,
    reclaim_reason: Option<String>,
}

/// The viewer's customers returning to the pool before `until_ms`, soonest first.
pub async fn returning(
    pool: &AnyPool,
    viewer: &Viewer,
    until_ms: i64,
    limit: i64,
) -> Result<Vec<ReturningCustomer>, sqlx::Error> {
    let mut sql = Sql::new("SELECT c.id, c.name, c.reclaim_at, c.reclaim_reason FROM customers c WHERE c.deleted_at IS NULL AND c.owner_id = ");
    sql.bind(viewer.user_id)
        .push(" AND c.reclaim_at < ")
        .bind(until_ms)
        .push(" ORDER BY c.reclaim_at LIMIT ")
        .bind(limit);
    let rows = sql.query_as::<ReturningDbRow>().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| ReturningCustomer {
            customer_id: r.id,
            customer_name: r.name,
            reclaim_at: from_ms(r.reclaim_at),
            reason: r.reclaim_reason,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct StalledDbRow {
    id: i64,
    name: String,
    customer_name: String,
    stage: Stage,
    stage_entered_at: i64,
}

/// The viewer's open deals in a stage longer than its limit (days per stage).
pub async fn stalled(
    pool: &AnyPool,
    viewer: &Viewer,
    now_ms: i64,
    limits: &[(&str, i64)],
    limit: i64,
) -> Result<Vec<StalledDeal>, sqlx::Error> {
    if limits.is_empty() {
        return Ok(Vec::new());
    }
    // Each stage's longest-stalled deals by the index (owner, stage, entry time), at most
    // `limit` of each; then the longest of them all.
    let mut sql = Sql::new(
        "SELECT o.id, o.name, c.name AS customer_name, o.stage, o.stage_entered_at FROM (",
    );
    for (i, (stage, days)) in limits.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(
            "SELECT * FROM (SELECT id, name, customer_id, stage, stage_entered_at \
             FROM opportunities WHERE deleted_at IS NULL AND owner_id = ",
        )
        .bind(viewer.user_id)
        .push(" AND stage = ")
        .bind(*stage)
        .push(" AND stage_entered_at < ")
        .bind(now_ms - days * 86_400_000)
        .push(" ORDER BY stage_entered_at LIMIT ")
        .bind(limit)
        .push(&format!(") s{i}"));
    }
    sql.push(
        ") o JOIN customers c ON c.id = o.customer_id ORDER BY o.stage_entered_at, o.id LIMIT ",
    )
    .bind(limit);
    let rows = sql.query_as::<StalledDbRow>().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| StalledDeal {
            id: r.id,
            name: r.name,
            customer_name: r.customer_name,
            stage: r.stage,
            stage_entered_at: from_ms(r.stage_entered_at),
        })
        .collect())
}
