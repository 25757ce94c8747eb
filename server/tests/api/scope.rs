//! The one door: every API route, walked by every role, against someone else's records.
use crate::helpers::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What a role may do to a record owned by a rep of the *other* team.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Out of scope: 404 on every id route, nothing in lists.
    Hidden,
    /// Agents: read (service view), but never change.
    ReadOnly,
    /// Admins: everything.
    Full,
}

struct Walk<'a> {
    app: &'a TestApp,
    client: Client,
    role: &'static str,
    expect: Expect,
    covered: BTreeSet<(String, String)>,
}

impl Walk<'_> {
    async fn call(
        &mut self,
        method: Method,
        template: &str,
        path: String,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.covered
            .insert((method.as_str().to_lowercase(), template.to_string()));
        let mut req = self.client.request(method.clone(), self.app.url(&path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{} {method} {path}",
            self.role
        );
        let v = r.json::<Value>().await.unwrap_or(Value::Null);
        (status, v)
    }

    fn check(
        &self,
        what: &str,
        got: StatusCode,
        hidden: StatusCode,
        read_only: StatusCode,
        full: StatusCode,
    ) {
        let want = match self.expect {
            Expect::Hidden => hidden,
            Expect::ReadOnly => read_only,
            Expect::Full => full,
        };
        assert_eq!(got, want, "{} {what} on {:?}", self.role, self.app.backend);
    }
}

#[tokio::test]
async fn every_route_with_every_role_against_someone_elses_records() {
    use StatusCode as S;
    for b in backends() {
        let app = spawn_app(b).await;
        // Owned by rep5, of the second team: outside rep1's and manager1's scope.
        let theirs = app.customer_of("rep5@demo.tandem").await;
        let their_contact = app.contact_of(theirs).await;
        let their_owner = app.user_id("rep5@demo.tandem").await;
        let mut all_covered = BTreeSet::new();
        // A ticket of that customer's, logged by an agent.
        let their_ticket = {
            let agent = app.login("agent2@demo.tandem").await;
            let r = agent
                .post(app.url("/api/v1/tickets"))
                .json(&json!({"customer_id": theirs, "subject": "无法导出报表"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            json(r).await["id"].as_i64().unwrap()
        };
        for (role, email, expect) in [
            ("rep", "rep1@demo.tandem", Expect::Hidden),
            ("manager", "manager1@demo.tandem", Expect::Hidden),
            ("agent", "agent1@demo.tandem", Expect::ReadOnly),
            ("admin", "admin@demo.tandem", Expect::Full),
        ] {
            let client = app.login(email).await;
            let mut w = Walk {
                app: &app,
                client,
                role,
                expect,
                covered: BTreeSet::new(),
            };

            let (s, _) = w
                .call(Method::GET, "/api/v1/me", "/api/v1/me".into(), None)
                .await;
            assert_eq!(s, S::OK);

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
            let version = detail["ticket"]["version"].as_i64().unwrap_or(1);
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
                    Some(
                        json!({"name": "t", "user_id": their_owner, "scopes": ["customers:read"]}),
                    ),
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

            // Restoring is an admin's; their live customer is not deleted (409), and for
            // everyone else deleted records do not exist (404).
            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/customers/{id}/restore",
                    format!("/api/v1/customers/{theirs}/restore"),
                    None,
                )
                .await;
            assert_eq!(
                s,
                if role == "admin" {
                    S::CONFLICT
                } else {
                    S::NOT_FOUND
                },
                "{role} restore"
            );

            // The pool.
            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/customers/{id}/claim",
                    format!("/api/v1/customers/{theirs}/claim"),
                    None,
                )
                .await;
            assert_eq!(
                s,
                if role == "rep" {
                    S::NOT_FOUND
                } else {
                    S::FORBIDDEN
                },
                "{role} claim"
            );
            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/customers/{id}/release",
                    format!("/api/v1/customers/{theirs}/release"),
                    Some(json!({"reason": "测试"})),
                )
                .await;
            w.check("release", s, S::NOT_FOUND, S::FORBIDDEN, S::OK);
            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/customers/{id}/assign",
                    format!("/api/v1/customers/{theirs}/assign"),
                    Some(json!({"owner_id": their_owner})),
                )
                .await;
            let want = match role {
                "rep" | "agent" => S::FORBIDDEN,
                "manager" => S::NOT_FOUND,
                _ => S::OK,
            };
            assert_eq!(s, want, "{role} assign");
            let (s, rules) = w
                .call(
                    Method::GET,
                    "/api/v1/settings/pool",
                    "/api/v1/settings/pool".into(),
                    None,
                )
                .await;
            assert_eq!(s, S::OK);
            let (s, _) = w
                .call(
                    Method::PUT,
                    "/api/v1/settings/pool",
                    "/api/v1/settings/pool".into(),
                    Some(rules),
                )
                .await;
            assert_eq!(
                s,
                if role == "admin" { S::OK } else { S::FORBIDDEN },
                "{role} PUT pool settings"
            );

            // Deleting the customer last (admins succeed, so nothing later depends on it).
            let (s, _) = w
                .call(
                    Method::DELETE,
                    "/api/v1/customers/{id}",
                    format!("/api/v1/customers/{theirs}"),
                    None,
                )
                .await;
            w.check(
                "DELETE customer",
                s,
                S::NOT_FOUND,
                S::FORBIDDEN,
                S::NO_CONTENT,
            );

            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/auth/login",
                    "/api/v1/auth/login".into(),
                    Some(json!({"email": email, "password": PASSWORD})),
                )
                .await;
            assert_eq!(s, S::OK);
            let (s, _) = w
                .call(
                    Method::POST,
                    "/api/v1/auth/logout",
                    "/api/v1/auth/logout".into(),
                    None,
                )
                .await;
            assert_eq!(s, S::NO_CONTENT);
            all_covered.extend(w.covered);
        }

        // Every operation the OpenAPI document lists was walked.
        let spec = json(
            app.client()
                .get(app.url("/api/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let mut documented = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        let missing: Vec<_> = documented.difference(&all_covered).collect();
        assert!(missing.is_empty(), "routes not walked: {missing:?}");
    }
}

#[tokio::test]
async fn anonymous_callers_get_401_on_every_data_route() {
    for b in backends() {
        let app = spawn_app(b).await;
        let c = app.client();
        for path in [
            "/api/v1/me",
            "/api/v1/customers",
            "/api/v1/customers/1",
            "/api/v1/contacts",
            "/api/v1/users",
            "/api/v1/teams",
            "/api/v1/api-tokens",
            "/api/v1/tickets",
            "/api/v1/tickets/1",
        ] {
            let r = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} on {b:?}");
        }
        let r = c
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn reps_see_their_own_and_the_pool_and_managers_their_team() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let pool = app.pool_customer().await;
        let mine = app.customer_of("rep1@demo.tandem").await;
        let teammate = app.customer_of("rep2@demo.tandem").await;
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/customers/{pool}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/customers/{mine}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/customers/{teammate}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND,
            "{b:?}"
        );
        // A pool customer is visible but must be claimed before a rep edits it.
        let r = rep
            .patch(app.url(&format!("/api/v1/customers/{pool}")))
            .json(&json!({"version": 1, "level": "A"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let manager = app.login("manager1@demo.tandem").await;
        assert_eq!(
            manager
                .get(app.url(&format!("/api/v1/customers/{teammate}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let other_manager = app.login("manager2@demo.tandem").await;
        assert_eq!(
            other_manager
                .get(app.url(&format!("/api/v1/customers/{teammate}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        // The manager's list is exactly the team subtree plus the pool.
        let team1: Vec<i64> = {
            let mut ids = Vec::new();
            for n in 1..=4 {
                ids.push(app.user_id(&format!("rep{n}@demo.tandem")).await);
            }
            ids
        };
        let mut cursor = String::new();
        loop {
            let page = json(
                manager
                    .get(app.url(&format!("/api/v1/customers?limit=200{cursor}")))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            for c in page["items"].as_array().unwrap() {
                let owner = c["owner_id"].as_i64();
                assert!(
                    owner.is_none() || team1.contains(&owner.unwrap()),
                    "manager1 saw {c}"
                );
            }
            match page["next_cursor"].as_str() {
                Some(n) => cursor = format!("&cursor={n}"),
                None => break,
            }
        }
    }
}
