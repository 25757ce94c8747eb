//! `/api/v1/activities`: log a follow-up; read a customer's activities.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth};
use crate::startup::ServerState;
use app::model::{Activity, NewActivity, Page};
use app::ssr::services::activities::{self as service, ActivityQuery};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// A customer's activities, newest first.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", params(ActivityQuery),
    responses((status = 200, body = Page<Activity>), (status = 404), (status = 422)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<Page<Activity>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

/// Logs a call, visit, message or note; moves the customer's last contact and sets (or
/// clears) its next follow-up.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = NewActivity,
    responses((status = 201, body = Activity), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewActivity>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::log(&s.app, &v, body).await?),
    ))
}
