//! The knowledge base: written by agents, found in Chinese and English, read by whom its
//! visibility allows (drafts by writers, internal by the team, public on /help too), and
//! made from a resolved ticket in one step.
use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn found(app: &TestApp, c: &Client, q: &str, id: i64) -> bool {
    let r = c
        .get(app.url(&format!("/api/v1/articles?q={}", urlencode(q))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == id)
}

async fn help(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = app
        .client()
        .get(app.url(path))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn patch(app: &TestApp, c: &Client, id: i64, body: Value) -> reqwest::Response {
    c.patch(app.url(&format!("/api/v1/articles/{id}")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn articles_are_found_in_chinese_and_english_by_whoever_may_read_them() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        let new = json!({"title": "打印机无法连接怎么办", "category": "技术", "tags": ["打印机"],
                         "body": "先重启打印机，再检查网线。Printer offline: restart it first."});
        let r = rep
            .post(app.url("/api/v1/articles"))
            .json(&new)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "{b:?}: reps read, agents write"
        );
        let r = agent
            .post(app.url("/api/v1/articles"))
            .json(&new)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let a = json(r).await;
        let id = a["id"].as_i64().unwrap();
        assert_eq!(a["visibility"], "draft");

        // A draft: its writers find it; the team and the help page do not.
        assert!(found(&app, &agent, "打印机", id).await, "{b:?}");
        assert!(!found(&app, &rep, "打印机", id).await);
        let r = rep
            .get(app.url(&format!("/api/v1/articles/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let (s, html) = help(&app, "/help?q=打印机").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!html.contains("打印机无法连接怎么办"), "{html}");
        assert_eq!(
            help(&app, &format!("/help/{id}")).await.0,
            StatusCode::NOT_FOUND
        );

        // Published: by words in either language, by part of a Chinese phrase, by tag.
        let r = patch(
            &app,
            &agent,
            id,
            json!({"version": 1, "visibility": "public"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let r = patch(&app, &agent, id, json!({"version": 1, "title": "旧版本"})).await;
        assert_eq!(
            r.status(),
            StatusCode::CONFLICT,
            "{b:?}: a stale edit is refused"
        );
        for q in [
            "打印机",
            "无法连接",
            "打印",
            "printer",
            "print",
            "OFFLINE",
            "网线",
        ] {
            assert!(found(&app, &rep, q, id).await, "{b:?}: {q}");
        }
        for q in ["传真机", "scanner"] {
            assert!(!found(&app, &rep, q, id).await, "{b:?}: {q}");
        }
        let (s, html) = help(&app, "/help?q=无法连接").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("打印机无法连接怎么办"), "{b:?}: {html}");
        assert!(html.contains("帮助中心"), "in the reader's language");
        let (s, html) = help(&app, &format!("/help/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("先重启打印机"));

        // Internal: the team's only.
        let r = patch(
            &app,
            &agent,
            id,
            json!({"version": 2, "visibility": "internal"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            help(&app, &format!("/help/{id}")).await.0,
            StatusCode::NOT_FOUND
        );
        assert!(found(&app, &rep, "打印机", id).await);

        // Bad fields are named, nothing is kept.
        let r = agent
            .post(app.url("/api/v1/articles"))
            .json(&json!({"title": "", "body": " ", "visibility": "secret"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["visibility"].is_string());
        let r = agent
            .post(app.url("/api/v1/articles"))
            .json(&json!({"title": "", "body": " "}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        assert!(p["errors"]["title"].is_string() && p["errors"]["body"].is_string());
    }
}

#[tokio::test]
async fn a_resolved_ticket_becomes_a_draft_article_in_one_step() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let r = agent
            .post(app.url("/api/v1/tickets"))
            .json(&json!({"subject": "发票抬头要改", "customer_id": customer,
                          "body": "抬头应为上海启航科技有限公司。"}))
            .send()
            .await
            .unwrap();
        let t = json(r).await;
        let id = t["id"].as_i64().unwrap();
        let write_up = || {
            agent
                .post(app.url(&format!("/api/v1/tickets/{id}/article")))
                .send()
        };
        assert_eq!(
            write_up().await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b:?}: not before it is resolved"
        );
        for (body, internal) in [("只在内部说的话", true), ("已为您重开发票。", false)]
        {
            agent
                .post(app.url(&format!("/api/v1/tickets/{id}/messages")))
                .json(&json!({"body": body, "internal": internal}))
                .send()
                .await
                .unwrap();
        }
        let d = json(
            agent
                .get(app.url(&format!("/api/v1/tickets/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let r = agent
            .patch(app.url(&format!("/api/v1/tickets/{id}")))
            .json(&json!({"version": d["ticket"]["version"], "status": "resolved"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = write_up().await.unwrap();
        let status = r.status();
        let a = json(r).await;
        assert_eq!(status, StatusCode::CREATED, "{b:?}: {a}");
        assert_eq!(a["visibility"], "draft");
        assert_eq!(a["source_ticket_id"], id);
        assert_eq!(a["title"], "发票抬头要改");
        let body = a["body"].as_str().unwrap();
        assert!(body.contains("上海启航科技有限公司") && body.contains("已为您重开发票"));
        assert!(
            !body.contains("只在内部说的话"),
            "internal notes stay inside"
        );
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url(&format!("/api/v1/tickets/{id}/article")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}
