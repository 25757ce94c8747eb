//! `/api/v1/contacts`
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{Contact, ContactPatch, NewContact, Page};
use app::ssr::services::contacts::{self as service, ContactQuery};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactQuery),
    responses((status = 200, body = Page<Contact>)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> ApiResult<Json<Page<Contact>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), (status = 404)))]
pub async fn get(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Contact>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = NewContact,
    responses((status = 201, body = Contact), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewContact>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = ContactPatch,
    responses((status = 200, body = Contact), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<ContactPatch>,
) -> ApiResult<Json<Contact>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 204), (status = 404)))]
pub async fn delete(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    service::delete(&s.app, &v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
