use crate::helpers::*;
use app::ssr::clock::Clock;
use reqwest::StatusCode;

#[tokio::test]
async fn health_readiness_metrics_and_the_openapi_contract() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        assert_eq!(
            c.get(app.url("/healthz")).send().await.unwrap().status(),
            StatusCode::OK
        );
        assert_eq!(
            c.get(app.url("/readyz")).send().await.unwrap().status(),
            StatusCode::OK
        );
        c.get(app.url("/api/v1/me")).send().await.unwrap();
        let metrics = c
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(metrics.contains("tandem_http_requests_total"), "{metrics}");
        assert!(metrics.contains("route=\"/api/v1/me\""), "{metrics}");
        let spec = json(c.get(app.url("/api/openapi.json")).send().await.unwrap()).await;
        assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
        assert!(spec["paths"]["/api/v1/customers/{id}"]["patch"].is_object());
        assert!(spec["components"]["schemas"]["Customer"].is_object());
        // Every parameter is where the contract says: path parameters are in the path,
        // filters are optional query parameters (a client generated from it must work).
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let name = p["name"].as_str().unwrap();
                    match p["in"].as_str().unwrap() {
                        "path" => assert!(
                            path.contains(&format!("{{{name}}}")),
                            "{method} {path}: {name} is not in the path"
                        ),
                        "query" => assert_ne!(
                            p["required"], true,
                            "{method} {path}: filter {name} is optional"
                        ),
                        _ => {}
                    }
                }
            }
        }
        let list = &spec["paths"]["/api/v1/customers"]["get"]["parameters"];
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "industry" && p["in"] == "query"),
            "{list}"
        );
    }
}

#[tokio::test]
async fn readiness_says_so_when_the_database_is_gone() {
    let app = spawn_app(Backend::Sqlite).await;
    app.state.app.db.close().await;
    let r = app.client().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_empty_database_migrates_and_seeds_deterministically() {
    for b in backends() {
        let app = spawn_empty_app(b).await;
        assert!(server::seed::is_empty(&app.state.app.db).await.unwrap());
        let stats = server::seed::bulk(&app.state.app.db, 1200, 3000)
            .await
            .unwrap();
        assert_eq!(stats.customers, 1200);
        assert_eq!(stats.activities, 3000);
        assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 1200);
        assert_eq!(app.count("SELECT COUNT(*) FROM contacts").await, 1200);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE role = 'rep'")
                .await,
            8
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM customers WHERE owner_id IS NULL")
                .await,
            120,
            "{b:?}"
        );
        // A bulk book is a living one: no owned customer is already due back to the pool
        // (else the engine spends its first hours reclaiming, and benchmarks measure that).
        let now = chrono::Utc::now().timestamp_millis();
        let due = app::ssr::store::pool::due_for_reclaim(&app.state.app.db.read, now, 10)
            .await
            .unwrap();
        assert!(
            due.is_empty(),
            "{b:?}: due for reclaim at seed time: {due:?}"
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND reclaim_at IS NULL"
            )
            .await,
            0,
            "{b:?}: every owned customer has a reclaim date"
        );
        let first: String = sqlx::query_scalar("SELECT name FROM customers ORDER BY id LIMIT 1")
            .fetch_one(&app.state.app.db.read)
            .await
            .unwrap();
        let again = spawn_empty_app(b).await;
        server::seed::bulk(&again.state.app.db, 10, 0)
            .await
            .unwrap();
        let first_again: String =
            sqlx::query_scalar("SELECT name FROM customers ORDER BY id LIMIT 1")
                .fetch_one(&again.state.app.db.read)
                .await
                .unwrap();
        assert_eq!(first, first_again, "same seed, same data");
    }
}

#[tokio::test]
async fn the_demo_company_has_every_state_and_stage() {
    for b in backends() {
        let app = spawn_app(b).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 15);
        assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 500);
        assert!(
            app.count("SELECT COUNT(*) FROM customers WHERE owner_id IS NULL")
                .await
                > 0
        );
        assert!(app.count("SELECT COUNT(*) FROM contacts").await >= 500);
        assert_eq!(
            app.count("SELECT COUNT(DISTINCT status) FROM leads").await,
            5,
            "{b:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(DISTINCT stage) FROM opportunities")
                .await,
            6
        );
        assert!(app.count("SELECT COUNT(*) FROM activities").await >= 3000);
        assert!(app.count("SELECT COUNT(*) FROM tickets").await > 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 3);
        // A looked-after book: nothing is due to return to the pool on day one (a demo
        // that emptied itself on the first sweep was a bug).
        assert_eq!(
            app::ssr::services::pool::reclaim_due(&app.state.app)
                .await
                .unwrap(),
            0,
            "{b:?}"
        );
        assert!(
            app.count(
                "SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND reclaim_at IS NULL"
            )
            .await
                == 0
        );
        // Dated by the server's clock, not the wall's: the test clock stands still while
        // the calendar moves on, and a demo dated by the wall had contacts "in the future"
        // that no follow-up logged now could move forward.
        let now = app.clock.now_ms();
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM activities WHERE occurred_at > {now}"
            ))
            .await,
            0,
            "{b:?}: demo activities after the server's now"
        );
        assert!(
            app.count(&format!(
                "SELECT COUNT(*) FROM activities WHERE occurred_at > {}",
                now - 86_400_000
            ))
            .await
                > 0,
            "{b:?}: the demo's last day has activities"
        );
    }
}

#[tokio::test]
async fn an_admin_moves_a_test_servers_clock_and_nobody_else_does() {
    let app = spawn_app(Backend::Sqlite).await;
    let before = app.clock_now();
    let shift = |c: reqwest::Client, body: serde_json::Value| {
        let url = app.url("/api/v1/test/clock");
        async move { c.post(url).json(&body).send().await.unwrap() }
    };
    let agent = app.login("agent1@demo.tandem").await;
    let r = shift(agent, serde_json::json!({"minutes": 5})).await;
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    let admin = app.login("admin@demo.tandem").await;
    let r = shift(admin.clone(), serde_json::json!({"minutes": 0})).await;
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let r = shift(admin, serde_json::json!({"minutes": 97})).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(app.clock_now() - before, chrono::Duration::minutes(97));
}
