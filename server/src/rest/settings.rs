//! `/api/v1/settings/…`: the admin-editable rules (pool, lead timing, lead routing, alert
//! thresholds, pipeline, SLA targets, service hours, ticket routing). Anyone signed in reads them; only admins change them.
//!
//! Each setting has a version, sent as the `ETag` of every read and write. A `PUT` with
//! `If-Match` naming an older version is refused with 409 and the stored value, so two
//! admins editing at once cannot silently undo each other; a `PUT` without it replaces
//! whatever is stored at that moment.
use super::error::ApiResult;
use super::extract::{ApiJson, Auth};
use crate::startup::ServerState;
use app::domain::alerts::AlertRules;
use app::domain::health::HealthWeights;
use app::domain::leads::{AssignmentRule, LeadRules};
use app::domain::pipeline::PipelineRules;
use app::domain::pool::PoolRules;
use app::domain::routing::TicketRouting;
use app::domain::sla::{BusinessHours, TeamHours};
use app::domain::tickets::SlaRules;
use app::error::AppError;
use app::ssr::services::{alerts, deals, health, leads, pool, settings, tickets};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use serde::de::DeserializeOwned;

/// A setting with its version as the `ETag`.
type Tagged<T> = ([(header::HeaderName, String); 1], Json<T>);

fn tagged<T>(saved: settings::Saved<T>) -> Tagged<T> {
    (
        [(header::ETAG, format!("\"{}\"", saved.version))],
        Json(saved.value),
    )
}

/// The version named by `If-Match` (`"3"`, `W/"3"`); none when absent or `*`.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, AppError> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = raw.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| AppError::field("If-Match", "send the ETag of the setting as you read it"))
}

async fn read<T: DeserializeOwned + Default>(s: &ServerState, key: &str) -> ApiResult<Tagged<T>> {
    Ok(tagged(settings::one(&s.app, key).await?))
}

#[utoipa::path(get, path = "/api/v1/settings/pool", tag = "admin",
    responses((status = 200, body = PoolRules, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_pool(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<PoolRules>> {
    read(&s, pool::SETTING).await
}

#[utoipa::path(put, path = "/api/v1/settings/pool", tag = "admin", request_body = PoolRules,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = PoolRules), (status = 403), (status = 409), (status = 422)))]
pub async fn put_pool(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<PoolRules>,
) -> ApiResult<Tagged<PoolRules>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_pool(&s.app, &v, rules, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/leads", tag = "admin",
    responses((status = 200, body = LeadRules, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_leads(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<LeadRules>> {
    read(&s, leads::RULES_SETTING).await
}

#[utoipa::path(put, path = "/api/v1/settings/leads", tag = "admin", request_body = LeadRules,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = LeadRules), (status = 403), (status = 409), (status = 422)))]
pub async fn put_leads(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<LeadRules>,
) -> ApiResult<Tagged<LeadRules>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_leads(&s.app, &v, rules, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/lead-assignment", tag = "admin",
    responses((status = 200, body = Vec<AssignmentRule>, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_assignment(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<Vec<AssignmentRule>>> {
    read(&s, leads::ASSIGNMENT_SETTING).await
}

/// The lead assignment rules, in order: the first matching rule with an eligible rep wins.
#[utoipa::path(put, path = "/api/v1/settings/lead-assignment", tag = "admin", request_body = Vec<AssignmentRule>,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = Vec<AssignmentRule>), (status = 403), (status = 409), (status = 422)))]
pub async fn put_assignment(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<Vec<AssignmentRule>>,
) -> ApiResult<Tagged<Vec<AssignmentRule>>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_assignment(&s.app, &v, rules, expected).await?,
    ))
}

/// The customer health weights: what each factor may take off the score, and where "at
/// risk" starts and ends.
#[utoipa::path(get, path = "/api/v1/settings/health", tag = "admin",
    responses((status = 200, body = HealthWeights, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_health(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<HealthWeights>> {
    read(&s, health::SETTING).await
}

#[utoipa::path(put, path = "/api/v1/settings/health", tag = "admin", request_body = HealthWeights,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = HealthWeights), (status = 403), (status = 409), (status = 422)))]
pub async fn put_health(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(weights): ApiJson<HealthWeights>,
) -> ApiResult<Tagged<HealthWeights>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_health(&s.app, &v, weights, expected).await?,
    ))
}

/// The alert rules' thresholds.
#[utoipa::path(get, path = "/api/v1/settings/alerts", tag = "admin",
    responses((status = 200, body = AlertRules, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_alerts(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<AlertRules>> {
    read(&s, alerts::SETTING).await
}

#[utoipa::path(put, path = "/api/v1/settings/alerts", tag = "admin", request_body = AlertRules,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = AlertRules), (status = 403), (status = 409), (status = 422)))]
pub async fn put_alerts(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<AlertRules>,
) -> ApiResult<Tagged<AlertRules>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_alerts(&s.app, &v, rules, expected).await?,
    ))
}

/// Stage probabilities and the fields entering proposal and negotiation demand.
#[utoipa::path(get, path = "/api/v1/settings/pipeline", tag = "admin",
    responses((status = 200, body = PipelineRules, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_pipeline(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<PipelineRules>> {
    read(&s, deals::SETTING).await
}

/// Open deals take the new probabilities at once; won needs an approved contract and lost
/// a reason whatever is set here.
#[utoipa::path(put, path = "/api/v1/settings/pipeline", tag = "admin", request_body = PipelineRules,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = PipelineRules), (status = 403), (status = 409), (status = 422)))]
pub async fn put_pipeline(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<PipelineRules>,
) -> ApiResult<Tagged<PipelineRules>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_pipeline(&s.app, &v, rules, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/sla", tag = "admin",
    responses((status = 200, body = SlaRules, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_sla(State(s): State<ServerState>, Auth(_v): Auth) -> ApiResult<Tagged<SlaRules>> {
    read(&s, tickets::SLA_SETTING).await
}

/// The SLA targets per priority (first response, next response, resolution, in business
/// minutes), the warning share, auto-close and survey-link days. Running tickets are
/// re-timed at once.
#[utoipa::path(put, path = "/api/v1/settings/sla", tag = "admin", request_body = SlaRules,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = SlaRules), (status = 403), (status = 409), (status = 422)))]
pub async fn put_sla(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(rules): ApiJson<SlaRules>,
) -> ApiResult<Tagged<SlaRules>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_sla(&s.app, &v, rules, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/service-hours", tag = "admin",
    responses((status = 200, body = BusinessHours, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_service_hours(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<BusinessHours>> {
    read(&s, tickets::HOURS_SETTING).await
}

/// When the SLA clocks run: the UTC offset in minutes, open minutes of each weekday
/// (Monday first; null: closed) and holidays as dates. Round the clock until set.
#[utoipa::path(put, path = "/api/v1/settings/service-hours", tag = "admin", request_body = BusinessHours,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = BusinessHours), (status = 403), (status = 409), (status = 422)))]
pub async fn put_service_hours(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(hours): ApiJson<BusinessHours>,
) -> ApiResult<Tagged<BusinessHours>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_service_hours(&s.app, &v, hours, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/ticket-routing", tag = "admin",
    responses((status = 200, body = TicketRouting, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_ticket_routing(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<TicketRouting>> {
    read(&s, tickets::ROUTING_SETTING).await
}

/// Ticket routing: rules in order (category, priority and channel to match; a team and
/// agents, or the team's agents, to give the ticket to round robin) and the open tickets
/// an agent may hold before routing passes them by (0: no limit). Agents who are frozen
/// or away are passed by too.
#[utoipa::path(put, path = "/api/v1/settings/ticket-routing", tag = "admin", request_body = TicketRouting,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = TicketRouting), (status = 403), (status = 409), (status = 422)))]
pub async fn put_ticket_routing(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(routing): ApiJson<TicketRouting>,
) -> ApiResult<Tagged<TicketRouting>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_ticket_routing(&s.app, &v, routing, expected).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settings/team-service-hours", tag = "admin",
    responses((status = 200, body = std::collections::BTreeMap<String, BusinessHours>, headers(("ETag" = String, description = "the setting's version")))))]
pub async fn get_team_service_hours(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Tagged<TeamHours>> {
    read(&s, tickets::TEAM_HOURS_SETTING).await
}

/// Teams that keep hours of their own, by team id (`{"3": {utc_offset_minutes, days,
/// holidays}}`); a ticket of such a team is timed by them, every other by the desk's.
/// The whole set is saved at once; running tickets are re-timed at once.
#[utoipa::path(put, path = "/api/v1/settings/team-service-hours", tag = "admin",
    request_body = std::collections::BTreeMap<String, BusinessHours>,
    params(("If-Match" = Option<String>, Header, description = "the ETag this change was made from")),
    responses((status = 200, body = std::collections::BTreeMap<String, BusinessHours>), (status = 403), (status = 409), (status = 422)))]
pub async fn put_team_service_hours(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiJson(teams): ApiJson<TeamHours>,
) -> ApiResult<Tagged<TeamHours>> {
    let expected = if_match(&headers)?;
    Ok(tagged(
        settings::save_team_service_hours(&s.app, &v, teams, expected).await?,
    ))
}
