//! A website's support form: its key opens tickets (and nothing else), the sender is
//! matched by email, bots and floods are held off.
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn form_key(app: &TestApp, admin: &reqwest::Client, body: Value) -> String {
    let r = admin
        .post(app.url("/api/v1/lead-forms"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    json(r).await["key"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_support_form_opens_web_tickets_for_the_sender_and_holds_off_bots_and_floods() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let tickets_key = form_key(
            &app,
            &admin,
            json!({"name": "官网支持", "purpose": "tickets"}),
        )
        .await;
        let leads_key = form_key(&app, &admin, json!({"name": "官网咨询"})).await;
        let anon = app.client();
        let post = |path: &'static str, body: Value| anon.post(app.url(path)).json(&body).send();
        let ticket = |key: &str, email: &str, subject: &str| {
            json!({"form_key": key, "name": "赵六", "email": email, "subject": subject,
                   "body": "上传附件时一直提示失败。"})
        };

        // Each key opens only what its form is for.
        let r = post(
            "/api/v1/public/tickets",
            ticket(&leads_key, "zhao@newco.example", "x"),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["form_key"].is_string());
        let r = post(
            "/api/v1/public/leads",
            json!({"form_key": tickets_key, "name": "x", "phone": "13800138000"}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");

        // A stranger: a ticket on the web channel for a new contact (customer for review).
        let r = post(
            "/api/v1/public/tickets",
            ticket(&tickets_key, "Zhao@NewCo.example", "无法上传附件"),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{b:?}");
        let agent = app.login("agent1@demo.tandem").await;
        let queue = json(
            agent
                .get(app.url("/api/v1/tickets?view=unassigned&limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let t = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["subject"] == "无法上传附件")
            .cloned()
            .expect("the form's ticket waits in the unassigned queue");
        assert_eq!(t["channel"], "web");
        let d = json(
            agent
                .get(app.url(&format!("/api/v1/tickets/{}", t["id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(d["messages"][0]["body"], "上传附件时一直提示失败。");
        let contact = app
            .count(&format!(
                "SELECT COUNT(*) FROM contacts WHERE email = 'zhao@newco.example' AND customer_id = {}",
                t["customer_id"]
            ))
            .await;
        assert_eq!(
            contact, 1,
            "{b:?}: the sender's contact, by normalised email"
        );

        // The same person again: their own customer, no second contact.
        let r = post(
            "/api/v1/public/tickets",
            ticket(&tickets_key, "zhao@newco.example", "又失败了"),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM contacts WHERE email = 'zhao@newco.example'")
                .await,
            1
        );

        // Bad fields are named and nothing is kept; a filled honeypot is dropped quietly.
        let before = app.count("SELECT COUNT(*) FROM tickets").await;
        let r = post(
            "/api/v1/public/tickets",
            json!({"form_key": tickets_key, "name": "", "email": "not-an-email",
                   "subject": "", "body": "x"}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for field in ["name", "email", "subject"] {
            assert!(p["errors"][field].is_string(), "{field}: {p}");
        }
        let mut bot = ticket(&tickets_key, "bot@spam.example", "buy now");
        bot["website"] = json!("http://spam.example");
        let r = post("/api/v1/public/tickets", bot).await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM tickets").await,
            before,
            "{b:?}"
        );

        // Five tickets from one address in ten minutes; the sixth waits.
        for i in 0..3 {
            let r = post(
                "/api/v1/public/tickets",
                ticket(&tickets_key, "zhao@newco.example", &format!("第{i}次")),
            )
            .await
            .unwrap();
            assert_eq!(r.status(), StatusCode::ACCEPTED);
        }
        let r = post(
            "/api/v1/public/tickets",
            ticket(&tickets_key, "zhao@newco.example", "第六次"),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{b:?}");
        app.clock.advance(chrono::Duration::minutes(11));
        let r = post(
            "/api/v1/public/tickets",
            ticket(&tickets_key, "zhao@newco.example", "第六次"),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
}
