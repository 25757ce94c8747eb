//! What each role's home page shows.
use super::{FollowUpRow, Level};
use crate::domain::pipeline::Stage;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A lead waiting for its first contact, with the time by which it is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingLead {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub source: String,
    pub first_contact_due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub overdue: bool,
}

/// A customer about to return to the public pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturningCustomer {
    pub customer_id: i64,
    pub customer_name: String,
    pub reclaim_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// A deal longer in its stage than the stage's limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StalledDeal {
    pub id: i64,
    pub name: String,
    pub customer_name: String,
    pub stage: Stage,
    pub stage_entered_at: DateTime<Utc>,
}

/// The rep's "Today".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodayView {
    pub now: DateTime<Utc>,
    pub follow_ups: Vec<FollowUpRow>,
    pub leads: Vec<WaitingLead>,
    pub tasks: Vec<TaskRow>,
    pub returning: Vec<ReturningCustomer>,
    pub stalled: Vec<StalledDeal>,
    pub owned_customers: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepStats {
    pub user_id: i64,
    pub name: String,
    pub customers: i64,
    pub activities_7d: i64,
    pub overdue_follow_ups: i64,
    pub open_pipeline_minor: i64,
}

/// The manager's dashboard for their team subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub team_name: Option<String>,
    pub customers: i64,
    pub pool_customers: i64,
    pub reps: Vec<RepStats>,
}

/// A customer as shown in lists on phones: enough to recognise and act on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerCard {
    pub id: i64,
    pub name: String,
    pub level: Level,
    pub owner_name: Option<String>,
    pub next_follow_up_at: Option<DateTime<Utc>>,
}
