//! The service desk's tickets: logging, the SLA clocks, the lifecycle, assignment, the
//! conversation, the queue; on both databases, time moved by the test clock.
use crate::helpers::*;
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

pub(crate) async fn log_ticket(app: &TestApp, agent: &Client, body: Value) -> Value {
    let r = agent
        .post(app.url("/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    json(r).await
}

pub(crate) async fn detail(app: &TestApp, c: &Client, id: &Value) -> Value {
    let r = c
        .get(app.url(&format!("/api/v1/tickets/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

pub(crate) async fn patch(app: &TestApp, c: &Client, t: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = t["version"].clone();
    c.patch(app.url(&format!("/api/v1/tickets/{}", t["id"])))
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn say(
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
        app.assert_kpi_rollups_kept().await;
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

#[tokio::test]
async fn a_duplicate_merged_into_another_ticket_moves_its_conversation_and_is_closed() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let first = log_ticket(
            &app,
            &agent,
            json!({"customer_id": customer, "subject": "打印机无法连接", "body": "早上开始连不上"}),
        )
        .await;
        let dup = log_ticket(
            &app,
            &agent,
            json!({"customer_id": customer, "subject": "打印机又坏了", "body": "同事也说连不上"}),
        )
        .await;
        let merge = |t: &Value, body: Value| {
            let url = app.url(&format!("/api/v1/tickets/{}/merge", t["id"]));
            let c = agent.clone();
            async move { c.post(url).json(&body).send().await.unwrap() }
        };
        // Refused by name: itself, a ticket that does not exist; a stale version is 409.
        let r = merge(&dup, json!({"version": dup["version"], "into": dup["id"]})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await.to_string().contains("into"));
        let r = merge(&dup, json!({"version": dup["version"], "into": 99_999_999})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = merge(&dup, json!({"version": 0, "into": first["id"]})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);

        let r = merge(
            &dup,
            json!({"version": dup["version"], "into": first["id"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let into = json(r).await;
        let bodies: Vec<&str> = into["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert!(
            bodies.contains(&"早上开始连不上") && bodies.contains(&"同事也说连不上"),
            "{bodies:?}"
        );
        assert!(
            bodies
                .iter()
                .any(|b| b.contains(&format!("#{}", dup["id"]))),
            "a note says so"
        );
        let gone = detail(&app, &agent, &dup["id"]).await;
        assert_eq!(gone["ticket"]["status"], "closed");
        assert_eq!(gone["ticket"]["merged_into_id"], first["id"]);
        assert_eq!(
            gone["messages"].as_array().unwrap().len(),
            1,
            "only the note stays"
        );
        // Merged once: again is refused, and nothing merges into the closed duplicate.
        let r = merge(
            &gone["ticket"],
            json!({"version": gone["ticket"]["version"], "into": first["id"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let again = detail(&app, &agent, &first["id"]).await["ticket"].clone();
        let r = merge(
            &again,
            json!({"version": again["version"], "into": dup["id"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // The customer answering the duplicate's email joins the ticket it went into.
        let contact = app.contact_of(customer).await;
        let email: String =
            sqlx::query_scalar(&format!("SELECT email FROM contacts WHERE id = {contact}"))
                .fetch_one(&app.state.app.db.read)
                .await
                .unwrap();
        let raw = format!(
            "From: {email}\r\nTo: support@desk.example\r\nSubject: Re: 打印机又坏了 [#{}]\r\n\
Message-ID: <merged-{}@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n还是不行\r\n",
            dup["id"], dup["id"]
        );
        let r = post_mail(&app, &agent, raw).await;
        let got = json(r).await;
        assert_eq!(
            (&got["outcome"], &got["ticket_id"]),
            (&json!("replied"), &first["id"]),
            "{b:?}: {got}"
        );
        // A rep never merges.
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url(&format!("/api/v1/tickets/{}/merge", again["id"])))
            .json(&json!({"version": again["version"], "into": dup["id"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        app.assert_kpi_rollups_kept().await;
    }
}
