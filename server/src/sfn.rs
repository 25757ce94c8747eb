//! Server functions (`/sfn/*`) answer a refusal with the status REST gives it (401, 403,
//! 404, 409, 422, 429; 400 for an unreadable request), not server_fn's blanket 500: a
//! rep's mistake is not a server fault, and the 5xx rate must mean one.
use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Errors are small JSON values; anything larger is passed through as it is.
const MAX_ERROR_BODY: usize = 256 * 1024;

/// Server-function forms are small; a larger one is refused before it is read.
const MAX_FORM_BODY: usize = 1024 * 1024;

/// A field a server function does not read is refused with a 422 naming it, for form
/// posts and for query strings, as REST refuses unknown JSON fields.
pub async fn refuse_unknown_fields(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/sfn/") {
        return next.run(req).await;
    }
    let query_unknown = req
        .uri()
        .query()
        .map(|q| app::api::fields::unknown_form_fields(&path, q.as_bytes()))
        .unwrap_or_default();
    if !query_unknown.is_empty() {
        return refusal(AppError::unknown_fields(&query_unknown));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BODY).await else {
        return refusal(AppError::BadRequest("the form is too large".into()));
    };
    let unknown = app::api::fields::unknown_form_fields(&path, &bytes);
    if !unknown.is_empty() {
        return refusal(AppError::unknown_fields(&unknown));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refusal(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_vec(&error).unwrap_or_default();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

pub async fn refusal_status(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/sfn/") {
        return next.run(req).await;
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited(secs) = error {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                parts.headers.insert(header::RETRY_AFTER, v);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
