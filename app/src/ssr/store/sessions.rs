//! Server-side sessions, API token lookup and the sign-in failure log.
use crate::model::Role;
use crate::ssr::auth::Viewer;
use crate::ssr::db::Sql;
use sqlx::{Any, Executor};

#[derive(sqlx::FromRow)]
struct ViewerRow {
    id: i64,
    role: String,
    team_id: Option<i64>,
    name: String,
    email: String,
    locale: String,
}

impl From<ViewerRow> for Viewer {
    fn from(r: ViewerRow) -> Self {
        Viewer {
            user_id: r.id,
            role: Role::parse(&r.role).unwrap_or(Role::Rep),
            team_id: r.team_id,
            name: r.name,
            email: r.email,
            locale: r.locale,
            ip: None,
        }
    }
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub now_ms: i64,
    pub expires_at_ms: i64,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    s: &NewSession<'_>,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (");
    sql.bind(s.token_hash)
        .push(", ")
        .bind(s.user_id)
        .push(", ")
        .bind(s.now_ms)
        .push(", ")
        .bind(s.now_ms)
        .push(", ")
        .bind(s.expires_at_ms)
        .push(", ")
        .bind(s.ip)
        .push(", ")
        .bind(s.user_agent)
        .push(")");
    sql.query().execute(ex).await.map(|_| ())
}

/// The active user behind an unexpired session.
pub async fn viewer_for_session<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<Viewer>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT u.id, u.role, u.team_id, u.name, u.email, u.locale FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ",
    );
    sql.bind(token_hash)
        .push(" AND s.expires_at > ")
        .bind(now_ms)
        .push(" AND u.active = 1");
    Ok(sql
        .query_as::<ViewerRow>()
        .fetch_optional(ex)
        .await?
        .map(Viewer::from))
}

/// The active user an unrevoked API token acts as.
pub async fn viewer_for_token<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
) -> Result<Option<Viewer>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT u.id, u.role, u.team_id, u.name, u.email, u.locale FROM api_tokens k JOIN users u ON u.id = k.user_id \
         WHERE k.token_hash = ",
    );
    sql.bind(token_hash)
        .push(" AND k.revoked_at IS NULL AND u.active = 1");
    Ok(sql
        .query_as::<ViewerRow>()
        .fetch_optional(ex)
        .await?
        .map(Viewer::from))
}

pub async fn touch_token<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE api_tokens SET last_used_at = ");
    sql.bind(now_ms)
        .push(" WHERE token_hash = ")
        .bind(token_hash);
    sql.query().execute(ex).await.map(|_| ())
}

pub async fn delete<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM sessions WHERE token_hash = ");
    sql.bind(token_hash);
    sql.query().execute(ex).await.map(|_| ())
}

pub async fn delete_for_user<'e>(
    ex: impl Executor<'e, Database = Any>,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM sessions WHERE user_id = ");
    sql.bind(user_id);
    Ok(sql.query().execute(ex).await?.rows_affected())
}

pub async fn delete_expired<'e>(
    ex: impl Executor<'e, Database = Any>,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM sessions WHERE expires_at <= ");
    sql.bind(now_ms);
    Ok(sql.query().execute(ex).await?.rows_affected())
}

pub async fn record_failure<'e>(
    ex: impl Executor<'e, Database = Any>,
    email: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("INSERT INTO login_failures (email, ip, at) VALUES (");
    sql.bind(email)
        .push(", ")
        .bind(ip)
        .push(", ")
        .bind(now_ms)
        .push(")");
    sql.query().execute(ex).await.map(|_| ())
}

/// Failures since `since_ms` for a column (`email` or `ip`) and the oldest of them.
pub async fn failures_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    column: FailureKey,
    value: &str,
    since_ms: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let col = match column {
        FailureKey::Email => "email",
        FailureKey::Ip => "ip",
    };
    let mut sql = Sql::new(&format!(
        "SELECT COUNT(*), MIN(at) FROM login_failures WHERE {col} = "
    ));
    sql.bind(value).push(" AND at > ").bind(since_ms);
    sql.query_as::<(i64, Option<i64>)>().fetch_one(ex).await
}

#[derive(Debug, Clone, Copy)]
pub enum FailureKey {
    Email,
    Ip,
}

pub async fn clear_failures<'e>(
    ex: impl Executor<'e, Database = Any>,
    email: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM login_failures WHERE email = ");
    sql.bind(email);
    sql.query().execute(ex).await.map(|_| ())
}
