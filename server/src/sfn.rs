//! The server functions' door (`/sfn/*`): a form or query field a function does not read
//! is refused with a 422 naming it, as REST refuses unknown JSON fields, and a refusal is
//! answered with the status REST gives it (401, 403, 404, 409, 422, 429; 400 for an
//! unreadable request), not server_fn's blanket 500: a rep's mistake is not a server
//! fault, and the 5xx rate must mean one.
use app::error::AppError;
use app::ssr::services::tickets::reply_form;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Errors are small JSON values; anything larger is passed through as it is.
const MAX_ERROR_BODY: usize = 256 * 1024;

/// Server-function forms are small; a larger one is refused before it is read.
const MAX_FORM_BODY: usize = 1024 * 1024;

pub async fn door(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/sfn/") {
        return next.run(req).await;
    }
    let req = match refuse_unknown_fields(req).await {
        Ok(req) => req,
        Err(refused) => return refused,
    };
    with_refusal_status(next.run(req).await).await
}

/// The request, with its form read back into it, or the 422 naming what it should not hold.
async fn refuse_unknown_fields(req: Request) -> Result<Request, Response> {
    let path = req.uri().path();
    if let Some(query) = req.uri().query() {
        if let Some(field) = app::error::nul_in_form(query.as_bytes()) {
            return Err(refusal(AppError::field(&field, app::error::NUL_MESSAGE)));
        }
        let unknown = app::api::fields::unknown_form_fields(path, query.as_bytes());
        if !unknown.is_empty() {
            return Err(refusal(AppError::unknown_fields(&unknown)));
        }
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // A function that reads files takes a multipart form and nothing else (server_fn would
    // panic on a body without a boundary); its own reader checks the fields.
    if app::api::fields::is_multipart(path) {
        return match reply_form::form_boundary(content_type) {
            Some(_) => Ok(req),
            None => Err(refusal(AppError::BadRequest(
                "send this form as multipart/form-data".into(),
            ))),
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BODY).await else {
        return Err(refusal(AppError::BadRequest(
            "the form is too large".into(),
        )));
    };
    if let Some(field) = app::error::nul_in_form(&bytes) {
        return Err(refusal(AppError::field(&field, app::error::NUL_MESSAGE)));
    }
    let unknown = app::api::fields::unknown_form_fields(parts.uri.path(), &bytes);
    if !unknown.is_empty() {
        return Err(refusal(AppError::unknown_fields(&unknown)));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A refusal as a JSON body with its status and, when rate limited, Retry-After.
fn refusal(error: AppError) -> Response {
    let body = serde_json::to_vec(&error).unwrap_or_default();
    let (mut parts, body) = Response::new(Body::from(body)).into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    set_status_of(&error, &mut parts.status, &mut parts.headers);
    Response::from_parts(parts, body)
}

fn set_status_of(error: &AppError, status: &mut StatusCode, headers: &mut HeaderMap) {
    *status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let AppError::RateLimited(secs) = error {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            headers.insert(header::RETRY_AFTER, v);
        }
    }
}

/// server_fn answers every error with 500 and the error as JSON: give it REST's status.
async fn with_refusal_status(resp: Response) -> Response {
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        set_status_of(&error, &mut parts.status, &mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}
