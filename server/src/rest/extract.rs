//! Extractors whose rejections speak problem+json: JSON bodies (syntax → 400, a wrong
//! field → 422 naming it), query strings, path ids, and the signed-in viewer.
use super::error::{invalid_fields, problem, ApiError};
use app::error::{
    field_in_serde_message, nul_in_form, nul_in_json, readable_serde_message, AppError,
    FieldErrors, NUL_MESSAGE,
};
use app::ssr::auth::Viewer;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The acting user; 401 problem when nobody is signed in.
pub struct Auth(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .map(Auth)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "Send the body as application/json.",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "Bad request",
                &format!("Could not read the body: {e}"),
            )
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Why input could not be read: fields Tandem does not know, or a value serde refused,
/// with its path (`.` for the whole input).
enum Unread<E> {
    Unknown(Vec<String>),
    Invalid(String, E),
}

/// Reads `T` from `de`, noting every field it did not know and the path of a bad value.
fn read_tracked<'de, D, T>(de: D) -> Result<T, Unread<D::Error>>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    let mut unknown = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(field_path(&path));
    let tracked = serde_ignored::Deserializer::new(de, &mut note);
    match serde_path_to_error::deserialize::<_, T>(tracked) {
        Ok(_) if !unknown.is_empty() => Err(Unread::Unknown(unknown)),
        Ok(v) => Ok(v),
        Err(e) => Err(Unread::Invalid(e.path().to_string(), e.into_inner())),
    }
}

/// The field a refused value belongs to: serde's path to it, or the one its message names,
/// else `whole` (the body, the query).
fn field_at_fault(path: String, message: &str, whole: &str) -> String {
    if path == "." || path.is_empty() {
        field_in_serde_message(message).unwrap_or(whole).to_string()
    } else {
        path
    }
}

/// Parses JSON, naming the field at fault.
// A rejection is a ready response, as axum rejections are; it is built once per bad request.
#[allow(clippy::result_large_err)]
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    if let Some(field) = nul_in_json(bytes) {
        return Err(holds_nul(field));
    }
    match read_tracked(&mut serde_json::Deserializer::from_slice(bytes)) {
        Ok(v) => Ok(v),
        Err(Unread::Unknown(paths)) => Err(unknown_fields(&paths)),
        Err(Unread::Invalid(_, inner)) if inner.is_syntax() || inner.is_eof() => Err(problem(
            StatusCode::BAD_REQUEST,
            "Malformed JSON",
            &format!("The body is not valid JSON: {inner}"),
        )),
        Err(Unread::Invalid(path, inner)) => {
            let message = inner.to_string();
            Err(invalid_fields(
                "Invalid input",
                "Some fields are not valid; see errors.",
                &one_field(field_at_fault(path, &message, "body"), &message),
            ))
        }
    }
}

/// Text holding NUL, refused naming its field.
fn holds_nul(field: String) -> Response {
    invalid_fields(
        "Invalid input",
        "Some fields are not valid; see errors.",
        &FieldErrors::from([(field, NUL_MESSAGE.into())]),
    )
}

/// One field's error from serde's message about it.
fn one_field(field: String, serde_message: &str) -> FieldErrors {
    FieldErrors::from([(field, readable_serde_message(serde_message).into())])
}

/// Input Tandem does not understand is refused, never silently dropped: a field sent with
/// a typo (`"phone"` on a customer, whose phones belong to contacts) would otherwise
/// vanish behind a 201.
pub fn unknown_fields(paths: &[String]) -> Response {
    invalid_fields(
        "Unknown fields",
        &format!("Not understood: {}.", paths.join(", ")),
        &app::error::unknown_field_errors(paths),
    )
}

/// `contact.?.mobile` (serde_ignored marks an Option as `?`) as a person reads it.
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    path.to_string()
        .split('.')
        .filter(|s| *s != "?")
        .collect::<Vec<_>>()
        .join(".")
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse_urlencoded(parts.uri.query().unwrap_or("").as_bytes()).map(ApiQuery)
    }
}

/// Reads a query string or a form body, refusing parameters Tandem does not know.
#[allow(clippy::result_large_err)]
pub fn parse_urlencoded<T: DeserializeOwned>(input: &[u8]) -> Result<T, Response> {
    if let Some(field) = nul_in_form(input) {
        return Err(holds_nul(field));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(input));
    match read_tracked(de) {
        Ok(v) => Ok(v),
        Err(Unread::Unknown(paths)) => Err(unknown_fields(&paths)),
        Err(Unread::Invalid(path, inner)) => {
            let message = inner.to_string();
            Err(invalid_fields(
                "Invalid query",
                "Some query parameters are not valid; see errors.",
                &one_field(field_at_fault(path, &message, "query"), &message),
            ))
        }
    }
}

/// A numeric id in the path; anything else cannot name a record, so it is 404.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError(AppError::NotFound).into_response()),
        }
    }
}

/// Two ids of a nested path (`/tickets/{id}/attachments/{attachment_id}`); anything that
/// is not two numbers is 404 like a missing record.
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<(i64, i64)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) => Ok(Ids(a, b)),
            Err(_) => Err(ApiError(AppError::NotFound).into_response()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        version: i64,
    }

    #[test]
    fn malformed_json_is_400_and_wrong_fields_are_422_naming_them() {
        assert_eq!(
            parse_json::<Body>(b"{\"name\": ").err().map(|r| r.status()),
            Some(StatusCode::BAD_REQUEST)
        );
        let wrong = parse_json::<Body>(b"{\"name\": \"x\", \"version\": \"seven\"}").err();
        assert_eq!(
            wrong.map(|r| r.status()),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(
            field_in_serde_message("missing field `version`"),
            Some("version")
        );
        assert_eq!(
            field_in_serde_message("unknown variant `x`, expected `a` or `b`"),
            None
        );
        let unknown =
            parse_json::<Body>(b"{\"name\": \"x\", \"version\": 1, \"phone\": \"1\"}").err();
        assert_eq!(
            unknown.map(|r| r.status()),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Query {
        q: Option<String>,
        limit: Option<i64>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Views {
        view: Option<app::model::TicketView>,
    }

    /// Caught in review: a value outside a list was reported under the value's name
    /// (`errors.soon`) instead of the parameter's.
    #[tokio::test]
    async fn a_query_value_outside_its_list_names_the_parameter() {
        let r = parse_urlencoded::<Views>(b"view=soon").err().unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let body = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            body.contains(
                "\"view\":\"choose from mine, unassigned, team, open, breached, waiting, all\""
            ),
            "{body}"
        );
        assert!(!body.contains("\"soon\""), "{body}");
    }

    #[test]
    fn unknown_query_parameters_are_422() {
        assert!(parse_urlencoded::<Query>(b"q=a&limit=5").is_ok());
        assert_eq!(
            parse_urlencoded::<Query>(b"q=a&limt=5")
                .err()
                .map(|r| r.status()),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
    }
}
