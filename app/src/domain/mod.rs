//! Pure domain rules: plain functions over plain data, compiled for both targets and
//! tested without a database or a clock.
pub mod alerts;
pub mod events;
pub mod leads;
pub mod pipeline;
pub mod pool;
pub mod scope;
pub mod search;
pub mod signin;
pub mod time;
pub mod validate;
