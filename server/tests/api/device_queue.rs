//! Writes a phone queued without signal and sends when it returns, perhaps twice (a retry,
//! a second tab): each is taken once by the id the device gave it, and one the server can
//! no longer take is refused with its reason.
use crate::helpers::*;
use app::ssr::clock::Clock;
use chrono::{DateTime, Duration, Utc};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

/// The quick-log form as the phone's queue sends it.
async fn send_follow_up(
    app: &TestApp,
    c: &Client,
    customer_id: i64,
    client_id: &str,
    written_at: i64,
) -> Response {
    c.post(app.url("/sfn/log_follow_up"))
        .header("accept", "application/json")
        .form(&[
            ("customer_id", customer_id.to_string()),
            ("kind", "visit".into()),
            ("summary", "在车库里写的".into()),
            ("next", "1d".into()),
            ("client_id", client_id.into()),
            ("written_at", written_at.to_string()),
        ])
        .send()
        .await
        .unwrap()
}

async fn logged_under(app: &TestApp, client_id: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM activities WHERE client_id = '{client_id}'"
    ))
    .await
}

#[tokio::test]
async fn a_follow_up_sent_twice_under_one_client_id_is_logged_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;

        // The REST door: the second sending answers the first one's follow-up.
        let client_id = "01938f2e-7c1a-7b3e-8f00-5a1b2c3d4e5f";
        let body = json!({"customer_id": id, "kind": "call", "summary": "离线记录", "client_id": client_id});
        let first = json(
            rep.post(app.url("/api/v1/activities"))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let again = rep
            .post(app.url("/api/v1/activities"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::CREATED, "{b:?}");
        assert_eq!(json(again).await["id"], first["id"], "{b:?}");
        assert_eq!(logged_under(&app, client_id).await, 1, "{b:?}");

        // Two tabs replaying the same queue at once: one follow-up, both told its id.
        let client_id = "01938f2e-7c1a-7b3e-8f00-000000000002";
        let written = app.clock.now_ms() - 60_000;
        let (a, c) = tokio::join!(
            send_follow_up(&app, &rep, id, client_id, written),
            send_follow_up(&app, &rep, id, client_id, written)
        );
        assert_eq!(
            (a.status(), c.status()),
            (StatusCode::OK, StatusCode::OK),
            "{b:?}"
        );
        assert_eq!(json(a).await["id"], json(c).await["id"], "{b:?}");
        assert_eq!(logged_under(&app, client_id).await, 1, "{b:?}");

        // Someone else's id is not taken over, and an id must be a UUID.
        let other = app.login("rep2@demo.tandem").await;
        let theirs = app.customer_of("rep2@demo.tandem").await;
        let r = send_follow_up(&app, &other, theirs, client_id, written).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert_eq!(logged_under(&app, client_id).await, 1, "{b:?}");
        let r = send_follow_up(&app, &rep, id, "not-a-uuid", written).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(
            format!("{:?}", r.text().await.unwrap()).contains("client_id"),
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn a_queued_follow_up_happened_when_it_was_written() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        // Written two days ago in a lift, "tomorrow" then: sent now, it stands as written
        // (its next step already overdue), not as a visit of today due tomorrow.
        let written = app.clock.now() - Duration::days(2);
        let client_id = "01938f2e-7c1a-7b3e-8f00-000000000003";
        let r = send_follow_up(&app, &rep, id, client_id, written.timestamp_millis()).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let a = json(r).await;
        let occurred: DateTime<Utc> = serde_json::from_value(a["occurred_at"].clone()).unwrap();
        assert_eq!(
            occurred.timestamp_millis(),
            written.timestamp_millis(),
            "{b:?}"
        );
        let next: DateTime<Utc> = serde_json::from_value(a["next_follow_up_at"].clone()).unwrap();
        assert!(next > written && next < app.clock.now(), "{b:?}: {next}");
        // A phone whose clock runs ahead does not log the future.
        let ahead = (app.clock.now() + Duration::hours(3)).timestamp_millis();
        let r = send_follow_up(
            &app,
            &rep,
            id,
            "01938f2e-7c1a-7b3e-8f00-000000000004",
            ahead,
        )
        .await;
        let a = json(r).await;
        assert_eq!(a["occurred_at"], json!(app.clock.now()), "{b:?}");
    }
}

#[tokio::test]
async fn a_queued_follow_up_for_a_customer_handed_over_meanwhile_is_refused_naming_why() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let written = app.clock.now_ms() - 600_000;
        // While the rep's phone had no signal, the manager gave the customer to rep2.
        let manager = app.login("manager1@demo.tandem").await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        let r = manager
            .post(app.url(&format!("/api/v1/customers/{id}/assign")))
            .json(&json!({"owner_id": rep2}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");

        let client_id = "01938f2e-7c1a-7b3e-8f00-000000000005";
        let r = send_follow_up(&app, &rep, id, client_id, written).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{b:?}");
        let refused: Value = r.json().await.unwrap();
        assert_eq!(
            refused,
            json!({"kind": "no_longer_yours", "detail": "customer_reassigned"}),
            "{b:?}"
        );
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": id, "kind": "call", "client_id": client_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{b:?}");
        let problem = problem(r).await;
        assert_eq!(problem["reason"], "customer_reassigned", "{b:?}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("handed to another rep"),
            "{b:?}"
        );
        assert_eq!(logged_under(&app, client_id).await, 0, "{b:?}");
        // Typed on the page with a signal (no client id), it stays the form's error.
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": id, "kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        // A customer that never existed is not "no longer yours".
        let r = send_follow_up(
            &app,
            &rep,
            987_654_321,
            "01938f2e-7c1a-7b3e-8f00-000000000006",
            written,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let never: Value = r.json().await.unwrap();
        // Nor is another rep's customer this rep never held: the answer is the same, so
        // it does not reveal that the customer exists.
        let others = app.customer_of("rep3@demo.tandem").await;
        let r = send_follow_up(
            &app,
            &rep,
            others,
            "01938f2e-7c1a-7b3e-8f00-000000000007",
            written,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert_eq!(r.json::<Value>().await.unwrap(), never, "{b:?}");
    }
}

#[tokio::test]
async fn ticking_off_a_task_again_is_done_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let due = app.clock.now() + Duration::days(1);
        let task = json(
            rep.post(app.url("/api/v1/tasks"))
                .json(&json!({"title": "回电确认报价", "due_at": due}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let finish = || {
            rep.post(app.url("/sfn/finish_task"))
                .header("accept", "application/json")
                .form(&[
                    ("id", task["id"].to_string()),
                    ("version", task["version"].to_string()),
                ])
                .send()
        };
        let first = finish().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{b:?}");
        let first = json(first).await;
        assert!(first["done_at"].is_string(), "{b:?}");
        // The phone sends it again with the version it had: done, not a conflict.
        let again = finish().await.unwrap();
        assert_eq!(again.status(), StatusCode::OK, "{b:?}");
        let again = json(again).await;
        assert_eq!(again["done_at"], first["done_at"], "{b:?}");
        assert_eq!(again["version"], first["version"], "{b:?}");
        // An edit with the old version still is one.
        let r = rep
            .patch(app.url(&format!("/api/v1/tasks/{}", task["id"])))
            .json(&json!({"version": task["version"], "title": "改了"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{b:?}");
    }
}
