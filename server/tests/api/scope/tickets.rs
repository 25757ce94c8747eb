//! The service desk's routes: agents and admins work every ticket; reps and managers
//! read those of the customers they may read.
use super::*;

/// Walks these routes as `w`'s role against `t`.
pub(super) async fn walk(w: &mut Walk<'_>, t: &Their) {
    use StatusCode as S;
    let app = w.app;
    let role = w.role;
    let expect = w.expect;
    let Their {
        customer: theirs,
        ticket: their_ticket,
        file: their_file,
        ..
    } = *t;
    // Tickets: agents and admins work every ticket; reps and managers read those of
    // the customers they may read, and change none (403: the role never may).
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/tickets",
            format!("/api/v1/tickets?view=all&customer_id={theirs}"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == their_ticket);
    assert_eq!(listed, !matches!(expect, Expect::Hidden), "{role} tickets");
    let (s, detail) = w
        .call(
            Method::GET,
            "/api/v1/tickets/{id}",
            format!("/api/v1/tickets/{their_ticket}"),
            None,
        )
        .await;
    w.check("GET ticket", s, S::NOT_FOUND, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/tickets/{id}/attachments/{attachment_id}",
            format!("/api/v1/tickets/{their_ticket}/attachments/{their_file}"),
            None,
        )
        .await;
    w.check("GET ticket attachment", s, S::NOT_FOUND, S::OK, S::OK);
    let version = detail["ticket"]["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/tickets/{id}/merge",
            format!("/api/v1/tickets/{their_ticket}/merge"),
            Some(json!({"version": version, "into": their_ticket})),
        )
        .await;
    // Reps and managers never work tickets (403); into itself is refused by name.
    w.check(
        "POST ticket merge",
        s,
        S::FORBIDDEN,
        S::UNPROCESSABLE_ENTITY,
        S::UNPROCESSABLE_ENTITY,
    );
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/tickets/{id}",
            format!("/api/v1/tickets/{their_ticket}"),
            Some(json!({"version": version, "priority": "high"})),
        )
        .await;
    w.check("PATCH ticket", s, S::FORBIDDEN, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/tickets/{id}/messages",
            format!("/api/v1/tickets/{their_ticket}/messages"),
            Some(json!({"body": "已收到，正在处理", "internal": true})),
        )
        .await;
    w.check(
        "POST ticket message",
        s,
        S::FORBIDDEN,
        S::CREATED,
        S::CREATED,
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/tickets",
            "/api/v1/tickets".into(),
            Some(json!({"customer_id": theirs, "subject": format!("{role} 来电")})),
        )
        .await;
    w.check("POST ticket", s, S::FORBIDDEN, S::CREATED, S::CREATED);
    // Survey answers are read with their customer; only admins send NPS surveys.
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/customers/{id}/surveys",
            format!("/api/v1/customers/{theirs}/surveys"),
            None,
        )
        .await;
    w.check("GET customer surveys", s, S::NOT_FOUND, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/surveys/nps",
            "/api/v1/surveys/nps".into(),
            Some(json!({"customer_ids": [theirs]})),
        )
        .await;
    w.check("POST NPS survey", s, S::FORBIDDEN, S::FORBIDDEN, S::CREATED);
    // The knowledge base: everyone reads internal articles; agents and admins write.
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/articles",
            "/api/v1/articles?q=登录".into(),
            None,
        )
        .await;
    assert_eq!(s, S::OK, "{role} articles");
    assert!(list["items"].is_array());
    let (s, made) = w
        .call(
            Method::POST,
            "/api/v1/articles",
            "/api/v1/articles".into(),
            Some(json!({"title": format!("{role} 的文章"), "body": "步骤一", "visibility": "internal"})),
        )
        .await;
    w.check("POST article", s, S::FORBIDDEN, S::CREATED, S::CREATED);
    let internal = app
        .count("SELECT MIN(id) FROM articles WHERE visibility = 'internal'")
        .await;
    let (s, article) = w
        .call(
            Method::GET,
            "/api/v1/articles/{id}",
            format!("/api/v1/articles/{internal}"),
            None,
        )
        .await;
    assert_eq!(s, S::OK, "{role} reads an internal article");
    let version = made["version"]
        .as_i64()
        .or(article["version"].as_i64())
        .unwrap_or(1);
    let target = made["id"].as_i64().unwrap_or(internal);
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/articles/{id}",
            format!("/api/v1/articles/{target}"),
            Some(json!({"version": version, "body": "步骤二"})),
        )
        .await;
    w.check("PATCH article", s, S::FORBIDDEN, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/tickets/{id}/article",
            format!("/api/v1/tickets/{their_ticket}/article"),
            None,
        )
        .await;
    // Their ticket is still open: nothing to write up yet.
    w.check(
        "POST article from ticket",
        s,
        S::FORBIDDEN,
        S::UNPROCESSABLE_ENTITY,
        S::UNPROCESSABLE_ENTITY,
    );
    // Canned replies: the desk's own, filled in for a ticket it may see.
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/canned-replies",
            "/api/v1/canned-replies".into(),
            Some(json!({"title": format!("{role} 模板"), "body": "{{contact}}您好"})),
        )
        .await;
    w.check("POST canned reply", s, S::FORBIDDEN, S::CREATED, S::CREATED);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/canned-replies",
            "/api/v1/canned-replies".into(),
            None,
        )
        .await;
    w.check("GET canned replies", s, S::FORBIDDEN, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/tickets/{id}/canned-replies",
            format!("/api/v1/tickets/{their_ticket}/canned-replies"),
            None,
        )
        .await;
    w.check("GET ticket canned replies", s, S::FORBIDDEN, S::OK, S::OK);
    // The desk's settings: everyone reads them; only admins change them.
    for path in [
        "/api/v1/settings/sla",
        "/api/v1/settings/service-hours",
        "/api/v1/settings/ticket-routing",
        "/api/v1/settings/team-service-hours",
    ] {
        let (s, value) = w.call(Method::GET, path, path.into(), None).await;
        assert_eq!(s, S::OK, "{role} GET {path}");
        let (s, _) = w.call(Method::PUT, path, path.into(), Some(value)).await;
        w.check(path, s, S::FORBIDDEN, S::FORBIDDEN, S::OK);
    }
    w.covered
        .insert(("post".to_string(), "/api/v1/inbound/email".to_string()));
    let r = w
        .client
        .post(app.url("/api/v1/inbound/email"))
        .header("content-type", "message/rfc822")
        .body(format!(
            "From: caller.{role}@walk.example\r\nSubject: walk\r\n\r\nhello\r\n"
        ))
        .send()
        .await
        .unwrap();
    w.check("POST inbound email", r.status(), S::FORBIDDEN, S::OK, S::OK);
}
