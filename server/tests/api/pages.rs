//! The server-rendered pages, as a browser without WASM would see them.
use crate::helpers::*;
use reqwest::StatusCode;

async fn form_login(app: &TestApp, email: &str) -> reqwest::Client {
    let c = app.client();
    let r = c
        .post(app.url("/auth/login"))
        .form(&[("email", email), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    c
}

#[tokio::test]
async fn the_sign_in_form_sends_each_role_home() {
    for b in backends() {
        let app = spawn_app(b).await;
        for (email, home) in [
            ("rep1@demo.tandem", "/today"),
            ("agent1@demo.tandem", "/queue"),
            ("manager1@demo.tandem", "/dashboard"),
            ("admin@demo.tandem", "/admin"),
        ] {
            let c = app.client();
            let r = c
                .post(app.url("/auth/login"))
                .form(&[("email", email), ("password", PASSWORD), ("next", "")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            assert_eq!(r.headers()["location"], home, "{email} on {b:?}");
            let r = c.get(app.url("/")).send().await.unwrap();
            assert_eq!(r.headers()["location"], home);
            let page = c
                .get(app.url(home))
                .header("accept-language", "en")
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), StatusCode::OK);
            let html = page.text().await.unwrap();
            assert!(html.contains("Tandem"), "{home}");
        }
        let r = app
            .client()
            .post(app.url("/auth/login"))
            .form(&[
                ("email", "rep1@demo.tandem"),
                ("password", "nope-nope"),
                ("next", "/customers"),
            ])
            .send()
            .await
            .unwrap();
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            to.starts_with("/login?error=invalid&email=rep1%40demo.tandem"),
            "{to}"
        );
        assert!(to.contains("next=/customers"));
        // No open redirects.
        let r = app
            .client()
            .post(app.url("/auth/login"))
            .form(&[
                ("email", "rep1@demo.tandem"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/today");
    }
}

#[tokio::test]
async fn private_pages_send_strangers_to_sign_in() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/today",
        "/queue",
        "/dashboard",
        "/admin",
        "/customers",
        "/customers/1",
    ] {
        let r = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            r.headers()["location"].to_str().unwrap(),
            format!("/login?next={path}")
        );
    }
    let r = app.client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("action=\"/auth/login\""),
        "a plain form that works without WASM"
    );
}

#[tokio::test]
async fn a_rep_opening_another_reps_customer_by_url_gets_404() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = form_login(&app, "rep1@demo.tandem").await;
        let theirs = app.customer_of("rep2@demo.tandem").await;
        let mine = app.customer_of("rep1@demo.tandem").await;
        let r = c
            .get(app.url(&format!("/customers/{theirs}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b:?}");
        let html = r.text().await.unwrap();
        let their_name: String =
            sqlx::query_scalar(&format!("SELECT name FROM customers WHERE id = {theirs}"))
                .fetch_one(&app.state.app.db.read)
                .await
                .unwrap();
        assert!(
            !html.contains(&their_name),
            "the page must not leak the name"
        );
        let r = c
            .get(app.url(&format!("/customers/{mine}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let my_name: String =
            sqlx::query_scalar(&format!("SELECT name FROM customers WHERE id = {mine}"))
                .fetch_one(&app.state.app.db.read)
                .await
                .unwrap();
        assert!(r.text().await.unwrap().contains(&my_name));
    }
}

#[tokio::test]
async fn the_language_switch_is_remembered() {
    let app = spawn_app(Backend::Sqlite).await;
    let c = form_login(&app, "rep1@demo.tandem").await;
    let r = c
        .post(app.url("/auth/lang"))
        .form(&[("lang", "en"), ("back", "/customers")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/customers");
    let html = c
        .get(app.url("/customers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""), "cookie wins");
    let locale: String =
        sqlx::query_scalar("SELECT locale FROM users WHERE email = 'rep1@demo.tandem'")
            .fetch_one(&app.state.app.db.read)
            .await
            .unwrap();
    assert_eq!(locale, "en", "stored for the user's other devices");
    let other_device = form_login(&app, "rep1@demo.tandem").await;
    let html = other_device
        .get(app.url("/customers"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<html lang=\"en\""),
        "the user's setting beats the browser's"
    );
}

/// Leptos suppresses resource loading process-wide while it generates a route list; a page
/// rendering meanwhile never finished (leptos-rs/leptos#4773). The tests run many apps in
/// one process, so routers are built while other apps serve pages: every page must still
/// finish. (With the route list generated per router, this failed every run: bodies timed
/// out mid-stream.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_apps_start_in_the_same_process() {
    let app = spawn_app(Backend::Sqlite).await;
    let rep = app.login("rep1@demo.tandem").await;
    // Each app of the process builds its router as it starts.
    let state = app.state.clone();
    let starting = tokio::task::spawn_blocking(move || {
        for _ in 0..300 {
            drop(server::startup::router(state.clone()));
        }
    });
    let mut pages = Vec::new();
    for _ in 0..40 {
        let (c, url) = (rep.clone(), app.url("/today"));
        pages.push(tokio::spawn(async move {
            let r = c
                .get(url)
                .timeout(std::time::Duration::from_secs(15))
                .send()
                .await?;
            r.text().await
        }));
    }
    for page in pages {
        let html = page.await.unwrap().expect("the page finished");
        let from = html
            .char_indices()
            .rev()
            .nth(120)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let tail = &html[from..];
        assert!(html.contains("</html>"), "a page stopped mid-body: {tail}");
    }
    starting.await.unwrap();
}
