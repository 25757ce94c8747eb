//! Admin settings are edited like records: every read carries the version, and a save made
//! from an older version is refused with 409 instead of undoing another admin's change.
use crate::helpers::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn etag(r: &reqwest::Response) -> String {
    r.headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_string()
}

async fn put(
    admin: &Client,
    app: &TestApp,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut req = admin.put(app.url(path)).json(&body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_save_from_a_stale_version_is_409_and_keeps_the_newer_value() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let path = "/api/v1/settings/alerts";
        let r = admin.get(app.url(path)).send().await.unwrap();
        let first = etag(&r);
        assert_eq!(first, "\"0\"", "never saved ({b:?})");

        // Two admins read version 0; the first save wins and moves the version on.
        let r = put(
            &admin,
            &app,
            path,
            Some(&first),
            json!({"silent_customer_days": 45}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(etag(&r), "\"1\"");
        let r = put(
            &admin,
            &app,
            path,
            Some(&first),
            json!({"silent_customer_days": 20}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{b:?}");
        let body = problem(r).await;
        assert_eq!(body["current"]["version"], 1, "{body}");
        assert_eq!(
            body["current"]["value"]["silent_customer_days"], 45,
            "{body}"
        );
        let got = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(etag(&got), "\"1\"");
        assert_eq!(
            json(got).await["silent_customer_days"],
            45,
            "the refused save changed nothing"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_entries WHERE entity_type = 'setting'")
                .await,
            1,
            "only the save that happened is audited ({b:?})"
        );

        // Weak tags are understood; without If-Match the save replaces what is stored now.
        let r = put(
            &admin,
            &app,
            path,
            Some("W/\"1\""),
            json!({"silent_customer_days": 30}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let r = put(
            &admin,
            &app,
            path,
            None,
            json!({"silent_customer_days": 31}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(etag(&r), "\"3\"");

        // A tag that is not one of ours is named, not a 500.
        let r = put(&admin, &app, path, Some("\"banana\""), json!({})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(problem(r).await["errors"]["If-Match"].is_string());
    }
}

#[tokio::test]
async fn of_many_saves_from_one_version_exactly_one_wins() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let path = "/api/v1/settings/pool";
        let tag = etag(&admin.get(app.url(path)).send().await.unwrap());
        let saves = (0..8).map(|i| {
            let (admin, app, tag) = (admin.clone(), &app, tag.clone());
            async move {
                put(
                    &admin,
                    app,
                    path,
                    Some(&tag),
                    json!({"holding_limit": 100 + i}),
                )
                .await
                .status()
            }
        });
        let statuses = futures::future::join_all(saves).await;
        let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let lost = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((won, lost), (1, 7), "{b:?}: {statuses:?}");
        let got = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(etag(&got), "\"1\"", "{b:?}");
    }
}

/// The admin page's routing-rule forms address rules by position; a form rendered before
/// another admin removed a rule must not edit whichever rule moved into that position.
#[tokio::test]
async fn a_routing_rule_form_from_before_another_change_is_refused() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        let path = "/api/v1/settings/lead-assignment";
        let rules = json!([
            {"source": "event", "rep_ids": [rep1]},
            {"source": "web", "rep_ids": [rep2]},
        ]);
        let r = put(&admin, &app, path, None, rules).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let version = etag(&r).trim_matches('"').to_string();

        let form = |index: &str, source: &str, version: &str| {
            vec![
                ("index", index.to_string()),
                ("source", source.to_string()),
                ("region", String::new()),
                ("industry", String::new()),
                ("product_line", String::new()),
                ("version", version.to_string()),
                ("rep_ids[]", rep1.to_string()),
            ]
        };
        // One admin removes rule 0 ...
        let r = admin
            .post(app.url("/sfn/remove_routing_rule"))
            .header("accept", "application/json")
            .form(&[("index", "0"), ("version", version.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        // ... another, whose page still shows it as rule 0, saves an edit of it.
        let r = admin
            .post(app.url("/sfn/save_routing_rule"))
            .header("accept", "application/json")
            .form(&form("0", "event-edited", &version))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["kind"], "conflict", "{b:?}: {body}");
        let got = json(admin.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            got,
            json!([{"source": "web", "region": null, "industry": null, "product_line": null, "rep_ids": [rep2]}]),
            "{b:?}"
        );

        // From the current version the same edit goes through, and a missing version is named.
        let current = etag(&admin.get(app.url(path)).send().await.unwrap());
        let r = admin
            .post(app.url("/sfn/save_routing_rule"))
            .header("accept", "application/json")
            .form(&form("", "fair", current.trim_matches('"')))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let r = admin
            .post(app.url("/sfn/save_routing_rule"))
            .header("accept", "application/json")
            .form(&form("", "fair", ""))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert!(body["detail"]["version"].is_string(), "{b:?}: {body}");
    }
}
