//! The plans the databases choose for the searches a page makes on every load. SQLite: a
//! plan that reads a whole table where an index answers stays fast on the demo data and is
//! slow at 10^5 records; each is checked on the statistics Tandem gathers itself (at start
//! and every hour: `Db::refresh_statistics`), read on the connection that gathered them.
//! PostgreSQL: a report's plan kept rather than made again for every call.
use crate::helpers::*;

/// SQLite's plan for `sql`, its steps joined by "; " (on the connection that refreshed
/// the statistics: a read connection loads them when it opens).
async fn plan(app: &TestApp, sql: &str) -> String {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(&app.state.app.db.write)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
}

/// The planner's statistics for `table`, one line per index (none: never measured).
async fn statistics(app: &TestApp, table: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT COALESCE(idx, '') || ' ' || stat FROM sqlite_stat1 WHERE tbl = $1")
        .bind(table)
        .fetch_all(&app.state.app.db.write)
        .await
        .unwrap()
}

/// A team's report finds its people's KPI cells by the primary key (owner first) and a
/// report for everyone by day, once the planner has measured a company's cells (300 reps,
/// 40 days): the by-day index holds the sums, and without statistics SQLite took it for a
/// team as well and read everyone's cells of the period (300 reps: 5.7× slower).
#[tokio::test]
async fn a_teams_cells_are_found_by_owner_and_everyones_by_day() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.state.app.db;
    // A company's cells: 300 reps, 40 days, for every KPI the demo data keeps cells of
    // (the statistics are averages over all of them).
    let kpis: Vec<String> = sqlx::query_scalar("SELECT DISTINCT kpi FROM kpi_cells")
        .fetch_all(&db.write)
        .await
        .unwrap();
    for kpi in kpis {
        sqlx::query(&format!(
            "WITH RECURSIVE rep(id) AS (SELECT 10001 UNION ALL SELECT id + 1 FROM rep WHERE id < 10300), \
             d(day) AS (SELECT 20780 UNION ALL SELECT day + 1 FROM d WHERE day < 20819) \
             INSERT INTO kpi_cells (kpi, owner_id, day, part, grade, n, flagged, amount_sum, \
             amount_n, measure_sum, measure_n, weighted) \
             SELECT '{kpi}', rep.id, d.day, '', 0, 1, 0, 100, 1, 0, 0, 0 FROM rep, d"
        ))
        .execute(&db.write)
        .await
        .unwrap();
    }
    db.refresh_statistics().await.unwrap();
    let cells = |owners: &str| {
        format!(
            "SELECT grade, SUM(n), SUM(amount_sum) FROM kpi_cells \
             WHERE kpi = 'won_amount' {owners} AND day >= 20788 AND day < 20819 GROUP BY grade"
        )
    };
    // A team of 18 of the 300.
    let team: Vec<String> = (10001..=10018).map(|id| id.to_string()).collect();
    let team = plan(
        &app,
        &cells(&format!("AND owner_id IN ({})", team.join(", "))),
    )
    .await;
    assert!(
        team.contains("sqlite_autoindex_kpi_cells_1"),
        "a team's cells: {team} {:?}",
        statistics(&app, "kpi_cells").await
    );
    let everyone = plan(&app, &cells("")).await;
    assert!(
        everyone.contains("COVERING INDEX kpi_cells_by_day_with_sums"),
        "everyone's cells: {everyone}"
    );
}

/// The contracts waiting for approval (on every manager's dashboard) are found by their
/// status, newest first, once the planner has measured them: without the index SQLite
/// read every customer and looked up each one's contracts, on every load of the dashboard.
#[tokio::test]
async fn the_pending_contracts_are_found_by_their_status() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.state.app.db;
    // A table that was empty when last measured, grown since: the refresh measures it.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO contracts (customer_id, amount_minor, start_date, end_date, \
         approval_status, created_at, updated_at) \
         SELECT (SELECT MIN(id) FROM customers), 100, '2026-01-01', '2026-12-31', \
         CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'approved' END, 0, 0 FROM n",
    )
    .execute(&db.write)
    .await
    .unwrap();
    db.refresh_statistics().await.unwrap();
    assert!(
        !statistics(&app, "contracts").await.is_empty(),
        "the contracts were not measured"
    );
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

/// PostgreSQL keeps one plan for a report's statement of KPI cells (planned once per
/// connection, for any values) instead of planning it again on every call, which took as
/// long as running it (docs/benchmarks.md); and the setting that asks for it lasts for
/// that statement alone, so the connection's other statements are planned as before.
#[tokio::test]
async fn postgresql_keeps_the_plan_of_a_reports_cells() {
    use app::ssr::store::kpi_cells::{tallies_each, Branch, By};
    use app::ssr::store::kpis::People;
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let mut conn = app.state.app.db.read.acquire().await.unwrap();
    let (everyone, team) = (People::Everyone, People::These(vec![1, 2, 3]));
    let (all, some) = (
        won_amount_cells(&everyone, (20_700, 20_800)),
        won_amount_cells(&team, (20_700, 20_800)),
    );
    let reads = [
        (Branch::Cells(&all), By::Nothing),
        (Branch::Cells(&some), By::Owner),
    ];
    for _ in 0..7 {
        tallies_each(&mut conn, &reads).await.unwrap();
    }
    let (generic, custom): (i64, i64) = sqlx::query_as(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
         WHERE statement LIKE 'SELECT CAST(0 AS BIGINT) AS req,%FROM kpi_cells%'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(
        (generic, custom),
        (7, 0),
        "the cells' statement was planned for its values"
    );
    let changed: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pg_settings WHERE setting <> reset_val \
         AND name IN ('plan_cache_mode', 'max_parallel_workers_per_gather')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        changed.is_empty(),
        "the kept plan's settings outlived its statement: {changed:?}"
    );
}

/// PostgreSQL reads a report's cells for everyone from the index alone: the index by
/// (kpi, day, part) holds each cell's owner, grade and sums (migration 0038), so the
/// kept plan reads no page of the table itself once it is vacuumed. Without them every
/// cell was a visit to the table, its cells spread over as many pages as there are cells.
#[tokio::test]
async fn postgresql_reads_everyones_cells_from_the_index_alone() {
    use app::ssr::store::kpi_cells::{tallies_each, Branch, By};
    use app::ssr::store::kpis::People;
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let db = &app.state.app.db;
    // 300 reps, 100 days of won deals (in place of the demo's): a company's cells, the
    // last 40 days read.
    sqlx::query("DELETE FROM kpi_cells WHERE kpi = 'won_amount'")
        .execute(&db.write)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO kpi_cells (kpi, owner_id, day, part, grade, n, flagged, amount_sum, \
         amount_n, measure_sum, measure_n, weighted) \
         SELECT 'won_amount', rep, day, '', 0, 1, 0, 100, 1, 0, 0, 0 \
         FROM generate_series(10001, 10300) rep, generate_series(20700, 20799) day",
    )
    .execute(&db.write)
    .await
    .unwrap();
    sqlx::query("VACUUM ANALYZE kpi_cells")
        .execute(&db.write)
        .await
        .unwrap();
    let heap_pages_read = || async {
        let mut conn = db.write.acquire().await.unwrap();
        sqlx::query("SELECT pg_stat_clear_snapshot()")
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(heap_blks_hit, 0) + COALESCE(heap_blks_read, 0) \
             FROM pg_statio_user_tables WHERE relname = 'kpi_cells'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap()
    };
    let mut conn = db.read.acquire().await.unwrap();
    let everyone = People::Everyone;
    let (this, before) = (
        won_amount_cells(&everyone, (20_780, 20_800)),
        won_amount_cells(&everyone, (20_760, 20_780)),
    );
    let reads = [
        (Branch::Cells(&this), By::Day),
        (Branch::Cells(&before), By::Nothing),
    ];
    // (The plan is kept from the sixth call on: the first five are planned for their values.)
    for _ in 0..6 {
        tallies_each(&mut conn, &reads).await.unwrap();
    }
    flush_statistics(&mut conn).await;
    let pages_before = heap_pages_read().await;
    let tallies = tallies_each(&mut conn, &reads).await.unwrap();
    flush_statistics(&mut conn).await;
    let pages_after = heap_pages_read().await;
    // 300 reps a day: 20 days in each period, by day in this one.
    assert_eq!(tallies[0].len(), 20);
    assert_eq!(tallies[1][0].1.n, 300 * 20);
    // (A page written after the oldest snapshot the server's own work held open when it
    // was vacuumed may still be visited: through the table, the 12,000 cells read are on
    // over a hundred.)
    let visited = pages_after - pages_before;
    assert!(
        visited < 5,
        "everyone's cells were read from the table: {visited} pages"
    );
}

/// Makes the statistics a connection gathered visible to the others (PostgreSQL sends
/// them when it next goes idle).
async fn flush_statistics(conn: &mut sqlx::AnyConnection) {
    sqlx::query("SELECT pg_stat_force_next_flush()")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("SELECT 1").execute(&mut *conn).await.unwrap();
}

/// The won amount's day cells of `people` over `days` (from, until).
fn won_amount_cells(
    people: &app::ssr::store::kpis::People,
    days: (i64, i64),
) -> app::ssr::store::kpi_cells::Cells<'_> {
    app::ssr::store::kpi_cells::Cells {
        key: app::domain::kpis::KpiKey::WonAmount,
        people,
        slots: Some(days),
        parts: None,
        coarse: false,
    }
}
