//! The statements the demo and bulk seeds (`tandem seed`) write with: many rows at a time,
//! and the derived columns they fill in afterwards. Nothing here takes a viewer: the seed
//! runs as the operator, before anyone signs in.
use crate::ssr::store::db::{Arg, Backend, Db, Sql};
use sqlx::AnyConnection;

/// Whether nobody has been created yet (a fresh database the demo may fill).
pub async fn has_no_users(db: &Db) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
        .fetch_one(&db.read)
        .await?
        == 0)
}

/// Inserts rows with one multi-row statement; returns the new ids in statement order.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<Vec<i64>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "INSERT INTO {table} ({}) VALUES ",
        columns.join(", ")
    ));
    for (i, row) in rows.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(").bind_list(row).push(")");
    }
    sql.push(" RETURNING id");
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// The teams that have an active manager, in id order.
pub async fn teams_with_a_manager(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT team_id FROM users WHERE role = 'manager' AND active = 1 \
         AND team_id IS NOT NULL ORDER BY team_id",
    )
    .fetch_all(&db.read)
    .await
}

/// The active reps, in id order.
pub async fn active_reps(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'rep' AND active = 1 ORDER BY id")
        .fetch_all(&db.read)
        .await
}

/// The active agents and their teams, in id order.
pub async fn active_agents(db: &Db) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, team_id FROM users WHERE role = 'agent' AND active = 1 ORDER BY id")
        .fetch_all(&db.read)
        .await
}

/// Each live customer's first contact, in customer id order (customers without one are
/// left out).
pub async fn first_contacts(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.customer_id, MIN(c.id) FROM contacts c JOIN customers u ON u.id = c.customer_id \
         WHERE u.deleted_at IS NULL GROUP BY c.customer_id ORDER BY c.customer_id",
    )
    .fetch_all(&db.read)
    .await
}

/// Gathers the query planner's statistics on every table (SQLite keeps none until asked;
/// PostgreSQL's autovacuum would, later). On PostgreSQL it vacuums first, as autovacuum
/// would later too: a bulk load that then updated its rows leaves dead row versions and no
/// visibility map, so a count an index could answer alone visits every row it names (the
/// public pool's count at 10^5 customers: 140 ms before, 1.2 ms after).
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    let statement = match db.backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::query(statement).execute(&db.write).await.map(|_| ())
}

/// Every live customer with an owner, and the owner, in id order.
pub async fn owned_customers(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, owner_id FROM customers WHERE deleted_at IS NULL AND owner_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&db.read)
    .await
}

/// Every customer not deleted, in id order.
pub async fn live_customers(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id")
        .fetch_all(conn)
        .await
}

/// Dates a customer's next follow-up.
pub async fn set_next_follow_up(
    conn: &mut AnyConnection,
    customer_id: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET next_follow_up_at = ");
    sql.bind(at_ms).push(" WHERE id = ").bind(customer_id);
    sql.query().execute(conn).await.map(|_| ())
}

/// Sets each customer's last contact from its activities; with `only_missing`, only where
/// none is set yet.
pub async fn fill_last_contact(
    conn: &mut AnyConnection,
    only_missing: bool,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new(
        "UPDATE customers SET last_contact_at = \
         (SELECT MAX(a.occurred_at) FROM activities a WHERE a.customer_id = customers.id)",
    );
    if only_missing {
        sql.push(" WHERE last_contact_at IS NULL");
    }
    sql.query().execute(conn).await.map(|_| ())
}

/// A won deal, as a seeded contract needs it.
#[derive(sqlx::FromRow)]
pub struct WonDeal {
    pub id: i64,
    pub customer_id: i64,
    pub owner_id: i64,
    pub amount: i64,
    pub won_at: i64,
}

/// The `limit` most recently won deals that have no contract, with an owner and an amount,
/// newest first.
pub async fn won_deals_without_contract(db: &Db, limit: u64) -> Result<Vec<WonDeal>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.customer_id, o.owner_id, o.amount_minor AS amount, o.won_at \
         FROM opportunities o WHERE o.stage = 'won' AND o.won_at IS NOT NULL \
         AND o.owner_id IS NOT NULL AND o.amount_minor IS NOT NULL AND o.deleted_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM contracts k WHERE k.opportunity_id = o.id) \
         ORDER BY o.won_at DESC, o.id DESC LIMIT $1",
    )
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(&db.read)
    .await
}

/// Each active rep and the first active manager of the rep's team (reps of a team without
/// one are left out).
pub async fn managers_of_reps(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, MIN(m.id) FROM users r JOIN users m ON m.team_id = r.team_id \
         AND m.role = 'manager' AND m.active = 1 WHERE r.role = 'rep' AND r.active = 1 \
         GROUP BY r.id",
    )
    .fetch_all(&db.read)
    .await
}
