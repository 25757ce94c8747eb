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
