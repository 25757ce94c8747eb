//! Receivables (回款): a contract's payment plan adds up to its amount, payments are
//! applied oldest installment first and never exceed what is owed, and an unpaid
//! installment alerts its owner the day after its planned date and the owner's managers
//! `receivable_escalate_days` later, each once, on SQLite and PostgreSQL.
use crate::helpers::*;
use crate::kpis::{get, kpi};
use chrono::{Duration, FixedOffset, TimeZone};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn send(c: &reqwest::Client, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let _ = c;
    let r = req.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A contract of rep2's, approved by manager1, for 1,234,500 fen (¥12,345).
async fn approved_contract(app: &TestApp) -> (i64, i64) {
    let rep = app.login("rep2@demo.tandem").await;
    let customer = app.customer_of("rep2@demo.tandem").await;
    let (_, deal) = send(
        &rep,
        rep.post(app.url("/api/v1/opportunities"))
            .json(&json!({"customer_id": customer, "name": "回款测试"})),
    )
    .await;
    let (s, _) = send(
        &rep,
        rep.post(app.url(&format!("/api/v1/opportunities/{}/stage", deal["id"]))).json(&json!({
            "stage": "negotiation", "version": deal["version"], "pain_points": "p", "decision_maker": "d",
            "budget_range": "b", "amount_minor": 1_234_500, "expected_close": "2027-03-31", "competitors": "无"
        })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, contract) = send(&rep, rep.post(app.url("/api/v1/contracts")).json(&json!({"opportunity_id": deal["id"], "start_date": "2027-01-01", "end_date": "2027-12-31"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{contract}");
    let manager = app.login("manager1@demo.tandem").await;
    let (s, _) = send(
        &manager,
        manager.post(app.url(&format!("/api/v1/contracts/{}/approve", contract["id"]))),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    (contract["id"].as_i64().unwrap(), customer)
}

fn local_date(app: &TestApp, days: i64) -> String {
    (app.state.app.clock.now() + Duration::days(days))
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string()
}

#[tokio::test]
async fn a_plan_adds_up_payments_fill_the_oldest_first_and_never_exceed_the_contract() {
    for b in backends() {
        let app = spawn_app(b).await;
        let (id, _) = approved_contract(&app).await;
        let rep = app.login("rep2@demo.tandem").await;
        let url = |p: &str| app.url(&format!("/api/v1/contracts/{id}/{p}"));
        let (s, r) = send(&rep, rep.get(url("receivables"))).await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {r}");
        assert_eq!(r["installments"].as_array().unwrap().len(), 0);
        let version = r["version"].clone();

        // Plans that do not add up, or name no date, are refused naming the field.
        let plan = |a: i64, d: &str| json!({"installments": [{"planned_date": "2027-01-15", "amount_minor": 500_000}, {"planned_date": d, "amount_minor": a}], "version": version});
        let (s, e) = send(
            &rep,
            rep.put(url("plan")).json(&plan(700_000, "2027-04-15")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(e.to_string().contains("installments"), "{e}");
        let (s, e) = send(
            &rep,
            rep.put(url("plan")).json(&plan(734_500, "2027-04-31")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e.to_string().contains("installments[1].planned_date"),
            "{e}"
        );
        let (s, r) = send(
            &rep,
            rep.put(url("plan")).json(&plan(734_500, "2027-04-15")),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {r}");
        let (s, _) = send(
            &rep,
            rep.put(url("plan")).json(&plan(734_500, "2027-04-15")),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b:?}: the plan's version moved");

        // A partial payment, then one over two installments.
        let today = local_date(&app, 0);
        let (s, r) = send(
            &rep,
            rep.post(url("receipts")).json(
                &json!({"amount_minor": 300_000, "received_on": today, "reference": "回单 001"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b:?}: {r}");
        let paid = |r: &Value| {
            r["installments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["paid_minor"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(paid(&r), vec![300_000, 0]);
        let (_, r) = send(
            &rep,
            rep.post(url("receipts"))
                .json(&json!({"amount_minor": 400_000, "received_on": today})),
        )
        .await;
        assert_eq!(paid(&r), vec![500_000, 200_000], "{b:?}");
        assert_eq!(r["received_minor"], 700_000);
        assert_eq!(r["outstanding_minor"], 534_500);
        assert_eq!(r["receipts"][1]["reference"], "回单 001");
        // Each payment is on the customer's timeline.
        let cid = app
            .count(&format!(
                "SELECT customer_id FROM contracts WHERE id = {id}"
            ))
            .await;
        let (s, story) = send(
            &rep,
            rep.get(app.url(&format!("/api/v1/customers/{cid}/timeline?limit=50"))),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{story}");
        let payments: Vec<&Value> = story["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "payment")
            .collect();
        assert_eq!(payments.len(), 2, "{b:?}: {story}");
        assert!(payments.iter().any(|p| p["detail"] == "回单 001"));
        // A new plan takes what was received again, oldest first.
        let (_, r) = send(&rep, rep.put(url("plan")).json(&json!({"installments": [{"planned_date": "2027-02-01", "amount_minor": 1_000_000}, {"planned_date": "2027-01-01", "amount_minor": 234_500}], "version": r["version"]}))).await;
        assert_eq!(paid(&r), vec![234_500, 465_500], "{b:?}: by date");

        // One tap for the renewal deal; a second tap finds the same deal.
        let (s, deal) = send(&rep, rep.post(url("renewal"))).await;
        assert_eq!(s, StatusCode::CREATED, "{b:?}: {deal}");
        assert_eq!(deal["expected_close"], "2027-12-31");
        assert_eq!(deal["amount_minor"], 1_234_500);
        assert_eq!(deal["stage"], "initial");
        let (s, again) = send(&rep, rep.post(url("renewal"))).await;
        assert_eq!(s, StatusCode::OK, "{b:?}");
        assert_eq!(again["id"], deal["id"]);
        let agent = app.login("agent1@demo.tandem").await;
        let (s, _) = send(&agent, agent.post(url("renewal"))).await;
        assert_eq!(
            s,
            StatusCode::OK,
            "{b:?}: the deal exists; an agent may read it"
        );
        // Never more than is owed, never in the future; not found for another team.
        let (s, e) = send(
            &rep,
            rep.post(url("receipts"))
                .json(&json!({"amount_minor": 534_501, "received_on": today})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("amount_minor"));
        let (s, e) = send(
            &rep,
            rep.post(url("receipts"))
                .json(&json!({"amount_minor": 1, "received_on": local_date(&app, 2)})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("received_on"));
        let other = app.login("manager2@demo.tandem").await;
        let (s, _) = send(&other, other.get(url("receivables"))).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b:?}");
        let (s, _) = send(
            &agent,
            agent
                .post(url("receipts"))
                .json(&json!({"amount_minor": 1, "received_on": today})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b:?}");
        app.assert_kpi_rollups_kept().await;
    }
}

/// The company's overdue receivables and those due in 30 days on the KPI report (read from
/// the roll-ups) are what the unpaid installments add up to at the server's today, summed
/// here from the records.
async fn assert_receivables_counted(app: &TestApp, admin: &reqwest::Client, when: &str) {
    let (s, r) = get(admin, app, "/api/v1/kpis?period=month").await;
    assert_eq!(s, StatusCode::OK, "{when}: {r}");
    let owed = |from: i64, until: i64| {
        format!(
            "SELECT CAST(COALESCE(SUM(i.amount_minor - i.paid_minor), 0) AS BIGINT) \
             FROM installments i JOIN contracts k ON k.id = i.contract_id \
             JOIN customers c ON c.id = k.customer_id WHERE k.deleted_at IS NULL \
             AND c.deleted_at IS NULL AND k.approval_status = 'approved' \
             AND i.paid_minor < i.amount_minor AND i.planned_date >= '{}' AND i.planned_date < '{}'",
            local_date(app, from),
            local_date(app, until)
        )
    };
    let overdue = app.count(&owed(-100_000, 0)).await;
    let due = app.count(&owed(0, 30)).await;
    assert!(overdue + due > 0, "{when}: the scene owes something");
    let value = |key: &str| kpi(&r, key)["value"].as_f64().unwrap() as i64;
    assert_eq!(value("receivables_overdue"), overdue, "{when}");
    assert_eq!(value("receivables_due_30d"), due, "{when}");
}

/// receivable_overdue alerts about this customer, as (user, body).
async fn overdue_alerts(app: &TestApp, customer: i64) -> Vec<(i64, String)> {
    sqlx::query_as::<_, (i64, String)>(&format!(
        "SELECT user_id, body FROM alerts WHERE kind = 'receivable_overdue' AND entity_id = {customer} \
         AND body LIKE '%12,345%' ORDER BY id"
    ))
    .fetch_all(&app.state.app.db.read)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_unpaid_installment_alerts_the_owner_the_day_after_and_managers_later_once_each() {
    for b in backends() {
        let app = spawn_app(b).await;
        let tick = || async {
            app::ssr::services::alerts::tick(&app.state.app)
                .await
                .unwrap()
        };
        tick().await;
        let (id, customer) = approved_contract(&app).await;
        let today = local_date(&app, 0);
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        let local_now = app.state.app.clock.now().with_timezone(&beijing);
        let midnight = beijing
            .from_local_datetime(
                &(local_now.date_naive() + Duration::days(1))
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            )
            .unwrap();
        let to_midnight = midnight.signed_duration_since(local_now);
        let rep = app.login("rep2@demo.tandem").await;
        let (_, r) = send(
            &rep,
            rep.get(app.url(&format!("/api/v1/contracts/{id}/receivables"))),
        )
        .await;
        // All of it due today; the escalation comes after the default 15 days.
        let (s, _) = send(&rep, rep.put(app.url(&format!("/api/v1/contracts/{id}/plan"))).json(&json!({"installments": [{"planned_date": today, "amount_minor": 1_234_500}], "version": r["version"]}))).await;
        assert_eq!(s, StatusCode::OK);
        let admin = app.login("admin@demo.tandem").await;
        assert_receivables_counted(&app, &admin, &format!("{b:?}: due today")).await;
        tick().await;
        assert!(
            overdue_alerts(&app, customer).await.is_empty(),
            "{b:?}: due today is not overdue"
        );

        // Just after midnight: the owner, once.
        app.clock.advance(to_midnight + Duration::seconds(1));
        tick().await;
        tick().await;
        assert_receivables_counted(&app, &admin, &format!("{b:?}: a day later")).await;
        let rep2 = app.user_id("rep2@demo.tandem").await;
        let got = overdue_alerts(&app, customer).await;
        assert_eq!(got.len(), 1, "{b:?}: {got:?}");
        assert_eq!(got[0].0, rep2);
        assert!(
            got[0].1.contains(&format!("¥12,345 ({today})")),
            "{}",
            got[0].1
        );

        // Fourteen days later, still only the owner; the fifteenth day, the managers.
        app.clock.advance(Duration::days(13));
        tick().await;
        assert_eq!(overdue_alerts(&app, customer).await.len(), 1, "{b:?}");
        app.clock.advance(Duration::days(1));
        tick().await;
        let manager1 = app.user_id("manager1@demo.tandem").await;
        let got = overdue_alerts(&app, customer).await;
        assert_eq!(
            got.iter().filter(|(u, _)| *u == manager1).count(),
            1,
            "{b:?}: {got:?}"
        );
        assert_eq!(got.iter().filter(|(u, _)| *u == rep2).count(), 1, "{b:?}");
        tick().await;
        assert_eq!(
            overdue_alerts(&app, customer).await.len(),
            got.len(),
            "{b:?}: once"
        );
        // Part of it paid: what is overdue shrinks by as much (signed in again: two weeks
        // have passed).
        let rep = app.login("rep2@demo.tandem").await;
        let admin = app.login("admin@demo.tandem").await;
        let (s, r) = send(
            &rep,
            rep.post(app.url(&format!("/api/v1/contracts/{id}/receipts")))
                .json(&json!({"amount_minor": 234_500, "received_on": local_date(&app, 0)})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b:?}: {r}");
        assert_receivables_counted(&app, &admin, &format!("{b:?}: part paid")).await;
        // The customer deleted takes what is owed on its contract out; restored, back in.
        let customer_url = app.url(&format!("/api/v1/customers/{customer}"));
        let (s, e) = send(&admin, admin.delete(customer_url.clone())).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b:?}: {e}");
        assert_receivables_counted(&app, &admin, &format!("{b:?}: customer deleted")).await;
        let s = admin
            .post(format!("{customer_url}/restore"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, StatusCode::OK, "{b:?}");
        assert_receivables_counted(&app, &admin, &format!("{b:?}: customer restored")).await;
        app.assert_kpi_rollups_kept().await;
    }
}
