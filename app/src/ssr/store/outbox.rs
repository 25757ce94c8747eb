//! The outbox as its readers see it: events written with each change
//! (`audit::record`), read in order and marked processed by the alert engine.
use crate::ssr::store::db::Sql;
use sqlx::AnyConnection;

/// An outbox event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEvent {
    pub id: i64,
    pub kind: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub payload: String,
}

impl OutboxEvent {
    /// The event's before/after payload (`{}` if it cannot be read).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or_default()
    }
}

/// Events not yet processed, oldest first.
pub async fn unprocessed(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<OutboxEvent>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, kind, entity_type, entity_id, payload FROM outbox WHERE processed_at IS NULL ORDER BY id LIMIT ",
    );
    sql.bind(limit);
    sql.query_as().fetch_all(conn).await
}

/// Marks the unprocessed events with ids in `[first, last]` processed at `now_ms`.
pub async fn mark_processed(
    conn: &mut AnyConnection,
    first: i64,
    last: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE outbox SET processed_at = ");
    sql.bind(now_ms)
        .push(" WHERE processed_at IS NULL AND id >= ")
        .bind(first)
        .push(" AND id <= ")
        .bind(last);
    sql.query().execute(conn).await.map(|_| ())
}
