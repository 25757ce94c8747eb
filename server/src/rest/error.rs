//! One mapping from the service error to HTTP: `application/problem+json` (RFC 9457) with
//! a field-by-field `errors` object for bad input. Internal causes are logged, never sent.
use app::error::{AppError, FieldErrors};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub fn problem_body<const N: usize>(
    status: StatusCode,
    title: &str,
    detail: &str,
    extra: [(&str, Value); N],
) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(obj) = body.as_object_mut() {
        for (k, v) in extra {
            obj.insert(k.to_string(), v);
        }
    }
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

/// A 422 for bad fields: `errors` maps each field to its English message (what api.md
/// promises), `codes` to its stable code and the values it names, for clients that show
/// their own text.
pub fn invalid_fields(title: &str, detail: &str, errors: &FieldErrors) -> Response {
    let messages = errors
        .iter()
        .map(|(f, e)| (f.clone(), json!(e.message)))
        .collect();
    let codes = errors
        .iter()
        .map(|(f, e)| (f.clone(), json!({ "code": e.code, "params": e.params })))
        .collect();
    problem_body(
        StatusCode::UNPROCESSABLE_ENTITY,
        title,
        detail,
        [
            ("errors", Value::Object(messages)),
            ("codes", Value::Object(codes)),
        ],
    )
}

pub fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    problem_body(status, title, detail, [])
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.0 {
            AppError::Unauthenticated => problem(
                StatusCode::UNAUTHORIZED,
                "Unauthenticated",
                "Sign in, or send a valid API token.",
            ),
            AppError::NotFound => problem(
                StatusCode::NOT_FOUND,
                "Not found",
                "No such record, or it is not yours to see.",
            ),
            AppError::Forbidden => problem(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "Your role cannot do this.",
            ),
            AppError::Validation(errors) => invalid_fields(
                "Invalid input",
                "Some fields are not valid; see errors.",
                &errors,
            ),
            AppError::Conflict(current) => problem_body(
                StatusCode::CONFLICT,
                "Conflict",
                "The record was changed since you read it; current holds the latest version.",
                [("current", current)],
            ),
            AppError::Duplicate(duplicates) => problem_body(
                StatusCode::CONFLICT,
                "Possible duplicate",
                "A customer with the same company name, phone or email exists; open it instead (admins may save anyway).",
                [("duplicates", json!(duplicates))],
            ),
            AppError::NoLongerYours(reason) => problem_body(
                StatusCode::CONFLICT,
                "No longer yours",
                match reason.as_str() {
                    "customer_in_pool" => "The customer went back to the public pool after this was written; it was not saved.",
                    "customer_removed" => "The customer was deleted after this was written; it was not saved.",
                    _ => "The customer was handed to another rep after this was written; it was not saved.",
                },
                [("reason", json!(reason))],
            ),
            AppError::RateLimited(secs) => {
                let mut resp = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many attempts",
                    &format!("Too many failed attempts; retry in {secs} seconds."),
                );
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                resp
            }
            AppError::BadRequest(detail) => {
                problem(StatusCode::BAD_REQUEST, "Bad request", &detail)
            }
            AppError::Internal | AppError::Transport(_) => problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                "Something went wrong on our side; it has been logged.",
            ),
        }
    }
}

/// A panic anywhere becomes a logged 500 problem, never a dropped connection.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = msg, "handler panicked");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
        "Something went wrong on our side; it has been logged.",
    )
}
