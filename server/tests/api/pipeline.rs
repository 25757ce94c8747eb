//! The pipeline: stage entry criteria, contract approval winning the deal.
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub(crate) async fn new_deal(app: &TestApp, rep: &reqwest::Client, email: &str) -> Value {
    let customer = app.customer_of(email).await;
    let r = rep
        .post(app.url("/api/v1/opportunities"))
        .json(&json!({"customer_id": customer, "name": "CRM 一期"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    json(r).await
}

/// The deal as its owner reads it now.
async fn reread(app: &TestApp, c: &reqwest::Client, deal: &Value) -> Value {
    let r = c
        .get(app.url(&format!("/api/v1/opportunities/{}", deal["id"])))
        .send()
        .await
        .unwrap();
    json(r).await
}

pub(crate) async fn move_to(
    app: &TestApp,
    c: &reqwest::Client,
    deal: &Value,
    body: Value,
) -> reqwest::Response {
    c.post(app.url(&format!("/api/v1/opportunities/{}/stage", deal["id"])))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn proposal_needs_the_needs_survey_and_says_exactly_what_is_missing() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let deal = new_deal(&app, &rep, "rep1@demo.tandem").await;
        assert_eq!(deal["stage"], "initial");
        assert_eq!(deal["probability"], 10);
        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "proposal", "version": deal["version"], "pain_points": "数据分散"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let p = problem(r).await;
        let missing: Vec<&String> = p["errors"].as_object().unwrap().keys().collect();
        assert_eq!(
            missing,
            vec!["budget_range", "decision_maker"],
            "pain points were given: {p}"
        );
        // Nothing was saved by the refused move.
        let still = reread(&app, &rep, &deal).await;
        assert_eq!(still["stage"], "initial");
        assert!(still["pain_points"].is_null());

        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "proposal", "version": deal["version"],
            "pain_points": "数据分散", "decision_maker": "张总", "budget_range": "50-100万"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let moved = json(r).await;
        assert_eq!(moved["stage"], "proposal");
        assert_eq!(moved["probability"], 50);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM opportunity_stage_history WHERE opportunity_id = {}",
                deal["id"]
            ))
            .await,
            2
        );

        let r = move_to(
            &app,
            &rep,
            &moved,
            json!({"stage": "negotiation", "version": moved["version"]}),
        )
        .await;
        let p = problem(r).await;
        let missing: Vec<&String> = p["errors"].as_object().unwrap().keys().collect();
        assert_eq!(
            missing,
            vec!["amount_minor", "competitors", "expected_close"]
        );
        let r = move_to(
            &app,
            &rep,
            &moved,
            json!({"stage": "negotiation", "version": moved["version"],
            "amount_minor": 50_000_000, "expected_close": "2026-12-31", "competitors": "无"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let negotiating = json(r).await;
        assert_eq!(negotiating["probability"], 75);
        // A stale version is a conflict, not an overwrite.
        let r = move_to(
            &app,
            &rep,
            &moved,
            json!({"stage": "needs", "version": moved["version"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn won_needs_a_contract_approved_by_the_reps_manager() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let deal = new_deal(&app, &rep, "rep1@demo.tandem").await;
        let r = move_to(&app, &rep, &deal, json!({"stage": "negotiation", "version": deal["version"], "pain_points": "p",
            "decision_maker": "d", "budget_range": "b", "amount_minor": 12_000_000, "expected_close": "2027-01-15", "competitors": "无"})).await;
        let deal = json(r).await;
        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "won", "version": deal["version"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["contract"].is_string(), "{b:?}");

        let r = rep.post(app.url("/api/v1/contracts")).json(&json!({"opportunity_id": deal["id"], "start_date": "2027-01-01", "end_date": "2026-01-01"})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem(r).await["errors"]["end_date"].is_string());
        let r = rep.post(app.url("/api/v1/contracts")).json(&json!({"opportunity_id": deal["id"], "start_date": "2027-01-01", "end_date": "2027-12-31"})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let contract = json(r).await;
        assert_eq!(contract["approval_status"], "pending");
        assert_eq!(contract["amount_minor"], 12_000_000);

        // The rep cannot approve their own contract; another team's manager cannot see it.
        let path = format!("/api/v1/contracts/{}/approve", contract["id"]);
        assert_eq!(
            rep.post(app.url(&path)).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let other = app.login("manager2@demo.tandem").await;
        assert_eq!(
            other.post(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        let manager = app.login("manager1@demo.tandem").await;
        let r = manager.post(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(json(r).await["approval_status"], "approved");
        let won = reread(&app, &rep, &deal).await;
        assert_eq!(won["stage"], "won");
        assert_eq!(won["probability"], 100);
        assert!(won["won_at"].is_string());
        // Decided once.
        assert_eq!(
            manager.post(app.url(&path)).send().await.unwrap().status(),
            StatusCode::CONFLICT
        );
        // A won deal stops the 90-day no-win clock.
        let customer = json(
            rep.get(app.url(&format!("/api/v1/customers/{}", deal["customer_id"])))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(customer["reclaim_reason"], "no_follow_up");
        // Closed deals do not move.
        let r = move_to(
            &app,
            &rep,
            &won,
            json!({"stage": "needs", "version": won["version"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn a_rejected_contract_leaves_the_deal_open_and_lost_needs_a_reason() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep2@demo.tandem").await;
        let deal = new_deal(&app, &rep, "rep2@demo.tandem").await;
        let r = rep.post(app.url("/api/v1/contracts")).json(&json!({"opportunity_id": deal["id"], "amount_minor": 500_000, "start_date": "2027-01-01", "end_date": "2027-06-30"})).send().await.unwrap();
        let contract = json(r).await;
        let manager = app.login("manager1@demo.tandem").await;
        let r = manager
            .post(app.url(&format!("/api/v1/contracts/{}/reject", contract["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["approval_status"], "rejected");
        let still = reread(&app, &rep, &deal).await;
        assert_eq!(still["stage"], "initial", "{b:?}");
        let r = move_to(
            &app,
            &rep,
            &still,
            json!({"stage": "lost", "version": still["version"]}),
        )
        .await;
        assert!(problem(r).await["errors"]["lost_reason"].is_string());
        let r = move_to(
            &app,
            &rep,
            &still,
            json!({"stage": "lost", "version": still["version"], "lost_reason": "预算取消"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json(r).await["probability"], 0);
    }
}

#[tokio::test]
async fn the_forecast_splits_by_rep_and_adds_up_to_the_team() {
    for b in backends() {
        let app = spawn_app(b).await;
        let view = |c: reqwest::Client| {
            let url = app.url("/sfn/pipeline");
            async move {
                let r = c
                    .post(url)
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::OK);
                r.json::<serde_json::Value>().await.unwrap()
            }
        };
        let team = view(app.login("manager1@demo.tandem").await).await;
        let rows = team["by_owner"].as_array().unwrap();
        assert!(rows.len() > 1, "{b:?}: the team's reps");
        for (total, field) in [
            ("month_weighted_minor", "month_weighted_minor"),
            ("quarter_weighted_minor", "quarter_weighted_minor"),
        ] {
            let sum: i64 = rows.iter().map(|r| r[field].as_i64().unwrap()).sum();
            assert_eq!(sum, team[total].as_i64().unwrap(), "{b:?} {field}");
        }
        let other_team = app.user_id("rep5@demo.tandem").await;
        assert!(rows.iter().all(|r| r["owner_id"] != other_team));
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let mine = view(app.login("rep1@demo.tandem").await).await;
        let own = mine["by_owner"].as_array().unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0]["owner_id"], rep1);
        assert_eq!(
            own[0]["quarter_weighted_minor"],
            mine["quarter_weighted_minor"]
        );
        let in_team = rows.iter().find(|r| r["owner_id"] == rep1).unwrap();
        assert_eq!(
            in_team["quarter_weighted_minor"],
            own[0]["quarter_weighted_minor"]
        );
    }
}

#[tokio::test]
async fn the_admin_sets_probabilities_and_entry_criteria_and_open_deals_follow() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let admin = app.login("admin@demo.tandem").await;
        let deal = new_deal(&app, &rep, "rep1@demo.tandem").await;
        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "proposal", "version": deal["version"],
            "pain_points": "数据分散", "decision_maker": "张总", "budget_range": "50-100万"}),
        )
        .await;
        let deal = json(r).await;
        assert_eq!(deal["probability"], 50, "{b:?}");

        // Only admins change the pipeline; bad settings are named and change nothing.
        let r = rep
            .put(app.url("/api/v1/settings/pipeline"))
            .json(&json!({"probabilities": [5, 20, 40, 80]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b:?}");
        let r = admin
            .put(app.url("/api/v1/settings/pipeline"))
            .json(&json!({"probabilities": [5, 20, 400, 80], "negotiation_requires": ["pain_points"]}))
            .send()
            .await
            .unwrap();
        let errors = problem(r).await["errors"].clone();
        assert!(errors["probabilities"].is_string(), "{b:?}: {errors}");
        assert!(
            errors["negotiation_requires"].is_string(),
            "{b:?}: {errors}"
        );

        let r = admin
            .put(app.url("/api/v1/settings/pipeline"))
            .json(&json!({"probabilities": [5, 20, 40, 80], "negotiation_requires": ["amount_minor"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let got = json(
            admin
                .get(app.url("/api/v1/settings/pipeline"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            got["proposal_requires"],
            json!(["pain_points", "decision_maker", "budget_range"]),
            "unset: the default"
        );

        // The open deal takes the new proposal probability; a new deal starts at 5 %.
        let now = reread(&app, &rep, &deal).await;
        assert_eq!(now["probability"], 40, "{b:?}");
        assert_eq!(
            new_deal(&app, &rep, "rep1@demo.tandem").await["probability"],
            5
        );

        // Negotiation now needs only the amount: close date and competitors are not asked.
        let r = move_to(
            &app,
            &rep,
            &now,
            json!({"stage": "negotiation", "version": now["version"]}),
        )
        .await;
        let missing: Vec<String> = problem(r).await["errors"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(missing, vec!["amount_minor"], "{b:?}");
        let r = move_to(
            &app,
            &rep,
            &now,
            json!({"stage": "negotiation", "version": now["version"], "amount_minor": 1_000_000}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(json(r).await["probability"], 80);
        app.assert_kpi_rollups_kept().await;
    }
}

/// A stage outside the list is refused at the edge, naming the field, on both doors; REST
/// carries each field's stable code and values beside the English message.
#[tokio::test]
async fn an_unknown_stage_is_a_coded_field_error_on_both_doors() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let deal = new_deal(&app, &rep, "rep1@demo.tandem").await;
        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "signed", "version": deal["version"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let p = problem(r).await;
        assert_eq!(
            p["errors"]["stage"],
            "choose from initial, needs, proposal, negotiation, won, lost"
        );
        assert_eq!(p["codes"]["stage"]["code"], "not_a_choice");
        assert_eq!(
            p["codes"]["stage"]["params"]["choices"],
            "initial, needs, proposal, negotiation, won, lost"
        );

        let r = rep
            .post(app.url("/sfn/move_deal"))
            .header("accept", "application/json")
            .form(&[
                ("id", deal["id"].to_string()),
                ("version", deal["version"].to_string()),
                ("stage", "signed".to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["kind"], "validation", "{body}");
        assert_eq!(
            body["detail"]["stage"], "choose from initial, needs, proposal, negotiation, won, lost",
            "{body}"
        );
        assert_eq!(reread(&app, &rep, &deal).await["stage"], "initial");

        // A message with values: the code names them.
        let r = move_to(
            &app,
            &rep,
            &deal,
            json!({"stage": "needs", "version": deal["version"], "pain_points": "长".repeat(2001)}),
        )
        .await;
        let p = problem(r).await;
        assert_eq!(p["codes"]["pain_points"]["code"], "too_long", "{p}");
        assert!(
            p["codes"]["pain_points"]["params"]["max"].is_string(),
            "{p}"
        );
    }
}
