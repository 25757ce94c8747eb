//! Logging follow-ups and what it does to the customer and to Today.
use crate::helpers::*;
use app::ssr::clock::Clock;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The ids of a list of rows on Today.
fn ids(rows: &Value) -> Vec<i64> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

async fn today(app: &TestApp, c: &reqwest::Client) -> Value {
    let r = c
        .post(app.url("/sfn/today"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn due_ids(today: &Value) -> Vec<i64> {
    today["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["customer_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn logging_a_visit_sets_last_contact_and_next_follow_up_and_clears_today() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        // A customer due an hour ago shows on Today.
        let id = app.customer_of("rep1@demo.tandem").await;
        let due = (app.clock.now_ms() - 3_600_000).to_string();
        sqlx::query(&format!(
            "UPDATE customers SET next_follow_up_at = {due} WHERE id = {id}"
        ))
        .execute(&app.state.app.db.write)
        .await
        .unwrap();
        assert!(due_ids(&today(&app, &rep).await).contains(&id), "{b:?}");

        let next: DateTime<Utc> = app.clock.now() + Duration::days(3);
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": id, "kind": "visit", "summary": "上门演示", "next_follow_up_at": next}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let a = json(r).await;
        assert_eq!(a["kind"], "visit");
        let c = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(c["last_contact_at"], json!(app.clock.now()));
        assert_eq!(c["next_follow_up_at"], json!(next));
        assert!(
            !due_ids(&today(&app, &rep).await).contains(&id),
            "the row leaves Today ({b:?})"
        );
        // It is first in the customer's timeline.
        let timeline = json(
            rep.get(app.url(&format!("/api/v1/activities?customer_id={id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(timeline["items"][0]["id"], a["id"]);
        // Moving the clock past the next follow-up brings it back.
        app.clock.advance(Duration::days(3) + Duration::minutes(1));
        assert!(due_ids(&today(&app, &rep).await).contains(&id));
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn the_quick_log_form_takes_a_kind_and_a_next_step() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/sfn/log_follow_up"))
            .header("accept", "application/json")
            .form(&[
                ("customer_id", id.to_string()),
                ("kind", "call".into()),
                ("summary", "".into()),
                ("next", "1d".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let a: Value = r.json().await.unwrap();
        assert_eq!(
            a["summary"], "电话",
            "an empty summary defaults to the kind, in the rep's language"
        );
        // Tomorrow 10:00 in Beijing: the test clock is 2026-11-22 14:00 there.
        assert_eq!(a["next_follow_up_at"], "2026-11-23T02:00:00Z");
        let r = rep
            .post(app.url("/sfn/log_follow_up"))
            .header("accept", "application/json")
            .form(&[
                ("customer_id", id.to_string()),
                ("kind", "visit".into()),
                ("summary", "".into()),
                ("next", "someday".into()),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error() || r.status().is_server_error());
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["kind"], "validation", "{body}");
        assert!(body["detail"]["next"].is_string());
    }
}

#[tokio::test]
async fn follow_ups_are_validated_and_scoped() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let past = app.clock.now() - Duration::hours(1);
        let future = app.clock.now() + Duration::hours(2);
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": id, "kind": "telegram", "next_follow_up_at": past, "occurred_at": future, "latitude": 91.0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for f in ["kind", "next_follow_up_at", "occurred_at", "latitude"] {
            assert!(p["errors"][f].is_string(), "{f}: {p}");
        }
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM activities WHERE customer_id = {id} AND user_id = {}",
                app.user_id("rep1@demo.tandem").await
            ))
            .await,
            app.count(&format!(
                "SELECT COUNT(*) FROM activities WHERE customer_id = {id}"
            ))
            .await,
            "{b:?}"
        );
        // A pool customer must be claimed before a rep logs on it.
        let pool = app.pool_customer().await;
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": pool, "kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = rep.get(app.url("/api/v1/activities")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

/// A new deal of the rep's for the customer, put in `stage` `days` ago.
async fn deal_in_stage(
    app: &TestApp,
    rep: &reqwest::Client,
    customer: i64,
    name: &str,
    stage: &str,
    days: i64,
) -> Value {
    let r = rep
        .post(app.url("/api/v1/opportunities"))
        .json(&json!({"customer_id": customer, "name": name}))
        .send()
        .await
        .unwrap();
    let deal = json(r).await;
    sqlx::query(&format!(
        "UPDATE opportunities SET stage = '{stage}', stage_entered_at = {} WHERE id = {}",
        app.clock.now_ms() - days * 86_400_000,
        deal["id"]
    ))
    .execute(&app.state.app.db.write)
    .await
    .unwrap();
    deal
}

#[tokio::test]
async fn today_lists_customers_about_to_return_to_the_pool_and_stalled_deals() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep3@demo.tandem").await;
        let id = app.customer_of("rep3@demo.tandem").await;
        // Last contact 28 days ago: returns in 2 days, inside the 3-day warning.
        let contact = app.clock.now_ms() - 28 * 86_400_000;
        sqlx::query(&format!("UPDATE customers SET last_contact_at = {contact}, claimed_at = {contact} WHERE id = {id}"))
            .execute(&app.state.app.db.write)
            .await
            .unwrap();
        let mut tx = app.state.app.db.begin().await.unwrap();
        app::ssr::store::pool::refresh_reclaim(&mut tx, Some(id), &Default::default())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let v = today(&app, &rep).await;
        let row = v["returning"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["customer_id"] == id)
            .cloned();
        assert!(row.is_some(), "{b:?}: {v}");
        // A deal 15 days in "initial" (limit 14) is stalled; one 13 days in is not; one 40
        // days in "needs" (limit 14) has stalled longest: it comes first.
        let deal = deal_in_stage(&app, &rep, id, "停滞", "initial", 15).await;
        let fresh = deal_in_stage(&app, &rep, id, "正常", "initial", 13).await;
        let oldest = deal_in_stage(&app, &rep, id, "最久", "needs", 40).await;
        let v = today(&app, &rep).await;
        let stalled = ids(&v["stalled"]);
        assert!(stalled.contains(&deal["id"].as_i64().unwrap()), "{b:?}");
        assert!(!stalled.contains(&fresh["id"].as_i64().unwrap()));
        let at_row = |d: &Value| stalled.iter().position(|s| Some(*s) == d["id"].as_i64());
        let (oldest_at, deal_at) = (at_row(&oldest), at_row(&deal));
        assert!(
            oldest_at.is_some() && oldest_at < deal_at,
            "{b:?}: longest first: {v}"
        );

        // Today follows the admin's limits, as the stage-stalled alert does: at 10 days
        // for "initial", the 13-day deal is stalled too.
        let admin = app.login("admin@demo.tandem").await;
        let r = admin
            .put(app.url("/api/v1/settings/alerts"))
            .json(&json!({"stage_limit_days": [10, 14, 21, 30]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let v = today(&app, &rep).await;
        let stalled = ids(&v["stalled"]);
        assert!(
            stalled.contains(&fresh["id"].as_i64().unwrap()),
            "{b:?}: {v}"
        );
    }
}
