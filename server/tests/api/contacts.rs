//! Contacts: phones and emails validated and normalised, and the duplicate check they feed
//! (company name, phone or email of an existing customer).
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn contacts_validate_and_normalise_phones_and_emails() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let customer = app.customer_of("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": customer, "name": "张总", "phone": "138 0013 8000", "email": "Zhang@Example.CN", "decision_maker": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let k = json(r).await;
        assert_eq!(k["phone"], "+8613800138000");
        assert_eq!(k["email"], "zhang@example.cn");
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": customer, "name": "", "phone": "12345", "email": "not-an-email"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = problem(r).await;
        for f in ["name", "phone", "email"] {
            assert!(p["errors"][f].is_string(), "{f}: {p}");
        }
        let list = json(
            rep.get(app.url(&format!("/api/v1/contacts?customer_id={customer}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == k["id"]));
        let r = rep
            .patch(app.url(&format!("/api/v1/contacts/{}", k["id"])))
            .json(&json!({"version": 1, "phone": "+44 20 7946 0958", "email": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let k2 = json(r).await;
        assert_eq!(k2["phone"], "+442079460958");
        assert!(k2["email"].is_null());
        let r = rep
            .patch(app.url(&format!("/api/v1/contacts/{}", k["id"])))
            .json(&json!({"version": 1, "name": "李总"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            rep.delete(app.url(&format!("/api/v1/contacts/{}", k["id"])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            rep.get(app.url(&format!("/api/v1/contacts/{}", k["id"])))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        app.assert_kpi_rollups_kept().await;
    }
}

#[tokio::test]
async fn duplicates_by_company_name_phone_or_email_are_shown_not_saved() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工有限公司", "contact": {"name": "孙总", "phone": "13500001111", "email": "sun@haina.cn"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let first = json(r).await;
        let before = app.count("SELECT COUNT(*) FROM customers").await;
        // The same company written differently, by a rep who cannot see it.
        let other = app.login("rep2@demo.tandem").await;
        for body in [
            json!({"name": "宁波 海纳精工"}),
            json!({"name": "完全不同公司", "contact": {"name": "某人", "phone": "135-0000-1111"}}),
            json!({"name": "另一家公司", "contact": {"name": "某人", "email": "SUN@haina.cn"}}),
        ] {
            let r = other
                .post(app.url("/api/v1/customers"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CONFLICT, "{body} on {b:?}");
            let p = problem(r).await;
            let d = &p["duplicates"][0];
            assert_eq!(d["customer_id"], first["id"]);
            assert_eq!(d["visible"], false, "rep2 may not open rep1's customer");
            assert_eq!(d["owner_name"], "王伟 Wang Wei");
            // Found by a phone or email, the customer is not named to someone who cannot
            // open it (no reverse phone book); found by its name, it is the name they typed.
            let by_name = body.get("contact").is_none();
            assert_eq!(d["name"] == first["name"], by_name, "{d}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM customers").await,
            before,
            "nothing saved"
        );
        // The owner is offered to open it; an admin may save anyway.
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工"}))
            .send()
            .await
            .unwrap();
        assert_eq!(problem(r).await["duplicates"][0]["visible"], true);
        let admin = app.login("admin@demo.tandem").await;
        let r = admin
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工", "allow_duplicate": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "宁波海纳精工", "allow_duplicate": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "only admins override");
    }
}
