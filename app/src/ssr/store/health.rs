//! What a customer's health is worked out from, and where it is kept.
use crate::ssr::store::db::Sql;
use sqlx::{AnyConnection, Row};

/// The raw facts behind one customer's health as of `now_ms` (`today` is its local date).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub last_contact_at: Option<i64>,
    pub open_by_priority: Vec<(String, i64)>,
    /// Due times of the SLA breaches of the last 90 days.
    pub breaches: Vec<i64>,
    pub csat_avg: Option<f64>,
    pub nps_last: Option<i64>,
    /// Unpaid installments: planned date (YYYY-MM-DD).
    pub unpaid_planned: Vec<String>,
    /// End dates (YYYY-MM-DD) of approved contracts ending today or later.
    pub contract_ends: Vec<String>,
    pub score: Option<i64>,
    pub at_risk: bool,
    pub owner_id: Option<i64>,
    pub name: String,
}

const DAY: i64 = 86_400_000;

/// None when the customer is gone.
pub async fn facts(
    conn: &mut AnyConnection,
    customer: i64,
    now_ms: i64,
    today: &str,
) -> Result<Option<Facts>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT last_contact_at, health_score, health_at_risk, owner_id, name FROM customers \
         WHERE deleted_at IS NULL AND id = ",
    );
    sql.bind(customer);
    let Some(row) = sql.query().fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let mut f = Facts {
        last_contact_at: row.try_get(0)?,
        score: row.try_get(1)?,
        at_risk: row.try_get::<i64, _>(2)? == 1,
        owner_id: row.try_get(3)?,
        name: row.try_get(4)?,
        ..Facts::default()
    };
    let mut sql = Sql::new(
        "SELECT priority, COUNT(*) FROM tickets WHERE deleted_at IS NULL AND merged_into_id IS NULL \
         AND status IN ('new', 'open', 'pending') AND customer_id = ",
    );
    sql.bind(customer).push(" GROUP BY priority");
    f.open_by_priority = sql
        .query_as::<(String, i64)>()
        .fetch_all(&mut *conn)
        .await?;
    let mut sql = Sql::new(
        "SELECT b.due_at FROM sla_breaches b JOIN tickets t ON t.id = b.ticket_id WHERE t.customer_id = ",
    );
    sql.bind(customer)
        .push(" AND b.due_at >= ")
        .bind(now_ms - 90 * DAY)
        .push(" AND b.due_at <= ")
        .bind(now_ms);
    f.breaches = sql.query_scalar::<i64>().fetch_all(&mut *conn).await?;
    let mut sql = Sql::new(
        "SELECT CAST(AVG(CAST(score AS DOUBLE PRECISION)) AS DOUBLE PRECISION) FROM surveys \
         WHERE kind = 'csat' AND score IS NOT NULL AND customer_id = ",
    );
    sql.bind(customer)
        .push(" AND answered_at >= ")
        .bind(now_ms - 180 * DAY);
    f.csat_avg = sql
        .query_scalar::<Option<f64>>()
        .fetch_one(&mut *conn)
        .await?;
    let mut sql = Sql::new(
        "SELECT score FROM surveys WHERE kind = 'nps' AND score IS NOT NULL AND customer_id = ",
    );
    sql.bind(customer)
        .push(" ORDER BY answered_at DESC, id DESC LIMIT 1");
    f.nps_last = sql.query_scalar::<i64>().fetch_optional(&mut *conn).await?;
    let mut sql = Sql::new(
        "SELECT i.planned_date FROM installments i JOIN contracts k ON k.id = i.contract_id \
         WHERE k.deleted_at IS NULL AND k.approval_status = 'approved' AND i.paid_minor < i.amount_minor \
         AND k.customer_id = ",
    );
    sql.bind(customer).push(" ORDER BY i.planned_date");
    f.unpaid_planned = sql.query_scalar::<String>().fetch_all(&mut *conn).await?;
    let mut sql = Sql::new(
        "SELECT end_date FROM contracts WHERE deleted_at IS NULL AND approval_status = 'approved' \
         AND customer_id = ",
    );
    sql.bind(customer)
        .push(" AND end_date >= ")
        .bind(today)
        .push(" ORDER BY end_date");
    f.contract_ends = sql.query_scalar::<String>().fetch_all(&mut *conn).await?;
    Ok(Some(f))
}

/// Keeps a customer's score, the factors behind it (JSON), when time next changes it, and
/// whether it is at risk.
pub async fn save(
    conn: &mut AnyConnection,
    customer: i64,
    score: i64,
    factors: &str,
    due_at: Option<i64>,
    at_risk: bool,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET health_score = ");
    sql.bind(score)
        .push(", health_factors = ")
        .bind(factors)
        .push(", health_due_at = ")
        .bind(due_at)
        .push(", health_at_risk = ")
        .bind(i64::from(at_risk))
        .push(" WHERE id = ")
        .bind(customer);
    sql.query().execute(&mut *conn).await?;
    crate::ssr::store::kpi_rollups::touch(
        conn,
        crate::ssr::store::kpi_rollups::Touched::Customers,
        &[customer],
    )
    .await
}

/// Customers whose health time changes in `(from, to]`.
pub async fn due_between(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id FROM customers WHERE health_due_at > ");
    sql.bind(from)
        .push(" AND health_due_at <= ")
        .bind(to)
        .push(" AND deleted_at IS NULL ORDER BY health_due_at, id");
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// The customer a changed record belongs to: an activity's, a ticket's, a survey's or a
/// contract's (a customer is its own).
pub async fn customer_of(
    conn: &mut AnyConnection,
    table: &str,
    id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    if table == "customers" {
        return Ok(Some(id));
    }
    let mut sql = Sql::new(&format!("SELECT customer_id FROM {table} WHERE id = "));
    sql.bind(id);
    Ok(sql
        .query_scalar::<Option<i64>>()
        .fetch_optional(conn)
        .await?
        .flatten())
}
