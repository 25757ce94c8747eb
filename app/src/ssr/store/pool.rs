//! The public pool's bookkeeping: pool events, and each owned customer's reclaim time kept
//! current in SQL so the reclaim rule is a range query on an index.
use crate::domain::pool::PoolRules;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

const DAY_MS: i64 = 86_400_000;

/// Recomputes `reclaim_at` and `reclaim_reason` (see `domain::pool::reclaim_at`, which this
/// mirrors) for one customer, or for every customer when `customer_id` is None.
pub async fn refresh_reclaim(
    conn: &mut AnyConnection,
    customer_id: Option<i64>,
    rules: &PoolRules,
) -> Result<(), sqlx::Error> {
    let follow = no_follow_up_expr(rules.no_follow_up_days * DAY_MS);
    let win = format!("(claimed_at + {})", rules.no_win_days * DAY_MS);
    let won = "EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = customers.id AND o.stage = 'won' AND o.deleted_at IS NULL)";
    let mut sql = Sql::new(&format!(
        "UPDATE customers SET \
         reclaim_at = CASE WHEN locked = 1 OR owner_id IS NULL OR claimed_at IS NULL OR deleted_at IS NOT NULL THEN NULL \
                           WHEN {won} OR {follow} <= {win} THEN {follow} ELSE {win} END, \
         reclaim_reason = CASE WHEN locked = 1 OR owner_id IS NULL OR claimed_at IS NULL OR deleted_at IS NOT NULL THEN NULL \
                           WHEN {won} OR {follow} <= {win} THEN 'no_follow_up' ELSE 'no_won_deal' END"
    ));
    if let Some(id) = customer_id {
        sql.push(" WHERE id = ").bind(id);
    }
    sql.query().execute(conn).await.map(|_| ())
}

fn no_follow_up_expr(days_ms: i64) -> String {
    format!("(CASE WHEN last_contact_at IS NOT NULL AND last_contact_at > claimed_at THEN last_contact_at ELSE claimed_at END + {days_ms})")
}

pub async fn record(
    conn: &mut AnyConnection,
    customer_id: i64,
    user_id: Option<i64>,
    actor_id: Option<i64>,
    action: &str,
    reason: Option<&str>,
    at: i64,
) -> Result<(), sqlx::Error> {
    Insert::into("pool_events")
        .value("customer_id", customer_id)
        .value("user_id", user_id)
        .value("actor_id", actor_id)
        .value("action", action)
        .value("reason", reason)
        .value("at", at)
        .execute(conn)
        .await
}

/// Claims by this rep since `since_ms` (the daily cap).
pub async fn claims_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT COUNT(*) FROM pool_events WHERE action = 'claim' AND user_id = ");
    sql.bind(user_id).push(" AND at >= ").bind(since_ms);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// When this rep last lost or gave up this customer, if ever.
pub async fn last_lost<'e>(
    ex: impl Executor<'e, Database = Any>,
    customer_id: i64,
    user_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT MAX(at) FROM pool_events WHERE action IN ('release','reclaim') AND customer_id = ",
    );
    sql.bind(customer_id).push(" AND user_id = ").bind(user_id);
    sql.query_scalar::<Option<i64>>().fetch_one(ex).await
}

pub async fn holdings<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL AND owner_id = ");
    sql.bind(user_id);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// Moves a customer to an owner (claim/assign) if it is still in the state we read.
pub async fn set_owner(
    conn: &mut AnyConnection,
    id: i64,
    from: Option<i64>,
    to: Option<i64>,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET owner_id = ");
    sql.bind(to)
        .push(", claimed_at = ")
        .bind(to.map(|_| now_ms))
        .push(", pool_entered_at = ")
        .bind(if to.is_none() { Some(now_ms) } else { None })
        .push(", next_follow_up_at = CASE WHEN ")
        .bind(to)
        .push(" IS NULL THEN NULL ELSE next_follow_up_at END")
        .stamp(now_ms, Some(by))
        .where_version(id, None)
        .push(" AND deleted_at IS NULL");
    match from {
        Some(owner) => sql.push(" AND owner_id = ").bind(owner),
        None => sql.push(" AND owner_id IS NULL"),
    };
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    crate::ssr::store::kpi_rollups::touch_if(
        conn,
        written,
        crate::ssr::store::kpi_rollups::Touched::Customers,
        id,
    )
    .await
}

/// Owned customers whose reclaim time has come (oldest first), for the reclaim rule.
pub async fn due_for_reclaim<'e>(
    ex: impl Executor<'e, Database = Any>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, owner_id, COALESCE(reclaim_reason, 'no_follow_up') FROM customers \
         WHERE reclaim_at <= ",
    );
    sql.bind(now_ms).push(" AND owner_id IS NOT NULL AND deleted_at IS NULL AND locked = 0 ORDER BY reclaim_at LIMIT ").bind(limit);
    sql.query_as::<(i64, i64, String)>().fetch_all(ex).await
}

/// How many live customers of `level` a user holds.
pub async fn holdings_at_level(
    conn: &mut AnyConnection,
    user_id: i64,
    level: &str,
) -> Result<i64, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL AND owner_id = ");
    sql.bind(user_id).push(" AND level = ").bind(level);
    sql.query_scalar::<i64>().fetch_one(conn).await
}

/// Whether a customer is still due to return to the pool from `owner` (an activity may
/// have just moved its time, or someone locked it).
pub async fn still_due(
    conn: &mut AnyConnection,
    id: i64,
    owner: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM customers WHERE id = ");
    sql.bind(id)
        .push(" AND owner_id = ")
        .bind(owner)
        .push(" AND reclaim_at <= ")
        .bind(now_ms)
        .push(" AND locked = 0");
    Ok(sql.query_scalar::<i64>().fetch_one(conn).await? > 0)
}

/// Forgets a customer's reclaim time (it has returned to the pool).
pub async fn clear_reclaim(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    let mut sql =
        Sql::new("UPDATE customers SET reclaim_at = NULL, reclaim_reason = NULL WHERE id = ");
    sql.bind(id);
    sql.query().execute(conn).await?;
    Ok(())
}
