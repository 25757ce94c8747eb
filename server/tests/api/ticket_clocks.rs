//! What time does to tickets: SLA warnings and breaches told once to the right people,
//! every breach recorded with when it was met, and resolved tickets closing themselves.
use crate::helpers::*;
use crate::tickets::{detail, log_ticket, patch, say};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

/// (user, kind) of the alerts about one ticket, in id order.
async fn ticket_alerts(app: &TestApp, id: i64) -> Vec<(i64, String)> {
    sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT user_id, kind FROM alerts WHERE entity_type = 'ticket' AND entity_id = {id} ORDER BY id"
    ))
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap()
}

/// How many alerts of `kind` about ticket `id` went to `user`.
pub(crate) async fn alerts_to(app: &TestApp, id: i64, user: i64, kind: &str) -> usize {
    ticket_alerts(app, id)
        .await
        .iter()
        .filter(|(u, k)| *u == user && k == kind)
        .count()
}

pub(crate) async fn tick(app: &TestApp) {
    app::ssr::services::alerts::tick(&app.state.app)
        .await
        .expect("tick");
}

#[tokio::test]
async fn the_assignee_hears_of_a_ticket_then_before_and_at_each_breach_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let agent = app.login("agent1@demo.tandem").await;
        let agent_id = app.user_id("agent1@demo.tandem").await;
        let t = log_ticket(
            &app,
            &admin,
            json!({"subject": "接口调用报错", "priority": "urgent", "assignee_id": agent_id}),
        )
        .await;
        let id = t["id"].as_i64().unwrap();
        tick(&app).await;
        assert_eq!(
            ticket_alerts(&app, id).await,
            vec![(agent_id, "ticket_assigned".to_string())],
            "{b:?}"
        );

        // Urgent: 2 h to answer; warned at 80 % (24 min left), breached at 2 h.
        app.clock.advance(Duration::minutes(95));
        tick(&app).await;
        assert_eq!(ticket_alerts(&app, id).await.len(), 1, "not yet");
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        tick(&app).await;
        let warned = ticket_alerts(&app, id).await;
        assert_eq!(warned[1..], [(agent_id, "ticket_sla_warning".to_string())]);
        app.clock.advance(Duration::minutes(24));
        tick(&app).await;
        tick(&app).await;
        let after = ticket_alerts(&app, id).await;
        let breaches: Vec<&(i64, String)> = after
            .iter()
            .filter(|(_, k)| k == "ticket_sla_breach")
            .collect();
        assert_eq!(breaches[0].0, agent_id, "{b:?}: the assignee first");
        let managers = app
            .count(&format!(
                "SELECT COUNT(*) FROM users m WHERE m.role = 'manager' AND m.active = 1 AND m.id IN ({})",
                breaches.iter().skip(1).map(|(u, _)| u.to_string()).chain(["0".into()]).collect::<Vec<_>>().join(",")
            ))
            .await;
        assert_eq!(
            managers as usize,
            breaches.len() - 1,
            "the copies go to managers"
        );

        // Answered now; then waiting on the customer from 3 h 20 min: the resolution clock
        // (8 h) stands still, so no resolution alert ever comes.
        let r = say(&app, &agent, &t, "您好，正在排查。", false).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        app.clock.advance(Duration::minutes(79));
        let t = detail(&app, &agent, &t["id"]).await["ticket"].clone();
        let r = patch(&app, &agent, &t, json!({"status": "pending"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let before = ticket_alerts(&app, id).await.len();
        app.clock.advance(Duration::hours(10));
        tick(&app).await;
        assert_eq!(
            ticket_alerts(&app, id).await.len(),
            before,
            "{b:?}: paused clocks do not warn"
        );
    }
}

#[tokio::test]
async fn a_resolved_ticket_closes_itself_after_the_admins_days_unless_reopened() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let t = log_ticket(&app, &agent, json!({"subject": "培训安排咨询"})).await;
        let r = patch(&app, &agent, &t, json!({"status": "resolved"})).await;
        let t = json(r).await;
        // Seven days by default.
        app.clock.advance(Duration::days(7) - Duration::minutes(1));
        tick(&app).await;
        // A week on, the agent signs in again.
        let agent = app.login("agent1@demo.tandem").await;
        let d = detail(&app, &agent, &t["id"]).await;
        assert_eq!(d["ticket"]["status"], "resolved", "{b:?}: not yet");
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        let d = detail(&app, &agent, &t["id"]).await;
        assert_eq!(d["ticket"]["status"], "closed", "{b:?}");
        assert!(d["ticket"]["closed_at"].is_string());
        let id = t["id"].as_i64().unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'ticket' AND entity_id = {id} \
                 AND action = 'closed' AND actor_id IS NULL"
            ))
            .await,
            1
        );
        // A reopened one is left alone.
        let t2 = log_ticket(&app, &agent, json!({"subject": "账号权限问题"})).await;
        let t2 = json(patch(&app, &agent, &t2, json!({"status": "resolved"})).await).await;
        app.clock.advance(Duration::days(1));
        let t2 = json(patch(&app, &agent, &t2, json!({"status": "open"})).await).await;
        app.clock.advance(Duration::days(8));
        tick(&app).await;
        let agent = app.login("agent1@demo.tandem").await;
        assert_eq!(
            detail(&app, &agent, &t2["id"]).await["ticket"]["status"],
            "open"
        );
    }
}

#[tokio::test]
async fn every_breach_is_recorded_once_with_when_it_was_met_for_the_kpis() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await; // the engine's first look starts from now
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        // Urgent: first response in 2 h, resolution in 8 h; nobody has taken it.
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(
                &json!({"subject": "生产环境宕机", "customer_id": customer, "priority": "urgent"}),
            )
            .send()
            .await
            .unwrap();
        let id = json(r).await["id"].as_i64().unwrap();
        let breaches = |clock: &'static str| {
            let app = &app;
            async move {
                app.count(&format!(
                    "SELECT COUNT(*) FROM sla_breaches WHERE ticket_id = {id} AND clock = '{clock}'"
                ))
                .await
            }
        };
        app.clock.advance(Duration::minutes(119));
        tick(&app).await;
        assert_eq!(breaches("first_response").await, 0, "{b:?}: not yet due");
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            breaches("first_response").await,
            1,
            "{b:?}: once, unassigned too"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM sla_breaches WHERE ticket_id = {id} AND met_at IS NULL"
            ))
            .await,
            1
        );
        // Answered 40 minutes late: met, and the lateness is kept.
        app.clock.advance(Duration::minutes(39));
        let r = agent
            .post(app.url(&format!("/api/v1/tickets/{id}/messages")))
            .json(&json!({"body": "正在处理", "internal": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(
            app.count(&format!(
                "SELECT met_at - due_at FROM sla_breaches WHERE ticket_id = {id} \
                 AND clock = 'first_response'"
            ))
            .await,
            40 * 60_000,
            "{b:?}"
        );
        assert_eq!(breaches("resolution").await, 0);
        app.clock.advance(Duration::hours(6));
        tick(&app).await;
        assert_eq!(breaches("resolution").await, 1, "{b:?}");
        app.assert_kpi_rollups_kept().await;
    }
}

/// The customer writes by email: a new message, or a reply naming ticket `about`.
async fn customer_writes(app: &TestApp, gateway: &reqwest::Client, n: u32, about: Option<i64>) {
    let subject = match about {
        Some(id) => format!("Re: 发票抬头 [#{id}]"),
        None => "发票抬头".to_string(),
    };
    let raw = format!(
        "From: Zhou Qi <zhou.qi@clocks.example>\r\nTo: support@desk.example\r\nSubject: {subject}\r\n\
Message-ID: <clock-{n}-{}@clocks.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n第{n}封信\r\n",
        app.base.len() as u64 * 1000 + u64::from(n) + app.clock_now().timestamp_millis() as u64
    );
    let r = post_mail(app, gateway, raw).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_customers_new_message_starts_the_next_response_clock_until_the_desk_answers() {
    for b in backends() {
        let app = spawn_app(b).await;
        tick(&app).await;
        let agent = app.login("agent1@demo.tandem").await;
        let agent_id = app.user_id("agent1@demo.tandem").await;
        customer_writes(&app, &agent, 1, None).await;
        let id = app
            .count("SELECT MAX(id) FROM tickets WHERE subject = '发票抬头'")
            .await;
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        // Urgent, the agent's; answered at once: no next response is owed yet.
        let r = patch(
            &app,
            &agent,
            &t,
            json!({"priority": "urgent", "assignee_id": agent_id}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = say(&app, &agent, &t, "您好，请提供公司税号。", false).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert!(t["next_response"].is_null(), "{b:?}: {t}");

        // The customer answers an hour later: 2 h (urgent) to answer again.
        app.clock.advance(Duration::hours(1));
        customer_writes(&app, &agent, 2, Some(id)).await;
        let wrote_at = app.clock_now();
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert_eq!(t["next_response"]["state"], "running", "{b:?}: {t}");
        assert_eq!(t["next_response"]["left_minutes"], 120);
        let due =
            chrono::DateTime::parse_from_rfc3339(t["next_response"]["due_at"].as_str().unwrap())
                .unwrap();
        assert_eq!(due, wrote_at + Duration::hours(2));
        // A second message before the answer does not move the clock.
        app.clock.advance(Duration::minutes(10));
        customer_writes(&app, &agent, 3, Some(id)).await;
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert_eq!(t["next_response"]["left_minutes"], 110, "{b:?}");
        // An internal note is no answer.
        let r = say(&app, &agent, &t, "需要财务确认", true).await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // Warned at 80 % (24 min left), then breached at 2 h: each once, and recorded.
        app.clock.advance(Duration::minutes(87));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            alerts_to(&app, id, agent_id, "ticket_sla_warning").await,
            1,
            "{b:?}"
        );
        assert_eq!(alerts_to(&app, id, agent_id, "ticket_sla_breach").await, 0);
        app.clock.advance(Duration::minutes(30));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            alerts_to(&app, id, agent_id, "ticket_sla_breach").await,
            1,
            "{b:?}"
        );
        let breached = "SELECT COUNT(*) FROM sla_breaches WHERE clock = 'next_response' AND met_at IS NULL AND ticket_id = ";
        assert_eq!(app.count(&format!("{breached}{id}")).await, 1);

        // The answer stops the clock and meets the breach late; the next message starts
        // a new clock.
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        let r = say(&app, &agent, &t, "税号已更新，发票已重开。", false).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert!(t["next_response"].is_null(), "{b:?}: {t}");
        assert_eq!(app.count(&format!("{breached}{id}")).await, 0);
        app.clock.advance(Duration::minutes(5));
        customer_writes(&app, &agent, 4, Some(id)).await;
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert_eq!(t["next_response"]["left_minutes"], 120, "{b:?}");
        // Resolving the ticket owes no further answer.
        let r = patch(&app, &agent, &t, json!({"status": "resolved"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let t = detail(&app, &agent, &json!(id)).await["ticket"].clone();
        assert!(t["next_response"].is_null());
    }
}

#[tokio::test]
async fn office_hours_and_a_holiday_move_the_clocks_and_the_alerts_of_running_tickets() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let agent_id = app.user_id("agent1@demo.tandem").await;
        // Friday 27 November 2026, 17:00 in Beijing.
        app.clock.advance(Duration::days(5) + Duration::hours(3));
        tick(&app).await;
        let t = log_ticket(
            &app,
            &admin,
            json!({"subject": "周五傍晚的故障", "priority": "high", "assignee_id": agent_id}),
        )
        .await;
        let id = t["id"].as_i64().unwrap();
        let due =
            |t: &serde_json::Value| t["first_response"]["due_at"].as_str().unwrap().to_string();
        // Round the clock until an admin says otherwise: 4 h → 21:00.
        assert_eq!(due(&t), "2026-11-27T13:00:00Z", "{b:?}");

        // Office hours Monday to Friday 09:00–18:00 Beijing, Monday 30 November a holiday:
        // 1 h on Friday, then Tuesday 09:00 + 3 h = 12:00 (04:00 UTC). The running ticket is
        // re-timed at once; the setting is versioned.
        let r = admin
            .get(app.url("/api/v1/settings/service-hours"))
            .send()
            .await
            .unwrap();
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let day = json!({"start_minute": 540, "end_minute": 1080});
        let hours = json!({
            "utc_offset_minutes": 480,
            "days": [day, day, day, day, day, null, null],
            "holidays": ["2026-11-30"]
        });
        let r = admin
            .put(app.url("/api/v1/settings/service-hours"))
            .header("if-match", &etag)
            .json(&hours)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let stale = admin
            .put(app.url("/api/v1/settings/service-hours"))
            .header("if-match", &etag)
            .json(&hours)
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let bad = admin
            .put(app.url("/api/v1/settings/service-hours"))
            .json(&json!({"utc_offset_minutes": 480, "days": [{"start_minute": 600, "end_minute": 500}, null, null, null, null, null, null]}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(bad).await.to_string().contains("days"));
        let t = detail(&app, &admin, &json!(id)).await["ticket"].clone();
        assert_eq!(due(&t), "2026-12-01T04:00:00Z", "{b:?}: {t}");

        // Nothing over the weekend and the holiday; warned on Tuesday with 48 min left
        // (11:12), breached at 12:00, each once.
        app.clock
            .advance(Duration::days(3) + Duration::hours(18) + Duration::minutes(11));
        tick(&app).await;
        assert_eq!(
            alerts_to(&app, id, agent_id, "ticket_sla_warning").await,
            0,
            "{b:?}"
        );
        app.clock.advance(Duration::minutes(2));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            alerts_to(&app, id, agent_id, "ticket_sla_warning").await,
            1,
            "{b:?}"
        );
        assert_eq!(alerts_to(&app, id, agent_id, "ticket_sla_breach").await, 0);
        app.clock.advance(Duration::minutes(48));
        tick(&app).await;
        tick(&app).await;
        assert_eq!(
            alerts_to(&app, id, agent_id, "ticket_sla_breach").await,
            1,
            "{b:?}"
        );

        // Tighter targets re-time the resolution clock too.
        let r = admin
            .get(app.url("/api/v1/settings/sla"))
            .send()
            .await
            .unwrap();
        let mut sla = json(r).await;
        sla["high"]["resolution_minutes"] = json!(600);
        let r = admin
            .put(app.url("/api/v1/settings/sla"))
            .json(&sla)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // 10 h of office time: 1 h on Friday, 9 h on Tuesday → Tuesday 18:00, 359 min left.
        let t = detail(&app, &admin, &json!(id)).await["ticket"].clone();
        assert_eq!(
            (&t["resolution"]["due_at"], &t["resolution"]["left_minutes"]),
            (&json!("2026-12-01T10:00:00Z"), &json!(359)),
            "{b:?}: {t}"
        );
    }
}

/// The SLA rules' read of each clock must walk a due-time index for its one-second window,
/// never the open tickets: with many answered and resolved tickets, SQLite's statistics
/// once made `resolved_at IS NULL` look like one row, and every tick read all open tickets
/// through `tickets_resolved_at` (found by the desk benchmark: 8 ms a tick at 10⁶).
#[tokio::test]
async fn the_sla_rules_read_due_time_indexes_not_the_open_tickets() {
    use app::ssr::store::sla::{sla_due_query, SlaClockKind};
    let app = spawn_app(Backend::Sqlite).await;
    app.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) \
         INSERT INTO tickets (subject, status, priority, created_at, updated_at, first_responded_at, \
         resolved_at, first_response_due_at, resolution_due_at) \
         SELECT 'old ' || i, 'closed', 'high', i, i, i + 1, i + 2, i + 3, i + 4 FROM n",
    )
    .await;
    app.exec("ANALYZE").await;
    for clock in SlaClockKind::ALL {
        let q = sla_due_query(1, 2, clock, Some(app::model::TicketPriority::High));
        let text = q
            .text()
            .replace("$1", "1")
            .replace("$2", "2")
            .replace("$3", "'high'");
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {text}"))
                .fetch_all(&app.state.app.db.read)
                .await
                .unwrap();
        let t = plan
            .iter()
            .map(|p| p.3.as_str())
            .find(|d| d.contains(" t ") || d.ends_with(" t"))
            .unwrap_or_default()
            .to_string();
        assert!(
            t.contains("_due_at>?"),
            "{}: the tickets are read as {t:?}, not by a due-time range",
            clock.as_str()
        );
    }
}
