//! The one error type that crosses the service boundary. It is serialisable so that server
//! functions hand it to the browser intact; causes of internal errors are logged on the server
//! and never carried here.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// Field name → why it was refused.
pub type FieldErrors = BTreeMap<String, FieldError>;

/// Why a field was refused: a stable code with the values it names, for programs and for
/// the page that shows it in the viewer's language, and the English text REST clients read.
/// Between server and page it travels as its English text, from which both sides read the
/// same code and values (the catalogue is compiled into both); REST adds them as `codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `required`, `too_long`, `not_a_choice`, …: listed in `i18n::errors`, never renamed.
    pub code: String,
    /// The values the message names: `{"max": "200"}` for `too_long`.
    pub params: BTreeMap<String, String>,
    /// The message in English.
    pub message: String,
}

impl FieldError {
    /// A message as a service writes it, with its code and values read from the catalogue.
    pub fn new(message: impl Into<String>) -> Self {
        let message = message.into();
        let (code, values) = crate::i18n::errors::recognise(&message);
        FieldError {
            code: code.to_string(),
            params: values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            message,
        }
    }

    /// The message as `lang` reads it.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::errors::render(lang, &self.code, &self.params, &self.message)
    }
}

impl From<String> for FieldError {
    fn from(message: String) -> Self {
        FieldError::new(message)
    }
}

impl From<&str> for FieldError {
    fn from(message: &str) -> Self {
        FieldError::new(message)
    }
}

impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.message)
    }
}

impl<'de> Deserialize<'de> for FieldError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(FieldError::new)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

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
    /// A write a phone queued without signal, for a customer that has left the rep since
    /// (`customer_reassigned`, `customer_in_pool`, `customer_removed`): a conflict the rep
    /// is told, by its reason.
    #[error("this customer is no longer yours ({0})")]
    NoLongerYours(String),
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

/// Each field named as one Tandem does not read.
pub fn unknown_field_errors<S: AsRef<str>>(fields: &[S]) -> FieldErrors {
    fields
        .iter()
        .map(|f| (f.as_ref().to_string(), FieldError::new(UNKNOWN_FIELD)))
        .collect()
}

impl AppError {
    /// Fields that were sent but are not read: refused, never dropped in silence.
    pub fn unknown_fields<S: AsRef<str>>(fields: &[S]) -> Self {
        AppError::Validation(unknown_field_errors(fields))
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_string(), FieldError::new(message));
        AppError::Validation(errors)
    }

    /// The HTTP status of this error, the same for REST and for server functions.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) | AppError::Duplicate(_) | AppError::NoLongerYours(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// A request's arguments that could not be read: serde names the field in backticks
    /// ("missing field `id`", "unknown field `phone`"), which becomes a 422 naming it.
    pub fn from_unreadable_input(message: &str) -> Self {
        let cleaned = readable_serde_message(message);
        match field_in_serde_message(message) {
            Some(field) => AppError::field(field, cleaned),
            None => AppError::BadRequest(cleaned),
        }
    }
}

/// The field serde names in backticks ("missing field `id`", "unknown field `phone`");
/// None when the backticks hold a value instead ("unknown variant `x`") or there are none.
pub fn field_in_serde_message(message: &str) -> Option<&str> {
    if message.starts_with("unknown variant") || message.starts_with("invalid value") {
        return None;
    }
    message
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty() && f.len() <= 64)
}

/// What a door answers for text holding the NUL character, which no database here stores
/// in text (PostgreSQL refuses it outright): the field is named and nothing is read.
pub const NUL_MESSAGE: &str = "must not contain the NUL character";

/// The first field of a JSON body (by its path) whose name or text holds NUL.
pub fn nul_in_json(bytes: &[u8]) -> Option<String> {
    // Raw NUL is not valid JSON; escaped, it is spelt \u0000 (JSON's `u` is lower case).
    // Every body passes here: look before parsing anything.
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    fn find(v: &serde_json::Value, path: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) if s.contains('\0') => Some(path.to_string()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| find(item, &format!("{path}.{i}"))),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.contains('\0') {
                    Some(here)
                } else {
                    find(item, &here)
                }
            }),
            _ => None,
        }
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    find(&value, "").map(|p| if p.is_empty() { "body".into() } else { p })
}

/// The first field of a query string or form whose name or value holds NUL.
#[cfg(feature = "ssr")]
pub fn nul_in_form(bytes: &[u8]) -> Option<String> {
    // Every query passes here: only `%00` (or a raw NUL) decodes to NUL, so look for that
    // before decoding anything.
    if !bytes.contains(&0) && !bytes.windows(3).any(|w| w == b"%00") {
        return None;
    }
    form_urlencoded::parse(bytes)
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', "").to_string())
}

/// serde's message about a value it could not read, as a person fixing the request reads
/// it: without " at line 1 column 17", and a value outside a fixed list said the way the
/// services say it ("choose from initial, needs, …").
pub fn readable_serde_message(message: &str) -> String {
    let message = match message.find(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((_, expected)) = rest.split_once("`, expected ") {
            let names = expected.strip_prefix("one of ").unwrap_or(expected);
            return format!(
                "choose from {}",
                names.replace("` or `", ", ").replace('`', "")
            );
        }
    }
    message.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_by_the_field_that_holds_it_and_only_there() {
        assert_eq!(nul_in_json(br#"{"name": "ok"}"#), None);
        assert_eq!(
            nul_in_json(br#"{"contact": {"name": "a\u0000b"}}"#),
            Some("contact.name".into())
        );
        // An escaped backslash followed by the text "u0000" is no NUL.
        assert_eq!(nul_in_json(br#"{"note": "C:\\u0000"}"#), None);
        #[cfg(feature = "ssr")]
        {
            assert_eq!(nul_in_form(b"q=a&view=mine"), None);
            assert_eq!(nul_in_form(b"view=mine&q=a%00b"), Some("q".into()));
            assert_eq!(nul_in_form(b"q=%2500"), None);
        }
    }
}
