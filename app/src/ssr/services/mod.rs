//! Services: authorize, validate, apply rules, write (with audit and outbox), in one place
//! for both the pages' server functions and the REST API.
pub mod activities;
pub mod alerts;
pub mod articles;
pub mod auth;
pub mod canned;
pub mod contacts;
pub mod contracts;
pub mod customer_list;
pub mod customers;
pub mod deals;
pub mod duplicates;
pub mod health;
pub mod home;
pub mod kpi_dashboard;
pub mod kpi_tables;
pub mod kpi_tallies;
pub mod kpis;
pub mod lead_conversion;
pub mod lead_forms;
pub mod lead_routing;
pub mod lead_timeout;
pub(crate) mod leader;
pub mod leads;
pub mod mail_in;
pub mod mail_out;
pub mod mailbox;
pub mod pool;
pub mod public_leads;
pub mod public_tickets;
pub mod receivables;
pub mod settings;
pub mod surveys;
pub mod tasks;
pub mod tickets;
pub mod users;
pub mod write;

use crate::error::{AppError, AppResult, FieldError, FieldErrors};
use crate::model::{DEFAULT_LIMIT, MAX_LIMIT};

/// Collects field errors and fails once with all of them.
#[derive(Debug, Default)]
pub struct Check {
    errors: FieldErrors,
}

impl Check {
    pub fn new() -> Self {
        Check::default()
    }

    /// Keeps the value, or records the message under `field`.
    pub fn field<T: Default, E: ToString>(&mut self, field: &str, r: Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.errors
                    .entry(field.to_string())
                    .or_insert_with(|| e.to_string().into());
                T::default()
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_string())
            .or_insert_with(|| FieldError::new(message));
    }

    /// An optional value from a fixed list, sent as text (empty means none); records the
    /// values Tandem knows under `field` when it is none of them.
    pub fn choice<T: crate::domain::Choice>(
        &mut self,
        field: &str,
        text: Option<&str>,
    ) -> Option<T> {
        match text.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(t) => self.field(field, crate::domain::parse_choice::<T>(t).map(Some)),
        }
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

/// The trimmed text, or None when there is none.
pub fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Page size: default 50, 1..=200.
pub fn page_limit(limit: Option<i64>) -> AppResult<i64> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Decodes an optional keyset cursor.
pub fn page_cursor(cursor: Option<&str>) -> AppResult<Option<i64>> {
    match cursor {
        None | Some("") => Ok(None),
        Some(c) => crate::ssr::store::decode_cursor(c)
            .map(Some)
            .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out")),
    }
}

/// Splits a fetched `limit + 1` rows into a page.
pub fn into_page<T>(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> crate::model::Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| crate::ssr::store::encode_cursor(id(r)))
    } else {
        None
    };
    crate::model::Page {
        items: rows,
        next_cursor,
    }
}

/// Serialises a record for the audit trail.
pub fn snapshot<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}
