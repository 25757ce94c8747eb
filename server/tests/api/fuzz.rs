//! Every route of the OpenAPI contract, sent hostile input as an admin, a rep and a
//! stranger: malformed and mistyped JSON, values of every wrong kind and size in each
//! documented field, odd path ids and query values. Nothing may answer 5xx: bad input is
//! a 4xx naming what is wrong, never a crash.
use crate::helpers::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Client, Method};
use serde_json::{json, Value};

/// Values of every wrong kind: empty, huge, negative, mistyped, injection-shaped, odd Unicode.
fn hostile_values() -> Vec<Value> {
    vec![
        json!(""),
        json!(" "),
        json!("x".repeat(100_000)),
        json!("' OR 1=1 --"),
        json!("<script>alert(1)</script>"),
        json!("😀\u{0}\u{202e}中文"),
        json!("2026-13-45"),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(-0.000001),
        json!([]),
        json!([1, "a", null]),
        json!({"nested": {"deep": [1, 2, 3]}}),
        json!(null),
    ]
}

/// Bodies that are not what any route wants.
fn hostile_bodies(schema: Option<&Value>, thorough: bool, rng: &mut StdRng) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"text\"".to_vec(),
        b"12345678901234567890123".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        b"{}".to_vec(),
        b"{\"unknown_field\": 1}".to_vec(),
    ];
    let values = hostile_values();
    if let Some(props) = schema.and_then(|s| s["properties"].as_object()) {
        // Every field with each wrong kind in turn, the others left out; then all at once
        // with values drawn at random.
        if thorough {
            for v in &values {
                for name in props.keys() {
                    out.push(json!({ name: v }).to_string().into_bytes());
                }
            }
        }
        for _ in 0..10 {
            let all: serde_json::Map<String, Value> = props
                .keys()
                .map(|k| (k.clone(), values[rng.gen_range(0..values.len())].clone()))
                .collect();
            out.push(Value::Object(all).to_string().into_bytes());
        }
    }
    out
}

/// The request body's schema of an operation, followed through its `$ref`.
fn body_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    match schema["$ref"].as_str() {
        Some(r) => spec.pointer(&r.replace("#/", "/")),
        None => schema.is_object().then_some(schema),
    }
}

fn fill_path(path: &str, id: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(id);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Walks every route as `who`; `thorough`: each field with each wrong kind of value.
async fn walk(
    app: &TestApp,
    spec: &Value,
    (who, client, thorough): (&str, &Client, bool),
    rng: &mut StdRng,
) -> usize {
    let mut sent = 0;
    let ids = ["1", "0", "-1", "99999999999999999999", "abc", "%00", "１２"];
    let queries = [
        "",
        "x",
        "-1",
        "99999999999999999999",
        "%27%20OR%201%3D1",
        "%F0%9F%98%80",
    ];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Signing out would end the walk's own session; it is tested elsewhere.
            if path.ends_with("/auth/logout") {
                continue;
            }
            let method: Method = method.to_uppercase().parse().unwrap();
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .collect();
            let bodies = if matches!(method, Method::GET) {
                vec![Vec::new()]
            } else {
                hostile_bodies(body_schema(spec, op), thorough, rng)
            };
            for id in ids {
                let url = fill_path(path, id);
                let query: String = params
                    .iter()
                    .map(|p| format!("{p}={}", queries[rng.gen_range(0..queries.len())]))
                    .collect::<Vec<_>>()
                    .join("&");
                let full = if query.is_empty() {
                    url.clone()
                } else {
                    format!("{url}?{query}")
                };
                // Every body on the first id; a few at random on the others.
                let picked: Vec<&Vec<u8>> = if id == "1" {
                    bodies.iter().collect()
                } else {
                    (0..3.min(bodies.len()))
                        .map(|_| &bodies[rng.gen_range(0..bodies.len())])
                        .collect()
                };
                for body in picked {
                    let mut req = client.request(method.clone(), app.url(&full));
                    if !matches!(method, Method::GET) {
                        req = req
                            .header("content-type", "application/json")
                            .body(body.clone());
                    }
                    let r = req.send().await.unwrap();
                    sent += 1;
                    assert!(
                        !r.status().is_server_error(),
                        "{who}: {method} {full} answered {} to {:?} on {:?}",
                        r.status(),
                        String::from_utf8_lossy(&body[..body.len().min(200)]),
                        app.backend
                    );
                }
            }
        }
    }
    sent
}

#[tokio::test]
async fn hostile_input_on_every_route_never_answers_5xx() {
    for b in backends() {
        let app = spawn_app(b).await;
        let spec: Value = json(
            app.client()
                .get(app.url("/api/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let mut rng = StdRng::seed_from_u64(20_261_204);
        let mut sent = 0;
        for (who, client, thorough) in [
            ("stranger", app.client(), false),
            ("rep", app.login("rep2@demo.tandem").await, false),
            ("agent", app.login("agent2@demo.tandem").await, false),
            ("admin", app.login("admin@demo.tandem").await, true),
        ] {
            sent += walk(&app, &spec, (who, &client, thorough), &mut rng).await;
        }
        assert!(sent > 3_000, "{b:?}: {sent} requests");
    }
}

#[tokio::test]
async fn hostile_queries_on_every_page_never_answer_5xx() {
    for b in backends() {
        let app = spawn_app(b).await;
        let pages = [
            "/today",
            "/queue",
            "/tickets/1",
            "/tickets/abc",
            "/dashboard",
            "/admin",
            "/admin/settings",
            "/customers",
            "/customers/new",
            "/customers/1",
            "/customers/-1",
            "/alerts",
            "/leads",
            "/tasks",
            "/pipeline",
            "/deals/1",
            "/csat/x",
            "/nps/%00",
            "/login",
        ];
        let queries = [
            "q=%00",
            "q=%F0%9F%98%80%E4%B8%AD",
            "q=%27%20OR%201%3D1%20--",
            "view=soon&cursor=%ZZ",
            "cursor=bm90IGEgY3Vyc29y",
            "limit=-1&kind=%00",
            "status=%3Cscript%3E",
        ];
        for who in [
            "admin@demo.tandem",
            "rep1@demo.tandem",
            "agent1@demo.tandem",
        ] {
            let client = app.login(who).await;
            for page in pages {
                for query in queries {
                    let url = app.url(&format!("{page}?{query}"));
                    let r = client.get(&url).send().await.unwrap();
                    assert!(
                        !r.status().is_server_error(),
                        "{who}: {url} answered {} on {b:?}",
                        r.status()
                    );
                }
            }
        }
    }
}
