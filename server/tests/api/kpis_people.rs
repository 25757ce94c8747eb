//! The KPIs about people and the funnel's top, on a hand-built 2020 whose answers are
//! worked out here: MQL→SQL conversion, new leads by source (the dashboard's chart and its
//! narrowed records), customer retention (churn marked through the API) and active users
//! (sign-ins and changes in the audit trail), each for March against February, and for a
//! manager of one team against the admin.
use crate::helpers::*;
use crate::kpi_dashboard::{chart, dashboard, records_link};
use crate::kpis::{at, drill_downs_match, get, kpi, MARCH};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn scene(app: &TestApp) {
    let rep1 = app.user_id("rep1@demo.tandem").await;
    let rep5 = app.user_id("rep5@demo.tandem").await;
    let agent1 = app.user_id("agent1@demo.tandem").await;
    // Leads: (owner, source, created, became MQL, became SQL).
    for (name, owner, source, created, mql, sql) in [
        // rep1: MQL in March and SQL; MQL in March, not yet SQL; MQL in February, SQL.
        (
            "PA",
            rep1,
            "event",
            at(3, 3, 9, 0),
            at(3, 4, 9, 0),
            Some(at(3, 6, 9, 0)),
        ),
        ("PB", rep1, "event", at(2, 20, 9, 0), at(3, 2, 9, 0), None),
        (
            "PC",
            rep1,
            "referral",
            at(3, 5, 9, 0),
            at(2, 25, 9, 0),
            Some(at(3, 7, 9, 0)),
        ),
        // rep5 (the other team): MQL in March and SQL.
        (
            "PD",
            rep5,
            "event",
            at(3, 6, 9, 0),
            at(3, 8, 9, 0),
            Some(at(3, 9, 9, 0)),
        ),
    ] {
        app.exec(&format!(
            "INSERT INTO leads (name, source, status, owner_id, mql_at, sql_at, created_at, updated_at) \
             VALUES ('{name}', '{source}', '{}', {owner}, {mql}, {}, {created}, {created})",
            if sql.is_some() { "sql" } else { "mql" },
            sql.map_or("NULL".to_string(), |s| s.to_string()),
        ))
        .await;
    }
    // rep1's customers: (name, won before, churned at).
    for (name, won, churned) in [
        // Bought in January, kept.
        ("RA", at(1, 10, 9, 0), None),
        // Bought in February, churned in March.
        ("RB", at(2, 1, 9, 0), Some(at(3, 15, 9, 0))),
        // Bought in February, churned in February: not a customer when March began.
        ("RC", at(2, 1, 9, 0), Some(at(2, 15, 9, 0))),
        // Bought in March: new, not retained.
        ("RD", at(3, 10, 9, 0), None),
        // Bought in January, churned in April: kept through March.
        ("RE", at(1, 5, 9, 0), Some(at(4, 2, 9, 0))),
    ] {
        let t = at(1, 1, 9, 0);
        app.exec(&format!(
            "INSERT INTO customers (name, name_norm, name_key, status, owner_id, churned_at, created_at, updated_at) \
             VALUES ('{name}', '{name}', '{name}', '{}', {rep1}, {}, {t}, {t})",
            if churned.is_some() { "churned" } else { "active" },
            churned.map_or("NULL".to_string(), |c| c.to_string()),
        ))
        .await;
        app.exec(&format!(
            "INSERT INTO opportunities (customer_id, name, amount_minor, stage, probability, owner_id, \
             stage_entered_at, won_at, created_at, updated_at) VALUES \
             ((SELECT id FROM customers WHERE name = '{name}'), 'retention', 1000, 'won', 100, {rep1}, {won}, {won}, {t}, {t})"
        ))
        .await;
    }
    // What people did: rep1 twice in March and once in February, agent1 in March, rep5
    // (the other team) in March.
    for (who, when) in [
        (rep1, at(3, 2, 9, 0)),
        (rep1, at(3, 20, 9, 0)),
        (rep1, at(2, 10, 9, 0)),
        (agent1, at(3, 5, 9, 0)),
        (rep5, at(3, 6, 9, 0)),
    ] {
        app.exec(&format!(
            "INSERT INTO audit_entries (actor_id, action, entity_type, entity_id, at) \
             VALUES ({who}, 'updated', 'customer', 1, {when})"
        ))
        .await;
    }
}

#[tokio::test]
async fn conversion_sources_retention_and_active_users_are_counted_from_their_records() {
    for b in backends() {
        let app = spawn_app(b).await;
        scene(&app).await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let (s, r) = get(&manager1, &app, &format!("/api/v1/kpis?{MARCH}")).await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {r}");
        let value = |key: &str| kpi(&r, key)["value"].clone();
        let previous = |key: &str| kpi(&r, key)["previous"].clone();
        // MQL in March: PA (SQL since) and PB (not); February's PC reached SQL.
        assert_eq!(value("mql_to_sql"), 50.0, "{b:?}");
        assert_eq!(previous("mql_to_sql"), 100.0, "{b:?}");
        // At March's start: RA, RB, RE (RC had churned, RD had not bought); RB churned.
        assert_eq!(value("customer_retention"), 66.7, "{b:?}");
        assert_eq!(kpi(&r, "customer_retention")["records"], 3, "{b:?}");
        // Before: RA and RE were customers at 30 January, and stayed.
        assert_eq!(previous("customer_retention"), 100.0, "{b:?}");
        // rep1 and agent1 in March (rep5 is the other team's); rep1 alone in February.
        assert_eq!(value("active_users"), 2.0, "{b:?}");
        assert_eq!(previous("active_users"), 1.0, "{b:?}");
        drill_downs_match(&manager1, &app, &r, "manager1").await;
        let (_, people) = get(
            &manager1,
            &app,
            &format!("/api/v1/kpis/active_users/records?{MARCH}"),
        )
        .await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let first = &people["items"][0];
        assert_eq!(first["id"], rep1, "{b:?}: the latest act first: {people}");
        assert_eq!(first["href"], format!("/dashboard?rep_id={rep1}"));

        let admin = app.login("admin@demo.tandem").await;
        let (_, all) = get(&admin, &app, &format!("/api/v1/kpis?{MARCH}")).await;
        assert_eq!(kpi(&all, "mql_to_sql")["value"], 66.7, "{b:?}");
        assert_eq!(kpi(&all, "active_users")["value"], 3.0, "{b:?}");

        // New leads by source: the chart's bars are the leads of March by source, each
        // opening exactly its leads.
        let march = [("from", "2020-03-01"), ("to", "2020-03-31")];
        let (s, d) = dashboard(&manager1, &app, &march).await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {d}");
        let bars = chart(&d, "leads_by_source");
        let labels: Vec<&str> = bars.iter().map(|b| b["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["活动", "转介绍"], "{b:?}: {bars:?}");
        for bar in bars {
            assert_eq!(bar["records"], 1, "{b:?}");
            let link = records_link(bar["drill"].as_str().unwrap());
            let (s, list) = get(&manager1, &app, &link).await;
            assert_eq!(s, StatusCode::OK, "{b:?} {link}");
            assert_eq!(list["count"], 1, "{b:?} {link}");
        }
        let (_, event) = get(
            &manager1,
            &app,
            &format!("/api/v1/kpis/leads_new/records?{MARCH}&source=event"),
        )
        .await;
        assert_eq!(event["items"][0]["title"], "PA", "{b:?}");
        assert_eq!(event["source"], "event");
        // A source the funnel does not know, or one a deal's KPI cannot take, is refused.
        for (key, source) in [("leads_new", "billboard"), ("win_rate", "event")] {
            let (s, p) = get(
                &manager1,
                &app,
                &format!("/api/v1/kpis/{key}/records?{MARCH}&source={source}"),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b:?} {key}");
            assert!(p["errors"]["source"].is_string(), "{p}");
        }
    }
}

#[tokio::test]
async fn a_churn_is_dated_when_marked_and_cleared_when_won_back_and_a_sign_in_is_kept() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let churned_at = || async {
            app.count(&format!(
                "SELECT COALESCE(MAX(churned_at), 0) FROM customers WHERE id = {id}"
            ))
            .await
        };
        let patch = |status: &'static str| {
            let rep1 = rep1.clone();
            let app = &app;
            async move {
                let (_, c) = get(&rep1, app, &format!("/api/v1/customers/{id}")).await;
                let r = rep1
                    .patch(app.url(&format!("/api/v1/customers/{id}")))
                    .json(&json!({"version": c["version"], "status": status}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{status}");
            }
        };
        patch("churned").await;
        let when = app.clock_now().timestamp_millis();
        assert_eq!(churned_at().await, when, "{b:?}");
        // Saved again as churned later: still the first moment.
        app.clock.advance(chrono::Duration::days(3));
        patch("churned").await;
        assert_eq!(churned_at().await, when, "{b:?}");
        patch("active").await;
        assert_eq!(churned_at().await, 0, "{b:?}: won back");

        let me = app.user_id("rep1@demo.tandem").await;
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE action = 'signed_in' AND actor_id = {me}"
            ))
            .await,
            1,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn a_follow_up_is_kept_by_the_customers_next_activity_even_one_logged_late() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let r = rep1
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "随访测试精工有限公司"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let log = |summary: &'static str,
                   occurred: chrono::DateTime<chrono::Utc>,
                   next: Option<chrono::DateTime<chrono::Utc>>| {
            let rep1 = rep1.clone();
            let app = &app;
            async move {
                let r = rep1
                    .post(app.url("/api/v1/activities"))
                    .json(
                        &json!({"customer_id": id, "kind": "call", "summary": summary,
                        "occurred_at": occurred, "next_follow_up_at": next}),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED, "{summary}");
            }
        };
        let kept = |summary: &'static str| {
            let app = &app;
            async move {
                app.count(&format!(
                    "SELECT COALESCE(MAX(followed_up_at), 0) FROM activities WHERE summary = '{summary}' AND customer_id = {id}"
                ))
                .await
            }
        };
        let t0 = app.clock_now();
        let hours = chrono::Duration::hours;
        log("A", t0 - hours(3), Some(t0 + hours(48))).await;
        assert_eq!(kept("A").await, 0, "{b:?}: nothing after it yet");
        // Logged late: the call of five hours ago was followed up by A.
        log("C", t0 - hours(5), Some(t0 + hours(24))).await;
        assert_eq!(kept("C").await, (t0 - hours(3)).timestamp_millis(), "{b:?}");
        assert_eq!(
            kept("A").await,
            0,
            "{b:?}: an earlier call keeps nothing later"
        );
        app.clock.advance(chrono::Duration::days(1));
        log("B", app.clock_now(), None).await;
        assert_eq!(kept("A").await, app.clock_now().timestamp_millis(), "{b:?}");
        assert_eq!(
            kept("C").await,
            (t0 - hours(3)).timestamp_millis(),
            "{b:?}: kept by the first"
        );
    }
}
