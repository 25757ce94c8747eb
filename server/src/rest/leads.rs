//! `/api/v1/leads`, the public web-form endpoint and lead forms.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::middleware::ClientIp;
use crate::startup::ServerState;
use app::model::{
    AssignRequest, Conversion, ConvertRequest, DisqualifyRequest, Lead, LeadContact, LeadForm,
    LeadFormPatch, NewLead, NewLeadForm, Page, PublicLead, QualifyRequest,
};
use app::ssr::services::lead_conversion;
use app::ssr::services::lead_forms;
use app::ssr::services::leads::{self as service, LeadQuery};
use app::ssr::services::public_leads::{self, PublicOutcome};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};

#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadQuery), responses((status = 200, body = Page<Lead>)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<LeadQuery>,
) -> ApiResult<Json<Page<Lead>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path)), responses((status = 200, body = Lead), (status = 404)))]
pub async fn get(State(s): State<ServerState>, Auth(v): Auth, Id(id): Id) -> ApiResult<Json<Lead>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

/// Captures a lead; without an owner the assignment rules route it (or it goes to the pool).
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = NewLead, responses((status = 201, body = Lead), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewLead>,
) -> ApiResult<(StatusCode, Json<Lead>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// A public web form posts here with its form key; no sign-in. Rate-limited per address.
#[utoipa::path(post, path = "/api/v1/public/leads", tag = "leads", request_body = PublicLead,
    responses((status = 202, description = "received"), (status = 422), (status = 429)))]
pub async fn public(
    State(s): State<ServerState>,
    Extension(ip): Extension<ClientIp>,
    ApiJson(body): ApiJson<PublicLead>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    match public_leads::create_public(&s.app, body, &ip.0).await? {
        PublicOutcome::Stored(_) | PublicOutcome::Ignored => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({"status": "received"})),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/leads/{id}/qualify", tag = "leads", params(("id" = i64, Path)), request_body = QualifyRequest,
    responses((status = 200, body = Lead), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn qualify(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<QualifyRequest>,
) -> ApiResult<Json<Lead>> {
    Ok(Json(service::qualify(&s.app, &v, id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/leads/{id}/disqualify", tag = "leads", params(("id" = i64, Path)), request_body = DisqualifyRequest,
    responses((status = 200, body = Lead), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn disqualify(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<DisqualifyRequest>,
) -> ApiResult<Json<Lead>> {
    Ok(Json(service::disqualify(&s.app, &v, id, body).await?))
}

/// Converts an SQL lead into a customer, contact and opportunity in one transaction.
#[utoipa::path(post, path = "/api/v1/leads/{id}/convert", tag = "leads", params(("id" = i64, Path)), request_body = ConvertRequest,
    responses((status = 200, body = Conversion), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn convert(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<ConvertRequest>,
) -> ApiResult<Json<Conversion>> {
    Ok(Json(lead_conversion::convert(&s.app, &v, id, body).await?))
}

/// Logs a call or message to the lead; the first stops the first-contact clock.
#[utoipa::path(post, path = "/api/v1/leads/{id}/contact", tag = "leads", params(("id" = i64, Path)), request_body = LeadContact,
    responses((status = 200, body = Lead), (status = 403), (status = 404), (status = 422)))]
pub async fn contact(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<LeadContact>,
) -> ApiResult<Json<Lead>> {
    Ok(Json(service::contact(&s.app, &v, id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/leads/{id}/assign", tag = "leads", params(("id" = i64, Path)), request_body = AssignRequest,
    responses((status = 200, body = Lead), (status = 403), (status = 404), (status = 422)))]
pub async fn assign(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<AssignRequest>,
) -> ApiResult<Json<Lead>> {
    Ok(Json(service::assign(&s.app, &v, id, body.owner_id).await?))
}

/// Makes a public lead form; its key is in the response only.
#[utoipa::path(post, path = "/api/v1/lead-forms", tag = "admin", request_body = NewLeadForm, responses((status = 201, body = LeadForm), (status = 403), (status = 422)))]
pub async fn create_form(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewLeadForm>,
) -> ApiResult<(StatusCode, Json<LeadForm>)> {
    Ok((
        StatusCode::CREATED,
        Json(lead_forms::create(&s.app, &v, body).await?),
    ))
}

/// The public lead forms (keys are never shown again).
#[utoipa::path(get, path = "/api/v1/lead-forms", tag = "admin", responses((status = 200, body = Vec<LeadForm>), (status = 403)))]
pub async fn forms(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<Vec<LeadForm>>> {
    Ok(Json(lead_forms::list(&s.app, &v).await?))
}

/// Disables a form (its key stops working at once) or enables it again.
#[utoipa::path(patch, path = "/api/v1/lead-forms/{id}", tag = "admin", params(("id" = i64, Path)), request_body = LeadFormPatch,
    responses((status = 200, body = LeadForm), (status = 403), (status = 404), (status = 422)))]
pub async fn patch_form(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<LeadFormPatch>,
) -> ApiResult<Json<LeadForm>> {
    Ok(Json(
        lead_forms::set_active(&s.app, &v, id, body.active).await?,
    ))
}

/// Gives a form a new key, in the response only; the old key stops working.
#[utoipa::path(post, path = "/api/v1/lead-forms/{id}/rotate", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = LeadForm), (status = 403), (status = 404)))]
pub async fn rotate_form(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<LeadForm>> {
    Ok(Json(lead_forms::rotate_key(&s.app, &v, id).await?))
}
