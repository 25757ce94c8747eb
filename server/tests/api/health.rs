//! Customer health: the score and the factors that lowered it, recomputed by the engine
//! when an input changes and when time moves it, and the churn alert once per crossing
//! below the line (owner and manager), re-armed only after a recovery. Both databases.
use crate::helpers::*;
use chrono::{Duration, FixedOffset};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY: i64 = 86_400_000;

async fn tick(app: &TestApp) {
    app::ssr::services::alerts::tick(&app.state.app)
        .await
        .unwrap();
}

async fn customer(c: &reqwest::Client, app: &TestApp, id: i64) -> Value {
    let r = c
        .get(app.url(&format!("/api/v1/customers/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn factor<'a>(c: &'a Value, name: &str) -> Option<&'a Value> {
    c["health_factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == name)
}

async fn churn_alerts(app: &TestApp, customer: i64) -> Vec<i64> {
    sqlx::query_scalar::<_, i64>(&format!(
        "SELECT user_id FROM alerts WHERE kind = 'churn_risk' AND entity_id = {customer} ORDER BY id"
    ))
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap()
}

fn local_date(app: &TestApp, days_ago: i64) -> String {
    (app.state.app.clock.now() - Duration::days(days_ago))
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string()
}

/// An approved contract of the customer's with one installment `days_ago` days overdue.
async fn overdue_installment(app: &TestApp, customer: i64, owner: i64, days_ago: i64) {
    let now = app.state.app.clock.now_ms();
    app.exec(&format!(
        "INSERT INTO contracts (customer_id, amount_minor, start_date, end_date, approval_status, owner_id, created_at, updated_at) \
         VALUES ({customer}, 500000, '2024-01-01', '2024-12-31', 'approved', {owner}, {now}, {now})"
    ))
    .await;
    app.exec(&format!(
        "INSERT INTO installments (contract_id, planned_date, amount_minor, paid_minor, created_at, updated_at) \
         VALUES ((SELECT MAX(id) FROM contracts WHERE customer_id = {customer}), '{}', 500000, 0, {now}, {now})",
        local_date(app, days_ago)
    ))
    .await;
}

#[tokio::test]
async fn health_explains_itself_and_the_churn_alert_fires_once_per_crossing() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let manager1 = app.user_id("manager1@demo.tandem").await;
        let c = app.customer_of("rep1@demo.tandem").await;
        let now = app.state.app.clock.now_ms();
        // 64 days without contact, a payment 45 days overdue, two SLA breaches this month.
        app.exec(&format!(
            "UPDATE customers SET last_contact_at = {} WHERE id = {c}",
            now - 64 * DAY
        ))
        .await;
        overdue_installment(&app, c, rep1, 45).await;
        app.exec(&format!(
            "INSERT INTO tickets (customer_id, subject, status, priority, created_at, updated_at) \
             VALUES ({c}, 'health', 'open', 'urgent', {t}, {t})",
            t = now - 10 * DAY
        ))
        .await;
        for (clock, days) in [("first_response", 9), ("resolution", 5)] {
            app.exec(&format!(
                "INSERT INTO sla_breaches (ticket_id, clock, due_at) VALUES \
                 ((SELECT MAX(id) FROM tickets WHERE subject = 'health' AND customer_id = {c}), '{clock}', {})",
                now - days * DAY
            ))
            .await;
        }
        // A change to the customer's record goes through the outbox: the engine recomputes.
        let admin = app.login("admin@demo.tandem").await;
        let before = customer(&admin, &app, c).await;
        let r = admin
            .patch(app.url(&format!("/api/v1/customers/{c}")))
            .json(&json!({"industry": "制造业", "version": before["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        tick(&app).await;
        let got = customer(&admin, &app, c).await;
        let score = got["health_score"].as_i64().unwrap();
        assert!(score < 40, "{b:?}: {got}");
        assert_eq!(
            factor(&got, "no_contact").unwrap()["days"],
            64,
            "{b:?}: {got}"
        );
        assert_eq!(factor(&got, "payment_overdue").unwrap()["days"], 45);
        assert_eq!(factor(&got, "sla_breaches").unwrap()["count"], 2);
        assert!(
            factor(&got, "open_tickets").unwrap()["urgent"]
                .as_i64()
                .unwrap()
                >= 1
        );
        let alerts = churn_alerts(&app, c).await;
        assert_eq!(
            alerts.iter().filter(|u| **u == rep1).count(),
            1,
            "{b:?}: {alerts:?}"
        );
        assert_eq!(
            alerts.iter().filter(|u| **u == manager1).count(),
            1,
            "{b:?}"
        );
        // The rep's list narrows to customers at risk and sorts by health, lowest first.
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .get(app.url("/api/v1/customers?at_risk=true&limit=200"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let risky: Value = r.json().await.unwrap();
        let items = risky["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["id"] == c), "{b:?}");
        assert!(
            items
                .iter()
                .all(|i| i["health_score"].as_i64().unwrap() < 50),
            "{b:?}"
        );
        let r = rep
            .get(app.url("/api/v1/customers?sort=health&limit=30"))
            .send()
            .await
            .unwrap();
        let sorted: Value = r.json().await.unwrap();
        let scores: Vec<i64> = sorted["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["health_score"].as_i64().unwrap_or(101))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{b:?}: {scores:?}");
        assert_eq!(scores[0], score, "{b:?}: the lowest first");
        let next = sorted["next_cursor"].as_str().unwrap();
        let r = rep
            .get(app.url(&format!(
                "/api/v1/customers?sort=health&limit=30&cursor={next}"
            )))
            .send()
            .await
            .unwrap();
        let page2: Value = r.json().await.unwrap();
        let first2 = page2["items"][0]["health_score"].as_i64().unwrap_or(101);
        assert!(
            first2 >= *scores.last().unwrap(),
            "{b:?}: the next page goes on from the last score"
        );
        // The alert says why, in words.
        let body: String = sqlx::query_scalar(&format!(
            "SELECT body FROM alerts WHERE kind = 'churn_risk' AND entity_id = {c} AND user_id = {rep1}"
        ))
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        assert!(body.contains("64 天未联系"), "{body}");

        // Another change while still low: no second alert.
        let r = admin
            .patch(app.url(&format!("/api/v1/customers/{c}")))
            .json(&json!({"industry": "零售", "version": got["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tick(&app).await;
        assert_eq!(
            churn_alerts(&app, c).await.len(),
            alerts.len(),
            "{b:?}: once per crossing"
        );

        // Recovery: the rep calls, the payment comes in, the ticket is closed.
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": c, "kind": "call", "summary": "回访，约下周面谈"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        app.exec(&format!("UPDATE installments SET paid_minor = amount_minor WHERE contract_id IN (SELECT id FROM contracts WHERE customer_id = {c})")).await;
        app.exec(&format!(
            "UPDATE tickets SET status = 'closed' WHERE customer_id = {c}"
        ))
        .await;
        app.exec(&format!("DELETE FROM sla_breaches WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id = {c})")).await;
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": c, "kind": "visit", "summary": "上门拜访"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        tick(&app).await;
        let got = customer(&admin, &app, c).await;
        assert!(got["health_score"].as_i64().unwrap() >= 50, "{b:?}: {got}");
        // A new fall is a new crossing: alerted again.
        overdue_installment(&app, c, rep1, 40).await;
        app.exec(&format!(
            "UPDATE tickets SET status = 'open' WHERE subject = 'health' AND customer_id = {c}"
        ))
        .await;
        app.exec(&format!(
            "UPDATE customers SET last_contact_at = {} WHERE id = {c}",
            now - 70 * DAY
        ))
        .await;
        let r = admin
            .patch(app.url(&format!("/api/v1/customers/{c}")))
            .json(&json!({"industry": "物流", "version": got["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tick(&app).await;
        let again = churn_alerts(&app, c).await;
        assert_eq!(
            again.iter().filter(|u| **u == rep1).count(),
            2,
            "{b:?}: {again:?}"
        );
    }
}

#[tokio::test]
async fn time_moves_a_score_through_its_due_time_without_any_write() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        // One with no contracts (no payment counting days of its own).
        let c = app
            .count(&format!(
                "SELECT MIN(c.id) FROM customers c WHERE c.owner_id = {rep2} AND c.deleted_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM contracts k WHERE k.customer_id = c.id)"
            ))
            .await;
        let now = app.state.app.clock.now_ms();
        app.exec(&format!(
            "UPDATE customers SET last_contact_at = {} WHERE id = {c}",
            now - 20 * DAY - 3_600_000
        ))
        .await;
        let admin = app.login("admin@demo.tandem").await;
        let before = customer(&admin, &app, c).await;
        let r = admin
            .patch(app.url(&format!("/api/v1/customers/{c}")))
            .json(&json!({"industry": "能源", "version": before["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tick(&app).await;
        let first = customer(&admin, &app, c).await;
        assert_eq!(
            factor(&first, "no_contact").unwrap()["days"],
            20,
            "{b:?}: {first}"
        );
        // A day later the engine has recomputed it by its due time: one more silent day.
        app.clock.advance(Duration::days(1));
        tick(&app).await;
        let later = customer(&admin, &app, c).await;
        assert_eq!(
            factor(&later, "no_contact").unwrap()["days"],
            21,
            "{b:?}: {later}"
        );
        assert_eq!(
            later["health_score"].as_i64().unwrap(),
            first["health_score"].as_i64().unwrap() - 1,
            "{b:?}"
        );
    }
}
