//! The one door, through the pages: every server function, called by every role against
//! another team's records, answers as REST does (404 for what the role cannot see, 403
//! for what it can see but not change or for another role's function, never a 5xx), and
//! the walk fails if a registered server function was not called.
use crate::helpers::*;
use reqwest::{Client, StatusCode};
use std::collections::BTreeSet;

mod admin;
mod rules;

use rules::{expected, Role, Rule};

/// A server function's name, the form it is sent, and the rule its answer must follow.
type Call = (&'static str, Vec<(&'static str, String)>, Rule);

/// A server function called as a page calls it: its form urlencoded, or as
/// `multipart/form-data` for a function that reads files.
fn call(
    c: &Client,
    app: &TestApp,
    name: &str,
    form: &[(&'static str, String)],
) -> reqwest::RequestBuilder {
    let path = format!("/sfn/{name}");
    let r = c.post(app.url(&path)).header("accept", "application/json");
    if app::api::fields::is_multipart(&path) {
        let parts = form
            .iter()
            .fold(reqwest::multipart::Form::new(), |f, (k, v)| {
                f.text(*k, v.clone())
            });
        r.multipart(parts)
    } else {
        r.form(form)
    }
}

#[tokio::test]
async fn every_server_function_with_every_role_against_someone_elses_records() {
    for b in backends() {
        let app = spawn_app(b).await;
        app::ssr::services::alerts::tick(&app.state.app)
            .await
            .unwrap();
        let rep5 = app.user_id("rep5@demo.tandem").await;
        let customer = app.customer_of("rep5@demo.tandem").await;
        let deal = app.open_deal_of("rep5@demo.tandem").await;
        let contract = app.contract_of("rep5@demo.tandem").await;
        let lead = app.lead_of("rep5@demo.tandem").await;
        let task = app
            .count(&format!(
                "SELECT MIN(id) FROM tasks WHERE assignee_id = {rep5}"
            ))
            .await;
        let alert = app
            .count(&format!(
                "SELECT COALESCE(MIN(id), 0) FROM alerts WHERE user_id = {rep5}"
            ))
            .await;
        let pool = app.pool_customer().await;
        let ticket = {
            let agent = app.login("agent2@demo.tandem").await;
            let r = agent
                .post(app.url("/api/v1/tickets"))
                .json(&serde_json::json!({"customer_id": customer, "subject": "无法导出报表"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            r.json::<serde_json::Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let s = |v: i64| v.to_string();
        // (server function, form fields, rule); ids name rep5's records.
        let mut calls: Vec<Call> = vec![
            ("me", vec![], Rule::Open),
            ("today", vec![], Rule::Open),
            // The queue is the service desk's: a rep is refused it.
            ("queue", vec![], Rule::Answered),
            ("dashboard", vec![], Rule::Answered),
            ("kpi_dashboard", vec![], Rule::Answered),
            (
                "kpi_records",
                vec![
                    ("key", "pipeline_value".into()),
                    ("stage", "proposal".into()),
                ],
                Rule::Answered,
            ),
            ("ticket", vec![("id", s(ticket))], Rule::Read),
            (
                "answer_ticket",
                vec![
                    ("id", s(ticket)),
                    ("body", "已收到，正在处理".into()),
                    ("internal", "on".into()),
                ],
                Rule::Service,
            ),
            (
                "work_ticket",
                vec![
                    ("id", s(ticket)),
                    ("version", "999".into()),
                    ("status", "open".into()),
                    ("priority", "high".into()),
                    ("category", "technical".into()),
                    ("assignee_id", String::new()),
                    ("team_id", String::new()),
                ],
                Rule::Service,
            ),
            ("find_articles", vec![("q", "发票".into())], Rule::Answered),
            (
                "set_availability",
                vec![("away", "false".into())],
                Rule::Answered,
            ),
            (
                "merge_ticket",
                vec![
                    ("id", s(ticket)),
                    ("version", "999".into()),
                    ("into", s(ticket)),
                ],
                Rule::Service,
            ),
            (
                "log_ticket",
                vec![
                    ("subject", "来电咨询".into()),
                    ("body", String::new()),
                    ("customer_id", s(customer)),
                    ("channel", "phone".into()),
                    ("priority", "normal".into()),
                    ("category", "inquiry".into()),
                ],
                Rule::Service,
            ),
            ("customers", vec![("p[q]", "客户".into())], Rule::Open),
            ("customer", vec![("id", s(customer))], Rule::Read),
            (
                "customer_timeline",
                vec![("id", s(customer)), ("cursor", String::new())],
                Rule::Read,
            ),
            (
                "log_follow_up",
                vec![
                    ("customer_id", s(customer)),
                    ("kind", "call".into()),
                    ("summary", "走查".into()),
                    ("next", "none".into()),
                ],
                Rule::Refer,
            ),
            (
                "claim_customer",
                vec![("id", s(customer))],
                Rule::RoleThenWrite,
            ),
            (
                "release_customer",
                vec![("id", s(customer)), ("reason", "走查".into())],
                Rule::Write,
            ),
            ("pipeline", vec![], Rule::Answered),
            ("deal", vec![("id", s(deal))], Rule::Read),
            (
                "move_deal",
                vec![
                    ("id", s(deal)),
                    ("version", "999".into()),
                    ("stage", "needs".into()),
                ],
                Rule::Write,
            ),
            (
                "set_forecast",
                vec![
                    ("id", s(deal)),
                    ("version", "999".into()),
                    ("forecast_category", "commit".into()),
                ],
                Rule::Write,
            ),
            ("renew_contract", vec![("id", s(contract))], Rule::Refer),
            (
                "record_payment",
                vec![
                    ("contract_id", s(contract)),
                    ("amount_yuan", "999999999999".into()),
                    ("received_on", "2020-01-01".into()),
                    ("reference", String::new()),
                ],
                Rule::Write,
            ),
            (
                "request_contract",
                vec![
                    ("opportunity_id", s(deal)),
                    ("amount_yuan", "100".into()),
                    ("start_date", "2027-01-01".into()),
                    ("end_date", "2027-12-31".into()),
                ],
                Rule::Refer,
            ),
            (
                "decide_contract",
                vec![("id", s(contract)), ("approve", "false".into())],
                Rule::Write,
            ),
            ("pending_contracts", vec![], Rule::Answered),
            (
                "create_deal",
                vec![
                    ("customer_id", s(customer)),
                    ("name", "走查商机".into()),
                    ("amount_yuan", String::new()),
                ],
                Rule::Refer,
            ),
            (
                "create_customer",
                vec![
                    ("name", String::new()),
                    ("level", "C".into()),
                    ("industry", String::new()),
                    ("region", String::new()),
                    ("contact_name", String::new()),
                    ("phone", String::new()),
                    ("email", String::new()),
                ],
                Rule::Answered,
            ),
            (
                "edit_customer",
                vec![
                    ("id", s(customer)),
                    ("version", "999".into()),
                    ("name", "x".into()),
                    ("level", "C".into()),
                    ("status", "prospect".into()),
                    ("industry", String::new()),
                    ("region", String::new()),
                    ("tags", String::new()),
                ],
                Rule::Write,
            ),
            ("tasks", vec![], Rule::Open),
            (
                "add_task",
                vec![
                    ("title", "走查".into()),
                    ("due", "none".into()),
                    ("customer_id", s(customer)),
                ],
                Rule::Answered,
            ),
            (
                "finish_task",
                vec![("id", s(task)), ("version", "999".into())],
                Rule::Own,
            ),
            ("task_assignees", vec![], Rule::Answered),
            ("unread_alerts", vec![], Rule::Open),
            ("alerts", vec![], Rule::Open),
            ("read_alert", vec![("id", s(alert))], Rule::Personal),
            ("read_all_alerts", vec![], Rule::Open),
            ("leads", vec![], Rule::Open),
            (
                "add_lead",
                vec![
                    ("name", String::new()),
                    ("company", String::new()),
                    ("phone", String::new()),
                    ("email", String::new()),
                    ("source", "event".into()),
                ],
                Rule::Answered,
            ),
            (
                "contact_lead",
                vec![("id", s(lead)), ("kind", "call".into())],
                Rule::Write,
            ),
            (
                "qualify_lead",
                vec![
                    ("id", s(lead)),
                    ("version", "999".into()),
                    ("status", "sql".into()),
                ],
                Rule::Write,
            ),
            (
                "disqualify_lead",
                vec![
                    ("id", s(lead)),
                    ("version", "999".into()),
                    ("reason", "走查".into()),
                ],
                Rule::Write,
            ),
            (
                "convert_lead",
                vec![("id", s(lead)), ("version", "999".into())],
                Rule::Write,
            ),
            (
                "assign_lead",
                vec![("id", s(lead)), ("owner_id", s(rep5))],
                Rule::RoleThenWrite,
            ),
        ];
        calls.extend(admin::calls(rep5, "1"));
        let _ = pool;
        let mut walked = BTreeSet::new();
        let mut wrong = Vec::new();
        for (email, role) in [
            ("rep1@demo.tandem", Role::Hidden),
            ("manager1@demo.tandem", Role::Hidden),
            ("agent1@demo.tandem", Role::ReadOnly),
            ("admin@demo.tandem", Role::Full),
        ] {
            let c: Client = app.login(email).await;
            for (name, form, rule) in &calls {
                walked.insert(format!("/sfn/{name}"));
                let r = call(&c, &app, name, form).send().await.unwrap();
                let got = r.status();
                let body = r.text().await.unwrap_or_default();
                if !expected(*rule, role, email.starts_with("manager"), got) {
                    wrong.push(format!(
                        "{b:?} {email} /sfn/{name} ({rule:?}): {got} {body:.200}"
                    ));
                }
            }
            // Signed out, every server function asks for a sign-in (or answers "nobody").
            if role == Role::Full {
                let anonymous = app.client();
                for (name, form, _) in &calls {
                    let r = call(&anonymous, &app, name, form).send().await.unwrap();
                    let want = if *name == "me" {
                        StatusCode::OK
                    } else {
                        StatusCode::UNAUTHORIZED
                    };
                    if r.status() != want {
                        wrong.push(format!("{b:?} anonymous /sfn/{name}: {}", r.status()));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_string())
            .filter(|p| p.starts_with("/sfn/"))
            .collect();
        let missing: Vec<_> = registered.difference(&walked).collect();
        assert!(
            missing.is_empty(),
            "server functions not walked: {missing:?}"
        );
        assert!(registered.len() >= 40, "{registered:?}");
        // Each one's fields are known, so unknown ones are refused (api/fields.rs).
        let listed: BTreeSet<String> = app::api::fields::listed_paths().map(String::from).collect();
        assert_eq!(
            listed, registered,
            "server functions listed in api/fields.rs"
        );
    }
}
