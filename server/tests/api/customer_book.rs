//! The book (migration 0037): the live customers counted by owner and by the day and hour
//! of their next follow-up, kept by triggers, which managers' pages read each rep's
//! overdue follow-ups and the pool's size from.
use crate::helpers::*;
use app::ssr::clock::Clock;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

impl TestApp {
    /// Checks that the book holds what counting the customers gives.
    pub async fn assert_book_kept(&self) {
        type Cell = (i64, String, i64, i64);
        let kept: Vec<Cell> = sqlx::query_as(
            "SELECT owner_id, span, slot, n FROM customer_book ORDER BY owner_id, span, slot",
        )
        .fetch_all(&self.state.app.db.write)
        .await
        .unwrap();
        let counted: Vec<Cell> = sqlx::query_as(
            "SELECT o, s, t, c FROM (\
             SELECT COALESCE(owner_id, 0) AS o, 'all' AS s, 0 AS t, COUNT(*) AS c FROM customers \
             WHERE deleted_at IS NULL GROUP BY COALESCE(owner_id, 0) \
             UNION ALL SELECT COALESCE(owner_id, 0), 'day', next_follow_up_at / 86400000, COUNT(*) \
             FROM customers WHERE deleted_at IS NULL AND next_follow_up_at IS NOT NULL \
             GROUP BY COALESCE(owner_id, 0), next_follow_up_at / 86400000 \
             UNION ALL SELECT COALESCE(owner_id, 0), 'hour', next_follow_up_at / 3600000, COUNT(*) \
             FROM customers WHERE deleted_at IS NULL AND next_follow_up_at IS NOT NULL \
             GROUP BY COALESCE(owner_id, 0), next_follow_up_at / 3600000) q \
             ORDER BY o, s, t",
        )
        .fetch_all(&self.state.app.db.write)
        .await
        .unwrap();
        let only_kept: Vec<&Cell> = kept.iter().filter(|c| !counted.contains(c)).collect();
        let only_counted: Vec<&Cell> = counted.iter().filter(|c| !kept.contains(c)).collect();
        assert!(
            only_kept.is_empty() && only_counted.is_empty(),
            "{:?}: the book drifted from the customers: kept only {only_kept:?}; counted only {only_counted:?}",
            self.backend
        );
    }

    /// Checks the manager's dashboard (as the admin: every rep) against the records:
    /// each rep's customers more than a day past their follow-up, and the pool's size.
    async fn assert_dashboard_counts(&self, admin: &reqwest::Client, when: &str) {
        self.assert_book_kept().await;
        let r = admin
            .post(self.url("/sfn/dashboard"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let d: Value = r.json().await.unwrap();
        let b = self.backend;
        let late = self.clock.now_ms() - DAY_MS;
        let reps = d["reps"].as_array().unwrap();
        assert!(reps.len() >= 6, "{b:?}: {d}");
        for rep in reps {
            let id = rep["user_id"].as_i64().unwrap();
            let counted = self
                .count(&format!(
                    "SELECT COUNT(*) FROM customers WHERE owner_id = {id} AND deleted_at IS NULL \
                     AND next_follow_up_at < {late}"
                ))
                .await;
            assert_eq!(
                rep["overdue_follow_ups"].as_i64(),
                Some(counted),
                "{b:?} {when}: rep {id}'s overdue follow-ups"
            );
        }
        let pool = self
            .count("SELECT COUNT(*) FROM customers WHERE owner_id IS NULL AND deleted_at IS NULL")
            .await;
        assert_eq!(d["pool_customers"].as_i64(), Some(pool), "{b:?} {when}");
    }
}

#[tokio::test]
async fn overdue_follow_ups_and_the_pool_are_counted_from_the_book_as_time_and_writes_move_them() {
    for b in backends() {
        let app = spawn_app(b).await;
        let admin = app.login("admin@demo.tandem").await;
        let rep = app.login("rep1@demo.tandem").await;
        app.assert_dashboard_counts(&admin, "as seeded").await;
        assert!(
            app.count(&format!(
                "SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND deleted_at IS NULL \
                 AND next_follow_up_at < {}",
                app.clock.now_ms() - DAY_MS
            ))
            .await
                > 0,
            "{b:?}: the demo has overdue follow-ups"
        );

        // Follow-ups in the hour the day's grace ends in, on each side of its end (the
        // clock moved off the hour, so the hour's own customers are read one by one).
        app.clock.advance(Duration::minutes(20));
        let mine = app.customer_of("rep1@demo.tandem").await;
        let late = app.clock.now_ms() - DAY_MS;
        let other = app.customer_of("rep2@demo.tandem").await;
        for (id, at) in [(mine, late - 1), (other, late + 1)] {
            sqlx::query(&format!(
                "UPDATE customers SET next_follow_up_at = {at} WHERE id = {id}"
            ))
            .execute(&app.state.app.db.write)
            .await
            .unwrap();
        }
        app.assert_dashboard_counts(&admin, "a follow-up a millisecond late")
            .await;

        // A logged visit moves the follow-up on; a release puts a customer in the pool,
        // a claim takes one out; a deletion and a restore take it out and back.
        let next = app.clock.now() + Duration::days(2);
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": mine, "kind": "visit", "summary": "拜访", "next_follow_up_at": next}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{b:?}");
        let r = rep
            .post(app.url(&format!("/api/v1/customers/{mine}/release")))
            .json(&json!({"reason": "客户已转向竞品"}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{b:?}: release {}", r.status());
        app.assert_dashboard_counts(&admin, "after a visit and a release")
            .await;
        let pool = app.pool_customer().await;
        let r = app
            .login("rep3@demo.tandem")
            .await
            .post(app.url(&format!("/api/v1/customers/{pool}/claim")))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{b:?}: claim {}", r.status());
        let path = format!("/api/v1/customers/{other}");
        assert_eq!(
            admin.delete(app.url(&path)).send().await.unwrap().status(),
            StatusCode::NO_CONTENT
        );
        app.assert_dashboard_counts(&admin, "after a claim and a deletion")
            .await;
        let r = admin
            .post(app.url(&format!("{path}/restore")))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{b:?}: restore {}", r.status());

        // Time alone moves follow-ups into the overdue ones: into the middle of an
        // hour, across it, and days on.
        for step in [
            Duration::minutes(30),
            Duration::minutes(31),
            Duration::hours(7),
            Duration::days(3),
        ] {
            app.clock.advance(step);
            app.assert_dashboard_counts(&admin, &format!("{step} later"))
                .await;
        }
    }
}
