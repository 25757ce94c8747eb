//! Sign-in: throttling that slows the guesser and not the owner, passwords, the trusted
//! proxy rule for the client address, and who may read the metrics.
use crate::helpers::*;
use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::json;

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
