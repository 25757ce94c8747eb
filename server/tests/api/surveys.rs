//! Satisfaction: a resolved ticket emails its contact a CSAT link (through a real SMTP
//! server); the link opens without signing in, takes one answer, and a low score tells the
//! assignee, the customer's owner and their manager once. An admin's NPS survey reaches
//! every contact with an address; links expire.
use crate::helpers::*;
use app::ssr::services::mail_out::deliver_due;
use mail_parser::MessageParser;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn tick(app: &TestApp) {
    app::ssr::services::alerts::tick(&app.state.app)
        .await
        .unwrap();
}

/// A contact with an email at rep1's customer, and the customer.
async fn reachable_contact(app: &TestApp, rep: &Client, email: &str) -> (i64, i64) {
    let customer = app.customer_of("rep1@demo.tandem").await;
    let r = rep
        .post(app.url("/api/v1/contacts"))
        .json(&json!({"customer_id": customer, "name": "韩梅梅", "email": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    (customer, json(r).await["id"].as_i64().unwrap())
}

/// The survey links in the mail the SMTP server has received.
fn links_in(smtp: &SmtpSink, path: &str) -> Vec<String> {
    smtp.received()
        .iter()
        .filter_map(|raw| MessageParser::default().parse(raw))
        .filter_map(|m| m.body_text(0).map(|b| b.to_string()))
        .flat_map(|body| {
            body.split_whitespace()
                .filter(|w| w.contains(path))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn answer(link: &str, score: &str, comment: &str) -> (StatusCode, String) {
    let r = Client::new()
        .post(link)
        .header("accept-language", "zh-CN")
        .form(&[("score", score), ("comment", comment)])
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_resolved_ticket_asks_for_csat_once_and_a_low_score_tells_the_people_behind_it() {
    for b in backends() {
        let (smtp, app) = spawn_app_with_smtp(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let agent = app.login("agent1@demo.tandem").await;
        let agent_id = app.user_id("agent1@demo.tandem").await;
        let (customer, contact) = reachable_contact(&app, &rep, "meimei@customer.example").await;
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(&json!({"subject": "打印机连不上", "customer_id": customer,
                          "contact_id": contact, "assignee_id": agent_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let ticket = json(r).await;
        let id = ticket["id"].as_i64().unwrap();
        let r = agent
            .patch(app.url(&format!("/api/v1/tickets/{id}")))
            .json(&json!({"version": ticket["version"], "status": "resolved"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        deliver_due(&app.state.app).await.unwrap();
        let links = links_in(&smtp, "/csat/");
        assert_eq!(links.len(), 1, "{b:?}: one CSAT link, to the contact");
        let link = &links[0];
        assert!(link.starts_with(&app.base), "{link}");

        // The link opens without signing in, in the customer's language.
        let page = Client::new()
            .get(link)
            .header("accept-language", "zh-CN")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("满意度") && html.contains("打印机连不上"),
            "{html}"
        );

        // A score off the scale is named and nothing is kept; then one answer counts.
        let (s, html) = answer(link, "9", "太慢了").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(html.contains("评分") && html.contains("1 到 5"), "{html}");
        assert!(html.contains("太慢了"), "the comment is kept: {html}");
        let (s, html) = answer(link, "2", "太慢了").await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {html}");
        assert!(html.contains(r#"data-score="2""#));
        let (s, html) = answer(link, "5", "").await;
        assert_eq!(s, StatusCode::CONFLICT, "{b:?}: single use");
        assert!(html.contains(r#"data-score="2""#), "{html}");

        let d = json(
            agent
                .get(app.url(&format!("/api/v1/tickets/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(d["ticket"]["csat"], 2, "{b:?}");
        let answers = json(
            rep.get(app.url(&format!("/api/v1/customers/{customer}/surveys")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answers[0]["score"], 2);
        assert_eq!(answers[0]["kind"], "csat");
        assert_eq!(answers[0]["comment"], "太慢了");
        assert_eq!(answers[0]["contact_id"], contact);

        // The low score: the assignee, the customer's owner and the owner's manager, once.
        tick(&app).await;
        tick(&app).await;
        for who in ["agent1", "rep1", "manager1"] {
            let user = app.user_id(&format!("{who}@demo.tandem")).await;
            assert_eq!(
                app.count(&format!(
                    "SELECT COUNT(*) FROM alerts WHERE kind = 'low_csat' AND user_id = {user}"
                ))
                .await,
                1,
                "{b:?}: {who}"
            );
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM alerts WHERE kind = 'low_csat'")
                .await,
            3,
            "{b:?}: nobody else"
        );
        let alerts = json(
            rep.get(app.url("/api/v1/alerts?kind=low_csat"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let alert = &alerts["items"][0];
        assert!(alert["title"].as_str().unwrap().contains("2/5"), "{alert}");
        assert_eq!(alert["entity"]["id"], id);
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn a_good_score_tells_nobody_and_an_expired_link_is_gone() {
    for b in backends() {
        let (smtp, app) = spawn_app_with_smtp(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let admin = app.login("admin@demo.tandem").await;
        let (customer, _) = reachable_contact(&app, &rep, "a@customer.example").await;
        reachable_contact(&app, &rep, "b@customer.example").await;

        // Only admins send NPS surveys; every contact with an address gets one.
        let r = rep
            .post(app.url("/api/v1/surveys/nps"))
            .json(&json!({"customer_ids": [customer]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = admin
            .post(app.url("/api/v1/surveys/nps"))
            .json(&json!({"customer_ids": [customer]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let sent: Value = json(r).await;
        let with_email = app
            .count(&format!(
                "SELECT COUNT(*) FROM contacts WHERE email IS NOT NULL AND deleted_at IS NULL \
                 AND customer_id = {customer}"
            ))
            .await;
        assert_eq!(sent["sent"], with_email, "{b:?}");
        deliver_due(&app.state.app).await.unwrap();
        let links = links_in(&smtp, "/nps/");
        assert_eq!(links.len() as i64, with_email);

        let (s, _) = answer(&links[0], "10", "很好用").await;
        assert_eq!(s, StatusCode::OK, "{b:?}");
        tick(&app).await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM alerts WHERE kind = 'low_csat'")
                .await,
            0
        );
        let answers = json(
            rep.get(app.url(&format!("/api/v1/customers/{customer}/surveys")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answers[0]["kind"], "nps");
        assert_eq!(answers[0]["score"], 10);

        // The admin's link time (14 days) passes: the unanswered links are gone.
        app.clock.advance(chrono::Duration::days(15));
        let r = Client::new().get(&links[1]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b:?}");
        let (s, _) = answer(&links[1], "3", "").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let r = Client::new()
            .get(app.url("/csat/not-a-token"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}
