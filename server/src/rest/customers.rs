//! `/api/v1/customers`
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{AssignRequest, Customer, CustomerPatch, NewCustomer, Page, ReleaseRequest};
use app::ssr::services::customer_list::{self, CustomerQuery};
use app::ssr::services::customers as service;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Customers in the caller's scope, newest first, keyset-paged.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = Page<Customer>), (status = 422, description = "bad filter")))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<CustomerQuery>,
) -> ApiResult<Json<Page<Customer>>> {
    Ok(Json(customer_list::list(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 404, description = "no such customer, or not yours")))]
pub async fn get(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Customer>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = NewCustomer,
    responses((status = 201, body = Customer), (status = 422, description = "invalid fields")))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewCustomer>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Partial update naming the version last read; a stale version is 409 with the current record.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)), request_body = CustomerPatch,
    responses((status = 200, body = Customer), (status = 404), (status = 409, description = "stale version"), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<CustomerPatch>,
) -> ApiResult<Json<Customer>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}

/// Soft delete: managers their team's customers, admins any (a pool customer is an admin's).
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    service::delete(&s.app, &v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Brings a deleted customer back (admins; 404 for everyone else, 409 if it is not deleted).
#[utoipa::path(post, path = "/api/v1/customers/{id}/restore", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 404), (status = 409)))]
pub async fn restore(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Customer>> {
    Ok(Json(service::restore(&s.app, &v, id).await?))
}

/// A rep claims a customer from the public pool (holding limit, daily cap, cooling-off).
#[utoipa::path(post, path = "/api/v1/customers/{id}/claim", tag = "pool", params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 403), (status = 404), (status = 409, description = "someone claimed it first"), (status = 422, description = "a pool rule refuses")))]
pub async fn claim(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Customer>> {
    Ok(Json(app::ssr::services::pool::claim(&s.app, &v, id).await?))
}

/// The owner or their manager returns a customer to the pool, with a reason.
#[utoipa::path(post, path = "/api/v1/customers/{id}/release", tag = "pool", params(("id" = i64, Path)), request_body = ReleaseRequest,
    responses((status = 200, body = Customer), (status = 403), (status = 404), (status = 422)))]
pub async fn release(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<ReleaseRequest>,
) -> ApiResult<Json<Customer>> {
    Ok(Json(
        app::ssr::services::pool::release(&s.app, &v, id, &body.reason).await?,
    ))
}

/// A manager gives a customer (from the pool or the team) to a rep of their team.
#[utoipa::path(post, path = "/api/v1/customers/{id}/assign", tag = "pool", params(("id" = i64, Path)), request_body = AssignRequest,
    responses((status = 200, body = Customer), (status = 403), (status = 404), (status = 422)))]
pub async fn assign(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<AssignRequest>,
) -> ApiResult<Json<Customer>> {
    Ok(Json(
        app::ssr::services::pool::assign(&s.app, &v, id, body.owner_id).await?,
    ))
}

/// The customer's timeline, newest first: follow-ups, stage changes, tasks, tickets,
/// contracts and changes of owner.
#[utoipa::path(get, path = "/api/v1/customers/{id}/timeline", tag = "customers",
    params(("id" = i64, Path), app::ssr::services::activities::TimelineQuery),
    responses((status = 200, body = app::model::Page<app::model::TimelineItem>), (status = 404), (status = 422)))]
pub async fn timeline(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiQuery(q): ApiQuery<app::ssr::services::activities::TimelineQuery>,
) -> ApiResult<Json<app::model::Page<app::model::TimelineItem>>> {
    Ok(Json(
        app::ssr::services::activities::timeline(&s.app, &v, id, q).await?,
    ))
}
