//! A customer's records: the customer, its contacts, follow-ups and tasks.
use super::*;

/// Walks these routes as `w`'s role against `t`.
pub(super) async fn walk(w: &mut Walk<'_>, t: &Their) {
    use StatusCode as S;
    let app = w.app;
    let role = w.role;
    let expect = w.expect;
    let Their {
        customer: theirs,
        contact: their_contact,
        owner: their_owner,
        ..
    } = *t;
    // Customers.
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/customers",
            format!("/api/v1/customers?owner_id={their_owner}&limit=200"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == theirs);
    assert_eq!(listed, !matches!(expect, Expect::Hidden), "{role} list");
    let (s, cust) = w
        .call(
            Method::GET,
            "/api/v1/customers/{id}",
            format!("/api/v1/customers/{theirs}"),
            None,
        )
        .await;
    w.check("GET customer", s, S::NOT_FOUND, S::OK, S::OK);
    let version = cust["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/customers/{id}",
            format!("/api/v1/customers/{theirs}"),
            Some(json!({"version": version, "level": "A"})),
        )
        .await;
    w.check("PATCH customer", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/customers",
            "/api/v1/customers".into(),
            Some(json!({"name": format!("{role} 新建公司")})),
        )
        .await;
    assert_eq!(
        s,
        if role == "agent" {
            S::FORBIDDEN
        } else {
            S::CREATED
        },
        "{role} POST customer"
    );

    // Contacts.
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/contacts",
            format!("/api/v1/contacts?customer_id={theirs}"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    assert_eq!(
        list["items"].as_array().unwrap().is_empty(),
        matches!(expect, Expect::Hidden),
        "{role} contact list"
    );
    let (s, contact) = w
        .call(
            Method::GET,
            "/api/v1/contacts/{id}",
            format!("/api/v1/contacts/{their_contact}"),
            None,
        )
        .await;
    w.check("GET contact", s, S::NOT_FOUND, S::OK, S::OK);
    let cv = contact["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/contacts/{id}",
            format!("/api/v1/contacts/{their_contact}"),
            Some(json!({"version": cv, "title": "经理"})),
        )
        .await;
    w.check("PATCH contact", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/contacts",
            "/api/v1/contacts".into(),
            Some(json!({"customer_id": theirs, "name": "新联系人"})),
        )
        .await;
    w.check(
        "POST contact",
        s,
        S::UNPROCESSABLE_ENTITY,
        S::FORBIDDEN,
        S::CREATED,
    );
    let (s, _) = w
        .call(
            Method::DELETE,
            "/api/v1/contacts/{id}",
            format!("/api/v1/contacts/{their_contact}"),
            None,
        )
        .await;
    w.check(
        "DELETE contact",
        s,
        S::NOT_FOUND,
        S::FORBIDDEN,
        S::NO_CONTENT,
    );

    // Activities.
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/activities",
            format!("/api/v1/activities?customer_id={theirs}"),
            None,
        )
        .await;
    w.check("GET activities", s, S::NOT_FOUND, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/activities",
            "/api/v1/activities".into(),
            Some(json!({"customer_id": theirs, "kind": "call"})),
        )
        .await;
    w.check(
        "POST activity",
        s,
        S::UNPROCESSABLE_ENTITY,
        S::FORBIDDEN,
        S::CREATED,
    );

    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/customers/{id}/timeline",
            format!("/api/v1/customers/{theirs}/timeline"),
            None,
        )
        .await;
    w.check("GET timeline", s, S::NOT_FOUND, S::OK, S::OK);

    // Tasks: visible to the assignee, the creator, the assignee's managers and
    // admins; agents see only their own.
    let their_task = {
        let rep5 = app.login("rep5@demo.tandem").await;
        let r = rep5
            .post(app.url("/api/v1/tasks"))
            .json(&json!({"title": "回访报价", "customer_id": theirs}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), S::CREATED);
        json(r).await
    };
    let task_id = their_task["id"].as_i64().unwrap();
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/tasks",
            format!("/api/v1/tasks?assignee_id={their_owner}&limit=200"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == task_id);
    assert_eq!(listed, role == "admin", "{role} task list");
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/tasks/{id}",
            format!("/api/v1/tasks/{task_id}"),
            None,
        )
        .await;
    let want = if role == "admin" { S::OK } else { S::NOT_FOUND };
    assert_eq!(s, want, "{role} GET task");
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/tasks/{id}",
            format!("/api/v1/tasks/{task_id}"),
            Some(json!({"version": their_task["version"], "done": true})),
        )
        .await;
    assert_eq!(s, want, "{role} PATCH task");
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/tasks",
            "/api/v1/tasks".into(),
            Some(json!({"title": "分配任务", "assignee_id": their_owner})),
        )
        .await;
    let want = if role == "admin" {
        S::CREATED
    } else {
        S::UNPROCESSABLE_ENTITY
    };
    assert_eq!(s, want, "{role} POST task for another team");
}
