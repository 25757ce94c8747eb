//! Satisfaction surveys over REST: what a customer's contacts answered (CSAT and NPS), and
//! an admin's NPS survey to the contacts of chosen customers. The answers themselves come
//! in through each contact's link (`/csat/{token}`, `/nps/{token}`), not this API.
use super::error::ApiResult;
use super::extract::{ApiJson, Auth, Id};
use crate::startup::ServerState;
use app::model::{NpsRequest, SurveyAnswer, SurveysSent};
use app::ssr::services::surveys as service;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// The survey answers of a customer's contacts, newest first.
#[utoipa::path(get, path = "/api/v1/customers/{id}/surveys", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SurveyAnswer>), (status = 404)))]
pub async fn for_customer(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Vec<SurveyAnswer>>> {
    Ok(Json(service::for_customer(&s.app, &v, id).await?))
}

/// Emails an NPS survey (0–10) to every contact with an address of these customers
/// (admins).
#[utoipa::path(post, path = "/api/v1/surveys/nps", tag = "surveys", request_body = NpsRequest,
    responses((status = 201, body = SurveysSent), (status = 403), (status = 422)))]
pub async fn send_nps(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NpsRequest>,
) -> ApiResult<(StatusCode, Json<SurveysSent>)> {
    let sent = service::send_nps(&s.app, &v, &body.customer_ids).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}
