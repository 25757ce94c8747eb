//! Alerts (personal to each user), users, teams and API tokens.
use super::*;

/// Walks these routes as `w`'s role against `t`.
pub(super) async fn walk(w: &mut Walk<'_>, t: &Their) {
    use StatusCode as S;
    let app = w.app;
    let role = w.role;
    let Their {
        customer: theirs,
        owner: their_owner,
        ..
    } = *t;
    // Alerts are personal: nobody reads or marks another user's, admins neither.
    let their_alert: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO alerts (user_id, kind, entity_type, entity_id, title, body, created_at, dedupe_key) \
         VALUES ({their_owner}, 'follow_up_due', 'customer', {theirs}, 't', 'b', 0, 'walk:{role}') RETURNING id"
    ))
    .fetch_one(&app.state.app.db.write)
    .await
    .unwrap();
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/alerts",
            "/api/v1/alerts?limit=200".into(),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    assert!(!list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == their_alert));
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/alerts/unread",
            "/api/v1/alerts/unread".into(),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/alerts/{id}/read",
            format!("/api/v1/alerts/{their_alert}/read"),
            None,
        )
        .await;
    assert_eq!(s, S::NOT_FOUND, "{role} reads someone's alert");
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/alerts/read-all",
            "/api/v1/alerts/read-all".into(),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let still_unread: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM alerts WHERE id = {their_alert} AND read_at IS NULL"
    ))
    .fetch_one(&app.state.app.db.read)
    .await
    .unwrap();
    assert_eq!(still_unread, 1, "{role} read-all touched someone else's");

    // Users, teams, tokens.
    let (s, users) = w
        .call(Method::GET, "/api/v1/users", "/api/v1/users".into(), None)
        .await;
    assert_eq!(s, S::OK);
    let sees_them = users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == their_owner);
    assert_eq!(sees_them, role == "admin", "{role} users list");
    let (s, user) = w
        .call(
            Method::GET,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{their_owner}"),
            None,
        )
        .await;
    w.check("GET user", s, S::NOT_FOUND, S::NOT_FOUND, S::OK);
    let uv = user["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{their_owner}"),
            Some(json!({"version": uv, "name": "改名"})),
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" { S::OK } else { S::FORBIDDEN },
        "{role} PATCH user"
    );
    let (s, _) = w.call(Method::POST, "/api/v1/users", "/api/v1/users".into(),
        Some(json!({"email": format!("new-{role}@demo.tandem"), "name": "新人", "role": "rep", "password": "long-enough-pw"}))).await;
    assert_eq!(
        s,
        if role == "admin" {
            S::CREATED
        } else {
            S::FORBIDDEN
        },
        "{role} POST user"
    );
    let (s, _) = w
        .call(Method::GET, "/api/v1/teams", "/api/v1/teams".into(), None)
        .await;
    assert_eq!(
        s,
        if matches!(role, "admin" | "manager") {
            S::OK
        } else {
            S::FORBIDDEN
        },
        "{role} GET teams"
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/teams",
            "/api/v1/teams".into(),
            Some(json!({"name": "新团队"})),
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" {
            S::CREATED
        } else {
            S::FORBIDDEN
        },
        "{role} POST team"
    );
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/api-tokens",
            "/api/v1/api-tokens".into(),
            None,
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" { S::OK } else { S::FORBIDDEN },
        "{role} GET tokens"
    );
    let (s, tok) = w
        .call(
            Method::POST,
            "/api/v1/api-tokens",
            "/api/v1/api-tokens".into(),
            Some(json!({"name": "t", "user_id": their_owner, "scopes": ["customers:read"]})),
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" {
            S::CREATED
        } else {
            S::FORBIDDEN
        },
        "{role} POST token"
    );
    let tok_id = tok["id"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::DELETE,
            "/api/v1/api-tokens/{id}",
            format!("/api/v1/api-tokens/{tok_id}"),
            None,
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" {
            S::NO_CONTENT
        } else {
            S::FORBIDDEN
        },
        "{role} DELETE token"
    );
}
