//! `/api/v1/tasks`: create, assign, reschedule, complete; my tasks and my team's.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{NewTask, Page, Task, TaskPatch};
use app::ssr::services::tasks::{self as service, TaskQuery};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Tasks you can see (yours, those you gave, your team's), soonest due first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = Page<Task>), (status = 404), (status = 422)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<TaskQuery>,
) -> ApiResult<Json<Page<Task>>> {
    Ok(Json(service::list(&s.app, &v, q).await?))
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = Task), (status = 404)))]
pub async fn get(State(s): State<ServerState>, Auth(v): Auth, Id(id): Id) -> ApiResult<Json<Task>> {
    Ok(Json(service::get(&s.app, &v, id).await?))
}

#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = NewTask,
    responses((status = 201, body = Task), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewTask>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Renames, reschedules, reassigns (managers), completes (`done: true`) or reopens a task.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)), request_body = TaskPatch,
    responses((status = 200, body = Task), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<TaskPatch>,
) -> ApiResult<Json<Task>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}
