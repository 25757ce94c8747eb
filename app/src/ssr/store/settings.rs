//! Admin-editable settings, as JSON by key; code defaults apply when a key is absent.
use crate::ssr::db::Sql;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{Any, Executor};

pub async fn get<'e, T: DeserializeOwned + Default>(
    ex: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<T, sqlx::Error> {
    let mut sql = Sql::new("SELECT value FROM settings WHERE key = ");
    sql.bind(key);
    let raw: Option<String> = sql.query_scalar::<String>().fetch_optional(ex).await?;
    Ok(raw
        .and_then(|r| serde_json::from_str(&r).ok())
        .unwrap_or_default())
}

pub async fn put<'e, T: Serialize>(
    ex: impl Executor<'e, Database = Any>,
    key: &str,
    value: &T,
    by: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(value).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let mut sql = Sql::new("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (");
    sql.bind(key)
        .push(", ")
        .bind(json.clone())
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(by)
        .push(") ON CONFLICT (key) DO UPDATE SET value = ")
        .bind(json)
        .push(", updated_at = ")
        .bind(now_ms)
        .push(", updated_by = ")
        .bind(by);
    sql.query().execute(ex).await.map(|_| ())
}
