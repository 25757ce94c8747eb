//! The contracts waiting for a manager's approval: counted, and read a page at a time.
use crate::helpers::*;
use crate::pipeline::{move_to, new_deal};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The ids of a list of records.
fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["id"].as_i64())
        .collect()
}

/// The contracts waiting for a manager: counted in full (the dashboard's number was the
/// length of a list cut at 200) and read a page at a time, newest first, on both doors.
#[tokio::test]
async fn the_contracts_waiting_are_counted_and_read_a_page_at_a_time() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let manager = app.login("manager1@demo.tandem").await;
        let waiting = |c: reqwest::Client, body: &'static str| {
            let app = &app;
            async move {
                let r = c
                    .post(app.url("/sfn/pending_contracts"))
                    .header("accept", "application/json")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                json(r).await
            }
        };
        let before = waiting(manager.clone(), "limit=2").await["waiting"]
            .as_i64()
            .unwrap();
        let mut made = Vec::new();
        for _ in 0..3 {
            let deal = new_deal(&app, &rep, "rep1@demo.tandem").await;
            let r = move_to(&app, &rep, &deal, json!({"stage": "negotiation", "version": deal["version"], "pain_points": "p",
                "decision_maker": "d", "budget_range": "b", "amount_minor": 1_000_000, "expected_close": "2027-01-15", "competitors": "无"})).await;
            assert_eq!(r.status(), StatusCode::OK, "{b:?}");
            let r = rep.post(app.url("/api/v1/contracts")).json(&json!({"opportunity_id": deal["id"], "start_date": "2027-01-01", "end_date": "2027-12-31"})).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            made.push(json(r).await["id"].as_i64().unwrap());
        }
        // The page's call: the newest two, and how many wait in all.
        let first = waiting(manager.clone(), "limit=2").await;
        assert_eq!(first["waiting"].as_i64().unwrap(), before + 3, "{b:?}");
        let ids = ids_of(&first["contracts"]);
        assert_eq!(ids, vec![made[2], made[1]], "{b:?}");
        assert!(first["next_cursor"].is_string());
        assert_eq!(first["more_waiting"], false);
        // The dashboard counts no further than it shows ("99+"): here, up to one.
        let capped = waiting(manager.clone(), "limit=2&count_up_to=1").await;
        assert_eq!(capped["waiting"], 1, "{b:?}");
        assert_eq!(capped["more_waiting"], true);
        let r = manager
            .post(app.url("/sfn/pending_contracts"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("count_up_to=0")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("count_up_to"));
        // A rep approves nothing and is shown nothing.
        let none = waiting(rep.clone(), "limit=2").await;
        assert_eq!(none["can_decide"], false);
        assert_eq!(none["waiting"], 0);

        // REST: every page follows the last, newest first, until the count is reached.
        let mut seen = Vec::new();
        let mut url = "/api/v1/contracts?status=pending&limit=2".to_string();
        loop {
            let page = json(manager.get(app.url(&url)).send().await.unwrap()).await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            seen.extend(ids_of(&page["items"]));
            match page["next_cursor"].as_str() {
                Some(c) => url = format!("/api/v1/contracts?status=pending&limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen.len() as i64, before + 3, "{b:?}");
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
        assert_eq!(&seen[..3], &[made[2], made[1], made[0]]);
        for bad in ["limit=0", "limit=201", "cursor=nonsense"] {
            let r = manager
                .get(app.url(&format!("/api/v1/contracts?status=pending&{bad}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            let field = bad.split('=').next().unwrap();
            assert!(problem(r).await["errors"][field].is_string(), "{bad}");
        }

        // Decided, a contract leaves the count.
        let r = manager
            .post(app.url(&format!("/api/v1/contracts/{}/approve", made[1])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let after = waiting(manager.clone(), "limit=2").await;
        assert_eq!(after["waiting"].as_i64().unwrap(), before + 2);
        let ids = ids_of(&after["contracts"]);
        assert_eq!(ids, vec![made[2], made[0]], "{b:?}");
    }
}
