//! The KPI roll-ups against the records when a follow-up is judged: the finished hours
//! come from the roll-ups, the unfinished one from the records, and together they count
//! exactly what the drill-down lists, as the clock moves.
//! Also the check the write-heavy tests end with: the roll-ups their writes kept are what a
//! rebuild from the records gives (`TestApp::assert_kpi_rollups_kept`).
use crate::helpers::*;
use crate::kpis::{drill_downs_match, get, kpi};
use chrono::{Duration, FixedOffset, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl TestApp {
    /// The KPI roll-ups the application's writes kept are exactly what a rebuild from the
    /// records gives (read in one transaction, which is rolled back).
    pub async fn assert_kpi_rollups_kept(&self) {
        type Cell = (
            String,
            i64,
            i64,
            String,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        );
        let db = &self.state.app.db;
        let mut tx = db.begin().await.unwrap();
        if db.backend == app::ssr::store::db::Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        let read = "SELECT kpi, owner_id, day, part, grade, n, flagged, amount_sum, amount_n, \
                    measure_sum, measure_n, weighted FROM kpi_cells \
                    ORDER BY kpi, owner_id, day, part, grade";
        let kept: Vec<Cell> = sqlx::query_as(read).fetch_all(&mut *tx).await.unwrap();
        app::ssr::store::kpi_rollups::rebuild(&mut tx)
            .await
            .unwrap();
        let rebuilt: Vec<Cell> = sqlx::query_as(read).fetch_all(&mut *tx).await.unwrap();
        tx.rollback().await.unwrap();
        let only_kept: Vec<&Cell> = kept.iter().filter(|c| !rebuilt.contains(c)).collect();
        let only_rebuilt: Vec<&Cell> = rebuilt.iter().filter(|c| !kept.contains(c)).collect();
        assert!(
            only_kept.is_empty() && only_rebuilt.is_empty(),
            "{:?}: KPI roll-ups drifted from their records: kept only {only_kept:?}; rebuilt only {only_rebuilt:?}",
            db.backend
        );
        assert!(!kept.is_empty(), "no KPI roll-ups at all");
        self.assert_book_kept().await;
    }
}

/// A Beijing time in November 2026.
fn beijing(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The planned follow-ups F1–F4 the rep's follow-up compliance counts from 20 to 30
/// November, as its drill-down lists them (after checking every KPI's count against its
/// drill-down).
async fn judged(app: &TestApp, manager1: &reqwest::Client, rep1_id: i64) -> Vec<String> {
    let (s, report) = get(
        manager1,
        app,
        &format!("/api/v1/kpis?from=2026-11-20&to=2026-11-30&rep_id={rep1_id}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    drill_downs_match(manager1, app, &report, "manager1").await;
    let follow_ups = kpi(&report, "follow_up_compliance").clone();
    let (_, list) = get(manager1, app, follow_ups["drill"].as_str().unwrap()).await;
    let mut titles: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .filter(|t| t.starts_with('F') && t.len() == 2)
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn a_follow_up_counts_a_day_after_its_time_from_the_roll_ups_and_the_records_alike() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let rep1_id = app.user_id("rep1@demo.tandem").await;
        // Four customers, each with one call planning a follow-up nobody made.
        for (name, planned) in [
            ("F1", beijing(23, 10)),
            ("F2", beijing(24, 9)),
            ("F3", beijing(24, 20)),
            ("F4", beijing(24, 14)),
        ] {
            let r = rep1
                .post(app.url("/api/v1/customers"))
                .json(&json!({"name": format!("跟进判定{name}科技有限公司")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
            let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
            let r = rep1
                .post(app.url("/api/v1/activities"))
                .json(&json!({"customer_id": id, "kind": "call", "summary": name,
                    "occurred_at": app.clock_now(), "next_follow_up_at": planned}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{b:?} {name}");
        }
        // 25 November, 14:00 in Beijing: a follow-up is judged a day after its time, so F1
        // (the 23rd) and F2 (the 24th at 09:00) count from the roll-ups' finished hours,
        // F4 (the 24th at 14:00, just judged) from the records of the unfinished hour;
        // F3 (the 24th at 20:00) does not count yet.
        app.clock.advance(beijing(25, 14) - app.clock_now());
        let all = ["F1", "F2", "F3", "F4"];
        let now = judged(&app, &manager1, rep1_id).await;
        assert_eq!(now, ["F1", "F2", "F4"], "{b:?}");
        app.clock.advance(Duration::hours(7));
        assert_eq!(judged(&app, &manager1, rep1_id).await, all, "{b:?}");
        // The next day: all four from the roll-ups.
        app.clock.advance(Duration::days(1));
        assert_eq!(judged(&app, &manager1, rep1_id).await, all, "{b:?}");
        app.assert_kpi_rollups_kept().await;
    }
}
