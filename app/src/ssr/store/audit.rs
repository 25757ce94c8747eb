//! The audit trail and the outbox, written in the same transaction as the change.
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::AnyConnection;

pub struct Change {
    pub action: Action,
    pub entity_type: Entity,
    pub entity_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    /// `action` done to a record; what it was and is are added with [`Change::before`] and
    /// [`Change::after`].
    pub fn new(action: Action, entity_type: Entity, entity_id: i64) -> Change {
        Change {
            action,
            entity_type,
            entity_id,
            before: None,
            after: None,
        }
    }

    pub fn before(self, record: &impl serde::Serialize) -> Change {
        Change {
            before: serde_json::to_value(record).ok(),
            ..self
        }
    }

    pub fn after(self, record: &impl serde::Serialize) -> Change {
        Change {
            after: serde_json::to_value(record).ok(),
            ..self
        }
    }
}

/// Writes the audit entry and the matching outbox event (its [`EventKind`]).
pub async fn record(
    conn: &mut AnyConnection,
    actor: Option<&Viewer>,
    change: Change,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    entry(
        &mut *conn,
        actor.map(|a| a.user_id),
        actor.and_then(|a| a.ip.clone()),
        &change,
        now_ms,
    )
    .await?;

    let payload = serde_json::json!({
        "actor_id": actor.map(|a| a.user_id),
        "before": change.before,
        "after": change.after,
    });
    Insert::into("outbox")
        .value(
            "kind",
            EventKind::new(change.entity_type, change.action).to_string(),
        )
        .value("entity_type", change.entity_type.as_str())
        .value("entity_id", change.entity_id)
        .value("payload", payload.to_string())
        .value("created_at", now_ms)
        .sql()
        .query()
        .execute(conn)
        .await
        .map(|_| ())
}

/// A sign-in, kept in the audit trail (who used Tandem when: the active-users KPI counts
/// it). Nothing reacts to a sign-in, so it makes no outbox event.
pub async fn signed_in(
    conn: &mut AnyConnection,
    user_id: i64,
    ip: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let change = Change::new(Action::SignedIn, Entity::User, user_id);
    entry(conn, Some(user_id), Some(ip.to_string()), &change, now_ms).await
}

/// One line of the audit trail: who did what to which record, when, from where.
async fn entry(
    conn: &mut AnyConnection,
    actor_id: Option<i64>,
    ip: Option<String>,
    change: &Change,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    Insert::into("audit_entries")
        .value("actor_id", actor_id)
        .value("action", change.action.as_str())
        .value("entity_type", change.entity_type.as_str())
        .value("entity_id", change.entity_id)
        .value("before", change.before.as_ref().map(|v| v.to_string()))
        .value("after", change.after.as_ref().map(|v| v.to_string()))
        .value("at", now_ms)
        .value("ip", ip)
        .sql()
        .query()
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether the audit trail shows `user_id` as the owner of customer `customer_id` at some
/// time: the owner in what one of its entries says the customer was or became. (Read in
/// Rust: the entries are JSON, whose functions differ between the two databases; one
/// customer has few entries.)
pub async fn shows_owner(
    conn: &mut AnyConnection,
    customer_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT before, after FROM audit_entries WHERE entity_type = ");
    sql.bind(Entity::Customer.as_str())
        .push(" AND entity_id = ")
        .bind(customer_id);
    let rows: Vec<(Option<String>, Option<String>)> = sql.query_as().fetch_all(conn).await?;
    let owner = |json: &Option<String>| {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| v.get("owner_id").and_then(serde_json::Value::as_i64))
    };
    Ok(rows
        .iter()
        .any(|(before, after)| owner(before) == Some(user_id) || owner(after) == Some(user_id)))
}
