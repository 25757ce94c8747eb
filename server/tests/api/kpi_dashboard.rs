//! The manager's dashboard on the hand-built March 2020 of the KPI test: every chart bar's
//! number equals the records its link lists, on both databases; the funnel narrows by
//! stage; and the KPI tables export for Excel (CSV with a byte-order mark, XLSX).
use crate::helpers::*;
use crate::kpis::{get, kpi, scene, MARCH};
use reqwest::StatusCode;
use serde_json::Value;

/// The dashboard as the page asks for it.
pub(crate) async fn dashboard(
    c: &reqwest::Client,
    app: &TestApp,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let r = c
        .post(app.url("/sfn/kpi_dashboard"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A bar's page link as the API's records link.
pub(crate) fn records_link(page: &str) -> String {
    let (path, query) = page.split_once('?').unwrap();
    let key = path.strip_prefix("/dashboard/").unwrap();
    format!("/api/v1/kpis/{key}/records?{query}")
}

pub(crate) fn chart<'a>(d: &'a Value, id: &str) -> &'a Vec<Value> {
    d["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {d}"))["bars"]
        .as_array()
        .unwrap()
}

#[tokio::test]
async fn every_bar_opens_exactly_the_records_it_counts() {
    for b in backends() {
        let app = spawn_app(b).await;
        scene(&app).await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let march = [("from", "2020-03-01"), ("to", "2020-03-31")];
        let (s, d) = dashboard(&manager1, &app, &march).await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {d}");
        // The tiles are the API's report.
        let (_, report) = get(&manager1, &app, &format!("/api/v1/kpis?{MARCH}")).await;
        // (The page reads the charts' groupings with the report and sums a tile from its
        // chart's groups where it can: each tile's figures must still be the API's.)
        let figures = |r: &Value| -> Vec<(Value, Value, Value, Value)> {
            r["kpis"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| {
                    let f = |n: &str| k[n].clone();
                    (f("key"), f("value"), f("previous"), f("records"))
                })
                .collect()
        };
        assert_eq!(figures(&d["report"]), figures(&report), "{b:?}");
        assert_eq!(kpi(&d["report"], "won_amount")["value"], 400_000.0);
        assert!(d["period"].is_null(), "from–to is no named period");

        for c in d["charts"].as_array().unwrap() {
            for bar in c["bars"].as_array().unwrap() {
                let link = records_link(bar["drill"].as_str().unwrap());
                let (s, list) = get(&manager1, &app, &link).await;
                assert_eq!(s, StatusCode::OK, "{b:?} {link}: {list}");
                assert_eq!(list["count"], bar["records"], "{b:?} {link}");
                assert_eq!(list["value"], bar["value"], "{b:?} {link}");
            }
        }
        // March by week: the 100,000 of 10 March and the 300,000 of 20 March.
        let won = chart(&d, "won_by_step");
        assert_eq!(won.len(), 6, "{b:?}: 1 March is a Sunday");
        assert_eq!(won[2]["label"], "03-09");
        assert_eq!(won[2]["value"], 100_000.0);
        assert_eq!(won[3]["value"], 300_000.0);
        assert_eq!(
            won.iter()
                .map(|b| b["records"].as_i64().unwrap())
                .sum::<i64>(),
            2
        );
        // The funnel (open deals now, the demo's too): its stages hold the whole pipeline.
        let funnel = chart(&d, "pipeline_by_stage");
        assert_eq!(funnel.len(), 4);
        assert_eq!(
            funnel
                .iter()
                .map(|b| b["records"].as_i64().unwrap())
                .sum::<i64>(),
            kpi(&d["report"], "pipeline_value")["records"]
                .as_i64()
                .unwrap(),
            "{b:?}"
        );
        assert!(funnel[2]["drill"]
            .as_str()
            .unwrap()
            .contains("stage=proposal"));
        // Per person: rep1 won two of three; followed up one of two on time.
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let rates = chart(&d, "win_rate_by_rep");
        let theirs = rates
            .iter()
            .find(|b| {
                b["drill"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("rep_id={rep1}"))
            })
            .unwrap();
        assert_eq!(theirs["value"], 66.7);
        let follow = chart(&d, "follow_ups_by_rep");
        assert_eq!(follow.len(), 1, "{b:?}: {follow:?}");
        assert_eq!(follow[0]["value"], 50.0);
        // The pickers: manager1's own team, its people, never the other team's.
        let rep5 = app.user_id("rep5@demo.tandem").await;
        let people: Vec<i64> = d["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert!(
            people.contains(&rep1) && !people.contains(&rep5),
            "{b:?}: {people:?}"
        );
        assert_eq!(d["teams"].as_array().unwrap().len(), 1, "{b:?}");

        // A named period wins over the dates the form also sends.
        let (s, q) = dashboard(
            &manager1,
            &app,
            &[
                ("period", "quarter"),
                ("from", "2020-03-01"),
                ("to", "2020-03-31"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(q["period"], "quarter");
        assert_ne!(q["report"]["from"], "2020-03-01");
        // Another team is not found; a typed-in team id that is not a number names the field.
        let team2 = app
            .count("SELECT team_id FROM users WHERE email = 'rep5@demo.tandem'")
            .await
            .to_string();
        let (s, _) = dashboard(&manager1, &app, &[("team_id", team2.as_str())]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, e) = dashboard(&manager1, &app, &[("team_id", "abc")]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("team_id"), "{e}");
        // A stage narrows only the pipeline's KPIs.
        let (s, e) = get(
            &manager1,
            &app,
            &format!("/api/v1/kpis/win_rate/records?{MARCH}&stage=proposal"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = get(
            &manager1,
            &app,
            &format!("/api/v1/kpis/pipeline_value/records?{MARCH}&stage=won"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn kpi_tables_export_for_excel() {
    for b in backends() {
        let app = spawn_app(b).await;
        scene(&app).await;
        // manager1 reads Chinese (the demo's people do).
        let manager1 = app.login("manager1@demo.tandem").await;
        let r = manager1
            .get(app.url(&format!("/api/v1/kpis/export/csv?{MARCH}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("kpis-2020-03-01-2020-03-31.csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a byte-order mark for Excel"
        );
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut rows = csv_rows(&text);
        let header = rows.remove(0);
        assert_eq!(header[0], "指标");
        let won = rows.iter().find(|r| r[1] == "won_amount").unwrap();
        assert_eq!(won[2], "4000", "{b:?}: 400,000 fen is 4,000 yuan");
        assert_eq!(won[3], "500");
        assert_eq!(rows.len(), app::model::KpiKey::ALL.len(), "a row per KPI");

        let r = manager1
            .get(app.url(&format!(
                "/api/v1/kpis/won_amount/records/export/csv?{MARCH}"
            )))
            .send()
            .await
            .unwrap();
        let text = r.text().await.unwrap();
        assert_eq!(
            csv_rows(text.trim_start_matches('\u{feff}')).len(),
            3,
            "{b:?}: the header and two won deals"
        );

        let r = manager1
            .get(app.url(&format!(
                "/api/v1/kpis/won_amount/records/export/xlsx?{MARCH}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        assert!(
            r.bytes().await.unwrap().starts_with(b"PK"),
            "an XLSX is a zip"
        );

        // Another format is not a page; reps have no KPIs to export.
        let r = manager1
            .get(app.url("/api/v1/kpis/export/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .get(app.url("/api/v1/kpis/export/csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

/// Rows of a CSV text, read with the same crate that wrote them.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn tick(app: &TestApp) {
    app::ssr::services::alerts::tick(&app.state.app)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_watched_dashboard_gets_its_tiles_again_after_a_write_and_nobody_else_does() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let mut watching = signed_in_socket(&app, "manager1@demo.tandem").await;
        let mut elsewhere = signed_in_socket(&app, "manager1@demo.tandem").await;
        let mut rep = signed_in_socket(&app, "rep1@demo.tandem").await;
        say(
            &mut watching,
            serde_json::json!({"type": "watch_kpis", "period": "month"}),
        )
        .await;
        // A rep cannot watch what they may not see.
        say(
            &mut rep,
            serde_json::json!({"type": "watch_kpis", "period": "month"}),
        )
        .await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let (_, before) = get(&manager1, &app, "/api/v1/kpis?period=month").await;
        let leads = kpi(&before, "leads_new")["value"].as_f64().unwrap();

        let rep1 = app.login("rep1@demo.tandem").await;
        let r = rep1
            .post(app.url("/api/v1/leads"))
            .json(&serde_json::json!({"name": "实时看板测试", "source": "referral"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        tick(&app).await;
        let pushed = next_of(&mut watching, "kpi", 5_000)
            .await
            .unwrap_or_else(|| panic!("{b:?}: no kpi message"));
        assert_eq!(
            kpi(&pushed["report"], "leads_new")["value"],
            leads + 1.0,
            "{b:?}"
        );
        assert!(
            next_of(&mut elsewhere, "kpi", 300).await.is_none(),
            "{b:?}: a page without the dashboard"
        );
        assert!(
            next_of(&mut rep, "kpi", 300).await.is_none(),
            "{b:?}: a rep"
        );

        // Left the dashboard: nothing more.
        say(&mut watching, serde_json::json!({"type": "unwatch_kpis"})).await;
        let r = rep1
            .post(app.url("/api/v1/leads"))
            .json(&serde_json::json!({"name": "离开之后", "source": "referral"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        tick(&app).await;
        assert!(
            next_of(&mut watching, "kpi", 500).await.is_none(),
            "{b:?}: unwatched"
        );
        assert_eq!(
            app.state.app.hub.kpis_changed(),
            0,
            "{b:?}: no watcher left"
        );
        app.assert_kpi_rollups_kept().await;
    }
}
