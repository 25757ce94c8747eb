use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

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
    }
}

#[tokio::test]
async fn keyset_pages_walk_the_whole_scope_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let expected = app.count(&format!("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL AND (owner_id = {rep1} OR owner_id IS NULL)")).await;
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut url = app.url("/api/v1/customers?limit=17");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = json(rep.get(url).send().await.unwrap()).await;
            for item in page["items"].as_array().unwrap() {
                let owner = item["owner_id"].as_i64();
                assert!(
                    owner.is_none() || owner == Some(rep1),
                    "out of scope: {item}"
                );
                assert!(
                    seen.insert(item["id"].as_i64().unwrap()),
                    "duplicate {}",
                    item["id"]
                );
            }
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen.len() as i64, expected, "{b:?}");
        assert!(pages > 2);
        // Filters.
        let pool = json(
            rep.get(app.url("/api/v1/customers?pool=true&limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(pool["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["owner_id"].is_null()));
        let level_a = json(
            rep.get(app.url("/api/v1/customers?level=A&limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(level_a["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["level"] == "A"));
        let name = seen.iter().next().copied().unwrap();
        let one = json(
            rep.get(app.url(&format!("/api/v1/customers/{name}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let part: String = one["name"]
            .as_str()
            .unwrap()
            .chars()
            .skip(2)
            .take(4)
            .collect();
        let found = json(
            rep.get(app.url(&format!("/api/v1/customers?q={}", urlencode(&part))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == one["id"]),
            "search {part}"
        );
        // Wildcards in the search are literal.
        let none = json(
            rep.get(app.url("/api/v1/customers?q=%25%25%25"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0);
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn contacts_validate_and_normalise_phones_and_emails() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": customer, "name": "张总", "phone": "138 0013 8000", "email": "Zhang@Example.CN", "decision_maker": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let k = json(r).await;
        assert_eq!(k["phone"], "+8613800138000");
        assert_eq!(k["email"], "zhang@example.cn");
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": customer, "name": "", "phone": "12345", "email": "not-an-email"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for f in ["name", "phone", "email"] {
            assert!(p["errors"][f].is_string(), "{f}: {p}");
        }
        let list = json(
            rep.get(app.url(&format!("/api/v1/contacts?customer_id={customer}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == k["id"]));
        let r = rep
            .patch(app.url(&format!("/api/v1/contacts/{}", k["id"])))
            .json(&json!({"version": 1, "phone": "+44 20 7946 0958", "email": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let k2 = json(r).await;
        assert_eq!(k2["phone"], "+442079460958");
        assert!(k2["email"].is_null());
        let r = rep
            .patch(app.url(&format!("/api/v1/contacts/{}", k["id"])))
            .json(&json!({"version": 1, "name": "李总"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            rep.delete(app.url(&format!("/api/v1/contacts/{}", k["id"])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/contacts/{}", k["id"])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
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
async fn search_finds_customers_by_chinese_name_parts_contacts_phones_and_emails() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "苏州澄湖精密机械有限公司"}))
            .send()
            .await
            .unwrap();
        let c = json(r).await;
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": c["id"], "name": "欧阳明", "phone": "139 0123 4567", "email": "ouyang@chenghu-precision.cn"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let find = |q: &str| {
            let url = app.url(&format!("/api/v1/customers?q={}", urlencode(q)));
            let rep = rep.clone();
            async move {
                json(rep.get(url).send().await.unwrap()).await["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        let id = c["id"].as_i64().unwrap();
        for q in [
            "澄湖",
            "澄湖精密",
            "精密机械",
            "欧阳",
            "欧阳明",
            "13901234567",
            "139-0123-4567",
            "4567",
            "ouyang",
            "chenghu",
            "澄湖 ouyang",
        ] {
            assert!(find(q).await.contains(&id), "{q:?} should find it on {b:?}");
        }
        for q in ["澄精", "湖澄", "13901239999", "ouyangx"] {
            assert!(
                !find(q).await.contains(&id),
                "{q:?} should not find it on {b:?}"
            );
        }
        // Renaming and deleting the contact keep the index current.
        let r = rep
            .patch(app.url(&format!("/api/v1/customers/{id}")))
            .json(&json!({"version": c["version"], "name": "苏州白鹭精密机械有限公司"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!find("澄湖").await.contains(&id));
        assert!(find("白鹭").await.contains(&id));
        // Out of scope customers never show, however well they match.
        let other = app.login("rep2@demo.tandem").await;
        let theirs = json(
            other
                .get(app.url(&format!("/api/v1/customers?q={}", urlencode("白鹭"))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != id));
    }
}

#[tokio::test]
async fn duplicates_by_company_name_phone_or_email_are_shown_not_saved() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工有限公司", "contact": {"name": "孙总", "phone": "13500001111", "email": "sun@haina.cn"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let first = json(r).await;
        let before = app.count("SELECT COUNT(*) FROM customers").await;
        // The same company written differently, by a rep who cannot see it.
        let other = app.login("rep2@demo.tandem").await;
        for body in [
            json!({"name": "宁波 海纳精工"}),
            json!({"name": "完全不同公司", "contact": {"name": "某人", "phone": "135-0000-1111"}}),
            json!({"name": "另一家公司", "contact": {"name": "某人", "email": "SUN@haina.cn"}}),
        ] {
            let r = other
                .post(app.url("/api/v1/customers"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CONFLICT, "{body} on {b:?}");
            let p = problem(r).await;
            let d = &p["duplicates"][0];
            assert_eq!(d["customer_id"], first["id"]);
            assert_eq!(d["visible"], false, "rep2 may not open rep1's customer");
            assert_eq!(d["owner_name"], "王伟 Wang Wei");
            // Found by a phone or email, the customer is not named to someone who cannot
            // open it (no reverse phone book); found by its name, it is the name they typed.
            let by_name = body.get("contact").is_none();
            assert_eq!(d["name"] == first["name"], by_name, "{d}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM customers").await,
            before,
            "nothing saved"
        );
        // The owner is offered to open it; an admin may save anyway.
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工"}))
            .send()
            .await
            .unwrap();
        assert_eq!(problem(r).await["duplicates"][0]["visible"], true);
        let admin = app.login("admin@demo.tandem").await;
        let r = admin
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工", "allow_duplicate": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工", "allow_duplicate": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "only admins override");
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

#[tokio::test]
async fn filters_by_industry_region_tag_and_silence_and_sorts_with_keyset_pages() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep6@demo.tandem").await;
        let me = app.user_id("rep6@demo.tandem").await;
        let mut ids = Vec::new();
        for (name, industry, region, tags) in [
            ("筛选甲精密", "制造业", "苏州", json!(["重点"])),
            ("筛选乙商贸", "零售", "苏州", json!(["重点", "华东"])),
            ("筛选丙机械", "制造业", "杭州", json!([])),
        ] {
            let r = rep
                .post(app.url("/api/v1/customers"))
                .json(&json!({"name": name, "industry": industry, "region": region, "tags": tags}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{b:?} {name}");
            ids.push(json(r).await["id"].as_i64().unwrap());
        }
        let names = |v: &serde_json::Value| -> HashSet<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .filter(|n| n.starts_with("筛选"))
                .collect()
        };
        let get = |q: String| {
            let rep = rep.clone();
            let url = app.url(&format!("/api/v1/customers?owner_id={me}&limit=200&{q}"));
            async move { json(rep.get(url).send().await.unwrap()).await }
        };
        let by_industry = get("industry=制造业".into()).await;
        assert_eq!(
            names(&by_industry),
            HashSet::from(["筛选甲精密".to_string(), "筛选丙机械".to_string()])
        );
        assert!(by_industry["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["industry"] == "制造业"));
        assert_eq!(
            names(&get("region=苏州&tag=重点".into()).await),
            HashSet::from(["筛选甲精密".to_string(), "筛选乙商贸".to_string()])
        );
        assert!(
            names(&get("tag=重".into()).await).is_empty(),
            "tags match whole"
        );

        // Never contacted counts as silent; a logged call takes it off the list.
        assert_eq!(names(&get("no_contact_days=30".into()).await).len(), 3);
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": ids[0], "kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let silent = get("no_contact_days=30".into()).await;
        assert!(!names(&silent).contains("筛选甲精密"));
        let cutoff = app.clock_now() - chrono::Duration::days(30);
        for c in silent["items"].as_array().unwrap() {
            if let Some(at) = c["last_contact_at"].as_str() {
                let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
                assert!(at < cutoff, "{at} is not silent");
            }
        }

        // Sorted by next follow-up, two at a time: ascending, undated last, none twice.
        let total = get(String::new()).await["items"].as_array().unwrap().len();
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = json(
                rep.get(app.url(&format!(
                    "/api/v1/customers?owner_id={me}&sort=next_follow_up&limit=2&cursor={cursor}"
                )))
                .send()
                .await
                .unwrap(),
            )
            .await;
            for c in page["items"].as_array().unwrap() {
                let key = c["next_follow_up_at"]
                    .as_str()
                    .map(|s| {
                        s.parse::<chrono::DateTime<chrono::Utc>>()
                            .unwrap()
                            .timestamp_millis()
                    })
                    .unwrap_or(i64::MAX);
                seen.push((key, c["id"].as_i64().unwrap()));
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), total, "{b:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "ascending");

        // By name, seven at a time: Chinese names by pinyin, every customer once, and a
        // rename moves the customer.
        let rows = by_name(&app, &rep, me).await;
        assert_eq!(rows.len(), total, "{b:?}");
        let keys: Vec<(String, i64)> = rows
            .iter()
            .map(|(n, id)| (app::ssr::store::customers::name_key(n), *id))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{b:?} {rows:?}");
        let ours = |rows: &[(String, i64)]| -> Vec<String> {
            rows.iter()
                .filter(|(n, _)| n.starts_with("筛选"))
                .map(|(n, _)| n.clone())
                .collect()
        };
        // shai xuan bing / jia / yi
        assert_eq!(ours(&rows), ["筛选丙机械", "筛选甲精密", "筛选乙商贸"]);
        let v = json(
            rep.get(app.url(&format!("/api/v1/customers/{}", ids[2])))
                .send()
                .await
                .unwrap(),
        )
        .await["version"]
            .as_i64()
            .unwrap();
        let r = rep
            .patch(app.url(&format!("/api/v1/customers/{}", ids[2])))
            .json(&json!({"version": v, "name": "筛选紫机械"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(
            ours(&by_name(&app, &rep, me).await),
            ["筛选甲精密", "筛选乙商贸", "筛选紫机械"]
        );

        for (q, field) in [
            ("sort=oldest", "sort"),
            ("sort=name&cursor=bogus", "cursor"),
            ("no_contact_days=0", "no_contact_days"),
            ("sort=last_contact&cursor=bogus", "cursor"),
        ] {
            let r = rep
                .get(app.url(&format!("/api/v1/customers?{q}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
            assert!(problem(r).await["errors"][field].is_string(), "{q}");
        }
    }
}

/// A rep's customers sorted by name, read seven at a time through the cursor.
async fn by_name(app: &TestApp, rep: &reqwest::Client, owner: i64) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = json(
            rep.get(app.url(&format!(
                "/api/v1/customers?owner_id={owner}&sort=name&limit=7&cursor={cursor}"
            )))
            .send()
            .await
            .unwrap(),
        )
        .await;
        for c in page["items"].as_array().unwrap() {
            rows.push((
                c["name"].as_str().unwrap().into(),
                c["id"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn migrate_fills_in_the_name_sort_key_of_customers_written_before_it() {
    for b in backends() {
        let app = spawn_app(b).await;
        let db = &app.state.app.db;
        // As if these rows predated the name sort.
        sqlx::query("UPDATE customers SET name_key = NULL WHERE id <= 50")
            .execute(&db.write)
            .await
            .unwrap();
        server::db::migrate(db).await.unwrap();
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT name, name_key FROM customers WHERE id <= 50")
                .fetch_all(&db.read)
                .await
                .unwrap();
        assert_eq!(rows.len(), 50, "{b:?}");
        for (name, key) in rows {
            assert_eq!(
                key.as_deref(),
                Some(app::ssr::store::customers::name_key(&name).as_str()),
                "{b:?} {name}"
            );
        }
    }
}
