//! Everything that needs the server: the store (SQL), the services (rules, permissions,
//! writes) and the request context they share. Compiled only with the `ssr` feature.
//!
//! The store and services live in the app crate, not in `server/`, because the pages'
//! server functions (here) and the REST API (in `server/`) must call the same services.
pub mod alert_rules;
pub mod auth;
pub mod clock;
pub mod context;
pub mod hub;
pub mod security;
pub mod services;
pub mod store;

pub use context::{current_viewer, AppState};
