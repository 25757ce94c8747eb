//! The customer list at work: keyset pages, search by Chinese name parts, contacts,
//! phones and emails, filters and sorts, and the name sort key.
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn keyset_pages_walk_the_whole_scope_once() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let rep1 = app.user_id("rep1@demo.tandem").await;
        let expected = app.count(&format!("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL AND (owner_id = {rep1} OR owner_id IS NULL)")).await;
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut url = app.url("/api/v1/customers?limit=17");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = json(rep.get(url).send().await.unwrap()).await;
            for item in page["items"].as_array().unwrap() {
                let owner = item["owner_id"].as_i64();
                assert!(
                    owner.is_none() || owner == Some(rep1),
                    "out of scope: {item}"
                );
                assert!(
                    seen.insert(item["id"].as_i64().unwrap()),
                    "duplicate {}",
                    item["id"]
                );
            }
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen.len() as i64, expected, "{b:?}");
        assert!(pages > 2);
        // Filters.
        let pool = json(
            rep.get(app.url("/api/v1/customers?pool=true&limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(pool["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["owner_id"].is_null()));
        let level_a = json(
            rep.get(app.url("/api/v1/customers?level=A&limit=200"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(level_a["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["level"] == "A"));
        let name = seen.iter().next().copied().unwrap();
        let one = json(
            rep.get(app.url(&format!("/api/v1/customers/{name}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let part: String = one["name"]
            .as_str()
            .unwrap()
            .chars()
            .skip(2)
            .take(4)
            .collect();
        let found = json(
            rep.get(app.url(&format!("/api/v1/customers?q={}", urlencode(&part))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == one["id"]),
            "search {part}"
        );
        // Wildcards in the search are literal.
        let none = json(
            rep.get(app.url("/api/v1/customers?q=%25%25%25"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn search_finds_customers_by_chinese_name_parts_contacts_phones_and_emails() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/api/v1/customers"))
            .json(&json!({"name": "苏州澄湖精密机械有限公司"}))
            .send()
            .await
            .unwrap();
        let c = json(r).await;
        let r = rep
            .post(app.url("/api/v1/contacts"))
            .json(&json!({"customer_id": c["id"], "name": "欧阳明", "phone": "139 0123 4567", "email": "ouyang@chenghu-precision.cn"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let find = |q: &str| {
            let url = app.url(&format!("/api/v1/customers?q={}", urlencode(q)));
            let rep = rep.clone();
            async move {
                json(rep.get(url).send().await.unwrap()).await["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        let id = c["id"].as_i64().unwrap();
        for q in [
            "澄湖",
            "澄湖精密",
            "精密机械",
            "欧阳",
            "欧阳明",
            "13901234567",
            "139-0123-4567",
            "4567",
            "ouyang",
            "chenghu",
            "澄湖 ouyang",
        ] {
            assert!(find(q).await.contains(&id), "{q:?} should find it on {b:?}");
        }
        for q in ["澄精", "湖澄", "13901239999", "ouyangx"] {
            assert!(
                !find(q).await.contains(&id),
                "{q:?} should not find it on {b:?}"
            );
        }
        // Renaming and deleting the contact keep the index current.
        let r = rep
            .patch(app.url(&format!("/api/v1/customers/{id}")))
            .json(&json!({"version": c["version"], "name": "苏州白鹭精密机械有限公司"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!find("澄湖").await.contains(&id));
        assert!(find("白鹭").await.contains(&id));
        // Out of scope customers never show, however well they match.
        let other = app.login("rep2@demo.tandem").await;
        let theirs = json(
            other
                .get(app.url(&format!("/api/v1/customers?q={}", urlencode("白鹭"))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != id));
    }
}

#[tokio::test]
async fn filters_by_industry_region_tag_and_silence_and_sorts_with_keyset_pages() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep6@demo.tandem").await;
        let me = app.user_id("rep6@demo.tandem").await;
        let mut ids = Vec::new();
        for (name, industry, region, tags) in [
            ("筛选甲精密", "制造业", "苏州", json!(["重点"])),
            ("筛选乙商贸", "零售", "苏州", json!(["重点", "华东"])),
            ("筛选丙机械", "制造业", "杭州", json!([])),
        ] {
            let r = rep
                .post(app.url("/api/v1/customers"))
                .json(&json!({"name": name, "industry": industry, "region": region, "tags": tags}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED, "{b:?} {name}");
            ids.push(json(r).await["id"].as_i64().unwrap());
        }
        let names = |v: &serde_json::Value| -> HashSet<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .filter(|n| n.starts_with("筛选"))
                .collect()
        };
        let get = |q: String| {
            let rep = rep.clone();
            let url = app.url(&format!("/api/v1/customers?owner_id={me}&limit=200&{q}"));
            async move { json(rep.get(url).send().await.unwrap()).await }
        };
        let by_industry = get("industry=制造业".into()).await;
        assert_eq!(
            names(&by_industry),
            HashSet::from(["筛选甲精密".to_string(), "筛选丙机械".to_string()])
        );
        assert!(by_industry["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["industry"] == "制造业"));
        assert_eq!(
            names(&get("region=苏州&tag=重点".into()).await),
            HashSet::from(["筛选甲精密".to_string(), "筛选乙商贸".to_string()])
        );
        assert!(
            names(&get("tag=重".into()).await).is_empty(),
            "tags match whole"
        );

        // Never contacted counts as silent; a logged call takes it off the list.
        assert_eq!(names(&get("no_contact_days=30".into()).await).len(), 3);
        let r = rep
            .post(app.url("/api/v1/activities"))
            .json(&json!({"customer_id": ids[0], "kind": "call"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let silent = get("no_contact_days=30".into()).await;
        assert!(!names(&silent).contains("筛选甲精密"));
        let cutoff = app.clock_now() - chrono::Duration::days(30);
        for c in silent["items"].as_array().unwrap() {
            if let Some(at) = c["last_contact_at"].as_str() {
                let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
                assert!(at < cutoff, "{at} is not silent");
            }
        }

        // Sorted by next follow-up, two at a time: ascending, undated last, none twice.
        let total = get(String::new()).await["items"].as_array().unwrap().len();
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = json(
                rep.get(app.url(&format!(
                    "/api/v1/customers?owner_id={me}&sort=next_follow_up&limit=2&cursor={cursor}"
                )))
                .send()
                .await
                .unwrap(),
            )
            .await;
            for c in page["items"].as_array().unwrap() {
                let key = c["next_follow_up_at"]
                    .as_str()
                    .map(|s| {
                        s.parse::<chrono::DateTime<chrono::Utc>>()
                            .unwrap()
                            .timestamp_millis()
                    })
                    .unwrap_or(i64::MAX);
                seen.push((key, c["id"].as_i64().unwrap()));
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), total, "{b:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "ascending");

        // By name, seven at a time: Chinese names by pinyin, every customer once, and a
        // rename moves the customer.
        let rows = by_name(&app, &rep, me).await;
        assert_eq!(rows.len(), total, "{b:?}");
        let keys: Vec<(String, i64)> = rows
            .iter()
            .map(|(n, id)| (app::ssr::store::customers::name_key(n), *id))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{b:?} {rows:?}");
        let ours = |rows: &[(String, i64)]| -> Vec<String> {
            rows.iter()
                .filter(|(n, _)| n.starts_with("筛选"))
                .map(|(n, _)| n.clone())
                .collect()
        };
        // shai xuan bing / jia / yi
        assert_eq!(ours(&rows), ["筛选丙机械", "筛选甲精密", "筛选乙商贸"]);
        let v = json(
            rep.get(app.url(&format!("/api/v1/customers/{}", ids[2])))
                .send()
                .await
                .unwrap(),
        )
        .await["version"]
            .as_i64()
            .unwrap();
        let r = rep
            .patch(app.url(&format!("/api/v1/customers/{}", ids[2])))
            .json(&json!({"version": v, "name": "筛选紫机械"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        assert_eq!(
            ours(&by_name(&app, &rep, me).await),
            ["筛选甲精密", "筛选乙商贸", "筛选紫机械"]
        );

        for (q, field) in [
            ("sort=oldest", "sort"),
            ("sort=name&cursor=bogus", "cursor"),
            ("no_contact_days=0", "no_contact_days"),
            ("sort=last_contact&cursor=bogus", "cursor"),
        ] {
            let r = rep
                .get(app.url(&format!("/api/v1/customers?{q}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
            assert!(problem(r).await["errors"][field].is_string(), "{q}");
        }
    }
}

/// A rep's customers sorted by name, read seven at a time through the cursor.
async fn by_name(app: &TestApp, rep: &reqwest::Client, owner: i64) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = json(
            rep.get(app.url(&format!(
                "/api/v1/customers?owner_id={owner}&sort=name&limit=7&cursor={cursor}"
            )))
            .send()
            .await
            .unwrap(),
        )
        .await;
        for c in page["items"].as_array().unwrap() {
            rows.push((
                c["name"].as_str().unwrap().into(),
                c["id"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn migrate_fills_in_the_name_sort_key_of_customers_written_before_it() {
    for b in backends() {
        let app = spawn_app(b).await;
        let db = &app.state.app.db;
        // As if these rows predated the name sort.
        sqlx::query("UPDATE customers SET name_key = NULL WHERE id <= 50")
            .execute(&db.write)
            .await
            .unwrap();
        server::db::migrate(db).await.unwrap();
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT name, name_key FROM customers WHERE id <= 50")
                .fetch_all(&db.read)
                .await
                .unwrap();
        assert_eq!(rows.len(), 50, "{b:?}");
        for (name, key) in rows {
            assert_eq!(
                key.as_deref(),
                Some(app::ssr::store::customers::name_key(&name).as_str()),
                "{b:?} {name}"
            );
        }
    }
}

/// The page's own call for the list with no filter (a tap on Customers in the app) sends
/// no field at all; it was refused as "missing field `p`".
#[tokio::test]
async fn the_page_asks_for_the_whole_list_with_no_filter() {
    for b in backends() {
        let app = spawn_app(b).await;
        let rep = app.login("rep1@demo.tandem").await;
        let r = rep
            .post(app.url("/sfn/customers"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b:?}");
        let page: serde_json::Value = r.json().await.unwrap();
        assert!(!page["items"].as_array().unwrap().is_empty(), "{page}");
    }
}
