//! Text and input through every door: stored markup in pages, the security headers,
//! unknown fields, server-function statuses, redirects and cross-site posts.
use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

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

/// A page's nonce, checked to be the one every inline script of the page carries.
async fn page_nonce(r: reqwest::Response) -> Result<String, String> {
    let path = r.url().path().to_string();
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let nonce = nonce_of(&csp).ok_or(format!("{path}: no nonce in {csp:?}"))?;
    let html = r.text().await.map_err(|e| e.to_string())?;
    let inline: Vec<&str> = html
        .split("<script")
        .skip(1)
        .filter(|s| !s.trim_start().starts_with("src="))
        .collect();
    if inline.is_empty() {
        return Err(format!("{path}: no inline scripts"));
    }
    match inline
        .iter()
        .find(|s| !s.contains(&format!("nonce=\"{nonce}\"")))
    {
        Some(s) => Err(format!("{path}: script without the nonce: {s:.80}")),
        None => Ok(nonce),
    }
}

/// Pages eleven at a time, signed in and not, found and not found: each names its own
/// nonce, and its scripts carry that one (a page with another policy could not hydrate).
#[tokio::test]
async fn every_page_names_the_nonce_its_scripts_carry() {
    let app = spawn_app(Backend::Sqlite).await;
    let rep = app.login("rep1@demo.tandem").await;
    let customer = app.customer_of("rep1@demo.tandem").await;
    let paths = [
        "/today".to_string(),
        "/customers".to_string(),
        format!("/customers/{customer}"),
        "/customers/999999999".to_string(),
        "/leads".to_string(),
        "/leads?tab=pool".to_string(),
        "/tasks".to_string(),
        "/pipeline".to_string(),
        "/alerts".to_string(),
        "/no-such-page".to_string(),
    ];
    let mut nonces = std::collections::HashSet::new();
    for round in 0..4 {
        let mut calls = Vec::new();
        for p in &paths {
            let (c, url) = (rep.clone(), app.url(p));
            calls.push(tokio::spawn(async move { c.get(url).send().await }));
        }
        let anonymous = app.client();
        let url = app.url(if round % 2 == 0 { "/login" } else { "/nowhere" });
        calls.push(tokio::spawn(async move { anonymous.get(url).send().await }));
        for call in calls {
            let r = call.await.unwrap().unwrap();
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "{}",
                r.url()
            );
            let nonce = page_nonce(r).await.unwrap_or_else(|e| panic!("{e}"));
            assert!(nonces.insert(nonce), "a nonce was used twice");
        }
    }
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
    let nonce = page_nonce(r).await.unwrap();
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
