//! Alerts: one row per (rule, record, due time, user), unique by its dedupe key. A user
//! only ever reads their own.
use crate::domain::alerts::AlertKind;
use crate::model::{Alert, EntityRef};
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: i64,
    user_id: i64,
    kind: AlertKind,
    entity_type: String,
    entity_id: i64,
    title: String,
    body: String,
    due_at: Option<i64>,
    created_at: i64,
    delivered_at: Option<i64>,
    read_at: Option<i64>,
}

impl AlertRow {
    fn into_pair(self) -> (i64, Alert) {
        (
            self.user_id,
            Alert {
                id: self.id,
                kind: self.kind,
                title: self.title,
                body: self.body,
                entity: EntityRef {
                    kind: self.entity_type,
                    id: self.entity_id,
                },
                due_at: opt_from_ms(self.due_at),
                created_at: from_ms(self.created_at),
                delivered_at: opt_from_ms(self.delivered_at),
                read_at: opt_from_ms(self.read_at),
            },
        )
    }
}

const COLUMNS: &str =
    "SELECT a.id, a.user_id, a.kind, a.entity_type, a.entity_id, a.title, a.body, a.due_at, \
     a.created_at, a.delivered_at, a.read_at FROM alerts a WHERE 1 = 1";

/// A new alert, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub user_id: i64,
    pub kind: AlertKind,
    pub entity_type: String,
    pub entity_id: i64,
    pub title: String,
    pub body: String,
    pub due_at: Option<i64>,
    pub dedupe_key: String,
}

/// Stores the alert unless its dedupe key exists; the new id, or None if it did.
pub async fn insert(
    conn: &mut AnyConnection,
    a: &NewAlert,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Insert::into("alerts")
        .value("user_id", a.user_id)
        .value("kind", a.kind.as_str())
        .value("entity_type", a.entity_type.as_str())
        .value("entity_id", a.entity_id)
        .value("title", a.title.as_str())
        .value("body", a.body.as_str())
        .value("due_at", a.due_at)
        .value("created_at", now_ms)
        .value("dedupe_key", a.dedupe_key.as_str())
        .sql();
    sql.push(" ON CONFLICT (dedupe_key) DO NOTHING RETURNING id");
    sql.query_scalar::<i64>().fetch_optional(conn).await
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    id: i64,
) -> Result<Option<Alert>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.user_id = ")
        .bind(user_id)
        .push(" AND a.id = ")
        .bind(id);
    sql.one(ex, |r: AlertRow| r.into_pair().1).await
}

const UNREAD_FIRST: &str = "CASE WHEN a.read_at IS NULL THEN 1 ELSE 0 END";

/// A user's alerts, unread first, newest first within each; keyset on (unread, id).
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    kind: Option<AlertKind>,
    unread_only: bool,
    after: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<Alert>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.user_id = ").bind(user_id);
    if let Some(k) = kind {
        sql.push(" AND a.kind = ").bind(k.as_str());
    }
    if unread_only {
        sql.push(" AND a.read_at IS NULL");
    }
    if let Some((unread, id)) = after {
        sql.push(&format!(" AND ({UNREAD_FIRST} < "))
            .bind(unread)
            .push(&format!(" OR ({UNREAD_FIRST} = "))
            .bind(unread)
            .push(" AND a.id < ")
            .bind(id)
            .push("))");
    }
    sql.push(&format!(" ORDER BY {UNREAD_FIRST} DESC, a.id DESC LIMIT "))
        .bind(limit + 1);
    sql.all(ex, |r: AlertRow| r.into_pair().1).await
}

/// A user's alerts after an id, oldest first (the websocket's replay).
pub async fn after_for_user<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<Alert>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.user_id = ")
        .bind(user_id)
        .push(" AND a.id > ")
        .bind(after)
        .push(" ORDER BY a.id LIMIT ")
        .bind(limit);
    sql.all(ex, |r: AlertRow| r.into_pair().1).await
}

/// Everyone's alerts after an id, oldest first, with their user (the hub's feed).
pub async fn after<'e>(
    ex: impl Executor<'e, Database = Any>,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Alert)>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.id > ")
        .bind(after)
        .push(" ORDER BY a.id LIMIT ")
        .bind(limit);
    sql.all(ex, AlertRow::into_pair).await
}

pub async fn max_id<'e>(ex: impl Executor<'e, Database = Any>) -> Result<i64, sqlx::Error> {
    Sql::new("SELECT COALESCE(MAX(id), 0) FROM alerts")
        .query_scalar::<i64>()
        .fetch_one(ex)
        .await
}

pub async fn unread_count<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM alerts WHERE read_at IS NULL AND user_id = ");
    sql.bind(user_id);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// Marks one alert read; false when it was not this user's or already read.
pub async fn mark_read<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    id: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE alerts SET read_at = ");
    sql.bind(now_ms)
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(user_id)
        .push(" AND id = ")
        .bind(id);
    Ok(sql.query().execute(ex).await?.rows_affected() == 1)
}

/// Marks every unread alert up to `upto` read; how many changed.
pub async fn mark_all_read<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
    upto: i64,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new("UPDATE alerts SET read_at = ");
    sql.bind(now_ms)
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(user_id)
        .push(" AND id <= ")
        .bind(upto);
    Ok(sql.query().execute(ex).await?.rows_affected())
}

/// Records that alerts reached a device.
pub async fn mark_delivered<'e>(
    ex: impl Executor<'e, Database = Any>,
    ids: &[i64],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE alerts SET delivered_at = ");
    sql.bind(now_ms)
        .push(" WHERE delivered_at IS NULL AND id IN (")
        .bind_list(ids.iter().copied())
        .push(")");
    sql.query().execute(ex).await.map(|_| ())
}

pub async fn state_get<'e>(
    ex: impl Executor<'e, Database = Any>,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT value FROM engine_state WHERE name = ");
    sql.bind(name);
    sql.query_scalar::<i64>().fetch_optional(ex).await
}

pub async fn state_set<'e>(
    ex: impl Executor<'e, Database = Any>,
    name: &str,
    value: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("INSERT INTO engine_state (name, value) VALUES (");
    sql.bind(name)
        .push(", ")
        .bind(value)
        .push(") ON CONFLICT (name) DO UPDATE SET value = ")
        .bind(value);
    sql.query().execute(ex).await.map(|_| ())
}

/// A user's unread count and newest alert id, read together.
pub async fn badge<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT COUNT(CASE WHEN read_at IS NULL THEN 1 END), COALESCE(MAX(id), 0) FROM alerts WHERE user_id = ",
    );
    sql.bind(user_id);
    sql.query_as::<(i64, i64)>().fetch_one(ex).await
}

/// Tells every PostgreSQL listener on `channel` (every Tandem instance) `message`.
pub async fn notify<'e>(
    ex: impl Executor<'e, Database = Any>,
    channel: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("SELECT pg_notify(");
    sql.bind(channel).push(", ").bind(message).push(")");
    sql.query().execute(ex).await.map(|_| ())
}

/// Takes PostgreSQL's session advisory lock `key` if no other session holds it.
pub async fn try_advisory_lock(conn: &mut AnyConnection, key: i64) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT pg_try_advisory_lock(");
    sql.bind(key).push(")");
    sql.query_scalar::<bool>().fetch_one(conn).await
}
