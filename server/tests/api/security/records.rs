//! Rules on records and credentials: approvals, pool deletion and restore, API tokens,
//! lead-form keys, phone numbers.
use crate::helpers::*;
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn nobody_approves_their_own_contract_and_approval_skips_no_stage() {
    for b in backends() {
        let app = spawn_app(b).await;
        let manager = app.login("manager1@demo.tandem").await;
        let me = app.user_id("manager1@demo.tandem").await;
        let customer = json(
            manager
                .post(app.url("/api/v1/customers"))
                .json(&json!({"name": "经理自己的客户有限公司", "owner_id": me}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let deal = json(
            manager
                .post(app.url("/api/v1/opportunities"))
                .json(&json!({"customer_id": customer["id"], "name": "自签合同"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(deal["stage"], "initial", "{b:?}");
        let r = manager
            .post(app.url("/api/v1/contracts"))
            .json(&json!({"opportunity_id": deal["id"], "amount_minor": 900_000, "start_date": "2027-01-01", "end_date": "2027-12-31"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let contract = json(r).await;
        let path = format!("/api/v1/contracts/{}/approve", contract["id"]);
        assert_eq!(
            manager.post(app.url(&path)).send().await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{b:?}: a manager approved their own contract"
        );
        let admin = app.login("admin@demo.tandem").await;
        let r = admin.post(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Approved, but the deal has not been through proposal and negotiation: it stays.
        let now = json(
            manager
                .get(app.url(&format!("/api/v1/opportunities/{}", deal["id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            now["stage"], "initial",
            "{b:?}: approval skipped the stage criteria"
        );
    }
}

#[tokio::test]
async fn pool_customers_are_deleted_by_admins_only_and_admins_restore() {
    for b in backends() {
        let app = spawn_app(b).await;
        let pool = app.pool_customer().await;
        let manager = app.login("manager1@demo.tandem").await;
        let path = format!("/api/v1/customers/{pool}");
        assert_eq!(
            manager
                .delete(app.url(&path))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN,
            "{b:?}"
        );
        let admin = app.login("admin@demo.tandem").await;
        assert_eq!(
            admin.delete(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NO_CONTENT
        );
        let rep = app.login("rep1@demo.tandem").await;
        assert_eq!(
            rep.get(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        let restore = format!("{path}/restore");
        assert_eq!(
            manager
                .post(app.url(&restore))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        let r = admin.post(app.url(&restore)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(
            rep.get(app.url(&path)).send().await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            admin.post(app.url(&restore)).send().await.unwrap().status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'customer' AND entity_id = {pool} AND action = 'restored'")).await,
            1
        );
    }
}

async fn make_token(app: &TestApp, admin: &Client, user: i64, extra: Value) -> (i64, String) {
    let mut body = json!({"name": "integration", "user_id": user});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let r = admin
        .post(app.url("/api/v1/api-tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t = json(r).await;
    (
        t["id"].as_i64().unwrap(),
        t["token"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn api_tokens_are_scoped_expire_and_die_with_a_freeze() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let r = admin
            .post(app.url("/api/v1/api-tokens"))
            .json(&json!({"name": "x", "user_id": rep1, "scopes": ["secrets:read"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["scopes"].is_string());
        let (_, reader) =
            make_token(&app, &admin, rep1, json!({"scopes": ["customers:read"]})).await;
        let plain = Client::new();
        let get = |path: &str| plain.get(app.url(path)).bearer_auth(&reader).send();
        assert_eq!(
            get("/api/v1/customers").await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            get("/api/v1/leads").await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(get("/api/v1/me").await.unwrap().status(), StatusCode::OK);
        let r = plain
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&reader)
            .json(&json!({"name": "只读令牌"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b:?}");
        // Tokens are for the API, not for pages or server functions.
        let r = plain
            .post(app.url("/sfn/today"))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        // Expiry follows the clock.
        let expires = (app.clock_now() + Duration::hours(1)).to_rfc3339();
        let (_, brief) = make_token(
            &app,
            &admin,
            rep1,
            json!({"scopes": ["*:read"], "expires_at": expires}),
        )
        .await;
        let me = |t: String| plain.get(app.url("/api/v1/me")).bearer_auth(t).send();
        assert_eq!(me(brief.clone()).await.unwrap().status(), StatusCode::OK);
        app.clock.advance(Duration::hours(2));
        assert_eq!(
            me(brief).await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{b:?}"
        );

        // Freezing the user kills the token; thawing does not bring it back.
        let (_, writer) = make_token(&app, &admin, rep1, json!({"scopes": ["*:write"]})).await;
        let user = json(
            admin
                .get(app.url(&format!("/api/v1/users/{rep1}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let frozen = json(
            admin
                .patch(app.url(&format!("/api/v1/users/{rep1}")))
                .json(&json!({"version": user["version"], "active": false}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        admin
            .patch(app.url(&format!("/api/v1/users/{rep1}")))
            .json(&json!({"version": frozen["version"], "active": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            me(writer).await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn lead_form_keys_can_be_listed_disabled_and_rotated() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let form = json(
            admin
                .post(app.url("/api/v1/lead-forms"))
                .json(&json!({"name": "官网表单"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let key = form["key"].as_str().unwrap().to_string();
        let submit = |k: String| {
            Client::new()
                .post(app.url("/api/v1/public/leads"))
                .json(&json!({"form_key": k, "name": "访客", "phone": "13900001234"}))
                .send()
        };
        assert_eq!(
            submit(key.clone()).await.unwrap().status(),
            StatusCode::ACCEPTED
        );
        let list = json(
            admin
                .get(app.url("/api/v1/lead-forms"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(list
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == form["id"] && f.get("key").is_none()));
        let path = format!("/api/v1/lead-forms/{}", form["id"]);
        let r = admin
            .patch(app.url(&path))
            .json(&json!({"active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["active"], false);
        assert_eq!(
            submit(key.clone()).await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b:?}"
        );
        admin
            .patch(app.url(&path))
            .json(&json!({"active": true}))
            .send()
            .await
            .unwrap();
        let rotated = json(
            admin
                .post(app.url(&format!("{path}/rotate")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let new_key = rotated["key"].as_str().unwrap().to_string();
        assert_ne!(new_key, key);
        assert_eq!(
            submit(key).await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            submit(new_key).await.unwrap().status(),
            StatusCode::ACCEPTED,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn landlines_extensions_and_international_numbers_are_stored_in_e164() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        for (typed, stored) in [
            ("010 6552 9988", "+861065529988"),
            ("0571-8888 6666", "+8657188886666"),
            ("+86 10 6552 9988 转 123", "+861065529988;ext=123"),
            ("+44 20 7946 0958", "+442079460958"),
        ] {
            let r = rep
                .post(app.url("/api/v1/contacts"))
                .json(&json!({"customer_id": customer, "name": format!("联系人{stored}"), "phone": typed}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{typed} {b:?}");
            assert_eq!(json(r).await["phone"], stored);
        }
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": customer, "name": "乱码", "phone": "call me maybe"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["phone"].is_string());
    }
}
