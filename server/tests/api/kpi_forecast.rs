//! The sales forecast on the manager's dashboard: each owner's categories rolled up
//! cumulatively, for this month and this quarter, each period counting only its own
//! closing dates.
use crate::helpers::*;
use crate::kpi_dashboard::dashboard;
use reqwest::StatusCode;
use serde_json::Value;

/// Today's date where the demo company works (UTC+8).
fn local_today(app: &TestApp) -> chrono::NaiveDate {
    app.clock_now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
}

/// A new deal of the rep's for the customer, expected to close on `close`.
async fn new_deal(
    app: &TestApp,
    rep: &reqwest::Client,
    customer: i64,
    name: &str,
    amount_minor: i64,
    close: chrono::NaiveDate,
) -> Value {
    let r = rep
        .post(app.url("/api/v1/opportunities"))
        .json(&serde_json::json!({"customer_id": customer, "name": name, "amount_minor": amount_minor, "expected_close": close.to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// Sets the deal's forecast category as `c`, as of `version`.
async fn set_category(
    app: &TestApp,
    c: &reqwest::Client,
    deal: &Value,
    category: &str,
    version: i64,
) -> reqwest::Response {
    c.post(app.url(&format!("/api/v1/opportunities/{}/forecast", deal["id"])))
        .json(&serde_json::json!({"forecast_category": category, "version": version}))
        .send()
        .await
        .unwrap()
}

/// A forecast row's figures on the dashboard (`"month"` or `"quarter"`; the total when no
/// person is given, zeros for a person without a row): closed, commit, best case, pipeline.
async fn forecast_row(
    c: &reqwest::Client,
    app: &TestApp,
    period: &str,
    person: Option<i64>,
) -> [i64; 4] {
    let (s, d) = dashboard(c, app, &[("period", "month")]).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let forecast = d["forecasts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["period"] == period)
        .unwrap();
    let rows = forecast["rows"].as_array().unwrap();
    let total = rows.last().unwrap();
    assert!(total["person_id"].is_null());
    let row = match person {
        None => Some(total),
        Some(id) => rows.iter().find(|r| r["person_id"] == id),
    };
    let Some(row) = row else { return [0; 4] };
    let r = &row["rollup"];
    ["closed", "commit", "best_case", "pipeline"].map(|k| r[k].as_i64().unwrap())
}

async fn month_total(c: &reqwest::Client, app: &TestApp) -> [i64; 4] {
    forecast_row(c, app, "month", None).await
}

/// The quarter's forecast counts the deals expected to close in the quarter's other months
/// as well as this month's; the month's leaves them out, for the team and for their owner
/// (the two are read together: each must sum only its own days).
#[tokio::test]
async fn the_quarters_forecast_counts_its_other_months_and_the_months_does_not() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let rep1_id = app.user_id("rep1@demo.tandem").await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let today = local_today(&app);
        // Another month of the same quarter: the next one, or the quarter's first.
        use chrono::Datelike;
        let first_of_quarter = today
            .with_day(1)
            .unwrap()
            .with_month((today.month0() / 3) * 3 + 1)
            .unwrap();
        let other = if today.month0().is_multiple_of(3) {
            first_of_quarter
                .checked_add_months(chrono::Months::new(1))
                .unwrap()
        } else {
            first_of_quarter
        };
        let before = [
            forecast_row(&manager1, &app, "month", None).await,
            forecast_row(&manager1, &app, "quarter", None).await,
            forecast_row(&manager1, &app, "month", Some(rep1_id)).await,
            forecast_row(&manager1, &app, "quarter", Some(rep1_id)).await,
        ];
        // A committed deal this month and one in the quarter's other month, the same
        // owner and category (one roll-up group across both months).
        for (name, amount, close) in [("本月", 700_000, today), ("下个月", 300_000, other)] {
            let deal = new_deal(&app, &rep1, customer, name, amount, close).await;
            let version = deal["version"].as_i64().unwrap();
            let r = set_category(&app, &rep1, &deal, "commit", version).await;
            assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        }
        let after = [
            forecast_row(&manager1, &app, "month", None).await,
            forecast_row(&manager1, &app, "quarter", None).await,
            forecast_row(&manager1, &app, "month", Some(rep1_id)).await,
            forecast_row(&manager1, &app, "quarter", Some(rep1_id)).await,
        ];
        let plus = |r: [i64; 4], n: i64| [r[0], r[1] + n, r[2] + n, r[3] + n];
        assert_eq!(
            after,
            [
                plus(before[0], 700_000),
                plus(before[1], 1_000_000),
                plus(before[2], 700_000),
                plus(before[3], 1_000_000)
            ],
            "{b:?}"
        );
    }
}

#[tokio::test]
async fn the_forecast_rolls_up_each_owners_categories_cumulatively() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep1 = app.login("rep1@demo.tandem").await;
        let manager1 = app.login("manager1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let deal = new_deal(&app, &rep1, customer, "预测", 700_000, local_today(&app)).await;
        assert_eq!(deal["forecast_category"], "pipeline");
        let before = month_total(&manager1, &app).await;

        let set = |category: &'static str, version: i64| {
            set_category(&app, &rep1, &deal, category, version)
        };
        let r = set("commit", deal["version"].as_i64().unwrap()).await;
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let moved: Value = r.json().await.unwrap();
        let after = month_total(&manager1, &app).await;
        assert_eq!(
            after,
            [
                before[0],
                before[1] + 700_000,
                before[2] + 700_000,
                before[3]
            ],
            "{b:?}"
        );

        let r = set("omitted", moved["version"].as_i64().unwrap()).await;
        assert_eq!(r.status(), StatusCode::OK);
        let omitted = month_total(&manager1, &app).await;
        assert_eq!(
            omitted,
            [before[0], before[1], before[2], before[3] - 700_000],
            "{b:?}"
        );

        // A stale version is a conflict; an unknown category names the field; another
        // team's manager does not find the deal.
        let r = set("commit", moved["version"].as_i64().unwrap()).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = set("maybe", moved["version"].as_i64().unwrap() + 1).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("forecast_category"));
        let manager2 = app.login("manager2@demo.tandem").await;
        let version = moved["version"].as_i64().unwrap() + 1;
        let r = set_category(&app, &manager2, &deal, "commit", version).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b:?}");
        app.assert_kpi_rollups_kept().await;
    }
}
