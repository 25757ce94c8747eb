//! The managers' KPIs on a hand-built March 2020 (before any demo data) whose answers are
//! worked out here: each KPI's value and the previous period's, the drill-down's count
//! equal to every number, and scope (a manager of one team never sees the other's).
use crate::helpers::*;
use chrono::{FixedOffset, TimeZone};
use reqwest::StatusCode;
use serde_json::Value;

/// Milliseconds of a Beijing time in 2020.
pub(crate) fn at(month: u32, day: u32, hour: u32, minute: u32) -> i64 {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2020, month, day, hour, minute, 0)
        .unwrap()
        .timestamp_millis()
}

pub(crate) const MARCH: &str = "from=2020-03-01&to=2020-03-31";

pub(crate) async fn scene(app: &TestApp) {
    let rep1 = app.user_id("rep1@demo.tandem").await;
    let rep5 = app.user_id("rep5@demo.tandem").await;
    let agent1 = app.user_id("agent1@demo.tandem").await;
    let customer = app.customer_of("rep1@demo.tandem").await;
    let lead = |name: &str, owner: i64, created: i64, extra: &str, values: &str| {
        format!(
            "INSERT INTO leads (name, source, owner_id, created_at, updated_at{extra}) \
             VALUES ('{name}', 'web_form', {owner}, {created}, {created}{values})"
        )
    };
    for sql in [
        // March: three of rep1's (one converted; first contact met, missed, never), one of
        // rep5's; February: one of rep1's.
        lead(
            "KA",
            rep1,
            at(3, 5, 9, 0),
            ", status, first_contact_due_at, first_contacted_at",
            &format!(", 'converted', {}, {}", at(3, 5, 10, 0), at(3, 5, 9, 30)),
        ),
        lead(
            "KB",
            rep1,
            at(3, 5, 9, 0),
            ", first_contact_due_at, first_contacted_at",
            &format!(", {}, {}", at(3, 5, 10, 0), at(3, 5, 11, 0)),
        ),
        lead(
            "KC",
            rep1,
            at(3, 6, 9, 0),
            ", first_contact_due_at",
            &format!(", {}", at(3, 6, 10, 0)),
        ),
        lead("KD", rep5, at(3, 6, 9, 0), "", ""),
        lead("KE", rep1, at(2, 10, 9, 0), "", ""),
    ] {
        app.exec(&sql).await;
    }
    let deal = |owner: i64,
                stage: &str,
                amount: i64,
                created: i64,
                entered: i64,
                won: &str,
                close: &str| {
        format!(
            "INSERT INTO opportunities (customer_id, name, amount_minor, stage, probability, expected_close, owner_id, \
             stage_entered_at, won_at, created_at, updated_at) VALUES ({customer}, 'kpi', {amount}, '{stage}', 50, {close}, \
             {owner}, {entered}, {won}, {created}, {created})"
        )
    };
    for sql in [
        // rep1: won 100,000 after 10 days, won 300,000 after 10 days, lost one; an open
        // 200,000 at 50 % expected in March. rep5: won 500,000. February: rep1 won 50,000.
        deal(
            rep1,
            "won",
            100_000,
            at(2, 29, 12, 0),
            at(3, 10, 12, 0),
            &at(3, 10, 12, 0).to_string(),
            "NULL",
        ),
        deal(
            rep1,
            "won",
            300_000,
            at(3, 10, 12, 0),
            at(3, 20, 12, 0),
            &at(3, 20, 12, 0).to_string(),
            "NULL",
        ),
        deal(
            rep1,
            "lost",
            80_000,
            at(3, 1, 12, 0),
            at(3, 15, 12, 0),
            "NULL",
            "NULL",
        ),
        deal(
            rep1,
            "proposal",
            200_000,
            at(3, 1, 12, 0),
            at(3, 1, 12, 0),
            "NULL",
            "'2020-03-25'",
        ),
        deal(
            rep5,
            "won",
            500_000,
            at(3, 1, 12, 0),
            at(3, 12, 12, 0),
            &at(3, 12, 12, 0).to_string(),
            "NULL",
        ),
        deal(
            rep1,
            "won",
            50_000,
            at(2, 1, 12, 0),
            at(2, 15, 12, 0),
            &at(2, 15, 12, 0).to_string(),
            "NULL",
        ),
    ] {
        app.exec(&sql).await;
    }
    // rep1's planned follow-ups: one followed up within the day, one not (the customer
    // was next contacted four days late).
    for (occurred, next) in [
        (at(3, 1, 10, 0), Some(at(3, 8, 10, 0))),
        (at(3, 8, 15, 0), None),
        (at(3, 9, 10, 0), Some(at(3, 16, 10, 0))),
        (at(3, 20, 10, 0), None),
    ] {
        app.exec(&format!(
            "INSERT INTO activities (customer_id, kind, summary, occurred_at, next_follow_up_at, user_id, created_at) \
             VALUES ({customer}, 'call', 'kpi follow-up', {occurred}, {}, {rep1}, {occurred})",
            next.map_or("NULL".to_string(), |n| n.to_string())
        ))
        .await;
    }
    // Written directly, as a bulk load would: when each follow-up was followed up is worked
    // out from the activities afterwards.
    let mut conn = app.state.app.db.write.acquire().await.unwrap();
    app::ssr::store::activities::fill_followed_up(&mut conn)
        .await
        .unwrap();
    drop(conn);
    // rep1's contract of 100,000: paid 40,000 on 5 March and 10,000 on 25 March.
    app.exec(&format!(
        "INSERT INTO contracts (customer_id, amount_minor, start_date, end_date, approval_status, owner_id, created_at, updated_at) \
         VALUES ({customer}, 100000, '2020-03-01', '2021-02-28', 'approved', {rep1}, {t}, {t})",
        t = at(3, 1, 9, 0)
    ))
    .await;
    let contract = "(SELECT MAX(id) FROM contracts WHERE start_date = '2020-03-01')";
    for (date, amount, paid) in [
        ("2020-03-01", 40_000, 40_000),
        ("2020-03-20", 60_000, 10_000),
    ] {
        app.exec(&format!(
            "INSERT INTO installments (contract_id, planned_date, amount_minor, paid_minor, created_at, updated_at) \
             VALUES ({contract}, '{date}', {amount}, {paid}, {t}, {t})",
            t = at(3, 1, 9, 0)
        ))
        .await;
    }
    for (day, amount) in [(5, 40_000), (25, 10_000)] {
        app.exec(&format!(
            "INSERT INTO receipts (contract_id, amount_minor, received_on, received_at, created_at) \
             VALUES ({contract}, {amount}, '2020-03-{day:02}', {t}, {t})",
            t = at(3, day, 12, 0)
        ))
        .await;
    }
    // agent1's tickets: answered after 30, 120 (breached) and 10 minutes; rated 2 and 5.
    for (day, minutes) in [(2, 30), (3, 120), (4, 10)] {
        let created = at(3, day, 10, 0);
        app.exec(&format!(
            "INSERT INTO tickets (customer_id, subject, status, assignee_id, first_responded_at, resolved_at, created_at, updated_at) \
             VALUES ({customer}, 'kpi {day}', 'resolved', {agent1}, {}, {}, {created}, {created})",
            created + minutes * 60_000,
            // Resolved after 4, 8 and 12 hours.
            created + i64::from(day - 1) * 4 * 60 * 60_000
        ))
        .await;
    }
    let ticket = |day: u32| format!("(SELECT id FROM tickets WHERE subject = 'kpi {day}')");
    app.exec(&format!(
        "INSERT INTO sla_breaches (ticket_id, clock, due_at) VALUES ({}, 'first_response', {})",
        ticket(3),
        at(3, 3, 11, 0)
    ))
    .await;
    for (n, (kind, on, score)) in [
        ("csat", ticket(2), 2),
        ("csat", ticket(4), 5),
        ("nps", "NULL".to_string(), 10),
        ("nps", "NULL".to_string(), 6),
    ]
    .into_iter()
    .enumerate()
    {
        app.exec(&format!(
            "INSERT INTO surveys (kind, token_hash, ticket_id, customer_id, score, expires_at, answered_at, created_at) \
             VALUES ('{kind}', 'kpi-{n}', {on}, {customer}, {score}, {}, {}, {})",
            at(4, 30, 0, 0),
            at(3, 5, 12, 0),
            at(3, 5, 11, 0)
        ))
        .await;
    }
}

pub(crate) fn kpi<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == key)
        .unwrap_or_else(|| panic!("{key} in {report}"))
}

pub(crate) async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Every KPI's drill-down lists exactly as many records as the KPI says.
pub(crate) async fn drill_downs_match(
    c: &reqwest::Client,
    app: &TestApp,
    report: &Value,
    who: &str,
) {
    for k in report["kpis"].as_array().unwrap() {
        let (s, list) = get(c, app, k["drill"].as_str().unwrap()).await;
        assert_eq!(s, StatusCode::OK, "{who} {}", k["key"]);
        assert_eq!(list["count"], k["records"], "{who} {}", k["key"]);
        assert_eq!(
            list["items"].as_array().unwrap().len() as i64,
            k["records"].as_i64().unwrap(),
            "{who} {}",
            k["key"]
        );
    }
}

#[tokio::test]
async fn each_kpi_is_worked_out_from_its_records_for_the_period_and_scope() {
    for b in backends() {
        let app = spawn_app(b).await;
        scene(&app).await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let (s, r) = get(&manager1, &app, &format!("/api/v1/kpis?{MARCH}")).await;
        assert_eq!(s, StatusCode::OK, "{b:?}: {r}");
        assert_eq!(r["previous_from"], "2020-01-30");
        assert_eq!(r["previous_to"], "2020-02-29");
        let value = |key: &str| kpi(&r, key)["value"].clone();
        // Leads: rep1's three of March (rep5's is the other team's), one in February.
        assert_eq!(value("leads_new"), 3.0, "{b:?}");
        assert_eq!(kpi(&r, "leads_new")["previous"], 1.0);
        assert_eq!(value("lead_conversion"), 33.3);
        assert_eq!(
            value("lead_first_contact_sla"),
            33.3,
            "{b:?}: met, missed, never"
        );
        // Deals: won 100,000 and 300,000, one lost; February won 50,000.
        assert_eq!(value("follow_up_compliance"), 50.0, "{b:?}");
        assert_eq!(value("received_amount"), 50_000.0, "{b:?}");
        assert!(kpi(&r, "receivables_overdue")["value"].as_f64().unwrap() >= 50_000.0);
        assert_eq!(kpi(&r, "follow_up_compliance")["records"], 2);
        assert_eq!(value("activities_logged"), 4.0, "{b:?}: rep1's four calls");
        assert_eq!(kpi(&r, "activities_logged")["previous"], 0.0);
        assert_eq!(value("win_rate"), 66.7, "{b:?}");
        assert_eq!(kpi(&r, "win_rate")["previous"], 100.0);
        assert_eq!(value("won_amount"), 400_000.0);
        assert_eq!(kpi(&r, "won_amount")["previous"], 50_000.0);
        assert_eq!(value("average_deal_size"), 200_000.0);
        assert_eq!(value("sales_cycle_days"), 10.0);
        assert_eq!(value("weighted_forecast"), 100_000.0);
        assert!(kpi(&r, "pipeline_value")["previous"].is_null());
        // The desk (agent1 is of manager1's team): 10, 30, 120 minutes; one breach.
        assert_eq!(value("ticket_first_response_median"), 30.0, "{b:?}");
        assert_eq!(value("ticket_first_response_p90"), 120.0);
        assert_eq!(value("sla_compliance"), 66.7);
        assert_eq!(value("ticket_resolution_median"), 480.0, "{b:?}");
        assert_eq!(value("ticket_resolution_p90"), 720.0);
        assert_eq!(value("resolution_rate"), 100.0);
        assert_eq!(value("csat"), 3.5);
        assert_eq!(value("nps"), 0.0, "{b:?}: one promoter, one detractor");
        assert!(kpi(&r, "csat")["definition"]
            .as_str()
            .unwrap()
            .contains("1–5"));
        drill_downs_match(&manager1, &app, &r, "manager1").await;

        // The admin sees both teams, and narrows to one team or one person.
        let admin = app.login("admin@demo.tandem").await;
        let (_, all) = get(&admin, &app, &format!("/api/v1/kpis?{MARCH}")).await;
        assert_eq!(kpi(&all, "leads_new")["value"], 4.0, "{b:?}");
        assert_eq!(kpi(&all, "won_amount")["value"], 900_000.0);
        assert_eq!(kpi(&all, "win_rate")["value"], 75.0);
        drill_downs_match(&admin, &app, &all, "admin").await;
        let team2 = app
            .count("SELECT team_id FROM users WHERE email = 'rep5@demo.tandem'")
            .await;
        let (s, theirs) = get(
            &admin,
            &app,
            &format!("/api/v1/kpis?{MARCH}&team_id={team2}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(kpi(&theirs, "leads_new")["value"], 1.0);
        assert_eq!(kpi(&theirs, "won_amount")["value"], 500_000.0);
        let rep5 = app.user_id("rep5@demo.tandem").await;
        let (_, one) = get(&admin, &app, &format!("/api/v1/kpis?{MARCH}&rep_id={rep5}")).await;
        assert_eq!(kpi(&one, "won_amount")["value"], 500_000.0, "{b:?}");
        drill_downs_match(&admin, &app, &one, "admin rep5").await;

        // Manager1 never sees the other team's numbers; reps and agents have no KPIs.
        for q in [format!("team_id={team2}"), format!("rep_id={rep5}")] {
            let (s, _) = get(&manager1, &app, &format!("/api/v1/kpis?{MARCH}&{q}")).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b:?} {q}");
            let (s, _) = get(
                &manager1,
                &app,
                &format!("/api/v1/kpis/win_rate/records?{MARCH}&{q}"),
            )
            .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b:?} {q}");
        }
        for who in ["rep1@demo.tandem", "agent1@demo.tandem"] {
            let c = app.login(who).await;
            let (s, _) = get(&c, &app, "/api/v1/kpis").await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }

        // Bad periods are refused naming the field; an unknown KPI is not found.
        let (s, p) = get(
            &manager1,
            &app,
            "/api/v1/kpis?from=2020-13-01&to=2020-03-31",
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p["errors"]["from"].is_string(), "{p}");
        let (s, p) = get(
            &manager1,
            &app,
            "/api/v1/kpis?from=2020-03-31&to=2020-03-01",
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p["errors"]["to"].is_string(), "{p}");
        let (s, p) = get(&manager1, &app, "/api/v1/kpis?period=fortnight").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p["errors"]["period"].is_string(), "{p}");
        let (s, _) = get(&manager1, &app, "/api/v1/kpis/happiness/records").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, month) = get(&manager1, &app, "/api/v1/kpis?period=quarter").await;
        assert_eq!(s, StatusCode::OK, "{month}");
    }
}
