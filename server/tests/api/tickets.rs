//! The service desk's tickets: logging, the SLA clocks, the lifecycle, assignment, the
//! conversation, the queue; on both databases, time moved by the test clock.
use crate::helpers::*;
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn log_ticket(app: &TestApp, agent: &Client, body: Value) -> Value {
    let r = agent
        .post(app.url("/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    json(r).await
}

async fn detail(app: &TestApp, c: &Client, id: &Value) -> Value {
    let r = c
        .get(app.url(&format!("/api/v1/tickets/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

async fn patch(app: &TestApp, c: &Client, t: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = t["version"].clone();
    c.patch(app.url(&format!("/api/v1/tickets/{}", t["id"])))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn say(
    app: &TestApp,
    c: &Client,
    t: &Value,
    body: &str,
    internal: bool,
) -> reqwest::Response {
    c.post(app.url(&format!("/api/v1/tickets/{}/messages", t["id"])))
        .json(&json!({"body": body, "internal": internal}))
        .send()
        .await
        .unwrap()
}

fn at(app: &TestApp, minutes: i64) -> String {
    (app.clock_now() + Duration::minutes(minutes))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn a_call_logged_and_answered_meets_its_first_response_clock() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let t = log_ticket(
            &app,
            &agent,
            json!({"customer_id": customer, "subject": "系统无法登录", "body": "客户来电：全员无法登录",
                   "priority": "urgent", "category": "technical"}),
        )
        .await;
        assert_eq!(t["status"], "new");
        assert_eq!(t["channel"], "phone");
        assert_eq!(t["first_response"]["state"], "running", "{b:?} {t}");
        // Urgent: 2 h to answer, 8 h to solve, round the clock by default.
        assert_eq!(t["first_response"]["due_at"], at(&app, 120));
        assert_eq!(t["resolution"]["due_at"], at(&app, 480));

        app.clock.advance(Duration::minutes(90));
        let r = say(&app, &agent, &t, "内部：已联系运维", true).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let d = json(r).await;
        assert_eq!(
            d["ticket"]["first_response"]["state"], "running",
            "a note answers nobody"
        );
        assert_eq!(d["ticket"]["status"], "new");
        let r = say(
            &app,
            &agent,
            &t,
            "您好，我们正在处理，预计一小时内恢复。",
            false,
        )
        .await;
        let d = json(r).await;
        assert_eq!(d["ticket"]["status"], "open");
        assert_eq!(d["ticket"]["first_response"]["state"], "met");
        assert_eq!(d["ticket"]["first_response"]["left_minutes"], 30);
        let messages = d["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 3);
        assert!(
            messages[0]["author_id"].is_null(),
            "the customer's words open it"
        );
        assert_eq!(messages[1]["internal"], true);
        assert_eq!(messages[2]["internal"], false);
        assert_eq!(messages[2]["author_name"], "吴芳 Wu Fang");

        // Every change is audited with its outbox event.
        let id = t["id"].as_i64().unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'ticket' AND entity_id = {id}"
            ))
            .await,
            3
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'ticket.replied' AND entity_id = {id}"
            ))
            .await,
            1
        );
    }
}

#[tokio::test]
async fn pending_stops_the_resolution_clock_and_reopening_starts_it_where_it_stood() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let t = log_ticket(
            &app,
            &agent,
            json!({"customer_id": customer, "subject": "发票抬头错误", "priority": "urgent", "category": "billing"}),
        )
        .await;
        app.clock.advance(Duration::minutes(120));
        let r = patch(&app, &agent, &t, json!({"status": "pending"})).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let t = json(r).await;
        assert_eq!(t["resolution"]["state"], "paused");
        assert!(t["resolution"]["due_at"].is_null());
        // Ten hours waiting on the customer cost nothing.
        app.clock.advance(Duration::hours(10));
        let t = detail(&app, &agent, &t["id"]).await["ticket"].clone();
        assert_eq!(t["resolution"]["left_minutes"], 360);
        let r = patch(&app, &agent, &t, json!({"status": "open"})).await;
        let t = json(r).await;
        assert_eq!(t["resolution"]["state"], "running");
        assert_eq!(t["resolution"]["due_at"], at(&app, 360));
        // The first response was never given: that clock ran on and is breached.
        assert_eq!(t["first_response"]["state"], "breached");

        // The queue's breached view holds it; after the resolution runs out too, still.
        let breached = |c: Client| {
            let url = app.url("/api/v1/tickets?view=breached");
            async move { json(c.get(url).send().await.unwrap()).await }
        };
        let list = breached(agent.clone()).await;
        assert!(list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == t["id"]));
        app.clock.advance(Duration::minutes(361));
        let t = detail(&app, &agent, &t["id"]).await["ticket"].clone();
        assert_eq!(t["resolution"]["state"], "breached");
        assert_eq!(t["resolution"]["left_minutes"], -1);

        // Resolving stops it; a reopen starts it again.
        let r = patch(&app, &agent, &t, json!({"status": "resolved"})).await;
        let t = json(r).await;
        assert_eq!(t["status"], "resolved");
        assert!(t["resolved_at"].is_string());
        let r = patch(&app, &agent, &t, json!({"status": "closed"})).await;
        let t = json(r).await;
        assert!(t["closed_at"].is_string());
        let r = patch(&app, &agent, &t, json!({"status": "open"})).await;
        let t = json(r).await;
        assert!(t["resolved_at"].is_null() && t["closed_at"].is_null());
    }
}

#[tokio::test]
async fn the_lifecycle_and_assignment_refuse_what_they_do_not_allow() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let t = log_ticket(&app, &agent, json!({"subject": "咨询续费价格"})).await;
        assert_eq!(t["priority"], "normal");
        assert_eq!(t["category"], "inquiry");

        let r = patch(&app, &agent, &t, json!({"status": "closed"})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let p = problem(r).await;
        assert_eq!(p["codes"]["status"]["code"], "ticket_transition", "{p}");
        assert_eq!(p["errors"]["status"], "a new ticket cannot become closed");

        let rep = app.user_id("rep1@demo.tandem").await;
        let r = patch(&app, &agent, &t, json!({"assignee_id": rep})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problem(r).await["errors"]["assignee_id"],
            "choose an active agent"
        );

        let other = app.user_id("agent2@demo.tandem").await;
        let r = patch(&app, &agent, &t, json!({"assignee_id": other})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let moved = json(r).await;
        assert_eq!(moved["assignee_id"], other);
        let id = t["id"].as_i64().unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'ticket.assigned' AND entity_id = {id}"
            ))
            .await,
            1
        );
        // The version read before the assignment is stale now: 409 with the ticket as it is.
        let r = patch(&app, &agent, &t, json!({"priority": "high"})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(problem(r).await["current"]["assignee_id"], other);
        // Back to the queue.
        let r = patch(&app, &agent, &moved, json!({"assignee_id": null})).await;
        assert!(json(r).await["assignee_id"].is_null());

        // Bad input names its field; nothing is written.
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(&json!({"subject": " ", "priority": "asap", "channel": "fax"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for f in ["subject", "priority", "channel"] {
            assert!(p["errors"][f].is_string(), "{f}: {p}");
        }
        let r = say(&app, &agent, &t, "", false).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_rep_reads_the_service_history_of_their_customer_and_answers_none() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let t = log_ticket(
            &app,
            &agent,
            json!({"customer_id": customer, "subject": "对服务响应慢不满", "category": "complaint"}),
        )
        .await;
        let list = json(
            rep.get(app.url(&format!("/api/v1/tickets?view=all&customer_id={customer}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == t["id"]),
            "{b:?}"
        );
        assert_eq!(
            detail(&app, &rep, &t["id"]).await["ticket"]["subject"],
            "对服务响应慢不满"
        );
        assert_eq!(
            say(&app, &rep, &t, "我来回复", false).await.status(),
            StatusCode::FORBIDDEN
        );
        // On the customer's timeline too.
        let timeline = json(
            rep.get(app.url(&format!("/api/v1/customers/{customer}/timeline")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "ticket" && i["id"] == t["id"]));
    }
}

#[tokio::test]
async fn the_queue_pages_by_next_deadline_without_repeating_a_ticket() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        // Logged in this order, due in the opposite one: low (48 h), normal (24 h), high
        // (4 h), urgent (2 h), an hour apart.
        let mut mine = Vec::new();
        for priority in ["low", "normal", "high", "urgent"] {
            let t = log_ticket(
                &app,
                &agent,
                json!({"subject": format!("{priority} 工单"), "priority": priority}),
            )
            .await;
            mine.push(t["id"].as_i64().unwrap());
            app.clock.advance(Duration::hours(1));
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = "/api/v1/tickets?view=open&limit=7".to_string();
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = json(agent.get(app.url(&url)).send().await.unwrap()).await;
            for t in page["items"].as_array().unwrap() {
                assert!(["new", "open", "pending"].contains(&t["status"].as_str().unwrap()));
                seen.push(t["id"].as_i64().unwrap());
            }
            cursor = page["next_cursor"].as_str().map(str::to_string);
            if cursor.is_none() {
                break;
            }
        }
        let ours: Vec<i64> = seen
            .iter()
            .copied()
            .filter(|id| mine.contains(id))
            .collect();
        mine.reverse();
        assert_eq!(ours, mine, "{b:?}: soonest deadline first");
        let open = app
            .count("SELECT COUNT(*) FROM tickets WHERE status IN ('new','open','pending') AND deleted_at IS NULL")
            .await;
        assert_eq!(seen.len() as i64, open);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len() as i64, open, "a ticket shown twice");
    }
}

/// (user, kind) of the alerts about one ticket, in id order.
async fn ticket_alerts(app: &TestApp, id: i64) -> Vec<(i64, String)> {
    sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT user_id, kind FROM alerts WHERE entity_type = 'ticket' AND entity_id = {id} ORDER BY id"
    ))
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap()
}

async fn tick(app: &TestApp) {
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
    }
}

#[tokio::test]
async fn canned_replies_are_filled_in_for_the_ticket_and_its_agent() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = agent
            .post(app.url("/api/v1/canned-replies"))
            .json(&json!({"title": "催促补充", "body": "{{contact}}您好，关于{{ticket}}「{{subject}}」({{customer}})，请补充截图。\n—{{agent}}"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let r = rep
            .post(app.url("/api/v1/canned-replies"))
            .json(&json!({"title": "x", "body": "y"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let customer = app.customer_of("rep1@demo.tandem").await;
        let contact = app.contact_of(customer).await;
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(&json!({"subject": "报表打不开", "customer_id": customer, "contact_id": contact}))
            .send()
            .await
            .unwrap();
        let t = json(r).await;
        let id = t["id"].as_i64().unwrap();
        let filled = json(
            agent
                .get(app.url(&format!("/api/v1/tickets/{id}/canned-replies")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let reply = filled
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["title"] == "催促补充")
            .unwrap();
        let contact_name = json(
            agent
                .get(app.url(&format!("/api/v1/contacts/{contact}")))
                .send()
                .await
                .unwrap(),
        )
        .await["name"]
            .as_str()
            .unwrap()
            .to_string();
        let body = reply["body"].as_str().unwrap();
        assert!(body.starts_with(&format!("{contact_name}您好")), "{body}");
        assert!(body.contains(&format!("#{id}「报表打不开」")), "{body}");
        assert!(
            body.contains(t["customer_name"].as_str().unwrap()),
            "{body}"
        );
        assert!(body.ends_with("—吴芳 Wu Fang"), "{b:?}: {body}");
        assert!(!body.contains("{{"), "{body}");
    }
}
