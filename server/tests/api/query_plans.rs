//! The plans SQLite chooses for the searches a page makes on every load, checked on a new
//! database (no planner statistics yet, as a new install has): a plan that reads a whole
//! table where an index answers stays fast on the demo data and is slow at 10^5 records.
use crate::helpers::*;

/// SQLite's plan for `sql`, its steps joined by "; ".
async fn plan(app: &TestApp, sql: &str) -> String {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(&app.state.app.db.read)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
}

/// A team's report finds its people's KPI cells by the primary key (owner first) and a
/// report for everyone by day, on a new database whose cells the planner has never
/// measured too: without statistics SQLite took the by-day index, which holds the sums,
/// for a team as well, and read everyone's cells of the period (300 reps: 5.7× slower).
#[tokio::test]
async fn a_teams_cells_are_found_by_owner_and_everyones_by_day() {
    let app = spawn_app(Backend::Sqlite).await;
    let cells = |owners: &str| {
        format!(
            "SELECT grade, SUM(n), SUM(amount_sum) FROM kpi_cells \
             WHERE kpi = 'won_amount' {owners} AND day >= 20788 AND day < 20819 GROUP BY grade"
        )
    };
    let team = plan(
        &app,
        &cells("AND owner_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)"),
    )
    .await;
    assert!(
        team.contains("sqlite_autoindex_kpi_cells_1"),
        "a team's cells: {team}"
    );
    let everyone = plan(&app, &cells("")).await;
    assert!(
        everyone.contains("COVERING INDEX kpi_cells_by_day_with_sums"),
        "everyone's cells: {everyone}"
    );
}

/// The contracts waiting for approval (on every manager's dashboard) are found by their
/// status, newest first: without the index SQLite read every customer and looked up each
/// one's contracts, on every load of the dashboard.
#[tokio::test]
async fn the_pending_contracts_are_found_by_their_status() {
    let app = spawn_app(Backend::Sqlite).await;
    let pending = plan(
        &app,
        "SELECT k.id, c.name, u.name FROM contracts k JOIN customers c ON c.id = k.customer_id \
         LEFT JOIN users u ON u.id = k.owner_id WHERE k.deleted_at IS NULL \
         AND c.deleted_at IS NULL AND k.approval_status = 'pending' ORDER BY k.id DESC LIMIT 50",
    )
    .await;
    assert!(
        pending.starts_with("SEARCH k USING INDEX contracts_approval"),
        "the pending contracts: {pending}"
    );
}
