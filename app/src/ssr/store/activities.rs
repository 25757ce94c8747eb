//! Activities (跟进记录), visible when their customer is.
use super::scope::{owned_by_scope, Access};
use crate::model::{Activity, ActivityKind};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    customer_id: Option<i64>,
    contact_id: Option<i64>,
    opportunity_id: Option<i64>,
    kind: ActivityKind,
    summary: String,
    occurred_at: i64,
    next_follow_up_at: Option<i64>,
    user_id: i64,
    user_name: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    created_at: i64,
}

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        Activity {
            id: r.id,
            customer_id: r.customer_id,
            contact_id: r.contact_id,
            opportunity_id: r.opportunity_id,
            kind: r.kind,
            summary: r.summary,
            occurred_at: from_ms(r.occurred_at),
            next_follow_up_at: opt_from_ms(r.next_follow_up_at),
            user_id: r.user_id,
            user_name: r.user_name,
            latitude: r.latitude,
            longitude: r.longitude,
            created_at: from_ms(r.created_at),
        }
    }
}

const COLUMNS: &str = "SELECT a.id, a.customer_id, a.contact_id, a.opportunity_id, a.kind, a.summary, a.occurred_at, \
     a.next_follow_up_at, a.user_id, u.name AS user_name, a.latitude, a.longitude, a.created_at \
     FROM activities a JOIN customers c ON c.id = a.customer_id LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.deleted_at IS NULL AND c.deleted_at IS NULL";

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<Activity>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.id = ").bind(id);
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    sql.one::<ActivityRow, _>(ex, Activity::from).await
}

/// The viewer's own activity sent from a device under `client_id`, if it was logged
/// already (whoever holds its customer now: it is the viewer's own writing), and who
/// logged an activity under that id if not the viewer.
pub async fn by_client_id(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    client_id: &str,
) -> Result<Option<Result<Activity, i64>>, sqlx::Error> {
    let mut sql = Sql::new("SELECT user_id FROM activities WHERE client_id = ");
    sql.bind(client_id);
    let Some(user_id) = sql.query_scalar::<i64>().fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    if user_id != viewer.user_id {
        return Ok(Some(Err(user_id)));
    }
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.client_id = ").bind(client_id);
    Ok(sql
        .one::<ActivityRow, _>(&mut *conn, Activity::from)
        .await?
        .map(Ok))
}

/// A customer's activities, newest first, keyset-paged on (occurred_at, id).
pub async fn for_customer<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    customer_id: i64,
    before: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<Activity>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.customer_id = ").bind(customer_id);
    owned_by_scope(&mut sql, viewer, Access::Read, "c.owner_id");
    if let Some((at, id)) = before {
        sql.push(" AND (a.occurred_at < ")
            .bind(at)
            .push(" OR (a.occurred_at = ")
            .bind(at)
            .push(" AND a.id < ")
            .bind(id)
            .push("))");
    }
    sql.push(" ORDER BY a.occurred_at DESC, a.id DESC LIMIT ")
        .bind(limit + 1);
    sql.all::<ActivityRow, _>(ex, Activity::from).await
}

pub struct InsertActivity<'a> {
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub kind: ActivityKind,
    pub summary: &'a str,
    pub occurred_at: i64,
    pub next_follow_up_at: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub user_id: i64,
    pub now_ms: i64,
    /// The id the device gave it, when it was written on a phone (once per id).
    pub client_id: Option<&'a str>,
}

/// Records an activity and keeps the follow-up compliance current: the customer's earlier
/// planned follow-ups not yet followed up by then now are, and this one, if logged after
/// the fact, is already followed up by the next activity after it.
pub async fn insert(conn: &mut AnyConnection, a: &InsertActivity<'_>) -> Result<i64, sqlx::Error> {
    let id = insert_row(&mut *conn, a).await?;
    // The earlier follow-ups this one follows up (their compliance changes, so they are
    // touched below).
    let mut sql = Sql::new("UPDATE activities SET followed_up_at = ");
    sql.bind(a.occurred_at)
        .push(" WHERE customer_id = ")
        .bind(a.customer_id)
        .push(" AND deleted_at IS NULL AND next_follow_up_at IS NOT NULL AND occurred_at < ")
        .bind(a.occurred_at)
        .push(" AND (followed_up_at IS NULL OR followed_up_at > ")
        .bind(a.occurred_at)
        .push(") RETURNING id");
    let mut touched: Vec<i64> = sql.query_scalar().fetch_all(&mut *conn).await?;
    if a.next_follow_up_at.is_some() {
        let mut sql = Sql::new(&format!(
            "UPDATE activities SET followed_up_at = {NEXT_CONTACT} WHERE id = "
        ));
        sql.bind(id);
        sql.query().execute(&mut *conn).await?;
    }
    // This one counts as logged, and as a follow-up if it plans one.
    touched.push(id);
    kpi_rollups::touch(conn, Touched::Activities, &touched).await?;
    Ok(id)
}

/// Sets when each planned follow-up was followed up, from the activities themselves (after
/// a bulk load that wrote activities directly).
pub async fn fill_followed_up(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE activities SET followed_up_at = {NEXT_CONTACT} \
         WHERE customer_id IS NOT NULL AND next_follow_up_at IS NOT NULL"
    ))
    .execute(conn)
    .await
    .map(|_| ())
}

/// The customer's first activity after the one being updated: when it was followed up.
const NEXT_CONTACT: &str = "(SELECT MIN(b.occurred_at) FROM activities b \
     WHERE b.customer_id = activities.customer_id AND b.deleted_at IS NULL \
     AND b.occurred_at > activities.occurred_at)";

async fn insert_row(conn: &mut AnyConnection, a: &InsertActivity<'_>) -> Result<i64, sqlx::Error> {
    Insert::into("activities")
        .value("customer_id", a.customer_id)
        .value("contact_id", a.contact_id)
        .value("opportunity_id", a.opportunity_id)
        .value("kind", a.kind.as_str())
        .value("summary", a.summary)
        .value("occurred_at", a.occurred_at)
        .value("next_follow_up_at", a.next_follow_up_at)
        .value("latitude", a.latitude)
        .value("longitude", a.longitude)
        .value("user_id", a.user_id)
        .value("created_at", a.now_ms)
        .value("client_id", a.client_id)
        .returning_id(conn)
        .await
}

/// Moves the customer's last contact forward (never back) and sets its next follow-up.
pub async fn touch_customer(
    conn: &mut AnyConnection,
    customer_id: i64,
    occurred_at: i64,
    next: Option<i64>,
    by: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE customers SET last_contact_at = CASE WHEN last_contact_at IS NULL OR last_contact_at < ");
    sql.bind(occurred_at)
        .push(" THEN ")
        .bind(occurred_at)
        .push(" ELSE last_contact_at END, next_follow_up_at = ")
        .bind(next)
        .stamp(now_ms, Some(by))
        .where_version(customer_id, None);
    sql.query().execute(conn).await.map(|_| ())
}
