//! One instance runs each background job (the alert scheduler, the mailbox reader): on
//! PostgreSQL the instance holding the job's advisory lock, on a connection of its own,
//! until it dies; on SQLite (one process) always this one.
use crate::ssr::context::AppState;
use crate::ssr::store::alerts::try_advisory_lock;
use crate::ssr::store::db::Backend;
use sqlx::Connection;

/// Whether this instance runs the job of advisory lock `key`.
pub(crate) struct Leadership {
    key: i64,
    held: Option<sqlx::AnyConnection>,
}

impl Leadership {
    pub(crate) fn new(key: i64) -> Leadership {
        Leadership { key, held: None }
    }

    /// True when this instance runs the job now, taking the lock if nobody holds it.
    pub(crate) async fn holds(&mut self, state: &AppState) -> bool {
        if state.db.backend == Backend::Sqlite {
            return true;
        }
        if self.held.is_none() {
            self.held = take_lock(state, self.key).await;
        }
        self.held.is_some()
    }

    /// After a failed round: a lock connection that died is let go, so the next round
    /// takes the lock again (or another instance does).
    pub(crate) async fn recheck(&mut self) {
        if let Some(mut conn) = self.held.take() {
            if conn.ping().await.is_ok() {
                self.held = Some(conn);
            }
        }
    }
}

async fn take_lock(state: &AppState, key: i64) -> Option<sqlx::AnyConnection> {
    let mut conn = state.db.write.acquire().await.ok()?.detach();
    match try_advisory_lock(&mut conn, key).await {
        Ok(true) => {
            tracing::info!(key, "this instance runs the job of this lock");
            Some(conn)
        }
        _ => None,
    }
}
