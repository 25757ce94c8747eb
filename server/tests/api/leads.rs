//! Leads: routing, SLA clocks, the public form, the lifecycle, the qualification timeout.
use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn admin(app: &TestApp) -> reqwest::Client {
    app.login("admin@demo.tandem").await
}

async fn new_lead(app: &TestApp, c: &reqwest::Client, body: Value) -> Value {
    let r = c
        .post(app.url("/api/v1/leads"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{body}");
    json(r).await
}

#[tokio::test]
async fn assignment_rules_route_round_robin_skipping_frozen_and_full_reps() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = admin(&app).await;
        let (r1, r2, r3) = (
            app.user_id("rep1@demo.tandem").await,
            app.user_id("rep2@demo.tandem").await,
            app.user_id("rep3@demo.tandem").await,
        );
        let rules = json!([{"source": "event", "region": "华东", "rep_ids": [r1, r2, r3]}]);
        assert_eq!(
            admin
                .put(app.url("/api/v1/settings/lead-assignment"))
                .json(&rules)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let mut owners = Vec::new();
        for i in 0..4 {
            let l = new_lead(&app, &admin, json!({"name": format!("线索{i}"), "source": "event", "region": "华东", "phone": "13800000000"})).await;
            owners.push(l["owner_id"].as_i64());
            assert_eq!(
                l["first_contact_due_at"],
                json!(app.clock_now() + Duration::hours(24))
            );
        }
        assert_eq!(
            owners,
            vec![Some(r1), Some(r2), Some(r3), Some(r1)],
            "{b:?}"
        );
        // rep2 is frozen: skipped.
        let u = json(
            admin
                .get(app.url(&format!("/api/v1/users/{r2}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        admin
            .patch(app.url(&format!("/api/v1/users/{r2}")))
            .json(&json!({"version": u["version"], "active": false}))
            .send()
            .await
            .unwrap();
        let l = new_lead(
            &app,
            &admin,
            json!({"name": "A", "source": "event", "region": "华东"}),
        )
        .await;
        assert_eq!(l["owner_id"], r3);
        // Everyone at the holding limit: the lead goes to the pool.
        admin
            .put(app.url("/api/v1/settings/pool"))
            .json(&json!({"holding_limit": 1}))
            .send()
            .await
            .unwrap();
        let l = new_lead(
            &app,
            &admin,
            json!({"name": "B", "source": "event", "region": "华东"}),
        )
        .await;
        assert!(l["owner_id"].is_null(), "{b:?}: {l}");
        // Unmatched leads go to the pool; trial requests get the two-hour clock when assigned.
        admin
            .put(app.url("/api/v1/settings/pool"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let l = new_lead(&app, &admin, json!({"name": "C", "source": "referral"})).await;
        assert!(l["owner_id"].is_null());
        let rep = app.login("rep4@demo.tandem").await;
        let l = new_lead(&app, &rep, json!({"name": "D", "source": "trial"})).await;
        assert_eq!(l["owner_id"], app.user_id("rep4@demo.tandem").await);
        assert_eq!(
            l["first_contact_due_at"],
            json!(app.clock_now() + Duration::hours(2))
        );
    }
}

#[tokio::test]
async fn the_public_form_needs_its_key_ignores_bots_and_limits_each_address() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = admin(&app).await;
        let form = json(
            admin
                .post(app.url("/api/v1/lead-forms"))
                .json(&json!({"name": "官网试用", "source": "trial"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let key = form["key"].as_str().unwrap().to_string();
        let anon = app.client();
        let post = |body: Value| {
            anon.post(app.url("/api/v1/public/leads"))
                .json(&body)
                .send()
        };
        let r = post(json!({"form_key": "wrong", "name": "x", "phone": "13800138000"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["form_key"].is_string());
        let before = app.count("SELECT COUNT(*) FROM leads").await;
        let r = post(json!({"form_key": key, "name": "bot", "phone": "13800138000", "website": "http://spam.example"})).await.unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM leads").await,
            before,
            "honeypot: nothing stored ({b:?})"
        );
        let r = post(json!({"form_key": key, "name": "周先生"}))
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a way to reach them is required"
        );
        for i in 0..5 {
            let r = post(json!({"form_key": key, "name": format!("访客{i}"), "phone": "138 0013 8000", "company": "某公司"})).await.unwrap();
            assert_eq!(r.status(), StatusCode::ACCEPTED);
        }
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM leads WHERE source = 'trial' AND phone = '+8613800138000'"
            )
            .await,
            5
        );
        let r = post(json!({"form_key": key, "name": "第六个", "phone": "13800138000"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{b:?}");
        assert!(r.headers().get("retry-after").is_some());
        app.clock.advance(Duration::minutes(11));
        assert_eq!(
            post(json!({"form_key": key, "name": "稍后", "phone": "13800138000"}))
                .await
                .unwrap()
                .status(),
            StatusCode::ACCEPTED
        );
    }
}

#[tokio::test]
async fn a_lead_is_contacted_qualified_and_converted_in_one_transaction() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let l = new_lead(&app, &rep, json!({"name": "陈总", "company": "无锡远景智联软件有限公司", "phone": "13912345678", "email": "chen@yuanjing.cn", "source": "event"})).await;
        let path = |a: &str| app.url(&format!("/api/v1/leads/{}/{a}", l["id"]));
        let r = rep
            .post(path("convert"))
            .json(&json!({"version": l["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "only SQL leads convert"
        );
        let c = json(
            rep.post(path("contact"))
                .json(&json!({"kind": "call", "summary": "初次沟通"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(c["first_contacted_at"], json!(app.clock_now()));
        let m = json(
            rep.post(path("qualify"))
                .json(&json!({"status": "mql", "version": c["version"]}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(m["status"], "mql");
        let s = rep
            .post(path("qualify"))
            .json(&json!({"status": "sql", "version": m["version"]}))
            .send()
            .await
            .unwrap();
        let s = json(s).await;
        assert_eq!(s["status"], "sql");
        let r = rep
            .post(path("qualify"))
            .json(&json!({"status": "mql", "version": s["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no going back"
        );
        let r = rep
            .post(path("convert"))
            .json(&json!({"version": s["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let conv = json(r).await;
        assert_eq!(conv["lead"]["status"], "converted");
        assert_eq!(conv["lead"]["converted_customer_id"], conv["customer_id"]);
        let customer = json(
            rep.get(app.url(&format!("/api/v1/customers/{}", conv["customer_id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(customer["name"], "无锡远景智联软件有限公司");
        assert_eq!(customer["owner_id"], app.user_id("rep1@demo.tandem").await);
        let contact = json(
            rep.get(app.url(&format!("/api/v1/contacts/{}", conv["contact_id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(contact["phone"], "+8613912345678");
        let deal = json(
            rep.get(app.url(&format!("/api/v1/opportunities/{}", conv["opportunity_id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(deal["customer_id"], conv["customer_id"]);
        // The converted customer is searchable at once.
        let found = json(
            rep.get(app.url("/api/v1/customers?q=%E8%BF%9C%E6%99%AF%E6%99%BA%E8%81%94"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == conv["customer_id"]));
        assert!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'lead' AND entity_id = {}",
                l["id"]
            ))
            .await
                >= 5
        );
        app.assert_kpi_rollups_kept().await;
    }
}

/// Qualifies a new lead of `c`'s to SQL and converts it; returns the conversion.
async fn converted(app: &TestApp, c: &reqwest::Client, body: Value) -> Value {
    let l = new_lead(app, c, body).await;
    let path = |a: &str| app.url(&format!("/api/v1/leads/{}/{a}", l["id"]));
    let mut version = l["version"].clone();
    for status in ["mql", "sql"] {
        let r = c
            .post(path("qualify"))
            .json(&json!({"status": status, "version": version}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        version = json(r).await["version"].clone();
    }
    let r = c
        .post(path("convert"))
        .json(&json!({"version": version}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

#[tokio::test]
async fn a_converted_lead_opens_its_deal_at_the_admins_probability_and_is_audited() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = admin(&app).await;
        let r = admin
            .put(app.url("/api/v1/settings/pipeline"))
            .json(&json!({"probabilities": [15, 30, 55, 80]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let rep = app.login("rep1@demo.tandem").await;
        let conv = converted(&app, &rep, json!({"name": "周总", "company": "常州启明光电有限公司", "phone": "13912340001", "source": "event"})).await;
        let deal = json(
            rep.get(app.url(&format!("/api/v1/opportunities/{}", conv["opportunity_id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        // Once hard-coded as 10, whatever the admin had set.
        assert_eq!(deal["stage"], "initial");
        assert_eq!(deal["probability"], 15, "{b:?}");
        // The customer, contact and deal it made are audited and announced like any other.
        for (entity, id) in [
            ("customer", &conv["customer_id"]),
            ("contact", &conv["contact_id"]),
            ("opportunity", &conv["opportunity_id"]),
        ] {
            assert_eq!(
                app.count(&format!("SELECT COUNT(*) FROM audit_entries WHERE action = 'created' AND entity_type = '{entity}' AND entity_id = {id}")).await,
                1,
                "{b:?} audit of the {entity}"
            );
            assert_eq!(
                app.count(&format!("SELECT COUNT(*) FROM outbox WHERE kind = '{entity}.created' AND entity_id = {id}")).await,
                1,
                "{b:?} outbox of the {entity}"
            );
        }
    }
}

#[tokio::test]
async fn disqualifying_needs_a_reason() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep2@demo.tandem").await;
        let l = new_lead(
            &app,
            &rep,
            json!({"name": "王女士", "email": "wang@example.cn"}),
        )
        .await;
        let path = app.url(&format!("/api/v1/leads/{}/disqualify", l["id"]));
        let r = rep
            .post(&path)
            .json(&json!({"reason": " ", "version": l["version"]}))
            .send()
            .await
            .unwrap();
        assert!(problem(r).await["errors"]["reason"].is_string());
        let r = rep
            .post(&path)
            .json(&json!({"reason": "预算不足", "version": l["version"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["status"], "disqualified", "{b:?}");
    }
}

#[tokio::test]
async fn an_mql_not_qualified_in_seven_days_returns_to_the_pool_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep3@demo.tandem").await;
        let l = new_lead(
            &app,
            &rep,
            json!({"name": "李经理", "phone": "13700000001"}),
        )
        .await;
        let m = json(
            rep.post(app.url(&format!("/api/v1/leads/{}/qualify", l["id"])))
                .json(&json!({"status": "mql", "version": l["version"]}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(m["status"], "mql");
        let sweep = || app::ssr::services::lead_timeout::mql_timeout_due(&app.state.app);
        app.clock.advance(Duration::days(7) - Duration::minutes(1));
        sweep().await.unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM leads WHERE id = {} AND owner_id IS NOT NULL",
                l["id"]
            ))
            .await,
            1,
            "{b:?}"
        );
        app.clock.advance(Duration::minutes(2));
        sweep().await.unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM leads WHERE id = {} AND owner_id IS NULL AND status = 'mql'",
                l["id"]
            ))
            .await,
            1
        );
        sweep().await.unwrap();
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'lead' AND action = 'returned_to_pool' AND entity_id = {}", l["id"])).await, 1);
        // A lead qualified to SQL in time stays.
        let rep = app.login("rep3@demo.tandem").await;
        let l2 = new_lead(&app, &rep, json!({"name": "赵总", "phone": "13700000002"})).await;
        let m2 = json(
            rep.post(app.url(&format!("/api/v1/leads/{}/qualify", l2["id"])))
                .json(&json!({"status": "mql", "version": l2["version"]}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        rep.post(app.url(&format!("/api/v1/leads/{}/qualify", l2["id"])))
            .json(&json!({"status": "sql", "version": m2["version"]}))
            .send()
            .await
            .unwrap();
        app.clock.advance(Duration::days(10));
        sweep().await.unwrap();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM leads WHERE id = {} AND owner_id IS NOT NULL",
                l2["id"]
            ))
            .await,
            1
        );
    }
}
