//! Typed models shared by the server and the browser.
mod activity;
mod alert;
mod article;
mod customer;
mod deal;
mod home;
mod kpi;
mod lead;
mod task;
mod ticket;
mod user;

pub use activity::*;
pub use alert::*;
pub use article::*;
pub use customer::*;
pub use deal::*;
pub use home::*;
pub use kpi::*;
pub use lead::*;
pub use task::*;
pub use ticket::*;
pub use user::*;

use serde::{Deserialize, Serialize};

/// One page of a keyset-paginated list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Opaque cursor for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Money in minor units (fen for CNY) with an ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

/// A reference to any record, as alerts and timelines use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EntityRef {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
}

/// Default and maximum page sizes of list endpoints (api.md).
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// Serde helper telling "absent" (None) from "null" (Some(None)) in PATCH bodies.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// The stored version of each group of admin settings (0: never saved); a save names the
/// one it was made from, and a stale one gets a conflict instead of overwriting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SettingVersions {
    pub pool: i64,
    pub leads: i64,
    pub assignment: i64,
    pub alerts: i64,
    pub pipeline: i64,
    pub health: i64,
}
