//! The audit trail and the outbox, written in the same transaction as the change.
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::Sql;
use sqlx::AnyConnection;

pub struct Change {
    pub action: Action,
    pub entity_type: Entity,
    pub entity_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes the audit entry and the matching outbox event (its [`EventKind`]).
pub async fn record(
    conn: &mut AnyConnection,
    actor: Option<&Viewer>,
    change: Change,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let before = change.before.as_ref().map(|v| v.to_string());
    let after = change.after.as_ref().map(|v| v.to_string());
    let mut sql = Sql::new("INSERT INTO audit_entries (actor_id, action, entity_type, entity_id, before, after, at, ip) VALUES (");
    sql.bind(actor.map(|a| a.user_id))
        .push(", ")
        .bind(change.action.as_str())
        .push(", ")
        .bind(change.entity_type.as_str())
        .push(", ")
        .bind(change.entity_id)
        .push(", ")
        .bind(before)
        .push(", ")
        .bind(after.clone())
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(actor.and_then(|a| a.ip.clone()))
        .push(")");
    sql.query().execute(&mut *conn).await?;

    let payload = serde_json::json!({
        "actor_id": actor.map(|a| a.user_id),
        "before": change.before,
        "after": change.after,
    });
    let mut sql =
        Sql::new("INSERT INTO outbox (kind, entity_type, entity_id, payload, created_at) VALUES (");
    sql.bind(EventKind::new(change.entity_type, change.action).to_string())
        .push(", ")
        .bind(change.entity_type.as_str())
        .push(", ")
        .bind(change.entity_id)
        .push(", ")
        .bind(payload.to_string())
        .push(", ")
        .bind(now_ms)
        .push(")");
    sql.query().execute(conn).await.map(|_| ())
}
