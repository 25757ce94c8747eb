//! `/api/v1/opportunities` and `/api/v1/contracts`.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{
    Contract, ForecastMove, NewContract, NewOpportunity, NewPlan, NewReceipt, Opportunity, Page,
    Receivables, StageMove,
};
use app::ssr::services::contracts::{self, ContractQuery};
use app::ssr::services::deals::{self as service, OpportunityQuery};
use app::ssr::services::receivables;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(get, path = "/api/v1/opportunities", tag = "pipeline", params(OpportunityQuery), responses((status = 200, body = Page<Opportunity>)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<OpportunityQuery>,
) -> ApiResult<Json<Page<Opportunity>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "pipeline", params(("id" = i64, Path)), responses((status = 200, body = Opportunity), (status = 404)))]
pub async fn get(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Opportunity>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

#[utoipa::path(post, path = "/api/v1/opportunities", tag = "pipeline", request_body = NewOpportunity,
    responses((status = 201, body = Opportunity), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewOpportunity>,
) -> ApiResult<(StatusCode, Json<Opportunity>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Moves a deal to a stage. 422 lists exactly what the stage still needs.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/stage", tag = "pipeline", params(("id" = i64, Path)), request_body = StageMove,
    responses((status = 200, body = Opportunity), (status = 403), (status = 404), (status = 409), (status = 422, description = "entry criteria missing")))]
pub async fn stage(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<StageMove>,
) -> ApiResult<Json<Opportunity>> {
    Ok(Json(service::move_stage(&s.app, &v, id, body).await?))
}

/// The owner (or their manager) puts an open deal in a forecast category: pipeline,
/// best_case, commit or omitted.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/forecast", tag = "pipeline", params(("id" = i64, Path)), request_body = ForecastMove,
    responses((status = 200, body = Opportunity), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn forecast(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<ForecastMove>,
) -> ApiResult<Json<Opportunity>> {
    Ok(Json(
        service::set_forecast_category(&s.app, &v, id, body).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/contracts", tag = "pipeline", params(ContractQuery), responses((status = 200, body = Page<Contract>), (status = 422)))]
pub async fn contracts(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ContractQuery>,
) -> ApiResult<Json<Page<Contract>>> {
    Ok(Json(contracts::contracts(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "pipeline", params(("id" = i64, Path)), responses((status = 200, body = Contract), (status = 404)))]
pub async fn contract(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Contract>> {
    Ok(Json(contracts::contract(&s.app, &v, id).await?))
}

/// Requests a contract for a deal; it waits for a manager.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "pipeline", request_body = NewContract,
    responses((status = 201, body = Contract), (status = 403), (status = 422)))]
pub async fn request_contract(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewContract>,
) -> ApiResult<(StatusCode, Json<Contract>)> {
    Ok((
        StatusCode::CREATED,
        Json(contracts::request_contract(&s.app, &v, body).await?),
    ))
}

/// A manager approves a contract; its deal becomes won.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/approve", tag = "pipeline", params(("id" = i64, Path)),
    responses((status = 200, body = Contract), (status = 403), (status = 404), (status = 409, description = "already decided")))]
pub async fn approve(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Contract>> {
    Ok(Json(
        contracts::decide_contract(&s.app, &v, id, true).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/contracts/{id}/reject", tag = "pipeline", params(("id" = i64, Path)),
    responses((status = 200, body = Contract), (status = 403), (status = 404), (status = 409)))]
pub async fn reject(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Contract>> {
    Ok(Json(
        contracts::decide_contract(&s.app, &v, id, false).await?,
    ))
}

/// One tap from the renewal alert: a deal to renew an approved contract (the customer's,
/// at its amount, expected to close the day it ends). 201 with the new deal, or 200 with
/// the one a first tap made.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/renewal", tag = "pipeline", params(("id" = i64, Path)),
    responses((status = 201, body = Opportunity), (status = 200, body = Opportunity), (status = 403), (status = 404), (status = 422)))]
pub async fn renew_contract(
    State(s): State<ServerState>,
    Auth(v): Auth,
    headers: axum::http::HeaderMap,
    Id(id): Id,
) -> ApiResult<(StatusCode, Json<Opportunity>)> {
    let lang = app::ssr::context::lang_of(&headers, Some(&v));
    let (deal, made) = contracts::renew(&s.app, &v, id, lang).await?;
    let status = if made {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(deal)))
}

/// A contract's receivables: its payment plan (what is paid of each installment and how
/// many days it is overdue), the payments received, what is owed and overdue.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/receivables", tag = "pipeline", params(("id" = i64, Path)),
    responses((status = 200, body = Receivables), (status = 404)))]
pub async fn contract_receivables(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Receivables>> {
    Ok(Json(receivables::receivables(&s.app, &v, id).await?))
}

/// Replaces an approved contract's payment plan; the installments must add up to the
/// contract's amount. Payments received are applied to it again, oldest first.
#[utoipa::path(put, path = "/api/v1/contracts/{id}/plan", tag = "pipeline", params(("id" = i64, Path)), request_body = NewPlan,
    responses((status = 200, body = Receivables), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn contract_plan(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<NewPlan>,
) -> ApiResult<Json<Receivables>> {
    Ok(Json(receivables::set_plan(&s.app, &v, id, body).await?))
}

/// Records a payment received against an approved contract (partial payments too, never
/// more than is still owed).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/receipts", tag = "pipeline", params(("id" = i64, Path)), request_body = NewReceipt,
    responses((status = 201, body = Receivables), (status = 403), (status = 404), (status = 422)))]
pub async fn contract_receipt(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<NewReceipt>,
) -> ApiResult<(StatusCode, Json<Receivables>)> {
    Ok((
        StatusCode::CREATED,
        Json(receivables::record_receipt(&s.app, &v, id, body).await?),
    ))
}
