//! Server-side sessions, API token lookup and the sign-in failure log.
use crate::model::Role;
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, Executor};

#[derive(sqlx::FromRow)]
struct ViewerRow {
    id: i64,
    role: Role,
    team_id: Option<i64>,
    name: String,
    email: String,
    locale: String,
    away: i64,
}

impl From<ViewerRow> for Viewer {
    fn from(r: ViewerRow) -> Self {
        Viewer {
            user_id: r.id,
            role: r.role,
            team_id: r.team_id,
            name: r.name,
            email: r.email,
            locale: r.locale,
            away: r.away != 0,
            ip: None,
            credential: None,
            token_scopes: None,
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
    Insert::into("sessions")
        .value("token_hash", s.token_hash)
        .value("user_id", s.user_id)
        .value("created_at", s.now_ms)
        .value("last_seen_at", s.now_ms)
        .value("expires_at", s.expires_at_ms)
        .value("ip", s.ip)
        .value("user_agent", s.user_agent)
        .execute(ex)
        .await
}

/// The active user behind an unexpired session.
pub async fn viewer_for_session<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<Viewer>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT u.id, u.role, u.team_id, u.name, u.email, u.locale, u.away FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ",
    );
    sql.bind(token_hash)
        .push(" AND s.expires_at > ")
        .bind(now_ms)
        .push(" AND u.active = 1");
    sql.one::<ViewerRow, _>(ex, Viewer::from).await
}

/// The first active admin (by name), as the viewer Tandem acts as when no person asks:
/// mail piped in on the command line.
pub async fn first_active_admin<'e>(
    ex: impl Executor<'e, Database = Any>,
) -> Result<Option<Viewer>, sqlx::Error> {
    Ok(sqlx::query_as::<_, ViewerRow>(
        "SELECT u.id, u.role, u.team_id, u.name, u.email, u.locale, u.away FROM users u \
         WHERE u.active = 1 AND u.role = 'admin' ORDER BY u.name, u.id LIMIT 1",
    )
    .fetch_optional(ex)
    .await?
    .map(Viewer::from))
}

#[derive(sqlx::FromRow)]
struct TokenViewerRow {
    id: i64,
    role: Role,
    team_id: Option<i64>,
    name: String,
    email: String,
    locale: String,
    away: i64,
    scopes: String,
}

/// The active user an unrevoked, unexpired API token acts as, with the token's scopes.
pub async fn viewer_for_token<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
    now_ms: i64,
) -> Result<Option<Viewer>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT u.id, u.role, u.team_id, u.name, u.email, u.locale, u.away, k.scopes FROM api_tokens k JOIN users u ON u.id = k.user_id \
         WHERE k.token_hash = ",
    );
    sql.bind(token_hash)
        .push(" AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ")
        .bind(now_ms)
        .push(") AND u.active = 1");
    Ok(sql
        .query_as::<TokenViewerRow>()
        .fetch_optional(ex)
        .await?
        .map(|r| Viewer {
            token_scopes: Some(super::users::split_scopes(&r.scopes)),
            credential: Some(token_hash.to_string()),
            ..Viewer::from(ViewerRow {
                id: r.id,
                role: r.role,
                team_id: r.team_id,
                name: r.name,
                email: r.email,
                locale: r.locale,
                away: r.away,
            })
        }))
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
    Insert::into("login_failures")
        .value("email", email)
        .value("ip", ip)
        .value("at", now_ms)
        .execute(ex)
        .await
}

/// The failure log's counts for an attempt from `origin` (a known device's key, or the
/// address) against `email`, within the window since `since_ms`.
pub async fn failure_counts(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    origin: &str,
    address: &str,
    since_ms: i64,
) -> Result<crate::domain::signin::FailureCounts, sqlx::Error> {
    let mut pair = Sql::new("SELECT COUNT(*), MAX(at) FROM login_failures WHERE email = ");
    pair.bind(email)
        .push(" AND ip = ")
        .bind(origin)
        .push(" AND at > ")
        .bind(since_ms);
    let (from_origin, origin_latest_ms) = pair
        .query_as::<(i64, Option<i64>)>()
        .fetch_one(&mut *conn)
        .await?;
    let mut account = Sql::new("SELECT COUNT(*), MIN(at) FROM login_failures WHERE email = ");
    account.bind(email).push(" AND at > ").bind(since_ms);
    let (against_account, account_oldest_ms) = account
        .query_as::<(i64, Option<i64>)>()
        .fetch_one(&mut *conn)
        .await?;
    let mut addr = Sql::new("SELECT COUNT(*), MIN(at) FROM login_failures WHERE ip = ");
    addr.bind(address).push(" AND at > ").bind(since_ms);
    let (from_address, address_oldest_ms) = addr
        .query_as::<(i64, Option<i64>)>()
        .fetch_one(&mut *conn)
        .await?;
    Ok(crate::domain::signin::FailureCounts {
        from_origin,
        origin_latest_ms,
        against_account,
        account_oldest_ms,
        from_address,
        address_oldest_ms,
    })
}

/// Clears the failures one origin made against an account, after it signed in.
pub async fn clear_failures<'e>(
    ex: impl Executor<'e, Database = Any>,
    email: &str,
    origin: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM login_failures WHERE email = ");
    sql.bind(email).push(" AND ip = ").bind(origin);
    sql.query().execute(ex).await.map(|_| ())
}

/// The user a known-device cookie was issued to, if it is still fresh.
pub async fn device_user<'e>(
    ex: impl Executor<'e, Database = Any>,
    token_hash: &str,
    fresh_after_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT user_id FROM known_devices WHERE token_hash = ");
    sql.bind(token_hash)
        .push(" AND last_used_at > ")
        .bind(fresh_after_ms);
    sql.query_scalar::<i64>().fetch_optional(ex).await
}

/// Remembers (or refreshes) a device that signed in.
pub async fn remember_device(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    user_id: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut update = Sql::new("UPDATE known_devices SET last_used_at = ");
    update
        .bind(now_ms)
        .push(" WHERE token_hash = ")
        .bind(token_hash)
        .push(" AND user_id = ")
        .bind(user_id);
    if update.query().execute(&mut *conn).await?.rows_affected() == 0 {
        let mut insert = Sql::new(
            "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) VALUES (",
        );
        insert
            .bind(token_hash)
            .push(", ")
            .bind(user_id)
            .push(", ")
            .bind(now_ms)
            .push(", ")
            .bind(now_ms)
            .push(")");
        insert.query().execute(&mut *conn).await?;
    }
    Ok(())
}
