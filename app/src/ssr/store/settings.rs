//! Admin-editable settings, as JSON by key; code defaults apply when a key is absent.
//! Each key carries a version (0 when absent) so that a save can name the one it started
//! from and a stale save is refused rather than overwriting someone else's.
use crate::ssr::store::db::Sql;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{Any, Executor};

pub async fn get<'e, T: DeserializeOwned + Default>(
    ex: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<T, sqlx::Error> {
    Ok(get_versioned(ex, key).await?.0)
}

/// The value under `key` and its version; the code default and 0 when none is stored.
pub async fn get_versioned<'e, T: DeserializeOwned + Default>(
    ex: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<(T, i64), sqlx::Error> {
    let mut sql = Sql::new("SELECT value, version FROM settings WHERE key = ");
    sql.bind(key);
    let row: Option<(String, i64)> = sql.query_as().fetch_optional(ex).await?;
    Ok(match row {
        Some((raw, version)) => (parsed(&raw), version),
        None => (T::default(), 0),
    })
}

/// A stored value; the code default when it no longer reads as one.
fn parsed<T: DeserializeOwned + Default>(raw: &str) -> T {
    serde_json::from_str(raw).unwrap_or_default()
}

/// Several settings in one query (the ticket clocks read three on every request), to be
/// taken out with [`Several::get`].
pub async fn several<'e>(
    ex: impl Executor<'e, Database = Any>,
    keys: &[&str],
) -> Result<Several, sqlx::Error> {
    let mut sql = Sql::new("SELECT key, value FROM settings WHERE key IN (");
    sql.bind_list(keys.iter().copied()).push(")");
    let rows: Vec<(String, String)> = sql.query_as().fetch_all(ex).await?;
    Ok(Several(rows.into_iter().collect()))
}

/// Stored settings by key, as [`several`] read them.
pub struct Several(std::collections::HashMap<String, String>);

impl Several {
    /// The value under `key`; the code default when none is stored.
    pub fn get<T: DeserializeOwned + Default>(&self, key: &str) -> T {
        self.0.get(key).map(|raw| parsed(raw)).unwrap_or_default()
    }
}

/// Stores `value` under `key` if the stored version is still `expected`, and returns the
/// new version; `None` when someone else saved in between (nothing is written then).
pub async fn put<'e, T: Serialize>(
    ex: impl Executor<'e, Database = Any>,
    key: &str,
    value: &T,
    expected: i64,
    by: i64,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let json = serde_json::to_string(value).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let mut sql;
    if expected == 0 {
        // First save of this key: the insert loses to anyone who inserted it first.
        sql =
            Sql::new("INSERT INTO settings (key, value, updated_at, updated_by, version) VALUES (");
        sql.bind(key)
            .push(", ")
            .bind(json)
            .push(", ")
            .bind(now_ms)
            .push(", ")
            .bind(by)
            .push(", 1) ON CONFLICT (key) DO NOTHING");
    } else {
        sql = Sql::new("UPDATE settings SET value = ");
        sql.bind(json)
            .push(", updated_at = ")
            .bind(now_ms)
            .push(", updated_by = ")
            .bind(by)
            .push(", version = version + 1 WHERE key = ")
            .bind(key)
            .push(" AND version = ")
            .bind(expected);
    }
    let done = sql.query().execute(ex).await?.rows_affected();
    Ok((done == 1).then_some(expected + 1))
}
