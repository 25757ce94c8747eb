//! Ticket routing: the admin's rules give a new ticket its team and, round robin, an agent,
//! passing by agents who are away, frozen or at the open-ticket limit; the assigned agent
//! hears of it once; the team's queue shows the team's tickets.
use crate::helpers::*;
use crate::ticket_clocks::{alerts_to, tick};
use crate::tickets::{log_ticket, patch};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn put_routing(app: &TestApp, admin: &Client, routing: Value) -> reqwest::Response {
    admin
        .put(app.url("/api/v1/settings/ticket-routing"))
        .json(&routing)
        .send()
        .await
        .unwrap()
}

async fn set_away(app: &TestApp, who: &Client, away: bool) -> Value {
    let r = who
        .put(app.url("/api/v1/me/availability"))
        .json(&json!({ "away": away }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

/// A billing ticket an integration sends, naming nobody.
async fn billing(app: &TestApp, admin: &Client, n: usize) -> Value {
    log_ticket(
        app,
        admin,
        json!({"subject": format!("发票问题 {n}"), "category": "billing", "channel": "email"}),
    )
    .await
}

#[tokio::test]
async fn routing_rules_assign_round_robin_skipping_away_frozen_and_full_agents() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let (a1, a2, a3) = (
            app.user_id("agent1@demo.tandem").await,
            app.user_id("agent2@demo.tandem").await,
            app.user_id("agent3@demo.tandem").await,
        );
        // A clean desk: the demo's tickets of these agents go back to the queue, so that
        // the open-ticket limit is counted from zero.
        let a4 = app.user_id("agent4@demo.tandem").await;
        app.exec(&format!(
            "UPDATE tickets SET assignee_id = NULL WHERE assignee_id IN ({a1}, {a2}, {a3}, {a4})"
        ))
        .await;
        let team = app
            .count(&format!("SELECT team_id FROM users WHERE id = {a3}"))
            .await;
        // A rep in a rule, or a team that does not exist, is refused naming the rule.
        let bad = put_routing(
            &app,
            &admin,
            json!({"rules": [{"category": "billing", "agent_ids": [app.user_id("rep1@demo.tandem").await]}]}),
        )
        .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json(bad).await.to_string().contains("rules.0.agent_ids"));
        let bad = put_routing(&app, &admin, json!({"rules": [{"team_id": 999999}]})).await;
        assert!(json(bad).await.to_string().contains("rules.0.team_id"));
        // Billing goes round robin to three agents, at most two open tickets each.
        let r = put_routing(
            &app,
            &admin,
            json!({"rules": [
                {"category": "billing", "team_id": team, "agent_ids": [a1, a2, a3]},
                {"category": "complaint", "team_id": team}
            ], "max_open_per_agent": 2}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        // The demo's rules were version 1: a save made from them now is stale.
        assert_eq!(r.headers()["etag"], "\"2\"");
        let stale = admin
            .put(app.url("/api/v1/settings/ticket-routing"))
            .header("if-match", "\"1\"")
            .json(&json!({"rules": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let mut got = Vec::new();
        let mut made = Vec::new();
        for n in 0..3 {
            let t = billing(&app, &admin, n).await;
            assert_eq!(t["team_id"], team, "{b:?}");
            got.push(t["assignee_id"].as_i64());
            made.push(t);
        }
        assert_eq!(got, vec![Some(a1), Some(a2), Some(a3)], "{b:?}");
        // Each hears of it once; an unmatched category is nobody's.
        tick(&app).await;
        for (t, agent) in made.iter().zip([a1, a2, a3]) {
            let id = t["id"].as_i64().unwrap();
            assert_eq!(
                alerts_to(&app, id, agent, "ticket_assigned").await,
                1,
                "{b:?}"
            );
        }
        let other = log_ticket(&app, &admin, json!({"subject": "咨询"})).await;
        assert!(other["assignee_id"].is_null() && other["team_id"].is_null());

        // agent2 is away: passed by (and back later).
        let agent2 = app.login("agent2@demo.tandem").await;
        assert_eq!(set_away(&app, &agent2, true).await["away"], true);
        let t = billing(&app, &admin, 3).await;
        assert_eq!(t["assignee_id"], a1, "{b:?}");
        // agent3 is frozen: passed by. agent1 now holds two: full. Nobody is free, so the
        // ticket waits in the team's queue.
        let u = json(
            admin
                .get(app.url(&format!("/api/v1/users/{a3}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let r = admin
            .patch(app.url(&format!("/api/v1/users/{a3}")))
            .json(&json!({"version": u["version"], "active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let waiting = billing(&app, &admin, 4).await;
        assert!(waiting["assignee_id"].is_null(), "{b:?}: {waiting}");
        assert_eq!(waiting["team_id"], team);
        // agent2 is back: the next one is theirs.
        set_away(&app, &agent2, false).await;
        let t = billing(&app, &admin, 5).await;
        assert_eq!(t["assignee_id"], a2, "{b:?}");
        // A ticket pending on the customer does not count as held: agent1 has room again
        // (agent3 still frozen).
        let r = patch(&app, &admin, &made[0], json!({"status": "pending"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let t = billing(&app, &admin, 6).await;
        assert_eq!(t["assignee_id"], a1, "{b:?}");
        // A rule naming only a team routes to that team's agents (agent3's team: agent3
        // is frozen, agent4 is free).
        let c = log_ticket(
            &app,
            &admin,
            json!({"subject": "投诉", "category": "complaint"}),
        )
        .await;
        assert_eq!(c["assignee_id"], a4, "{b:?}: {c}");

        // The team's queue shows the team's open tickets to its agents.
        let agent1 = app.login("agent1@demo.tandem").await;
        let mine_team = json(
            agent1
                .get(app.url("/api/v1/tickets?view=team&limit=100"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let ids: Vec<i64> = mine_team["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        let agent1_team = app
            .count(&format!("SELECT team_id FROM users WHERE id = {a1}"))
            .await;
        assert_eq!(
            ids.contains(&waiting["id"].as_i64().unwrap()),
            agent1_team == team
        );
        assert!(mine_team["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["team_id"] == agent1_team));
        // A ticket changes team by hand; an unknown team is refused naming the field.
        let r = patch(&app, &agent1, &waiting, json!({"team_id": 999999})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json(r).await.to_string().contains("team_id"));
        let r = patch(&app, &agent1, &waiting, json!({"team_id": null})).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(json(r).await["team_id"].is_null());
    }
}

/// Monday to Friday, 09:00–18:00 Beijing time.
fn office_hours() -> Value {
    let day = json!({"start_minute": 540, "end_minute": 1080});
    json!({"utc_offset_minutes": 480, "days": [day, day, day, day, day, null, null], "holidays": []})
}

#[tokio::test]
async fn a_team_with_its_own_hours_times_its_tickets_by_them() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let agent = app.login("agent1@demo.tandem").await;
        let team = app
            .count("SELECT team_id FROM users WHERE email = 'agent3@demo.tandem'")
            .await;
        let put = |body: Value| {
            let c = admin.clone();
            let url = app.url("/api/v1/settings/team-service-hours");
            async move { c.put(url).json(&body).send().await.unwrap() }
        };
        // Refused naming the team, or the team's field.
        let r = put(json!({"999999": office_hours()})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json(r).await.to_string().contains("999999"));
        let mut bad = office_hours();
        bad["utc_offset_minutes"] = json!(5000);
        let r = put(json!({ team.to_string(): bad })).await;
        assert!(json(r)
            .await
            .to_string()
            .contains(&format!("{team}.utc_offset_minutes")));
        let r = put(json!({ team.to_string(): office_hours() })).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");

        // Sunday 14:00 in Beijing. The demo routes billing to this team: its 24 business
        // hours to answer run Monday and Tuesday 9–18 and Wednesday until 15:00 (07:00
        // UTC). A ticket of no team runs round the clock, the desk's default.
        let billing = log_ticket(
            &app,
            &admin,
            json!({"subject": "发票重开", "category": "billing"}),
        )
        .await;
        assert_eq!(billing["team_id"], team, "{b:?}");
        assert_eq!(billing["first_response"]["due_at"], "2026-11-25T07:00:00Z");
        let other = log_ticket(&app, &agent, json!({"subject": "咨询"})).await;
        assert_eq!(other["first_response"]["due_at"], "2026-11-23T06:00:00Z");
        // Given to the team, it is timed by the team's hours.
        let r = patch(&app, &agent, &other, json!({"team_id": team})).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            json(r).await["first_response"]["due_at"],
            "2026-11-25T07:00:00Z"
        );
        let stored = app
            .count(&format!(
                "SELECT first_response_due_at FROM tickets WHERE id = {}",
                other["id"]
            ))
            .await;
        assert_eq!(stored, 1_795_590_000_000, "{b:?}: the alert rules read it");
        // The team gives up its own hours: its running tickets are re-timed at once.
        assert_eq!(put(json!({})).await.status(), StatusCode::OK);
        let stored = app
            .count(&format!(
                "SELECT first_response_due_at FROM tickets WHERE id = {}",
                billing["id"]
            ))
            .await;
        assert_eq!(stored, 1_795_413_600_000, "{b:?}");
    }
}

#[tokio::test]
async fn the_queue_narrows_to_a_priority_category_and_channel() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = app.login("agent1@demo.tandem").await;
        let urgent = log_ticket(
            &app,
            &agent,
            json!({"subject": "全员无法登录", "priority": "urgent", "category": "technical", "channel": "email"}),
        )
        .await;
        let list = |q: &'static str| {
            let c = agent.clone();
            let url = app.url(&format!("/api/v1/tickets?view=open&limit=200&{q}"));
            async move { c.get(url).send().await.unwrap() }
        };
        let page = json(list("priority=urgent&category=technical&channel=email").await).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.iter().any(|t| t["id"] == urgent["id"]), "{b:?}");
        assert!(items.iter().all(|t| t["priority"] == "urgent"
            && t["category"] == "technical"
            && t["channel"] == "email"));
        let page = json(list("priority=low").await).await;
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.iter().all(|t| t["priority"] == "low"));
        assert!(!items.iter().any(|t| t["id"] == urgent["id"]));
        // A value outside the list is refused naming the parameter.
        let r = list("priority=soon").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json(r).await["errors"]["priority"].is_string(), "{b:?}");
    }
}
