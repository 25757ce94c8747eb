//! The one error type that crosses the service boundary. It is serialisable so that server
//! functions hand it to the browser intact; causes of internal errors are logged on the server
//! and never carried here.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// Field name → message written for the person who will read it.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    #[error("sign in required")]
    Unauthenticated,
    #[error("not found")]
    NotFound,
    #[error("not allowed for your role")]
    Forbidden,
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    /// A stale version was named; carries the current record as JSON.
    #[error("the record was changed by someone else")]
    Conflict(serde_json::Value),
    /// The record looks like one that exists already (same company name, phone or email).
    #[error("this looks like a customer that already exists")]
    Duplicate(Vec<crate::model::DuplicateRef>),
    #[error("too many attempts; retry in {0} s")]
    RateLimited(u64),
    #[error("{0}")]
    BadRequest(String),
    #[error("something went wrong on our side")]
    Internal,
    #[error("could not reach the server: {0}")]
    Transport(String),
}

/// What a field Tandem does not read is told, on every door.
pub const UNKNOWN_FIELD: &str = "Tandem does not know this field; remove it or check its spelling";

impl AppError {
    /// Fields that were sent but are not read: refused, never dropped in silence.
    pub fn unknown_fields<S: AsRef<str>>(fields: &[S]) -> Self {
        AppError::Validation(
            fields
                .iter()
                .map(|f| (f.as_ref().to_string(), UNKNOWN_FIELD.to_string()))
                .collect(),
        )
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_string(), message.into());
        AppError::Validation(errors)
    }

    /// The HTTP status of this error, the same for REST and for server functions.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) | AppError::Duplicate(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// A request's arguments that could not be read: serde names the field in backticks
    /// ("missing field `id`", "unknown field `phone`"), which becomes a 422 naming it.
    pub fn from_unreadable_input(message: &str) -> Self {
        let cleaned = match message.find(" at line ") {
            Some(i) => &message[..i],
            None => message,
        };
        match cleaned.split('`').nth(1) {
            Some(field) if !field.is_empty() && field.len() <= 64 => {
                AppError::field(field, cleaned.to_string())
            }
            _ => AppError::BadRequest(cleaned.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::from_unreadable_input(&m)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
