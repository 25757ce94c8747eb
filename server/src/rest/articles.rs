//! `/api/v1/articles`: the knowledge base — search and read what your role may see; agents
//! and admins write, publish, and make an article from a resolved ticket.
use super::error::ApiResult;
use super::extract::{ApiJson, ApiQuery, Auth, Id};
use crate::startup::ServerState;
use app::model::{Article, ArticlePatch, NewArticle, Page};
use app::ssr::services::articles::{self as service, ArticleQuery};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Articles you may read (drafts only for those who write them), newest first; `q`
/// searches title, body, category and tags in Chinese or English.
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ArticleQuery),
    responses((status = 200, body = Page<Article>), (status = 422)))]
pub async fn list(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ArticleQuery>,
) -> ApiResult<Json<Page<Article>>> {
    Ok(Json(service::list(&s.app, Some(&v), q).await?))
}

#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = i64, Path)),
    responses((status = 200, body = Article), (status = 404)))]
pub async fn get(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<Json<Article>> {
    Ok(Json(service::get(&s.app, Some(&v), id).await?))
}

/// Writes an article (agents and admins); a draft unless said otherwise.
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", request_body = NewArticle,
    responses((status = 201, body = Article), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewArticle>,
) -> ApiResult<(StatusCode, Json<Article>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s.app, &v, body).await?),
    ))
}

/// Edits or publishes an article, with the version read.
#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = i64, Path)), request_body = ArticlePatch,
    responses((status = 200, body = Article), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
    ApiJson(body): ApiJson<ArticlePatch>,
) -> ApiResult<Json<Article>> {
    Ok(Json(service::patch(&s.app, &v, id, body).await?))
}

/// A draft article from a resolved or closed ticket: its question and the answers given.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/article", tag = "articles", params(("id" = i64, Path)),
    responses((status = 201, body = Article), (status = 403), (status = 404), (status = 422)))]
pub async fn from_ticket(
    State(s): State<ServerState>,
    Auth(v): Auth,
    Id(id): Id,
) -> ApiResult<(StatusCode, Json<Article>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::from_ticket(&s.app, &v, id).await?),
    ))
}
