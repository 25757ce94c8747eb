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
    /// What the record is called: a lead's or customer's name, a deal's, a ticket's
    /// subject, a follow-up's summary.
    pub title: String,
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
    pub unit: KpiUnit,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team_id: Option<i64>,
    pub rep_id: Option<i64>,
    /// The pipeline stage the deals were narrowed to, if any.
    pub stage: Option<String>,
    /// The lead source the leads were narrowed to, if any.
    pub source: Option<String>,
    /// The KPI's value over exactly these records.
    pub value: Option<f64>,
    pub count: i64,
    pub items: Vec<KpiRecord>,
}

/// A team or person the dashboard can be narrowed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiScopeChoice {
    pub id: i64,
    pub name: String,
}

/// One bar (or point) of a chart: what it stands for, its value(s), and the records
/// behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiBar {
    pub label: String,
    pub value: Option<f64>,
    /// A second figure drawn beside the first (the p90 beside the median).
    pub second: Option<f64>,
    pub records: i64,
    /// The dashboard's drill-down page of the records behind the bar.
    pub drill: String,
}

/// A chart of the dashboard, drawn on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChart {
    /// pipeline_by_stage | won_by_step | leads_by_step | win_rate_by_rep |
    /// follow_ups_by_rep | first_response_by_step
    pub id: String,
    /// The KPI each bar drills into.
    pub key: KpiKey,
    pub unit: KpiUnit,
    pub bars: Vec<KpiBar>,
}

/// The manager's dashboard: every KPI for the period and scope, the charts, and what the
/// period and scope can be changed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiDashboard {
    pub report: KpiReport,
    /// week | month | quarter | year when the period is one of those, else None.
    pub period: Option<String>,
    pub teams: Vec<KpiScopeChoice>,
    pub people: Vec<KpiScopeChoice>,
    pub charts: Vec<KpiChart>,
    /// This month's and this quarter's forecast by category, per person and in all.
    pub forecasts: Vec<KpiForecast>,
}

/// The forecast for one whole month or quarter: a row per person with deals in it, then
/// the total (no person).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiForecast {
    /// month | quarter
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<ForecastLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastLine {
    /// None for the total.
    pub person_id: Option<i64>,
    pub name: String,
    pub rollup: crate::domain::forecast::Rollup,
}

/// The query string of a KPI's records for a period and scope (`from=…&to=…`, then the
/// team, person and stage when narrowed): the API's drill link and the dashboard's share it.
pub fn kpi_drill_query(
    from: NaiveDate,
    to: NaiveDate,
    team_id: Option<i64>,
    rep_id: Option<i64>,
    stage: Option<&str>,
    source: Option<&str>,
) -> String {
    let mut q = format!("from={from}&to={to}");
    if let Some(t) = team_id {
        q.push_str(&format!("&team_id={t}"));
    }
    if let Some(r) = rep_id {
        q.push_str(&format!("&rep_id={r}"));
    }
    if let Some(s) = stage {
        q.push_str(&format!("&stage={s}"));
    }
    if let Some(s) = source {
        q.push_str(&format!("&source={s}"));
    }
    q
}

/// The dashboard's page of the records behind one KPI.
pub fn kpi_page_link(key: KpiKey, query: &str) -> String {
    format!("/dashboard/{}?{query}", key.as_str())
}
