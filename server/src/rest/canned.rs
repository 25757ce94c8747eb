//! `/api/v1/canned-replies`: the desk's frequent answers (agents and admins), and the same
//! filled in for one ticket.
use super::error::ApiResult;
use super::extract::{ApiJson, Auth, Id};
use crate::startup::ServerState;
use app::model::{CannedReply, NewCannedReply};
use app::ssr::services::canned as service;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// The canned replies as written, placeholders and all.
#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "tickets",
    responses((status = 200, body = Vec<CannedReply>), (status = 403)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
) -> ApiResult<Json<Vec<CannedReply>>> {
    Ok(Json(service::list(&s.app, &v).await?))
}

/// Writes a canned reply; `{{customer}}`, `{{contact}}`, `{{ticket}}`, `{{subject}}` and
/// `{{agent}}` are filled in on each ticket.
#[utoipa::path(post, path = "/api/v1/canned-replies", tag = "tickets", request_body = NewCannedReply,
    responses((status = 201, body = CannedReply), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewCannedReply>,
) -> ApiResult<(StatusCode, Json<CannedReply>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// The canned replies filled in for this ticket and for you.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/canned-replies", tag = "tickets", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CannedReply>), (status = 403), (status = 404)))]
pub async fn for_ticket(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Vec<CannedReply>>> {
    Ok(Json(service::for_ticket(&s.app, &v, id).await?))
}
