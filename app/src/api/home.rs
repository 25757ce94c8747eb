//! Each role's home: the rep's Today, the agent's queue, the manager's dashboard.
use super::prelude::*;

#[server(prefix = "/sfn", endpoint = "today")]
pub async fn get_today() -> Result<TodayView, AppError> {
    services::home::today(&app_state()?, &current_viewer()?).await
}

#[server(prefix = "/sfn", endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<DashboardView, AppError> {
    services::home::dashboard(&app_state()?, &current_viewer()?).await
}

/// The manager's KPI dashboard for a period (`period`, or `from`/`to`) and a scope (a team
/// or a person; empty = the viewer's whole reach).
#[server(prefix = "/sfn", endpoint = "kpi_dashboard")]
pub async fn get_kpi_dashboard(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    team_id: Option<String>,
    rep_id: Option<String>,
) -> Result<KpiDashboard, AppError> {
    let q = services::kpis::KpiQuery::from_page(period, from, to, team_id, rep_id, None, None)?;
    let lang = crate::ssr::context::request_lang();
    services::kpi_dashboard::dashboard(&app_state()?, &current_viewer()?, q, lang).await
}

/// The records behind one KPI for the same period and scope (and stage, for the funnel;
/// source, for the leads by source).
#[server(prefix = "/sfn", endpoint = "kpi_records")]
pub async fn get_kpi_records(
    key: String,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    team_id: Option<String>,
    rep_id: Option<String>,
    stage: Option<String>,
    source: Option<String>,
) -> Result<KpiRecords, AppError> {
    let key = KpiKey::parse(&key).ok_or(AppError::NotFound)?;
    let q = services::kpis::KpiQuery::from_page(period, from, to, team_id, rep_id, stage, source)?;
    services::kpis::records(&app_state()?, &current_viewer()?, key, q).await
}
