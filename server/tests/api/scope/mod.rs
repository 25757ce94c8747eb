//! The one door: every API route, walked by every role, against someone else's records.
use crate::helpers::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

mod kpis;
mod people;
mod records;
mod sales;
mod tickets;

/// The records of a rep of the other team (and a ticket of their customer's) that every
/// role walks against.
#[derive(Clone, Copy)]
struct Their {
    customer: i64,
    contact: i64,
    owner: i64,
    ticket: i64,
    /// A file of that ticket's.
    file: i64,
}

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
                .json(&json!({"customer_id": theirs, "subject": "无法导出报表", "body": "附件是导出的报表"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            json(r).await["id"].as_i64().unwrap()
        };
        // A file with its opening words, as a customer's email would have brought.
        let their_file = {
            let message = app
                .count(&format!(
                    "SELECT MIN(id) FROM ticket_messages WHERE ticket_id = {their_ticket}"
                ))
                .await;
            let mut conn = app.state.app.db.write.acquire().await.unwrap();
            let file = app::ssr::store::attachments::NewAttachment {
                file_name: "报表.xlsx".into(),
                content_type: "application/octet-stream".into(),
                content: b"PK\x03\x04".to_vec(),
            };
            app::ssr::store::attachments::insert(&mut conn, (their_ticket, message), &file, 0)
                .await
                .unwrap()
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
            // Anyone may say they are away or back (only agents are routed tickets).
            let (s, me) = w
                .call(
                    Method::PUT,
                    "/api/v1/me/availability",
                    "/api/v1/me/availability".into(),
                    Some(serde_json::json!({"away": false})),
                )
                .await;
            assert_eq!(s, S::OK, "{role}: {me}");

            let their = Their {
                customer: theirs,
                contact: their_contact,
                owner: their_owner,
                ticket: their_ticket,
                file: their_file,
            };
            tickets::walk(&mut w, &their).await;
            records::walk(&mut w, &their).await;
            sales::walk(&mut w, &their).await;
            people::walk(&mut w, &their).await;
            kpis::walk(&mut w, &their).await;

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
            // Settings: everyone reads them, only admins change them.
            for setting in ["/api/v1/settings/pool", "/api/v1/settings/health"] {
                let (s, value) = w.call(Method::GET, setting, setting.into(), None).await;
                assert_eq!(s, S::OK, "{role} GET {setting}");
                let (s, _) = w
                    .call(Method::PUT, setting, setting.into(), Some(value))
                    .await;
                assert_eq!(
                    s,
                    if role == "admin" { S::OK } else { S::FORBIDDEN },
                    "{role} PUT {setting}"
                );
            }

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
