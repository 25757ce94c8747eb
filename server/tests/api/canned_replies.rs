//! Canned replies: the desk's frequent answers, filled in for the ticket at hand.
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

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
