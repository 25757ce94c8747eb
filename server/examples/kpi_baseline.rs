//! The dashboard benchmark's baseline, one at a time on the store (no HTTP, no JSON, no
//! rendering, no charts): the record sets the KPI report reads for this month and the
//! month before, for each load manager's team in turn and for the whole company — the raw
//! SQL behind the report (which reads roll-ups instead: store::kpi_rollups).
//!
//!   DATABASE_URL=sqlite://bench/out/dashboard.db target/release/examples/kpi_baseline 100
use app::domain::kpis::{KpiKey, Period};
use app::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use app::ssr::services::kpis::window;
use app::ssr::store::kpis::{facts, records_of, Narrow, People};
use std::time::Instant;

#[path = "shared/report.rs"]
mod report;
use report::report;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let db = server::db::connect(&url).await?;
    let managers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, team_id FROM users WHERE email LIKE 'manager%@load.tandem' ORDER BY id",
    )
    .fetch_all(&db.read)
    .await?;
    if managers.is_empty() {
        return Err("no load managers: seed --managers 20".into());
    }
    let now = chrono::Utc::now();
    let period = Period::named("month", now, DEFAULT_UTC_OFFSET_MINUTES).ok_or("a month")?;
    let (this, before) = (
        window(period, now.timestamp_millis()),
        window(period.previous(), now.timestamp_millis()),
    );
    let mut sets: Vec<KpiKey> = Vec::new();
    for key in KpiKey::ALL.iter().map(|k| records_of(*k)) {
        if !sets.contains(&key) {
            sets.push(key);
        }
    }
    let mut conn = db.read.acquire().await?;
    // A team's report per load manager in turn, then the whole company's (a director's).
    for company in [false, true] {
        let (mut all, mut rows) = (Vec::new(), 0usize);
        let mut each: Vec<Vec<f64>> = vec![Vec::new(); sets.len()];
        let reports = if company { runs.div_ceil(3) } else { runs };
        for i in 0..reports {
            let (id, team) = managers[i % managers.len()];
            let t = Instant::now();
            let people = if company {
                People::Everyone
            } else {
                let mut people =
                    app::ssr::store::scope::people_of_team_subtree(&mut *conn, team).await?;
                people.push(id);
                People::These(people)
            };
            for (n, key) in sets.iter().enumerate() {
                let k = Instant::now();
                rows += facts(&mut *conn, *key, &this, &people, Narrow::default())
                    .await?
                    .len();
                if !key.is_snapshot() {
                    rows += facts(&mut *conn, *key, &before, &people, Narrow::default())
                        .await?
                        .len();
                }
                each[n].push(k.elapsed().as_secs_f64() * 1000.0);
            }
            all.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let scope = if company { "company" } else { "team" };
        println!(
            "{scope}: record sets: {}; rows read per report: {}",
            sets.len(),
            rows / reports
        );
        // Each record set (this period and, unless a state now, the one before).
        for (key, ms) in sets.iter().zip(each) {
            report(key.as_str(), ms);
        }
        report(&format!("kpi record sets ({scope})"), all);
    }
    Ok(())
}
