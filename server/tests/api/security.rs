//! The findings of probing Tandem as an attacker would, each with the test that would
//! have caught it: stored markup in pages, headers, unknown input, server-function
//! statuses, redirects, cross-site posts, sign-in throttling, passwords, approvals,
//! sockets that outlive their session, tokens, form keys, the proxy rule and metrics.
use crate::helpers::*;
use chrono::Duration;
use futures::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const XSS_NAME: &str = "X</title><script>alert(3)</script> Ltd";

#[tokio::test]
async fn a_customer_named_with_markup_is_text_in_the_page_and_its_title() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": XSS_NAME, "industry": "\"><img src=x onerror=alert(1)>"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let id = json(r).await["id"].as_i64().unwrap();
        for email in [
            "rep1@demo.tandem",
            "manager1@demo.tandem",
            "admin@demo.tandem",
            "agent1@demo.tandem",
        ] {
            let viewer = app.login(email).await;
            let html = viewer
                .get(app.url(&format!("/customers/{id}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                !html.contains("<script>alert(3)"),
                "{email} {b:?}: script in page"
            );
            assert!(
                !html.contains("<img src=x onerror"),
                "{email} {b:?}: img in page"
            );
            assert!(
                html.contains("<title>X&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; Ltd · Tandem</title>"),
                "{email} {b:?}: title not escaped"
            );
        }
    }
}

/// The nonce a page's CSP names, and that its inline scripts carry.
fn nonce_of(csp: &str) -> Option<String> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = csp[start..].find('\'')? + start;
    Some(csp[start..end].to_string())
}

#[tokio::test]
async fn pages_and_api_responses_carry_the_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    let r = app.client().get(app.url("/login")).send().await.unwrap();
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    for directive in [
        "script-src 'self' 'nonce-",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.get("strict-transport-security").is_none());
    assert!(h.get("x-request-id").is_some());
    let nonce = nonce_of(&csp).unwrap();
    let html = r.text().await.unwrap();
    // Every inline script carries this response's nonce.
    let inline: Vec<&str> = html
        .split("<script")
        .skip(1)
        .filter(|s| !s.trim_start().starts_with("src="))
        .collect();
    assert!(!inline.is_empty());
    for s in inline {
        assert!(
            s.contains(&format!("nonce=\"{nonce}\"")),
            "script without the nonce: {s:.80}"
        );
    }
    // A second response has another nonce.
    let again = app.client().get(app.url("/login")).send().await.unwrap();
    assert_ne!(
        nonce_of(again.headers()["content-security-policy"].to_str().unwrap()),
        Some(nonce)
    );
    // API answers load nothing at all.
    let api = app
        .client()
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    // A request id from a proxy is kept and returned.
    let traced = app
        .client()
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-42")
        .send()
        .await
        .unwrap();
    assert_eq!(traced.headers()["x-request-id"], "lb-42");

    // Served over HTTPS, browsers are told to keep to it.
    let secure = spawn_app_with(Backend::Sqlite, |c| server::config::Config {
        secure_cookies: true,
        ..c
    })
    .await;
    let r = secure
        .client()
        .get(secure.url("/login"))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn fields_and_parameters_tandem_does_not_know_are_refused_naming_them() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let before = app.count("SELECT COUNT(*) FROM customers").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "未知字段测试有限公司", "phone": "13800001111"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["phone"].is_string());
        assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, before);
        // Nested objects too.
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "嵌套字段测试", "contact": {"name": "张三", "mobile": "1"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        assert!(p["errors"]["contact.mobile"].is_string(), "{p}");
        // Query parameters.
        let r = rep
            .get(app.url("/api/v1/customers?limt=5"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["limt"].is_string());
        // Form posts.
        let r = app
            .client()
            .post(app.url("/auth/login"))
            .form(&[
                ("email", "rep1@demo.tandem"),
                ("password", PASSWORD),
                ("remember", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["remember"].is_string());
        // Server-function forms: a rep claiming a pool customer for someone else.
        let pool = app.pool_customer().await;
        let r = sfn(
            &app,
            &rep,
            "claim_customer",
            &[("id", pool.to_string()), ("owner_id", "1".into())],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let e: Value = r.json().await.unwrap();
        assert!(e["detail"]["owner_id"].is_string(), "{e}");
        let owner = app
            .count(&format!(
                "SELECT COALESCE(owner_id, 0) FROM customers WHERE id = {pool}"
            ))
            .await;
        assert_eq!(owner, 0, "nothing was claimed");
        // And their query strings.
        let r = rep
            .post(app.url("/sfn/today?debug=1"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(e["detail"]["debug"].is_string(), "{e}");
    }
}

/// Calls a server function as the page does (form-encoded, answered as data).
async fn sfn(app: &TestApp, c: &Client, name: &str, form: &[(&str, String)]) -> reqwest::Response {
    c.post(app.url(&format!("/sfn/{name}")))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn server_function_refusals_answer_with_the_status_rest_uses() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let theirs = app.customer_of("rep5@demo.tandem").await;
        let r = sfn(&app, &rep, "customer", &[("id", theirs.to_string())]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b:?}");
        let r = sfn(&app, &rep, "customer", &[]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(r.text().await.unwrap().contains("id"));
        let r = sfn(&app, &rep, "admin", &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = sfn(&app, &app.client(), "today", &[]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let mine = app.customer_of("rep1@demo.tandem").await;
        let r = sfn(&app, &rep, "customer", &[("id", mine.to_string())]).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn redirects_after_sign_in_and_language_stay_on_this_site() {
    let app = spawn_app(Backend::Sqlite).await;
    for next in [
        "/\t/evil.example/x",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
    ] {
        let r = app
            .client()
            .post(app.url("/auth/login"))
            .form(&[
                ("email", "rep1@demo.tandem"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()["location"], "/today", "{next:?}");
    }
    for back in ["/x\r\nSet-Cookie: evil=1", "/\t/evil.example", "/客户"] {
        let r = app
            .client()
            .post(app.url("/auth/lang"))
            .form(&[("lang", "en"), ("back", back)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{back:?}");
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to == "/" || to == "/%E5%AE%A2%E6%88%B7", "{back:?} → {to}");
    }
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let host = app.base.trim_start_matches("http://").to_string();
    // Login CSRF: another site's page posting the sign-in form.
    let r = app
        .client()
        .post(app.url("/auth/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", "rep1@demo.tandem"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let rep = app.login("rep1@demo.tandem").await;
    let pool = app.pool_customer().await;
    for (path, headers) in [
        (
            "/sfn/claim_customer",
            vec![("sec-fetch-site", "cross-site".to_string())],
        ),
        (
            "/auth/logout",
            vec![("origin", "https://evil.example".to_string())],
        ),
        ("/auth/lang", vec![("origin", "null".to_string())]),
        (
            "/api/v1/alerts/read-all",
            vec![
                ("origin", "https://evil.example".to_string()),
                ("content-type", "text/plain".to_string()),
            ],
        ),
    ] {
        let mut req = rep.post(app.url(path)).body(format!("id={pool}"));
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        assert_eq!(
            req.send().await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM customers WHERE id = {pool} AND owner_id IS NULL"
        ))
        .await,
        1
    );
    // The same requests from Tandem's own pages go through.
    let r = rep
        .post(app.url("/sfn/claim_customer"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("id", pool.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = rep
        .post(app.url("/api/v1/alerts/read-all"))
        .header("origin", format!("http://{host}"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// Tandem behind a proxy on loopback: each request says which client address it is from.
async fn behind_proxy(b: Backend) -> TestApp {
    spawn_app_with(b, |c| server::config::Config {
        trusted_proxies: server::security::SecurityPolicy::parse_proxies("127.0.0.0/8").unwrap(),
        metrics_token: Some("metrics-secret".into()),
        ..c
    })
    .await
}

async fn login_from(
    app: &TestApp,
    c: &Client,
    addr: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    c.post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", addr)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_passwords_slows_the_guesser_not_the_account_owner() {
    for b in backends() {
        let app = behind_proxy(b).await;
        let attacker = app.client();
        let mut waits = Vec::new();
        for _ in 0..12 {
            let r = login_from(
                &app,
                &attacker,
                "203.0.113.9",
                "rep2@demo.tandem",
                "wrong-guess-1",
            )
            .await;
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                waits.push(
                    r.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse::<i64>()
                        .unwrap(),
                );
                // The attacker waits out each delay, and the next one is longer.
                app.clock.advance(Duration::seconds(*waits.last().unwrap()));
            }
        }
        assert!(
            waits.len() >= 2 && waits.windows(2).all(|w| w[1] >= w[0]),
            "{b:?}: {waits:?}"
        );
        // Even the right password waits from the attacker's address...
        let r = login_from(&app, &attacker, "203.0.113.9", "rep2@demo.tandem", PASSWORD).await;
        assert!(matches!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::OK
        ));
        // ...but the owner, from their own address, is not held back.
        let owner = app.client();
        let r = login_from(&app, &owner, "198.51.100.7", "rep2@demo.tandem", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
    }
}

#[tokio::test]
async fn spraying_from_one_address_holds_back_new_devices_only() {
    for b in backends() {
        let app = behind_proxy(b).await;
        let office = "203.0.113.50";
        // rep3 signed in from this office before: their browser is a known device.
        let rep3 = app.client();
        assert_eq!(
            login_from(&app, &rep3, office, "rep3@demo.tandem", PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );
        // Someone at the same NAT sprays one password over many accounts.
        let sprayer = app.client();
        let mut last = StatusCode::OK;
        for i in 0..60 {
            last = login_from(
                &app,
                &sprayer,
                office,
                &format!("nobody{i}@demo.tandem"),
                "Summer2026!",
            )
            .await
            .status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{b:?}");
        // A new device at the office waits...
        let newcomer = app.client();
        assert_eq!(
            login_from(&app, &newcomer, office, "rep4@demo.tandem", PASSWORD)
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        // ...the known device signs in.
        assert_eq!(
            login_from(&app, &rep3, office, "rep3@demo.tandem", PASSWORD)
                .await
                .status(),
            StatusCode::OK,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    for b in backends() {
        // No trusted proxy: the header is the client's claim and is ignored.
        let app = spawn_app(b).await;
        login_from(
            &app,
            &app.client(),
            "203.0.113.77",
            "rep2@demo.tandem",
            "nope-nope-nope",
        )
        .await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM login_failures WHERE ip = '203.0.113.77'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM login_failures WHERE ip = '127.0.0.1'")
                .await,
            1
        );
        // Behind a trusted proxy: the address the proxy saw.
        let proxied = behind_proxy(b).await;
        login_from(
            &proxied,
            &proxied.client(),
            "6.6.6.6, 203.0.113.77",
            "rep2@demo.tandem",
            "nope-nope-nope",
        )
        .await;
        assert_eq!(
            proxied
                .count("SELECT COUNT(*) FROM login_failures WHERE ip = '203.0.113.77'")
                .await,
            1,
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn metrics_are_served_to_loopback_or_with_the_token() {
    let direct = spawn_app(Backend::Sqlite).await;
    let r = direct
        .client()
        .get(direct.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let app = behind_proxy(Backend::Sqlite).await;
    let from_outside = |auth: Option<&'static str>| {
        let mut req = app
            .client()
            .get(app.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    assert_eq!(
        from_outside(None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        from_outside(Some("Bearer wrong")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let r = from_outside(Some("Bearer metrics-secret")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("tandem_http_requests_total"));
}

#[tokio::test]
async fn common_and_guessable_passwords_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.login("admin@demo.tandem").await;
    for (i, weak) in [
        "          ",
        "1234567890",
        "password12",
        "qwertyuiop",
        "wangfang2026",
    ]
    .iter()
    .enumerate()
    {
        let r = admin
            .post(app.url("/api/v1/users"))
            .json(&json!({"email": format!("wangfang{i}@demo.tandem"), "name": "wangfang", "role": "rep", "password": weak}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{weak:?}");
        assert!(problem(r).await["errors"]["password"].is_string());
    }
    let r = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({"email": "wangfang@demo.tandem", "name": "王芳", "role": "rep", "password": "Lotus-Harbor-Quiet-81"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

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

async fn cookie_of(app: &TestApp, email: &str) -> String {
    let r = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("tandem_session="))
        .unwrap()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(base: &str, cookie: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket");
    ws.send(Message::Text(
        json!({"type": "hello", "after": 0}).to_string().into(),
    ))
    .await
    .unwrap();
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if m.to_text().unwrap_or_default().contains("welcome") {
            return ws;
        }
    }
}

/// True if the socket closes within a few seconds (messages before the close are skipped).
async fn closes(ws: &mut Ws) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_millis(500), ws.next()).await {
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            _ => {}
        }
    }
    false
}

#[tokio::test]
async fn an_ended_session_closes_its_sockets_on_every_instance() {
    for b in backends() {
        let app = spawn_app(b).await;
        // Sign-out closes that session's socket, and only that one.
        let one = cookie_of(&app, "rep2@demo.tandem").await;
        let other = cookie_of(&app, "rep2@demo.tandem").await;
        let mut ws_one = socket(&app.base, &one).await;
        let mut ws_other = socket(&app.base, &other).await;
        let r = Client::new()
            .post(app.url("/api/v1/auth/logout"))
            .header("cookie", &one)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert!(
            closes(&mut ws_one).await,
            "{b:?}: socket outlived its session"
        );
        assert!(
            !closes(&mut ws_other).await,
            "{b:?}: another session's socket closed"
        );

        // Deactivation closes every socket of the user, here and on another instance.
        let elsewhere = match b {
            Backend::Postgres => Some(app.second_instance().await),
            Backend::Sqlite => None,
        };
        let mut ws_elsewhere = match &elsewhere {
            Some(i) => Some(socket(&i.base, &other).await),
            None => None,
        };
        let admin = app.login("admin@demo.tandem").await;
        let id = app.user_id("rep2@demo.tandem").await;
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
        assert!(
            closes(&mut ws_other).await,
            "{b:?}: socket outlived deactivation"
        );
        if let Some(ws) = ws_elsewhere.as_mut() {
            assert!(
                closes(ws).await,
                "socket on the other instance outlived deactivation"
            );
        }
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
