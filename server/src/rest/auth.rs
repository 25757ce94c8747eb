//! Sign in and out over JSON, and who am I.
use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Auth};
use crate::middleware::ClientIp;
use crate::startup::ServerState;
use app::model::{Availability, LoginRequest, User};
use app::ssr::auth::{clear_session_cookie, cookie, DEVICE_COOKIE, SESSION_COOKIE};
use app::ssr::services;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::{Extension, Json};

/// Signs in; sets the HttpOnly session cookie and returns the user.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = User), (status = 401, description = "wrong email or password"),
              (status = 422, description = "missing fields"), (status = 429, description = "too many failed attempts")))]
pub async fn login(
    State(state): State<ServerState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let signed_in = sign_in(&state, &ip, &headers, &body.email, &body.password).await?;
    let [session, device] = signed_in.cookies(state.app.auth.secure_cookies);
    Ok((
        AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, device)]),
        Json(signed_in.user),
    )
        .into_response())
}

/// A sign-in from this browser: its address, user agent, previous session and known-device
/// cookie go with the email and password (the JSON door and the HTML form both call it).
pub async fn sign_in(
    state: &ServerState,
    ip: &ClientIp,
    headers: &HeaderMap,
    email: &str,
    password: &str,
) -> Result<services::auth::SignedIn, app::error::AppError> {
    let previous = cookie(headers, SESSION_COOKIE);
    let device = cookie(headers, DEVICE_COOKIE);
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let attempt = services::auth::LoginAttempt {
        email,
        password,
        ip: &ip.0,
        user_agent,
        previous_token: previous.as_deref(),
        device_token: device.as_deref(),
    };
    services::auth::login(&state.app, attempt).await
}

/// Ends the session of the cookie sent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(State(state): State<ServerState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        services::auth::logout(&state.app, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_session_cookie())],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = User), (status = 401)))]
pub async fn me(
    State(state): State<ServerState>,
    Auth(viewer): Auth,
) -> Result<Json<User>, ApiError> {
    Ok(Json(services::auth::me(&state.app, &viewer).await?))
}

/// Away from the desk (ticket routing passes you by; your tickets stay yours) or back.
#[utoipa::path(put, path = "/api/v1/me/availability", tag = "auth", request_body = Availability,
    responses((status = 200, body = User), (status = 401), (status = 422)))]
pub async fn put_availability(
    State(state): State<ServerState>,
    Auth(viewer): Auth,
    ApiJson(a): ApiJson<Availability>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(
        services::users::set_own_away(&state.app, &viewer, a.away).await?,
    ))
}
