//! The write sequence every service follows for a versioned record: the service loads the
//! record the viewer may change (404 / 403 otherwise) and validates the new values; then
//!
//! 1. the store writes them if the version the client read is still current;
//! 2. a stale version answers 409 carrying the record as it now stands, or 404 if it went
//!    ([`stale`]);
//! 3. the record is read back as the viewer sees it, and the change is audited with its
//!    outbox event in the same transaction ([`audited`]);
//! 4. the service commits (after any further writes of its own).
//!
//! Steps 2 and 3 are written here once; every service calls them in this order.
use crate::domain::events::{Action, Entity};
use crate::error::{AppError, AppResult};
use crate::ssr::auth::Viewer;
use crate::ssr::store::audit::{self, Change};
use serde::Serialize;
use sqlx::AnyConnection;

/// What changed: which record, how, and as it was before.
pub struct Versioned<'a, T> {
    pub entity: Entity,
    pub action: Action,
    pub id: i64,
    pub before: &'a T,
}

impl<'a, T> Versioned<'a, T> {
    pub fn new(entity: Entity, action: Action, id: i64, before: &'a T) -> Self {
        Versioned {
            entity,
            action,
            id,
            before,
        }
    }
}

/// Before validating: the client edited the version it read; if the record moved on
/// since, 409 with the record as it stands.
pub fn check_version<T: Serialize>(current: &T, current_version: i64, sent: i64) -> AppResult<()> {
    if sent == current_version {
        Ok(())
    } else {
        Err(AppError::Conflict(
            serde_json::to_value(current).unwrap_or_default(),
        ))
    }
}

/// Step 2: the answer to a write that found a newer version than the client read.
pub fn stale<T: Serialize>(latest: Option<T>) -> AppError {
    match latest {
        Some(latest) => AppError::Conflict(serde_json::to_value(latest).unwrap_or_default()),
        None => AppError::NotFound,
    }
}

/// Step 3 for a record that came to be (created, requested, restored): as read back (it
/// must be there), audited with its outbox event, with nothing before it.
pub async fn audited_new<T: Serialize>(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    (entity, action, id): (Entity, Action, i64),
    created: Option<T>,
    now_ms: i64,
) -> AppResult<T> {
    let created = created.ok_or(AppError::Internal)?;
    let change = Change::new(action, entity, id).after(&created);
    audit::record(conn, Some(viewer), change, now_ms).await?;
    Ok(created)
}

/// Step 3: the record as read back after the write (it must be there), audited with its
/// outbox event.
pub async fn audited<T: Serialize>(
    conn: &mut AnyConnection,
    viewer: Option<&Viewer>,
    change: Versioned<'_, T>,
    after: Option<T>,
    now_ms: i64,
) -> AppResult<T> {
    let after = after.ok_or(AppError::Internal)?;
    audit::record(
        conn,
        viewer,
        Change::new(change.action, change.entity, change.id)
            .before(change.before)
            .after(&after),
        now_ms,
    )
    .await?;
    Ok(after)
}
