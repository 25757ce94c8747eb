use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sign_in_sets_an_httponly_session_cookie_and_me_answers() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "Rep1@Demo.Tandem ", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(cookie.starts_with("tandem_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let token = cookie
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("tandem_session=")
            .to_string();
        assert!(token.len() >= 22, "at least 128 random bits");
        let me = json(c.get(app.url("/api/v1/me")).send().await.unwrap()).await;
        assert_eq!(me["email"], "rep1@demo.tandem");
        assert_eq!(me["role"], "rep");
        assert!(me.get("password_hash").is_none());
        // The database keeps only a hash of the token.
        let stored = app
            .count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
            ))
            .await;
        assert_eq!(stored, 0, "raw token must not be stored ({b:?})");

        let r = c.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = c.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(problem(r).await["status"], 401);
    }
}

#[tokio::test]
async fn a_logged_out_token_is_dead_even_if_replayed() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep1@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        c.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
        let replay = app
            .client()
            .get(app.url("/api/v1/me"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED, "{b:?}");
    }
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_token() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        let first = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep1@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let old = first
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let second = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep1@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let new = second
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert_ne!(old, new);
        let stale = app
            .client()
            .get(app.url("/api/v1/me"))
            .header("cookie", old)
            .send()
            .await
            .unwrap();
        assert_eq!(
            stale.status(),
            StatusCode::UNAUTHORIZED,
            "the pre-login session ends ({b:?})"
        );
        assert_eq!(
            c.get(app.url("/api/v1/me")).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_twenty_in_a_row_are_rate_limited() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        let mut statuses = Vec::new();
        for _ in 0..20 {
            let r = c
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"email": "rep2@demo.tandem", "password": "wrong-password"}))
                .send()
                .await
                .unwrap();
            statuses.push(r.status());
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                let retry: u64 = r
                    .headers()
                    .get("retry-after")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=15 * 60).contains(&retry), "Retry-After {retry}");
                assert_eq!(problem(r).await["status"], 429);
            }
        }
        assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
        assert_eq!(
            *statuses.last().unwrap(),
            StatusCode::TOO_MANY_REQUESTS,
            "{b:?}: {statuses:?}"
        );
        // Even the right password waits until the window has passed...
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep2@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        // ...while other accounts from elsewhere are unaffected...
        app.login("rep3@demo.tandem").await;
        // ...and after it, the account signs in again.
        app.clock.advance(Duration::minutes(16));
        let r = c
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep2@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
    }
}

#[tokio::test]
async fn an_address_trying_many_accounts_is_rate_limited() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        let mut last = StatusCode::OK;
        for i in 0..60 {
            let r = c
                .post(app.url("/api/v1/auth/login"))
                .json(
                    &json!({"email": format!("nobody{i}@demo.tandem"), "password": "guess-guess"}),
                )
                .send()
                .await
                .unwrap();
            last = r.status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{b:?}");
    }
}

#[tokio::test]
async fn missing_credentials_name_the_fields() {
    for b in backends() {
        let app = spawn_app(b).await;
        let r = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "", "password": ""}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        assert!(
            p["errors"]["email"].is_string() && p["errors"]["password"].is_string(),
            "{p}"
        );
        let r = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "a@b.cn"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["password"].is_string());
    }
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_and_sign_ins() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep4@demo.tandem").await;
        let admin = app.login("admin@demo.tandem").await;
        let id = app.user_id("rep4@demo.tandem").await;
        let user = json(
            admin
                .get(app.url(&format!("/api/v1/users/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let r = admin
            .patch(app.url(&format!("/api/v1/users/{id}")))
            .json(&json!({"version": user["version"], "active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json(r).await["active"], false);
        assert_eq!(
            rep.get(app.url("/api/v1/me"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED,
            "{b:?}"
        );
        let again = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "rep4@demo.tandem", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
        // The change is audited.
        let audited = app.count(&format!("SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'user' AND action = 'deactivated' AND entity_id = {id}")).await;
        assert_eq!(audited, 1);
        // An admin cannot lock themselves out.
        let me = json(admin.get(app.url("/api/v1/me")).send().await.unwrap()).await;
        let r = admin
            .patch(app.url(&format!("/api/v1/users/{}", me["id"])))
            .json(&json!({"version": me["version"], "active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn sessions_expire_with_the_injected_clock() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.login("rep1@demo.tandem").await;
        app.clock.advance(Duration::days(13));
        assert_eq!(
            c.get(app.url("/api/v1/me")).send().await.unwrap().status(),
            StatusCode::OK
        );
        app.clock.advance(Duration::days(2));
        assert_eq!(
            c.get(app.url("/api/v1/me")).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn api_tokens_made_by_an_admin_act_as_their_user_until_revoked() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let r = admin
            .post(app.url("/api/v1/api-tokens"))
            .json(&json!({"name": "ERP sync", "user_id": rep1, "scopes": ["*:read"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let token = json(r).await;
        let secret = token["token"].as_str().unwrap().to_string();
        let plain = reqwest::Client::new();
        let me = plain
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        assert_eq!(json(me).await["email"], "rep1@demo.tandem");
        // The secret is never listed again.
        let list = json(
            admin
                .get(app.url("/api/v1/api-tokens"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(list[0].get("token").is_none(), "{list}");
        // Only admins make tokens.
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/api-tokens"))
            .json(&json!({"name": "mine", "user_id": rep1, "scopes": ["*:read"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = admin
            .delete(app.url(&format!("/api/v1/api-tokens/{}", token["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let me = plain
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{b:?}");
        let bogus = plain
            .get(app.url("/api/v1/me"))
            .bearer_auth("tdm_not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    }
}
