//! Signing in and out, sessions, API tokens, and the sign-in rate limit.
use crate::error::{AppError, AppResult};
use crate::model::User;
use crate::ssr::auth::{dummy_hash, new_token, token_hash, verify_password, Viewer};
use crate::ssr::context::AppState;
use crate::ssr::store::sessions::{self, FailureKey, NewSession};
use crate::ssr::store::users;

pub struct SignedIn {
    pub user: User,
    /// The new session token, for the cookie.
    pub token: String,
    pub max_age_secs: i64,
}

pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
    /// The session the browser had before, ended so that a new token is issued at login.
    pub previous_token: Option<&'a str>,
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
    let window_ms = state.auth.failure_window_minutes * 60 * 1000;
    let since = now - window_ms;
    for (key, value, max) in [
        (
            FailureKey::Email,
            email.as_str(),
            state.auth.max_failures_per_account,
        ),
        (
            FailureKey::Ip,
            attempt.ip,
            state.auth.max_failures_per_address,
        ),
    ] {
        let (count, oldest) = sessions::failures_since(&state.db.read, key, value, since).await?;
        if count >= max {
            let retry_ms = oldest.unwrap_or(now) + window_ms - now;
            return Err(AppError::RateLimited(
                ((retry_ms.max(1000) + 999) / 1000) as u64,
            ));
        }
    }

    let creds = users::credentials(&state.db.read, &email).await?;
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
            sessions::record_failure(&state.db.write, &email, attempt.ip, now).await?;
            tracing::info!(email = %email, ip = %attempt.ip, "sign-in failed");
            return Err(AppError::Unauthenticated);
        }
    };

    let token = new_token();
    let max_age_secs = state.auth.session_ttl_hours * 3600;
    let mut tx = state.db.begin().await?;
    sessions::clear_failures(&mut *tx, &email).await?;
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
    })
}

pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    sessions::delete(&state.db.write, &token_hash(token)).await?;
    Ok(())
}

/// The viewer behind a session cookie, if it is valid and the user active.
pub async fn viewer_for_session(state: &AppState, token: &str) -> AppResult<Option<Viewer>> {
    Ok(
        sessions::viewer_for_session(&state.db.read, &token_hash(token), state.clock.now_ms())
            .await?,
    )
}

/// The viewer behind an `Authorization: Bearer` API token.
pub async fn viewer_for_api_token(state: &AppState, token: &str) -> AppResult<Option<Viewer>> {
    let hash = token_hash(token);
    let viewer = sessions::viewer_for_token(&state.db.read, &hash).await?;
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
