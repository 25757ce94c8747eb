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
    let q = kpi_query(period, from, to, team_id, rep_id, None)?;
    let lang = crate::ssr::context::request_lang();
    services::kpi_dashboard::dashboard(&app_state()?, &current_viewer()?, q, lang).await
}

/// The records behind one KPI for the same period and scope (and stage, for the funnel).
#[server(prefix = "/sfn", endpoint = "kpi_records")]
pub async fn get_kpi_records(
    key: String,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    team_id: Option<String>,
    rep_id: Option<String>,
    stage: Option<String>,
) -> Result<KpiRecords, AppError> {
    let key = KpiKey::parse(&key).ok_or(AppError::NotFound)?;
    let q = kpi_query(period, from, to, team_id, rep_id, stage)?;
    services::kpis::records(&app_state()?, &current_viewer()?, key, q).await
}

/// A KPI query from what a page's address holds: empty means not given.
#[cfg(feature = "ssr")]
fn kpi_query(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    team_id: Option<String>,
    rep_id: Option<String>,
    stage: Option<String>,
) -> Result<services::kpis::KpiQuery, AppError> {
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let id = |field: &str, v: Option<String>| given(v).map(|s| form_int(field, &s)).transpose();
    // The page's form sends the dates it shows with the period chosen: a named period wins.
    let period = given(period);
    let (from, to) = match period {
        Some(_) => (None, None),
        None => (given(from), given(to)),
    };
    Ok(services::kpis::KpiQuery {
        period,
        from,
        to,
        team_id: id("team_id", team_id)?,
        rep_id: id("rep_id", rep_id)?,
        stage: given(stage),
    })
}
