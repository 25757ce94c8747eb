//! The public pool: claim rules, release, assign, and the automatic reclaim by the clock.
use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn pool_ids(app: &TestApp, n: usize) -> Vec<i64> {
    let rows: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE owner_id IS NULL AND deleted_at IS NULL ORDER BY id",
    )
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap();
    assert!(rows.len() >= n);
    rows.into_iter().take(n).collect()
}

async fn set_rules(app: &TestApp, rules: Value) {
    let admin = app.login("admin@demo.tandem").await;
    let r = admin
        .put(app.url("/api/v1/settings/pool"))
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_rep_claims_from_the_pool_and_a_second_claim_is_409() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = pool_ids(&app, 1).await[0];
        let rep1 = app.login("rep1@demo.tandem").await;
        let rep2 = app.login("rep2@demo.tandem").await;
        let r = rep1
            .post(app.url(&format!("/api/v1/customers/{id}/claim")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let c = json(r).await;
        assert_eq!(c["owner_id"], app.user_id("rep1@demo.tandem").await);
        // Returns to the pool in 30 days without follow-up (no won deal: 90 days is later).
        assert_eq!(c["reclaim_at"], json!(app.clock_now() + Duration::days(30)));
        assert_eq!(c["reclaim_reason"], "no_follow_up");
        let r = rep2
            .post(app.url(&format!("/api/v1/customers/{id}/claim")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "now rep1's, so invisible to rep2"
        );
        let events = app
            .count(&format!(
                "SELECT COUNT(*) FROM pool_events WHERE customer_id = {id} AND action = 'claim'"
            ))
            .await;
        assert_eq!(events, 1);
    }
}

#[tokio::test]
async fn claims_respect_the_holding_limit_and_the_daily_cap() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1_id = app.user_id("rep1@demo.tandem").await;
        let held = app
            .count(&format!(
                "SELECT COUNT(*) FROM customers WHERE owner_id = {rep1_id} AND deleted_at IS NULL"
            ))
            .await;
        set_rules(
            &app,
            json!({"holding_limit": held + 2, "daily_claim_cap": 3}),
        )
        .await;
        let ids = pool_ids(&app, 4).await;
        let rep = app.login("rep1@demo.tandem").await;
        for id in &ids[..2] {
            assert_eq!(
                rep.post(app.url(&format!("/api/v1/customers/{id}/claim")))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                StatusCode::OK
            );
        }
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{}/claim", ids[2])))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "holding limit ({b:?})"
        );
        assert!(problem(r).await["errors"]["customer_id"]
            .as_str()
            .unwrap()
            .contains("limit"));

        set_rules(&app, json!({"holding_limit": 1000, "daily_claim_cap": 3})).await;
        assert_eq!(
            rep.post(app.url(&format!("/api/v1/customers/{}/claim", ids[2])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{}/claim", ids[3])))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "daily cap ({b:?})"
        );
        assert!(problem(r).await["errors"]["customer_id"]
            .as_str()
            .unwrap()
            .contains("daily"));
        // The next local day the cap starts again.
        app.clock.advance(Duration::days(1));
        assert_eq!(
            rep.post(app.url(&format!("/api/v1/customers/{}/claim", ids[3])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn a_released_customer_cannot_be_reclaimed_by_its_previous_owner_for_a_while() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{id}/release")))
            .json(&json!({"reason": "  "}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["reason"].is_string());
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{id}/release")))
            .json(&json!({"reason": "客户已转向竞品"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let c = json(r).await;
        assert!(
            c["owner_id"].is_null()
                && c["next_follow_up_at"].is_null()
                && c["reclaim_at"].is_null()
        );
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{id}/claim")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["customer_id"]
            .as_str()
            .unwrap()
            .contains("30 days"));
        // Another rep may take it at once; the previous owner after the cooling-off.
        app.clock.advance(Duration::days(30));
        // Sessions last 14 days: sign in again after the jump.
        let rep = app.login("rep1@demo.tandem").await;
        assert_eq!(
            rep.post(app.url(&format!("/api/v1/customers/{id}/claim")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn managers_assign_pool_customers_to_their_reps() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = pool_ids(&app, 1).await[0];
        let manager = app.login("manager1@demo.tandem").await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        let rep6 = app.user_id("rep6@demo.tandem").await;
        let r = manager
            .post(app.url(&format!("/api/v1/customers/{id}/assign")))
            .json(&json!({"owner_id": rep6}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rep6 is in the other team ({b:?})"
        );
        let r = manager
            .post(app.url(&format!("/api/v1/customers/{id}/assign")))
            .json(&json!({"owner_id": rep2}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json(r).await["owner_id"], rep2);
        let rep = app.login("rep2@demo.tandem").await;
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn neglected_customers_return_to_the_pool_when_their_time_comes_and_not_before() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = pool_ids(&app, 1).await[0];
        let rep = app.login("rep1@demo.tandem").await;
        rep.post(app.url(&format!("/api/v1/customers/{id}/claim")))
            .send()
            .await
            .unwrap();
        // Day 20: a call moves the no-follow-up clock to day 50.
        app.clock.advance(Duration::days(20));
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": id, "kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let c = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(c["reclaim_at"], json!(app.clock_now() + Duration::days(30)));
        // Day 49: not yet.
        app.clock.advance(Duration::days(29));
        let rep = app.login("rep1@demo.tandem").await;
        app_reclaim(&app).await;
        let c = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            c["owner_id"],
            app.user_id("rep1@demo.tandem").await,
            "not yet reclaimed on day 49 ({b:?})"
        );
        // Day 50 and a minute: back in the pool, exactly once.
        app.clock.advance(Duration::days(1) + Duration::minutes(1));
        assert!(app_reclaim(&app).await >= 1);
        app_reclaim(&app).await; // a second sweep finds nothing more to do for it
        let c = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(c["owner_id"].is_null(), "{c}");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM pool_events WHERE customer_id = {id} AND action = 'reclaim' AND reason = 'no_follow_up'")).await, 1);
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn locked_customers_are_never_reclaimed() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = app.customer_of("rep1@demo.tandem").await;
        sqlx::query(&format!("UPDATE customers SET locked = 1 WHERE id = {id}"))
            .execute(&app.state.app.db.write)
            .await
            .unwrap();
        let mut tx = app.state.app.db.begin().await.unwrap();
        app::ssr::store::pool::refresh_reclaim(&mut tx, Some(id), &Default::default())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        app.clock.advance(Duration::days(400));
        app_reclaim(&app).await;
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM customers WHERE id = {id} AND owner_id IS NOT NULL"
            ))
            .await,
            1,
            "{b:?}"
        );
    }
}

async fn app_reclaim(app: &TestApp) -> usize {
    app::ssr::services::pool::reclaim_due(&app.state.app)
        .await
        .unwrap()
}

#[tokio::test]
async fn per_level_limits_stop_claims_of_that_level_only() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep_id = app.user_id("rep2@demo.tandem").await;
        let held_a = app
            .count(&format!(
                "SELECT COUNT(*) FROM customers WHERE owner_id = {rep_id} AND level = 'A' AND deleted_at IS NULL"
            ))
            .await;
        let ids = pool_ids(&app, 2).await;
        sqlx::query(&format!(
            "UPDATE customers SET level = 'A' WHERE id = {}",
            ids[0]
        ))
        .execute(&app.state.app.db.write)
        .await
        .unwrap();
        sqlx::query(&format!(
            "UPDATE customers SET level = 'C' WHERE id = {}",
            ids[1]
        ))
        .execute(&app.state.app.db.write)
        .await
        .unwrap();
        set_rules(&app, json!({"level_limits": {"A": held_a}})).await;
        let rep = app.login("rep2@demo.tandem").await;
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{}/claim", ids[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let p = problem(r).await;
        assert!(p["errors"]["customer_id"]
            .as_str()
            .unwrap()
            .contains("level-A"));
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{}/claim", ids[1])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "other levels are not limited");
        // A manager cannot push the rep over the limit either.
        let manager = app.login("manager1@demo.tandem").await;
        let r = manager
            .post(app.url(&format!("/api/v1/customers/{}/assign", ids[0])))
            .json(&json!({"owner_id": rep_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["owner_id"]
            .as_str()
            .unwrap()
            .contains("level-A"));
        let owner: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT owner_id FROM customers WHERE id = {}",
            ids[0]
        ))
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        assert_eq!(owner, None, "still in the pool ({b:?})");
        // Bad settings are named.
        let admin = app.login("admin@demo.tandem").await;
        let r = admin
            .put(app.url("/api/v1/settings/pool"))
            .json(&json!({"level_limits": {"D": 3}}))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["level_limits"].is_string());
    }
}

#[tokio::test]
async fn settings_are_admin_only_validated_by_field_and_audited_with_the_old_value() {
    for b in backends() {
        let app = spawn_app(b).await;
        let manager = app.login("manager1@demo.tandem").await;
        let r = manager
            .put(app.url("/api/v1/settings/alerts"))
            .json(&json!({"silent_customer_days": 10}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b:?}");

        let admin = app.login("admin@demo.tandem").await;
        // Every bad field is named at once; nothing is stored.
        let r = admin
            .put(app.url("/api/v1/settings/leads"))
            .json(
                &json!({"first_contact_hours": 0, "mql_timeout_days": 0, "urgent_sources": [" "]}),
            )
            .send()
            .await
            .unwrap();
        let errors = problem(r).await["errors"].clone();
        for field in ["first_contact_hours", "mql_timeout_days", "urgent_sources"] {
            assert!(errors[field].is_string(), "{field} named ({b:?}): {errors}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM settings WHERE key = 'leads'")
                .await,
            0
        );

        // A good change is stored and audited with what it replaced.
        let r = admin
            .put(app.url("/api/v1/settings/alerts"))
            .json(&json!({"silent_customer_days": 45}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let got: Value = admin
            .get(app.url("/api/v1/settings/alerts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got["silent_customer_days"], 45);
        assert_eq!(got["renewal_days"], 60, "unset fields keep their defaults");
        let (before, after): (String, String) = sqlx::query_as(
            "SELECT before, after FROM audit_entries WHERE entity_type = 'setting' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        let before: Value = serde_json::from_str(&before).unwrap();
        let after: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(before["alerts"]["silent_customer_days"], 90, "{b:?}");
        assert_eq!(after["alerts"]["silent_customer_days"], 45, "{b:?}");

        // Routing rules name only reps.
        let r = admin
            .put(app.url("/api/v1/settings/lead-assignment"))
            .json(&json!([{"source": "event", "rep_ids": [999999]}]))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["0.rep_ids"].is_string(), "{b:?}");
    }
}
