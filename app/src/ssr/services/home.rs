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
    // Every read on one connection (see kpi_dashboard::dashboard).
    let mut conn = state.db.read.acquire().await?;
    let pool_customers = home::pool_count(&mut *conn).await?;
    // The customers owned in the manager's reach (as the KPIs count it), and the pool's.
    let q = super::kpis::KpiQuery::default();
    let reach = super::kpis::resolve(&mut conn, state, viewer, &q).await?;
    let owned = super::kpi_tallies::tallies(
        &mut conn,
        crate::domain::kpis::KpiKey::DataCompleteness,
        &super::kpis::window(reach.period, state.clock.now_ms()),
        &reach.people,
        crate::ssr::store::kpi_cells::By::Nothing,
    )
    .await?;
    let customers = owned.iter().map(|(_, t)| t.n).sum::<i64>() + pool_customers;
    let team_name = match viewer.team_id {
        Some(t) => users::team(&mut *conn, t).await?.map(|t| t.name),
        None => None,
    };
    let now_ms = state.clock.now_ms();
    let mut reps = home::rep_stats(&mut *conn, viewer, now_ms).await?;
    book_figures(&mut conn, &mut reps, now_ms).await?;
    Ok(DashboardView {
        team_name,
        customers,
        pool_customers,
        reps,
    })
}

/// Each rep's customers, activities of the last seven days (today and the six before)
/// and open pipeline, from the KPI roll-ups: the customers data completeness counts, the
/// activities logged, the pipeline's value.
async fn book_figures(
    conn: &mut sqlx::AnyConnection,
    reps: &mut [RepStats],
    now_ms: i64,
) -> AppResult<()> {
    use crate::domain::kpis::{KpiKey, Period};
    use crate::ssr::store::kpi_cells::By;
    use crate::ssr::store::kpis::People;
    if reps.is_empty() {
        return Ok(());
    }
    let today = crate::ssr::clock::local_date_of(now_ms);
    let week = super::kpis::window(
        Period {
            from: today - chrono::Duration::days(6),
            to: today,
        },
        now_ms,
    );
    let people = People::These(reps.iter().map(|r| r.user_id).collect());
    let keys = [
        KpiKey::DataCompleteness,
        KpiKey::ActivitiesLogged,
        KpiKey::PipelineValue,
    ];
    let mut read = super::kpi_tallies::TalliesRead::default();
    let wanted: Vec<_> = keys.iter().map(|k| (*k, &week, By::Owner)).collect();
    read.prefetch(conn, &wanted, &people).await?;
    for key in keys {
        let by_owner = read.grouped(conn, key, &week, &people, By::Owner).await?;
        for rep in reps.iter_mut() {
            let t = super::kpi_tallies::group_of(by_owner, &rep.user_id.to_string());
            match key {
                KpiKey::DataCompleteness => rep.customers = t.n,
                KpiKey::ActivitiesLogged => rep.activities_7d = t.n,
                _ => rep.open_pipeline_minor = t.amount_sum,
            }
        }
    }
    Ok(())
}
