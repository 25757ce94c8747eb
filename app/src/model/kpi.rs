//! The managers' KPIs as the API and the dashboard read them.
pub use crate::domain::kpis::{KpiKey, KpiUnit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One KPI for a period and a scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Kpi {
    pub key: KpiKey,
    pub unit: KpiUnit,
    /// Null when there is nothing to count (a rate over no records).
    pub value: Option<f64>,
    /// The previous period's value (the same length, just before); null for a state such
    /// as the open pipeline.
    pub previous: Option<f64>,
    /// How many records are behind the value: the drill-down lists exactly these.
    pub records: i64,
    /// The drill-down: the records behind the value.
    pub drill: String,
    /// What is counted, from which timestamps, what is left out (in the reader's language).
    pub definition: String,
}

/// Every KPI for one period and scope, with the previous period they are compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// The team (and its subtree) counted, if narrowed to one.
    pub team_id: Option<i64>,
    /// The person counted, if narrowed to one.
    pub rep_id: Option<i64>,
    pub kpis: Vec<Kpi>,
}

/// A record behind a KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiRecord {
    /// lead | deal | ticket | survey
    pub kind: String,
    pub id: i64,
    /// Where the record is seen (a page of Tandem's).
    pub href: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub amount_minor: Option<i64>,
    /// The figure the KPI takes of it: minutes, a probability, a score, or 1/0 for a yes/no.
    pub measure: Option<i64>,
}

/// The records behind one KPI (all of them: `count` equals the KPI's `records`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiRecords {
    pub key: KpiKey,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub count: i64,
    pub items: Vec<KpiRecord>,
}
