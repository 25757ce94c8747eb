//! Opportunities (商机) and contracts.
use crate::domain::pipeline::Stage;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Opportunity {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub name: String,
    pub amount_minor: Option<i64>,
    pub currency: String,
    pub stage: Stage,
    pub probability: i64,
    /// Where the owner forecasts the deal (a won deal counts as closed whatever it says).
    pub forecast_category: crate::domain::forecast::ForecastCategory,
    /// YYYY-MM-DD
    pub expected_close: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub stage_entered_at: DateTime<Utc>,
    pub pain_points: Option<String>,
    pub decision_maker: Option<String>,
    pub budget_range: Option<String>,
    pub competitors: Option<String>,
    pub lost_reason: Option<String>,
    pub won_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewOpportunity {
    pub customer_id: i64,
    pub name: String,
    #[serde(default)]
    pub amount_minor: Option<i64>,
    /// ISO 4217; default CNY.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub expected_close: Option<String>,
}

/// Moves a deal to a stage, optionally filling what that stage needs in the same request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageMove {
    pub stage: crate::domain::pipeline::Stage,
    pub version: i64,
    #[serde(default)]
    pub pain_points: Option<String>,
    #[serde(default)]
    pub decision_maker: Option<String>,
    #[serde(default)]
    pub budget_range: Option<String>,
    #[serde(default)]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub expected_close: Option<String>,
    #[serde(default)]
    pub competitors: Option<String>,
    #[serde(default)]
    pub lost_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Pending,
    Approved,
    Rejected,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Pending => "pending",
            Approval::Approved => "approved",
            Approval::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Approval> {
        match s {
            "pending" => Some(Approval::Pending),
            "approved" => Some(Approval::Approved),
            "rejected" => Some(Approval::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contract {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub opportunity_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub start_date: String,
    pub end_date: String,
    pub approval_status: Approval,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// The owner puts a deal in a forecast category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForecastMove {
    pub forecast_category: crate::domain::forecast::ForecastCategory,
    pub version: i64,
}

/// A rep's request for a contract on a deal; a manager approves it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewContract {
    pub opportunity_id: i64,
    /// Default: the deal's amount.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    /// YYYY-MM-DD
    pub start_date: String,
    /// YYYY-MM-DD, after the start.
    pub end_date: String,
}

/// Open deals in the viewer's scope (and those won in the last 30 days) with the weighted
/// forecast for this month and quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineView {
    pub deals: Vec<Opportunity>,
    pub month_weighted_minor: i64,
    pub quarter_weighted_minor: i64,
    /// The same forecast per owner (one row for a rep; the team for a manager).
    pub by_owner: Vec<OwnerForecast>,
}

/// One owner's weighted forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerForecast {
    pub owner_id: i64,
    pub owner_name: String,
    pub month_weighted_minor: i64,
    pub quarter_weighted_minor: i64,
    pub open_deals: i64,
}

/// One installment of a contract's payment plan, with what is paid of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Installment {
    pub id: i64,
    /// YYYY-MM-DD
    pub planned_date: String,
    pub amount_minor: i64,
    pub paid_minor: i64,
    /// Days overdue today (0 when paid or not yet due).
    pub overdue_days: i64,
}

/// A payment received against a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: i64,
    pub amount_minor: i64,
    /// YYYY-MM-DD
    pub received_on: String,
    pub reference: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A contract's receivables: the plan, the payments, what is still owed and overdue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receivables {
    pub contract_id: i64,
    pub amount_minor: i64,
    pub received_minor: i64,
    pub outstanding_minor: i64,
    pub overdue_minor: i64,
    pub installments: Vec<Installment>,
    pub receipts: Vec<Receipt>,
    /// The contract's version: a new plan names it.
    pub version: i64,
}

/// A contract's new payment plan (replacing the old one; payments received are applied to
/// it again, oldest installment first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    pub installments: Vec<crate::domain::receivables::PlannedInstallment>,
    pub version: i64,
}

/// A payment received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReceipt {
    pub amount_minor: i64,
    /// YYYY-MM-DD; not in the future.
    pub received_on: String,
    #[serde(default)]
    pub reference: Option<String>,
}
