//! `/api/v1/alerts`: the caller's alerts, unread first; read one or all (on every device).
use super::error::ApiResult;
use super::extract::{ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{Alert, AlertCount, Page};
use app::ssr::services::alerts::{self as service, AlertQuery};
use axum::extract::State;
use axum::Json;

/// Your alerts: unread first, newest first within each, keyset-paged.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = Page<Alert>), (status = 422)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> ApiResult<Json<Page<Alert>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

/// How many of your alerts are unread (the badge).
#[utoipa::path(get, path = "/api/v1/alerts/unread", tag = "alerts",
    responses((status = 200, body = AlertCount)))]
pub async fn unread(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<AlertCount>> {
    Ok(Json(service::unread(&s.app, &v).await?))
}

/// Marks one alert read; your other devices clear it within a second.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/read", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = Alert), (status = 404)))]
pub async fn read(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Alert>> {
    Ok(Json(service::read(&s.app, &v, id).await?))
}

/// Marks all your alerts read.
#[utoipa::path(post, path = "/api/v1/alerts/read-all", tag = "alerts",
    responses((status = 200, body = AlertCount)))]
pub async fn read_all(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<AlertCount>> {
    Ok(Json(service::read_all(&s.app, &v).await?))
}
