//! Each role's home page.
use crate::domain::time::{end_of_local_day, DEFAULT_UTC_OFFSET_MINUTES};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::{home, users};

/// The rep's "Today": overdue and due follow-ups, leads waiting for first contact, tasks due.
pub async fn today(state: &AppState, viewer: &Viewer) -> AppResult<TodayView> {
    let now = state.clock.now();
    let until = end_of_local_day(now, DEFAULT_UTC_OFFSET_MINUTES).timestamp_millis();
    let now_ms = now.timestamp_millis();
    let pool = &state.db.read;
    Ok(TodayView {
        now,
        follow_ups: home::follow_ups(pool, viewer, now_ms, until, 100).await?,
        leads: home::waiting_leads(pool, viewer, 50).await?,
        tasks: home::tasks_due(pool, viewer, now_ms, until, 50).await?,
        returning: {
            let rules = super::pool::rules(pool).await?;
            home::returning(pool, viewer, now_ms + rules.warning_days * 86_400_000, 50).await?
        },
        stalled: {
            // The admin's stall limits, as the stage-stalled alert uses them.
            let limits = super::alerts::rules(pool).await?.stage_limits();
            home::stalled(pool, viewer, now_ms, &limits, 50).await?
        },
        owned_customers: home::owned_count(pool, viewer).await?,
    })
}

/// The manager's dashboard over their team subtree.
pub async fn dashboard(state: &AppState, viewer: &Viewer) -> AppResult<DashboardView> {
    if !crate::domain::scope::can_see_dashboard(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let pool = &state.db.read;
    let (customers, pool_customers) = home::customer_counts(pool, viewer).await?;
    let pipeline = home::pipeline(pool, viewer).await?;
    let weighted_forecast_minor = pipeline.iter().map(|s| s.weighted_minor).sum();
    let team_name = match viewer.team_id {
        Some(t) => users::team(pool, t).await?.map(|t| t.name),
        None => None,
    };
    Ok(DashboardView {
        team_name,
        customers,
        pool_customers,
        pipeline,
        weighted_forecast_minor,
        reps: home::rep_stats(pool, viewer, state.clock.now_ms()).await?,
    })
}
