//! Tasks: create, assign within the team, due and overdue, done, 409 on stale edits.
use crate::helpers::*;
use app::ssr::clock::Clock;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn post_task(app: &TestApp, c: &reqwest::Client, body: Value) -> reqwest::Response {
    c.post(app.url("/api/v1/tasks"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn list(app: &TestApp, c: &reqwest::Client, query: &str) -> Vec<Value> {
    let r = c
        .get(app.url(&format!("/api/v1/tasks?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn reps_keep_tasks_for_themselves_and_managers_assign_within_their_team() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let rep2_id = app.user_id("rep2@demo.tandem").await;
        let rep5_id = app.user_id("rep5@demo.tandem").await;
        let rep1_id = app.user_id("rep1@demo.tandem").await;
        let own = app.customer_of("rep1@demo.tandem").await;
        let theirs = app.customer_of("rep5@demo.tandem").await;

        // Missing title and a past due time are named.
        let r = post_task(
            &app,
            &rep1,
            json!({"title": " ", "due_at": app.clock.now() - Duration::hours(2)}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let p = problem(r).await;
        assert!(p["errors"]["title"].is_string() && p["errors"]["due_at"].is_string());
        // A rep cannot give a task to a colleague, nor attach someone else's customer.
        let r = post_task(&app, &rep1, json!({"title": "x", "assignee_id": rep2_id})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["assignee_id"].is_string());
        let r = post_task(&app, &rep1, json!({"title": "x", "customer_id": theirs})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["customer_id"].is_string());

        // Their own task, about their own customer, due tomorrow.
        let r = post_task(
            &app,
            &rep1,
            json!({"title": "送样品", "customer_id": own, "due_at": app.clock.now() + Duration::days(1)}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let t = json(r).await;
        assert_eq!(t["assignee_id"], rep1_id);
        assert_eq!(t["overdue"], false);

        // The manager gives rep2 a task; rep5 (other team) is not theirs to task.
        let m1 = app.login("manager1@demo.tandem").await;
        let r = post_task(
            &app,
            &m1,
            json!({"title": "整理报价", "assignee_id": rep2_id}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let given = json(r).await;
        let r = post_task(&app, &m1, json!({"title": "x", "assignee_id": rep5_id})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // rep2 sees it; rep1 does not.
        let rep2 = app.login("rep2@demo.tandem").await;
        let mine = list(&app, &rep2, &format!("assignee_id={rep2_id}")).await;
        assert!(mine.iter().any(|x| x["id"] == given["id"]));
        let r = rep1
            .get(app.url(&format!("/api/v1/tasks/{}", given["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // The manager sees both tasks of the team.
        let team = list(&app, &m1, "limit=200").await;
        assert!(team.iter().any(|x| x["id"] == given["id"]));
        assert!(team.iter().any(|x| x["id"] == t["id"]));
        // A customer's tasks.
        let about = list(&app, &rep1, &format!("customer_id={own}")).await;
        assert!(about.iter().any(|x| x["id"] == t["id"]));
        assert!(about.iter().all(|x| x["customer_id"] == own));
    }
}

#[tokio::test]
async fn tasks_become_overdue_by_the_clock_and_leave_today_when_done() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep3@demo.tandem").await;
        let r = post_task(
            &app,
            &rep,
            json!({"title": "寄合同", "due_at": app.clock.now() + Duration::hours(3)}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let t = json(r).await;
        let id = t["id"].as_i64().unwrap();
        // Due today: on Today, not yet overdue.
        let today = json(
            rep.post(app.url("/sfn/today"))
                .header("accept", "application/json")
                .send()
                .await
                .unwrap(),
        )
        .await;
        let row = today["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .cloned()
            .expect("on Today");
        assert_eq!(row["overdue"], false, "{b:?}");

        app.clock.advance(Duration::hours(4));
        let open = list(&app, &rep, "status=open&limit=200").await;
        let now = open.iter().find(|x| x["id"] == id).unwrap();
        assert_eq!(now["overdue"], true, "overdue once the clock passes it");

        // Done, with the version read; a stale second edit gets 409 and changes nothing.
        let r = rep
            .patch(app.url(&format!("/api/v1/tasks/{id}")))
            .json(&json!({"version": t["version"], "done": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let done = json(r).await;
        assert_eq!(done["done_at"], json!(app.clock.now()));
        assert_eq!(done["overdue"], false);
        let r = rep
            .patch(app.url(&format!("/api/v1/tasks/{id}")))
            .json(&json!({"version": t["version"], "title": "改名"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let open = list(&app, &rep, "status=open&limit=200").await;
        assert!(!open.iter().any(|x| x["id"] == id));
        let closed = list(&app, &rep, "status=done").await;
        assert_eq!(closed[0]["title"], "寄合同");
        let today = json(
            rep.post(app.url("/sfn/today"))
                .header("accept", "application/json")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(!today["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id));
        // Bad status and cursor are named errors.
        let r = rep
            .get(app.url("/api/v1/tasks?status=later"))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["status"].is_string());
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'task' AND entity_id = {id}"
            ))
            .await,
            2
        );
    }
}

#[tokio::test]
async fn task_lists_page_by_due_time() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep4@demo.tandem").await;
        let base = list(&app, &rep, "limit=200").await.len();
        for h in [5, 1, 3] {
            let r = post_task(
                &app,
                &rep,
                json!({"title": format!("任务{h}"), "due_at": app.clock.now() + Duration::hours(h)}),
            )
            .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        post_task(&app, &rep, json!({"title": "无期限"})).await;
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let r = rep
                .get(app.url(&format!("/api/v1/tasks?limit=2&cursor={cursor}")))
                .send()
                .await
                .unwrap();
            let page = json(r).await;
            for t in page["items"].as_array().unwrap() {
                seen.push(t["title"].as_str().unwrap().to_string());
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), base + 4, "{b:?}");
        let ours: Vec<_> = seen
            .iter()
            .filter(|t| t.starts_with("任务") || *t == "无期限")
            .cloned()
            .collect();
        assert_eq!(ours, ["任务1", "任务3", "任务5", "无期限"]);
    }
}
