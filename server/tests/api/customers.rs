//! Customers as records: creating, validating, editing with versions, deleting, owners
//! and the timeline; lists and search are in `customer_lists`, contact checks and
//! duplicates in `contacts`.
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_rep_creates_a_customer_they_own_and_reads_it_back() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "  杭州新客户科技有限公司 ", "level": "a", "tags": ["重点", "重点", " 新 "], "industry": "软件"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let c = json(r).await;
        assert_eq!(c["name"], "杭州新客户科技有限公司");
        assert_eq!(c["level"], "A");
        assert_eq!(c["status"], "prospect");
        assert_eq!(c["owner_id"], rep1);
        assert_eq!(c["tags"], json!(["重点", "新"]));
        assert_eq!(c["version"], 1);
        let got = json(
            rep.get(app.url(&format!("/api/v1/customers/{}", c["id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(got, c);
        // Audit and outbox were written with it.
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'customer' AND entity_id = {}", c["id"])).await, 1);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'customer.created' AND entity_id = {}",
                c["id"]
            ))
            .await,
            1
        );
        // A rep cannot give a new customer to someone else.
        let rep2 = app.user_id("rep2@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "X 公司", "owner_id": rep2}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["owner_id"].is_string());
    }
}

#[tokio::test]
async fn bad_customer_input_names_each_field_and_writes_nothing() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let before = app.count("SELECT COUNT(*) FROM customers").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "   ", "level": "Z", "status": "sleeping", "region": "x".repeat(200)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for field in ["name", "level", "status", "region"] {
            assert!(p["errors"][field].is_string(), "{field} in {p}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM customers").await,
            before,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn malformed_or_mistyped_bodies_are_4xx_problems_never_500() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let cases: Vec<(&str, String, &str, StatusCode)> = vec![
            (
                "POST",
                "/api/v1/customers".into(),
                "{\"name\": ",
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/customers".into(),
                "not json at all",
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/customers".into(),
                "[1,2,3]",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "POST",
                "/api/v1/customers".into(),
                "{\"name\": 42}",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "POST",
                "/api/v1/customers".into(),
                "{\"name\": \"a\", \"tags\": \"vip\"}",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "PATCH",
                format!("/api/v1/customers/{id}"),
                "{\"name\": \"x\"}",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "PATCH",
                format!("/api/v1/customers/{id}"),
                "{\"version\": \"one\"}",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "PATCH",
                format!("/api/v1/customers/{id}"),
                "{\"version\": 1, \"next_follow_up_at\": \"tomorrow\"}",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "POST",
                "/api/v1/contacts".into(),
                "{\"customer_id\": 1e999}",
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/auth/login".into(),
                "{",
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (method, path, body, want) in cases {
            let req = match method {
                "POST" => rep.post(app.url(&path)),
                _ => rep.patch(app.url(&path)),
            };
            let r = req
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), want, "{method} {path} {body} on {b:?}");
            let p = problem(r).await;
            assert_eq!(p["status"], want.as_u16());
        }
        let r = rep
            .post(app.url("/api/v1/customers"))
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        for bad in [
            "/api/v1/customers/abc",
            "/api/v1/customers/99999999999999999999",
            "/api/v1/nothing-here",
        ] {
            let r = rep.get(app.url(bad)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
            problem(r).await;
        }
        for bad in [
            "?limit=0",
            "?limit=201",
            "?limit=ten",
            "?cursor=garbage",
            "?level=Q",
            "?pool=maybe",
        ] {
            let r = rep
                .get(app.url(&format!("/api/v1/customers{bad}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            problem(r).await;
        }
        // Filter words with a control character (PostgreSQL refuses NUL in text) are named,
        // not a 500.
        for field in ["industry", "region", "tag"] {
            let r = rep
                .get(app.url(&format!("/api/v1/customers?{field}=a%00b")))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field} ({b:?})"
            );
            assert!(problem(r).await["errors"][field].is_string(), "{field}");
        }
        let r = rep
            .get(app.url("/api/v1/contacts?q=a%00b"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["q"].is_string());
    }
}

#[tokio::test]
async fn a_stale_version_gets_409_with_the_current_record_not_an_overwrite() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let c = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let v = c["version"].as_i64().unwrap();
        let first = rep
            .patch(app.url(&format!("/api/v1/customers/{id}")))
            .json(&json!({"version": v, "level": "A", "industry": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let first = json(first).await;
        assert_eq!(first["version"], v + 1);
        assert_eq!(first["level"], "A");
        assert_eq!(first["industry"], serde_json::Value::Null);
        assert_eq!(first["name"], c["name"], "absent fields are unchanged");
        let second = rep
            .patch(app.url(&format!("/api/v1/customers/{id}")))
            .json(&json!({"version": v, "level": "C"}))
            .send()
            .await
            .unwrap();
        assert_eq!(second.status(), StatusCode::CONFLICT, "{b:?}");
        let p = problem(second).await;
        assert_eq!(p["current"]["level"], "A");
        assert_eq!(p["current"]["version"], v + 1);
        let now = json(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(now["level"], "A", "the stale write changed nothing");
    }
}

#[tokio::test]
async fn deleted_customers_disappear_and_only_managers_delete() {
    for b in backends() {
        let app = spawn_app(b).await;
        let id = app.customer_of("rep1@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        assert_eq!(
            rep.delete(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        let manager = app.login("manager1@demo.tandem").await;
        assert_eq!(
            manager
                .delete(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND,
            "{b:?}"
        );
        assert_eq!(
            manager
                .delete(app.url(&format!("/api/v1/customers/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        // Soft: the row is still there for the audit trail.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM customers WHERE id = {id} AND deleted_at IS NOT NULL"
            ))
            .await,
            1
        );
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn managers_assign_owners_only_within_their_team() {
    for b in backends() {
        let app = spawn_app(b).await;
        let manager = app.login("manager1@demo.tandem").await;
        let own_rep = app.user_id("rep2@demo.tandem").await;
        let other_team_rep = app.user_id("rep6@demo.tandem").await;
        let r = manager
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "团队客户", "owner_id": own_rep}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = manager
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "别队客户", "owner_id": other_team_rep}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let r = manager
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "公海客户"}))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["owner_id"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn the_timeline_tells_the_whole_story_newest_first_in_pages() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep2@demo.tandem").await;
        let pool_customer = app.pool_customer().await;
        // Claim it, log a call, add and finish a task, open a deal and move it on.
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{pool_customer}/claim")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        app.clock.advance(chrono::Duration::minutes(1));
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(
                &json!({"customer_id": pool_customer, "kind": "visit", "summary": "首次拜访",
                "latitude": 31.2304, "longitude": 121.4737}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        app.clock.advance(chrono::Duration::minutes(1));
        let task = json(
            rep.post(app.url("/api/v1/tasks"))
                .json(&json!({"title": "发资料", "customer_id": pool_customer}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        app.clock.advance(chrono::Duration::minutes(1));
        let r = rep
            .patch(app.url(&format!("/api/v1/tasks/{}", task["id"])))
            .json(&json!({"version": task["version"], "done": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(1));
        let r = rep
            .post(app.url("/api/v1/opportunities"))
            .json(&json!({"customer_id": pool_customer, "name": "一期项目"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);

        // Page through two at a time and collect the kinds, newest first.
        let mut kinds = Vec::new();
        let mut times = Vec::new();
        let mut places = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = json(
                rep.get(app.url(&format!(
                    "/api/v1/customers/{pool_customer}/timeline?limit=2&cursor={cursor}"
                )))
                .send()
                .await
                .unwrap(),
            )
            .await;
            for it in page["items"].as_array().unwrap() {
                kinds.push(it["kind"].as_str().unwrap().to_string());
                times.push(it["at"].as_str().unwrap().to_string());
                places.push((it["latitude"].as_f64(), it["longitude"].as_f64()));
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        let newest: Vec<&str> = kinds.iter().take(5).map(String::as_str).collect();
        assert_eq!(newest, ["stage", "task_done", "task", "activity", "owner"]);
        // The visit shows where it was checked in; nothing else has a place.
        assert_eq!(places[3], (Some(31.2304), Some(121.4737)), "{b:?}");
        assert!(places[..3].iter().all(|p| *p == (None, None)), "{b:?}");
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted, "newest first across pages");
        // Someone else's customer: 404; a forged cursor: a named error.
        let theirs = app.customer_of("rep5@demo.tandem").await;
        let r = rep
            .get(app.url(&format!("/api/v1/customers/{theirs}/timeline")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = rep
            .get(app.url(&format!(
                "/api/v1/customers/{pool_customer}/timeline?cursor=bogus"
            )))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["cursor"].is_string());
    }
}

/// A status the code does not know (written by a newer version, or by hand; the column
/// has no CHECK) is a fault the server reports, not a customer quietly shown as a
/// prospect; and nothing is written over it.
#[tokio::test]
async fn a_stored_value_tandem_does_not_know_is_an_error_not_a_default() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let id = app.customer_of("rep1@demo.tandem").await;
        sqlx::query(&format!(
            "UPDATE customers SET status = 'vip_by_hand' WHERE id = {id}"
        ))
        .execute(&app.state.app.db.write)
        .await
        .unwrap();
        let url = app.url(&format!("/api/v1/customers/{id}"));
        let r = rep.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{b:?}");
        let r = rep
            .patch(&url)
            .json(&json!({"industry": "制造", "version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{b:?}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM customers WHERE status = 'vip_by_hand' AND id = {id}"
            ))
            .await,
            1,
            "{b:?}: nothing was written over it"
        );
    }
}
