//! Server functions the pages call, one module per domain; each is a thin door into the
//! same services the REST API uses. They live under `/sfn/` so they never collide with
//! `/api/v1`. Pages name them as `crate::api::…`.
// Form-shaped server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

mod admin;
mod alerts;
mod customers;
mod follow_ups;
pub mod forms;
mod home;
mod leads;
mod pipeline;
mod pool;
mod session;
mod settings;
mod tasks;
mod tickets;

#[cfg(feature = "ssr")]
pub mod fields;

pub use admin::*;
pub use alerts::*;
pub use customers::*;
pub use follow_ups::*;
pub use forms::*;
pub use home::*;
pub use leads::*;
pub use pipeline::*;
pub use pool::*;
pub use session::*;
pub use settings::*;
pub use tasks::*;
pub use tickets::*;

/// What every door module uses.
mod prelude {
    pub use crate::error::AppError;
    pub use crate::model::*;
    pub use leptos::prelude::*;
    pub use serde::{Deserialize, Serialize};

    #[cfg(feature = "ssr")]
    pub use super::forms::*;
    #[cfg(feature = "ssr")]
    pub use crate::ssr::{context::app_state, current_viewer, services};
}
