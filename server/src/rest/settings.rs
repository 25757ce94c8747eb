//! `/api/v1/settings/…`: the admin-editable rules (pool, lead timing, lead routing, alert
//! thresholds). Anyone signed in reads them; only admins change them.
use super::error::ApiResult;
use super::extract::{ApiJson, Auth};
use crate::startup::ServerState;
use app::domain::alerts::AlertRules;
use app::domain::leads::{AssignmentRule, LeadRules};
use app::domain::pool::PoolRules;
use app::ssr::services::settings;
use axum::extract::State;
use axum::Json;

#[utoipa::path(get, path = "/api/v1/settings/pool", tag = "admin", responses((status = 200, body = PoolRules)))]
pub async fn get_pool(State(s): State<ServerState>, Auth(_v): Auth) -> ApiResult<Json<PoolRules>> {
    Ok(Json(settings::all(&s.app).await?.pool))
}

#[utoipa::path(put, path = "/api/v1/settings/pool", tag = "admin", request_body = PoolRules,
    responses((status = 200, body = PoolRules), (status = 403), (status = 422)))]
pub async fn put_pool(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<PoolRules>,
) -> ApiResult<Json<PoolRules>> {
    Ok(Json(settings::save_pool(&s.app, &v, rules).await?))
}

#[utoipa::path(get, path = "/api/v1/settings/leads", tag = "admin", responses((status = 200, body = LeadRules)))]
pub async fn get_leads(State(s): State<ServerState>, Auth(_v): Auth) -> ApiResult<Json<LeadRules>> {
    Ok(Json(settings::all(&s.app).await?.leads))
}

#[utoipa::path(put, path = "/api/v1/settings/leads", tag = "admin", request_body = LeadRules,
    responses((status = 200, body = LeadRules), (status = 403), (status = 422)))]
pub async fn put_leads(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<LeadRules>,
) -> ApiResult<Json<LeadRules>> {
    Ok(Json(settings::save_leads(&s.app, &v, rules).await?))
}

#[utoipa::path(get, path = "/api/v1/settings/lead-assignment", tag = "admin", responses((status = 200, body = Vec<AssignmentRule>)))]
pub async fn get_assignment(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Json<Vec<AssignmentRule>>> {
    Ok(Json(settings::all(&s.app).await?.assignment))
}

/// The lead assignment rules, in order: the first matching rule with an eligible rep wins.
#[utoipa::path(put, path = "/api/v1/settings/lead-assignment", tag = "admin", request_body = Vec<AssignmentRule>,
    responses((status = 200, body = Vec<AssignmentRule>), (status = 403), (status = 422)))]
pub async fn put_assignment(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<Vec<AssignmentRule>>,
) -> ApiResult<Json<Vec<AssignmentRule>>> {
    Ok(Json(settings::save_assignment(&s.app, &v, rules).await?))
}

/// The alert rules' thresholds.
#[utoipa::path(get, path = "/api/v1/settings/alerts", tag = "admin", responses((status = 200, body = AlertRules)))]
pub async fn get_alerts(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Json<AlertRules>> {
    Ok(Json(settings::all(&s.app).await?.alerts))
}

#[utoipa::path(put, path = "/api/v1/settings/alerts", tag = "admin", request_body = AlertRules,
    responses((status = 200, body = AlertRules), (status = 403), (status = 422)))]
pub async fn put_alerts(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<AlertRules>,
) -> ApiResult<Json<AlertRules>> {
    Ok(Json(settings::save_alerts(&s.app, &v, rules).await?))
}
