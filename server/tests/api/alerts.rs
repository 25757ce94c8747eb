//! The alert engine: every rule fires once, at the right time, for the right people, and
//! not when the condition was met in time. Time moves by the injected clock; the engine
//! is ticked by hand.
use crate::helpers::*;
use app::ssr::clock::Clock;
use chrono::Duration;
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

async fn tick(app: &TestApp) {
    app::ssr::services::alerts::tick(&app.state.app)
        .await
        .expect("tick");
}

/// (user, kind, entity) of every alert, in id order.
async fn all_alerts(app: &TestApp) -> Vec<(i64, String, i64)> {
    sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT user_id, kind, entity_id FROM alerts ORDER BY id",
    )
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap()
}

/// (user, entity) of the alerts of a kind about these records (the demo data has others).
async fn of_kind(app: &TestApp, kind: &str, about: &[i64]) -> Vec<(i64, i64)> {
    all_alerts(app)
        .await
        .into_iter()
        .filter(|(_, k, e)| k == kind && about.contains(e))
        .map(|(u, _, e)| (u, e))
        .collect()
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql)
        .execute(&app.state.app.db.write)
        .await
        .unwrap();
}

#[tokio::test]
async fn follow_up_due_and_overdue_fire_once_and_not_when_logged_in_time() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await; // the first tick only starts the clock of the time rules
        let rep = app.login("rep1@demo.tandem").await;
        let rep_id = app.user_id("rep1@demo.tandem").await;
        let manager = app.user_id("manager1@demo.tandem").await;
        let ids: Vec<i64> = sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM customers WHERE owner_id = {rep_id} ORDER BY id LIMIT 2"
        ))
        .fetch_all(&app.state.app.db.read)
        .await
        .unwrap();
        let (late, kept) = (ids[0], ids[1]);
        let due = app.clock.now_ms() + 2 * 3_600_000;
        exec(
            &app,
            &format!("UPDATE customers SET next_follow_up_at = NULL WHERE owner_id = {rep_id}"),
        )
        .await;
        exec(
            &app,
            &format!("UPDATE customers SET next_follow_up_at = {due} WHERE id IN ({late}, {kept})"),
        )
        .await;

        // An hour in, the rep calls `kept` and sets its next step three days out.
        app.clock.advance(Duration::hours(1));
        tick(&app).await;
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": kept, "kind": "call", "next_follow_up_at": app.clock.now() + Duration::days(3)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);

        app.clock.advance(Duration::minutes(59));
        tick(&app).await;
        assert!(
            of_kind(&app, "follow_up_due", &[late, kept])
                .await
                .is_empty(),
            "{b:?}: not yet"
        );
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "follow_up_due", &[late, kept]).await,
            vec![(rep_id, late)],
            "{b:?}"
        );

        // 24 h later nothing was logged on `late`: the rep and the manager hear.
        app.clock.advance(Duration::hours(23));
        tick(&app).await;
        assert!(of_kind(&app, "follow_up_overdue", &[late, kept])
            .await
            .is_empty());
        app.clock.advance(Duration::hours(1));
        tick(&app).await;
        let overdue = of_kind(&app, "follow_up_overdue", &[late, kept]).await;
        assert_eq!(overdue, vec![(rep_id, late), (manager, late)], "{b:?}");
        // Titles are in the user's language (the demo users read Chinese).
        let title: String = sqlx::query_scalar(&format!(
            "SELECT title FROM alerts WHERE kind = 'follow_up_overdue' AND user_id = {manager}"
        ))
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        assert!(title.contains("逾期"), "{title}");
        // A big jump later, the engine catches up without repeating anything.
        app.clock.advance(Duration::days(2));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "follow_up_due", &[late, kept]).await.len(),
            2,
            "kept is due now"
        );
        assert_eq!(
            of_kind(&app, "follow_up_overdue", &[late, kept])
                .await
                .len(),
            2
        );
    }
}

#[tokio::test]
async fn lead_assignment_sla_warning_and_breach_go_to_the_right_people() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let m1 = app.login("manager1@demo.tandem").await;
        let manager = app.user_id("manager1@demo.tandem").await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        // Two fresh web-form leads, assigned by hand to rep2 (24 h to first contact).
        let mut leads = Vec::new();
        for name in ["甲线索", "乙线索"] {
            let r = m1
                .post(app.url("/api/v1/leads"))
                .json(&json!({"name": name, "company": format!("{name}公司"), "source": "event"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
            let id = json(r).await["id"].as_i64().unwrap();
            let r = m1
                .post(app.url(&format!("/api/v1/leads/{id}/assign")))
                .json(&json!({"owner_id": rep2}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            leads.push(id);
        }
        tick(&app).await;
        let assigned = of_kind(&app, "lead_assigned", &leads).await;
        assert!(assigned.contains(&(rep2, leads[0])) && assigned.contains(&(rep2, leads[1])));
        assert!(assigned.iter().all(|(u, _)| *u == rep2));

        // rep2 calls the second lead in time.
        let rep = app.login("rep2@demo.tandem").await;
        app.clock.advance(Duration::hours(2));
        let r = rep
            .post(app.url(&format!("/api/v1/leads/{}/contact", leads[1])))
            .json(&json!({"kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        // 75% of 24 h = 18 h: a warning for the first lead only.
        app.clock
            .advance(Duration::hours(15) + Duration::minutes(59));
        tick(&app).await;
        assert!(of_kind(&app, "lead_sla_warning", &leads).await.is_empty());
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "lead_sla_warning", &leads).await,
            vec![(rep2, leads[0])],
            "{b:?}"
        );
        // At 24 h: breach, to the rep and their manager; the contacted lead is quiet.
        app.clock.advance(Duration::hours(6));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "lead_sla_breach", &leads).await,
            vec![(rep2, leads[0]), (manager, leads[0])],
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn pool_warning_and_reclaim_stalled_deals_silence_and_tasks() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let rep_id = app.user_id("rep3@demo.tandem").await;
        let manager = app.user_id("manager1@demo.tandem").await;
        let now = app.clock.now_ms();
        let day = 86_400_000i64;
        // Quiet every time rule for rep3's records except the ones set below.
        exec(&app, &format!("UPDATE customers SET next_follow_up_at = NULL, reclaim_at = NULL, last_contact_at = {now} WHERE owner_id = {rep_id}")).await;
        exec(
            &app,
            &format!("UPDATE opportunities SET stage_entered_at = {now} WHERE owner_id = {rep_id}"),
        )
        .await;
        let c: Vec<i64> = sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM customers WHERE owner_id = {rep_id} AND locked = 0 ORDER BY id LIMIT 2"
        ))
        .fetch_all(&app.state.app.db.read)
        .await
        .unwrap();
        // c0 returns to the pool in 5 days; c1 went silent 89 days ago.
        exec(&app, &format!("UPDATE customers SET reclaim_at = {}, reclaim_reason = 'no_follow_up' WHERE id = {}", now + 5 * day, c[0])).await;
        exec(
            &app,
            &format!(
                "UPDATE customers SET last_contact_at = {} WHERE id = {}",
                now - 89 * day,
                c[1]
            ),
        )
        .await;
        // A deal 13 days into "proposal" (limit 21): stalls in 8 days, the manager at 42.
        let deal = app.open_deal_of("rep3@demo.tandem").await;
        exec(&app, &format!("UPDATE opportunities SET stage = 'proposal', stage_entered_at = {} WHERE id = {deal}", now - 13 * day)).await;
        // A manager gives rep3 a task; rep3's own task tells nobody.
        let m1 = app.login("manager1@demo.tandem").await;
        let r = m1
            .post(app.url("/api/v1/tasks"))
            .json(&json!({"title": "准备投标文件", "assignee_id": rep_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let task = json(r).await["id"].as_i64().unwrap();
        let rep = app.login("rep3@demo.tandem").await;
        rep.post(app.url("/api/v1/tasks"))
            .json(&json!({"title": "自己的任务"}))
            .send()
            .await
            .unwrap();
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "task_assigned", &[task]).await,
            vec![(rep_id, task)],
            "{b:?}"
        );

        app.clock.advance(Duration::days(1) + Duration::minutes(1));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "silent_customer", &c).await,
            vec![(rep_id, c[1])]
        );
        assert!(of_kind(&app, "pool_reclaim_warning", &c).await.is_empty());
        app.clock.advance(Duration::days(1));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "pool_reclaim_warning", &c).await,
            vec![(rep_id, c[0])],
            "3 days before"
        );
        app.clock.advance(Duration::days(3));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "pool_reclaimed", &c).await,
            vec![(rep_id, c[0])],
            "{b:?}"
        );
        assert!(of_kind(&app, "stage_stalled", &[deal]).await.is_empty());
        app.clock.advance(Duration::days(3));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "stage_stalled", &[deal]).await,
            vec![(rep_id, deal)]
        );
        app.clock.advance(Duration::days(21));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "stage_stalled", &[deal]).await,
            vec![(rep_id, deal), (manager, deal)],
            "the manager at twice the limit"
        );
        // Nothing fired twice across all of it.
        let all: Vec<_> = all_alerts(&app)
            .await
            .into_iter()
            .filter(|(_, _, e)| c.contains(e) || *e == deal || *e == task)
            .collect();
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }
}

#[tokio::test]
async fn post_sale_check_and_renewal_due() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let rep_id = app.user_id("rep4@demo.tandem").await;
        let now = app.clock.now_ms();
        let day = 86_400_000i64;
        let deal = app.open_deal_of("rep4@demo.tandem").await;
        let customer: i64 = sqlx::query_scalar(&format!(
            "SELECT customer_id FROM opportunities WHERE id = {deal}"
        ))
        .fetch_one(&app.state.app.db.read)
        .await
        .unwrap();
        // Won six days ago, nothing logged since.
        exec(&app, &format!("UPDATE opportunities SET stage = 'won', won_at = {}, stage_entered_at = {} WHERE id = {deal}", now - 6 * day, now - 6 * day)).await;
        exec(
            &app,
            &format!(
                "UPDATE customers SET last_contact_at = {} WHERE id = {customer}",
                now - 7 * day
            ),
        )
        .await;
        exec(&app, &format!("UPDATE opportunities SET stage = 'lost', lost_reason = 'x' WHERE customer_id = {customer} AND stage NOT IN ('won')")).await;
        // A contract ending 61 local days from now, with no open deal to renew it.
        let end = (app.clock.now() + Duration::hours(8) + Duration::days(61))
            .format("%Y-%m-%d")
            .to_string();
        exec(
            &app,
            &format!("UPDATE contracts SET end_date = '2099-01-01' WHERE customer_id = {customer}"),
        )
        .await;
        exec(&app, &format!(
            "INSERT INTO contracts (customer_id, amount_minor, start_date, end_date, approval_status, owner_id, created_at, updated_at) \
             VALUES ({customer}, 100000, '2026-01-01', '{end}', 'approved', {rep_id}, {now}, {now})"
        )).await;
        app.clock.advance(Duration::days(1) + Duration::minutes(1));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "post_sale_check", &[deal]).await,
            vec![(rep_id, deal)],
            "{b:?}"
        );
        assert_eq!(
            of_kind(&app, "renewal_due", &[customer]).await.len(),
            1,
            "{b:?}"
        );
        assert_eq!(of_kind(&app, "renewal_due", &[customer]).await[0].0, rep_id);
        app.clock.advance(Duration::days(2));
        tick(&app).await;
        assert_eq!(
            of_kind(&app, "renewal_due", &[customer]).await.len(),
            1,
            "once"
        );
    }
}

#[tokio::test]
async fn the_alert_centre_lists_unread_first_and_reads_on_every_device() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let rep_id = app.user_id("rep1@demo.tandem").await;
        let m1 = app.login("manager1@demo.tandem").await;
        for title in ["一", "二", "三"] {
            m1.post(app.url("/api/v1/tasks"))
                .json(&json!({"title": title, "assignee_id": rep_id}))
                .send()
                .await
                .unwrap();
        }
        // Two devices of rep1 on the websocket, one saying it saw nothing yet.
        let rep = app.login("rep1@demo.tandem").await;
        let cookie = app.session_cookie("rep1@demo.tandem").await;
        let mut phone = app.ws(&cookie).await;
        let mut desk = app.ws(&cookie).await;
        for ws in [&mut phone, &mut desk] {
            ws.send(Message::Text(
                json!({"type": "hello", "after": 0}).to_string().into(),
            ))
            .await
            .unwrap();
            let w = next_json(ws).await;
            assert_eq!(w["type"], "welcome", "{b:?}");
        }
        tick(&app).await;
        let mut live = Vec::new();
        for _ in 0..3 {
            let m = next_task_alert(&mut phone).await;
            live.push(m["alert"]["id"].as_i64().unwrap());
            assert_eq!(
                next_task_alert(&mut desk).await["alert"]["id"],
                m["alert"]["id"]
            );
        }
        // The REST list: unread first; read one on the desk, the phone is told.
        let page = json(
            rep.get(app.url("/api/v1/alerts?limit=2"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        let r = rep
            .post(app.url(&format!("/api/v1/alerts/{}/read", live[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let m = next_of(&mut phone, "read").await;
        assert_eq!(m, json!({"type": "read", "ids": [live[0]]}));
        let page = json(
            rep.get(app.url("/api/v1/alerts?limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(
            items.last().unwrap()["id"],
            live[0],
            "read ones after unread ones"
        );
        let unread = json(
            rep.get(app.url("/api/v1/alerts/unread"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(unread["unread"].as_i64().unwrap(), items.len() as i64 - 1);
        // Someone else's alert is not there for them.
        let r = m1
            .post(app.url(&format!("/api/v1/alerts/{}/read", live[1])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = rep
            .post(app.url("/api/v1/alerts/read-all"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["unread"], 0);
        assert_eq!(next_of(&mut desk, "read").await["ids"], json!([live[0]]));
        next_of(&mut desk, "read_all").await;
        // A device reconnecting with its last id gets only what came after.
        let mut again = app.ws(&cookie).await;
        again
            .send(Message::Text(
                json!({"type": "hello", "after": live[1]})
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        assert_eq!(next_json(&mut again).await["unread"], 0);
        assert_eq!(next_task_alert(&mut again).await["alert"]["id"], live[2]);
        // Bad input is named.
        let r = rep
            .get(app.url("/api/v1/alerts?kind=nope"))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["kind"].is_string());
        let anon = app.client().get(app.url("/ws")).send().await.unwrap();
        assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    }
}

/// The next message of this type, skipping others (the demo data makes alerts too).
async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == kind {
            return m;
        }
    }
}

async fn next_task_alert(ws: &mut Ws) -> Value {
    loop {
        let m = next_of(ws, "alert").await;
        if m["alert"]["kind"] == "task_assigned" {
            return m;
        }
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .expect("open")
            .expect("ok");
        if let Message::Text(t) = m {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

impl TestApp {
    /// The session cookie (`name=value`) of a fresh sign-in.
    pub async fn session_cookie(&self, email: &str) -> String {
        let r = reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        set.split(';').next().unwrap().to_string()
    }

    pub async fn ws(&self, cookie: &str) -> Ws {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/ws", self.base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        tokio_tungstenite::connect_async(req)
            .await
            .expect("websocket")
            .0
    }
}
