//! `/api/v1/users`, `/api/v1/teams`, `/api/v1/api-tokens` (administration).
use super::error::ApiResult;
use super::extract::{ApiJson, Auth, Id};
use crate::startup::ServerState;
use app::model::{ApiToken, NewApiToken, NewTeam, NewUser, Team, User, UserPatch};
use app::ssr::services::users as service;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Users the caller may see (admins: all; managers: their team subtree).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200, body = Vec<User>)))]
pub async fn list(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(service::list(&s.app, &v).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404)))]
pub async fn get(State(s): State<ServerState>, Auth(v): Auth, Id(id): Id) -> ApiResult<Json<User>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = User), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Edit a user; `"active": false` deactivates them and ends their sessions.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = User), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<UserPatch>,
) -> ApiResult<Json<User>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "admin", responses((status = 200, body = Vec<Team>), (status = 403)))]
pub async fn teams(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<Vec<Team>>> {
    Ok(Json(service::teams(&s.app, &v).await?))
}

#[utoipa::path(post, path = "/api/v1/teams", tag = "admin", request_body = NewTeam,
    responses((status = 201, body = Team), (status = 403), (status = 422)))]
pub async fn create_team(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewTeam>,
) -> ApiResult<(StatusCode, Json<Team>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_team(&s.app, &v, body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/api-tokens", tag = "admin", responses((status = 200, body = Vec<ApiToken>), (status = 403)))]
pub async fn tokens(State(s): State<ServerState>, Auth(v): Auth) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(service::tokens(&s.app, &v).await?))
}

/// Makes an integration token acting as `user_id`; the secret is in the response only.
#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "admin", request_body = NewApiToken,
    responses((status = 201, body = ApiToken), (status = 403), (status = 422)))]
pub async fn create_token(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<ApiToken>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_token(&s.app, &v, body).await?),
    ))
}

#[utoipa::path(delete, path = "/api/v1/api-tokens/{id}", tag = "admin", params(("id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn revoke_token(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    service::revoke_token(&s.app, &v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
