//! Signing in and out, sessions, API tokens, and the sign-in rate limit.
use crate::error::{AppError, AppResult};
use crate::model::User;
use crate::ssr::auth::{dummy_hash, new_token, token_hash, verify_password, Viewer};
use crate::ssr::context::AppState;
use crate::ssr::store::sessions::{self, NewSession};
use crate::ssr::store::users;

pub struct SignedIn {
    pub user: User,
    /// The new session token, for the cookie.
    pub token: String,
    pub max_age_secs: i64,
    /// The known-device cookie's value and lifetime: the browser's own, refreshed, or new.
    pub device_token: String,
    pub device_max_age_secs: i64,
}

impl SignedIn {
    /// The session cookie and the known-device cookie, as Set-Cookie values.
    pub fn cookies(&self, secure: bool) -> [String; 2] {
        [
            crate::ssr::auth::session_cookie(&self.token, self.max_age_secs, secure),
            crate::ssr::auth::device_cookie(&self.device_token, self.device_max_age_secs, secure),
        ]
    }
}

pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
    /// The session the browser had before, ended so that a new token is issued at login.
    pub previous_token: Option<&'a str>,
    /// The browser's known-device cookie, if it has one.
    pub device_token: Option<&'a str>,
}

pub async fn login(state: &AppState, attempt: LoginAttempt<'_>) -> AppResult<SignedIn> {
    let email = attempt.email.trim().to_lowercase();
    let mut check = super::Check::new();
    if email.is_empty() {
        check.fail("email", "enter your email address");
    }
    if attempt.password.is_empty() {
        check.fail("password", "enter your password");
    }
    check.finish()?;

    let now = state.clock.now_ms();
    let throttle = state.auth.throttle;
    let device_fresh_after = now - state.auth.device_ttl_days * 24 * 3600 * 1000;
    let creds = users::credentials(&state.db.read, &email).await?;
    // A device counts as known only for the account it signed in to before.
    let known_device = match (attempt.device_token, &creds) {
        (Some(t), Some(c)) => {
            sessions::device_user(&state.db.read, &token_hash(t), device_fresh_after).await?
                == Some(c.id)
        }
        _ => false,
    };
    let origin = match (known_device, attempt.device_token) {
        (true, Some(t)) => format!("device:{}", &token_hash(t)[..16]),
        _ => attempt.ip.to_string(),
    };
    let counts = {
        let mut conn = state.db.read.acquire().await?;
        sessions::failure_counts(
            &mut conn,
            &email,
            &origin,
            attempt.ip,
            now - throttle.window_ms(),
        )
        .await?
    };
    if let Some(secs) = throttle.wait_secs(&counts, known_device, now) {
        return Err(AppError::RateLimited(secs));
    }

    let (hash, user_id, active) = match &creds {
        Some(c) => (c.password_hash.clone(), Some(c.id), c.active != 0),
        None => (dummy_hash().to_string(), None, false),
    };
    let password = attempt.password.to_string();
    // Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user_id = match (verified, active, user_id) {
        (true, true, Some(id)) => id,
        _ => {
            sessions::record_failure(&state.db.write, &email, &origin, now).await?;
            // Debug-formatted: what a stranger typed cannot forge a log line.
            tracing::info!(email = ?email, ip = ?attempt.ip, known_device, "sign-in failed");
            return Err(AppError::Unauthenticated);
        }
    };

    let token = new_token();
    let max_age_secs = state.auth.session_ttl_hours * 3600;
    let device_token = match (known_device, attempt.device_token) {
        (true, Some(t)) => t.to_string(),
        _ => new_token(),
    };
    let mut tx = state.db.begin().await?;
    sessions::clear_failures(&mut *tx, &email, &origin).await?;
    sessions::remember_device(&mut tx, &token_hash(&device_token), user_id, now).await?;
    crate::ssr::store::audit::signed_in(&mut tx, user_id, attempt.ip, now).await?;
    if let Some(previous) = attempt.previous_token {
        sessions::delete(&mut *tx, &token_hash(previous)).await?;
    }
    sessions::insert(
        &mut *tx,
        &NewSession {
            token_hash: &token_hash(&token),
            user_id,
            now_ms: now,
            expires_at_ms: now + max_age_secs * 1000,
            ip: Some(attempt.ip),
            user_agent: attempt.user_agent,
        },
    )
    .await?;
    tx.commit().await?;
    let user = users::get(&state.db.read, user_id)
        .await?
        .ok_or(AppError::Internal)?;
    tracing::info!(user_id, "signed in");
    Ok(SignedIn {
        user,
        token,
        max_age_secs,
        device_token,
        device_max_age_secs: state.auth.device_ttl_days * 24 * 3600,
    })
}

pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    let user = sessions::viewer_for_session(&state.db.read, &hash, i64::MIN).await?;
    sessions::delete(&state.db.write, &hash).await?;
    if let Some(v) = user {
        ended(state, v.user_id, Some(&hash)).await;
    }
    Ok(())
}

/// Closes the sockets opened with an ended session or token (None: every one of the
/// user's), on every instance. Call after the commit that ended it.
pub async fn ended(state: &AppState, user_id: i64, credential_hash: Option<&str>) {
    super::alerts::announce(
        state,
        &format!("end:{user_id}:{}", credential_hash.unwrap_or("*")),
    )
    .await;
}

/// The viewer behind a session cookie, if it is valid and the user active.
pub async fn viewer_for_session(state: &AppState, token: &str) -> AppResult<Option<Viewer>> {
    let hash = token_hash(token);
    Ok(
        sessions::viewer_for_session(&state.db.read, &hash, state.clock.now_ms())
            .await?
            .map(|v| Viewer {
                credential: Some(hash),
                ..v
            }),
    )
}

/// The viewer behind an `Authorization: Bearer` API token.
pub async fn viewer_for_api_token(state: &AppState, token: &str) -> AppResult<Option<Viewer>> {
    let hash = token_hash(token);
    let viewer = sessions::viewer_for_token(&state.db.read, &hash, state.clock.now_ms()).await?;
    if viewer.is_some() {
        sessions::touch_token(&state.db.write, &hash, state.clock.now_ms()).await?;
    }
    Ok(viewer)
}

pub async fn me(state: &AppState, viewer: &Viewer) -> AppResult<User> {
    users::get(&state.db.read, viewer.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)
}
