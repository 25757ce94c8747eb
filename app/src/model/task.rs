use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A to-do with an assignee and an optional due time, usually about a customer or a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: i64,
    pub assignee_name: Option<String>,
    pub creator_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub opportunity_id: Option<i64>,
    pub done_at: Option<DateTime<Utc>>,
    /// Open and past its due time, when read.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTask {
    pub title: String,
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Default: the caller. Managers may assign within their team, admins to anyone.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub opportunity_id: Option<i64>,
}

/// A partial update; `version` must match the stored one (409 otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskPatch {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    /// Absent keeps the due time; null clears it.
    #[serde(
        default,
        with = "crate::model::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<DateTime<Utc>>))]
    pub due_at: Option<Option<DateTime<Utc>>>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// true marks it done, false reopens it.
    #[serde(default)]
    pub done: Option<bool>,
}
