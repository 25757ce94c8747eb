//! The pipeline and the leads.
use super::*;

/// Walks these routes as `w`'s role against `t`.
pub(super) async fn walk(w: &mut Walk<'_>, t: &Their) {
    use StatusCode as S;
    let app = w.app;
    let role = w.role;
    let expect = w.expect;
    let Their {
        customer: theirs,
        owner: their_owner,
        ..
    } = *t;
    // The pipeline.
    let their_deal = app.open_deal_of("rep5@demo.tandem").await;
    let their_contract = app.contract_of("rep5@demo.tandem").await;
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/opportunities",
            format!("/api/v1/opportunities?owner_id={their_owner}&limit=200"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    assert_eq!(
        list["items"].as_array().unwrap().is_empty(),
        matches!(expect, Expect::Hidden),
        "{role} deal list"
    );
    let (s, deal) = w
        .call(
            Method::GET,
            "/api/v1/opportunities/{id}",
            format!("/api/v1/opportunities/{their_deal}"),
            None,
        )
        .await;
    w.check("GET deal", s, S::NOT_FOUND, S::OK, S::OK);
    let dv = deal["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/opportunities/{id}/stage",
            format!("/api/v1/opportunities/{their_deal}/stage"),
            Some(json!({"stage": "initial", "version": dv})),
        )
        .await;
    w.check("move deal", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/opportunities/{id}/forecast",
            format!("/api/v1/opportunities/{their_deal}/forecast"),
            Some(json!({"forecast_category": "commit", "version": 999})),
        )
        .await;
    w.check("forecast deal", s, S::NOT_FOUND, S::FORBIDDEN, S::CONFLICT);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/opportunities",
            "/api/v1/opportunities".into(),
            Some(json!({"customer_id": theirs, "name": "新商机"})),
        )
        .await;
    w.check(
        "POST deal",
        s,
        S::UNPROCESSABLE_ENTITY,
        S::FORBIDDEN,
        S::CREATED,
    );
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/contracts",
            "/api/v1/contracts".into(),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/contracts/{id}",
            format!("/api/v1/contracts/{their_contract}"),
            None,
        )
        .await;
    w.check("GET contract", s, S::NOT_FOUND, S::OK, S::OK);
    let (s, _) = w.call(Method::POST, "/api/v1/contracts", "/api/v1/contracts".into(),
        Some(json!({"opportunity_id": their_deal, "amount_minor": 100_000, "start_date": "2027-01-01", "end_date": "2027-12-31"}))).await;
    w.check(
        "POST contract",
        s,
        S::UNPROCESSABLE_ENTITY,
        S::FORBIDDEN,
        S::CREATED,
    );
    for action in ["approve", "reject"] {
        let (s, _) = w
            .call(
                Method::POST,
                &format!("/api/v1/contracts/{{id}}/{action}"),
                format!("/api/v1/contracts/{their_contract}/{action}"),
                None,
            )
            .await;
        // The seeded contract is already approved: admins get 409.
        w.check(action, s, S::NOT_FOUND, S::FORBIDDEN, S::CONFLICT);
    }
    // Its receivables: read as the contract is; changed by those who may change it.
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/contracts/{id}/receivables",
            format!("/api/v1/contracts/{their_contract}/receivables"),
            None,
        )
        .await;
    w.check("GET receivables", s, S::NOT_FOUND, S::OK, S::OK);
    let (s, _) = w
        .call(
            Method::PUT,
            "/api/v1/contracts/{id}/plan",
            format!("/api/v1/contracts/{their_contract}/plan"),
            Some(json!({"installments": [{"planned_date": "2027-01-01", "amount_minor": 1}], "version": 999})),
        )
        .await;
    w.check(
        "PUT plan",
        s,
        S::NOT_FOUND,
        S::FORBIDDEN,
        S::UNPROCESSABLE_ENTITY,
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/contracts/{id}/receipts",
            format!("/api/v1/contracts/{their_contract}/receipts"),
            Some(json!({"amount_minor": 1_000_000_000_000_000i64, "received_on": "2020-01-01"})),
        )
        .await;
    // More than is owed: nothing is written, whoever asks.
    w.check(
        "POST receipt",
        s,
        S::NOT_FOUND,
        S::FORBIDDEN,
        S::UNPROCESSABLE_ENTITY,
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/contracts/{id}/renewal",
            format!("/api/v1/contracts/{their_contract}/renewal"),
            None,
        )
        .await;
    if matches!(w.expect, Expect::Full) {
        // Made, or found (a second tap finds the deal the first made).
        assert!(s == S::CREATED || s == S::OK, "{} renewal {s}", w.role);
    } else {
        w.check("POST renewal", s, S::NOT_FOUND, S::FORBIDDEN, S::CREATED);
    }

    // Leads.
    let their_lead = app.lead_of("rep5@demo.tandem").await;
    let (s, list) = w
        .call(
            Method::GET,
            "/api/v1/leads",
            format!("/api/v1/leads?owner_id={their_owner}&limit=200"),
            None,
        )
        .await;
    assert_eq!(s, S::OK);
    assert_eq!(
        list["items"].as_array().unwrap().is_empty(),
        matches!(expect, Expect::Hidden),
        "{role} lead list"
    );
    let (s, lead) = w
        .call(
            Method::GET,
            "/api/v1/leads/{id}",
            format!("/api/v1/leads/{their_lead}"),
            None,
        )
        .await;
    w.check("GET lead", s, S::NOT_FOUND, S::OK, S::OK);
    let lv = lead["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/leads/{id}/contact",
            format!("/api/v1/leads/{their_lead}/contact"),
            Some(json!({"kind": "call"})),
        )
        .await;
    w.check("contact lead", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/leads/{id}/assign",
            format!("/api/v1/leads/{their_lead}/assign"),
            Some(json!({"owner_id": their_owner})),
        )
        .await;
    let want = match role {
        "rep" | "agent" => S::FORBIDDEN,
        "manager" => S::NOT_FOUND,
        _ => S::OK,
    };
    assert_eq!(s, want, "{role} assign lead");
    let (_, lead) = w
        .call(
            Method::GET,
            "/api/v1/leads/{id}",
            format!("/api/v1/leads/{their_lead}"),
            None,
        )
        .await;
    let lv = lead["version"].as_i64().unwrap_or(lv);
    let (s, q) = w
        .call(
            Method::POST,
            "/api/v1/leads/{id}/qualify",
            format!("/api/v1/leads/{their_lead}/qualify"),
            Some(json!({"status": "sql", "version": lv})),
        )
        .await;
    w.check("qualify lead", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let qv = q["version"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/leads/{id}/convert",
            format!("/api/v1/leads/{their_lead}/convert"),
            Some(json!({"version": qv})),
        )
        .await;
    w.check("convert lead", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/leads/{id}/disqualify",
            format!("/api/v1/leads/{their_lead}/disqualify"),
            Some(json!({"reason": "重复", "version": qv + 1})),
        )
        .await;
    // Admins converted it just before: a closed lead is not disqualified.
    w.check(
        "disqualify lead",
        s,
        S::NOT_FOUND,
        S::FORBIDDEN,
        S::UNPROCESSABLE_ENTITY,
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/leads",
            "/api/v1/leads".into(),
            Some(json!({"name": "新线索", "phone": "13800000009"})),
        )
        .await;
    assert_eq!(
        s,
        if role == "agent" {
            S::FORBIDDEN
        } else {
            S::CREATED
        },
        "{role} POST lead"
    );
    let (s, made_form) = w
        .call(
            Method::POST,
            "/api/v1/lead-forms",
            "/api/v1/lead-forms".into(),
            Some(json!({"name": "表单"})),
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" {
            S::CREATED
        } else {
            S::FORBIDDEN
        },
        "{role} POST lead form"
    );
    let form_id = made_form["id"].as_i64().unwrap_or(1);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/lead-forms",
            "/api/v1/lead-forms".into(),
            None,
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" { S::OK } else { S::FORBIDDEN },
        "{role} GET lead forms"
    );
    let (s, _) = w
        .call(
            Method::PATCH,
            "/api/v1/lead-forms/{id}",
            format!("/api/v1/lead-forms/{form_id}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" { S::OK } else { S::FORBIDDEN },
        "{role} PATCH lead form"
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/lead-forms/{id}/rotate",
            format!("/api/v1/lead-forms/{form_id}/rotate"),
            None,
        )
        .await;
    assert_eq!(
        s,
        if role == "admin" { S::OK } else { S::FORBIDDEN },
        "{role} rotate lead form key"
    );
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/public/leads",
            "/api/v1/public/leads".into(),
            Some(json!({"form_key": "none", "name": "x", "phone": "13800000000"})),
        )
        .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    let (s, _) = w
        .call(
            Method::POST,
            "/api/v1/public/tickets",
            "/api/v1/public/tickets".into(),
            Some(
                json!({"form_key": "none", "name": "x", "email": "x@example.com",
                        "subject": "s", "body": "b"}),
            ),
        )
        .await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    for key in ["leads", "lead-assignment", "alerts", "pipeline"] {
        let (s, current) = w
            .call(
                Method::GET,
                &format!("/api/v1/settings/{key}"),
                format!("/api/v1/settings/{key}"),
                None,
            )
            .await;
        assert_eq!(s, S::OK);
        let (s, _) = w
            .call(
                Method::PUT,
                &format!("/api/v1/settings/{key}"),
                format!("/api/v1/settings/{key}"),
                Some(current),
            )
            .await;
        assert_eq!(
            s,
            if role == "admin" { S::OK } else { S::FORBIDDEN },
            "{role} PUT {key}"
        );
    }
}
