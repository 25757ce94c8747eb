//! Delivery across processes: a socket on one instance gets alerts caused through another
//! (PostgreSQL, LISTEN/NOTIFY), and a server killed with SIGKILL while alerts are being
//! made loses none: a client reconnecting with its last id has each exactly once.
use crate::helpers::*;
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn cookie_for(base: &str, email: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    set.split(';').next().unwrap().to_string()
}

async fn open_ws(base: &str, cookie: &str, after: i64) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{}/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket");
    ws.send(Message::Text(
        json!({"type": "hello", "after": after}).to_string().into(),
    ))
    .await
    .unwrap();
    ws
}

/// Alert ids read from a socket until it closes or `until` says stop.
async fn collect(
    ws: &mut Ws,
    got: &Arc<Mutex<Vec<i64>>>,
    deadline: Instant,
    until: impl Fn(&[i64]) -> bool,
) {
    while Instant::now() < deadline && !until(&got.lock().unwrap()) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if v["type"] == "alert" {
                    got.lock().unwrap().push(v["alert"]["id"].as_i64().unwrap());
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => break,
        }
    }
}

#[tokio::test]
async fn a_socket_on_one_instance_gets_alerts_caused_through_another() {
    let Some(b) = backends().into_iter().find(|b| *b == Backend::Postgres) else {
        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL to run on two instances");
        return;
    };
    let a = spawn_app(b).await;
    let other = a.second_instance().await;
    app::ssr::services::alerts::tick(&a.state.app)
        .await
        .unwrap();
    let rep_id = a.user_id("rep2@demo.tandem").await;
    let cookie = cookie_for(&other.base, "rep2@demo.tandem").await;
    let seen = app::ssr::store::alerts::max_id(&a.state.app.db.read)
        .await
        .unwrap();
    let mut ws = open_ws(&other.base, &cookie, seen).await;
    // Wait for the welcome: the socket is registered on instance B.
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if m.to_text().unwrap_or_default().contains("welcome") {
            break;
        }
    }
    // The write and the engine run on instance A.
    let m1 = a.login("manager1@demo.tandem").await;
    let r = m1
        .post(a.url("/api/v1/tasks"))
        .json(&json!({"title": "跨实例提醒", "assignee_id": rep_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let task = json(r).await["id"].as_i64().unwrap();
    app::ssr::services::alerts::tick(&a.state.app)
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let m = tokio::time::timeout(Duration::from_secs(3), ws.next())
            .await
            .expect("the alert reaches instance B's socket")
            .unwrap()
            .unwrap();
        let v: Value = serde_json::from_str(m.to_text().unwrap_or("{}")).unwrap_or_default();
        if v["type"] == "alert" && v["alert"]["entity"]["id"] == task {
            assert_eq!(v["alert"]["kind"], "task_assigned");
            break;
        }
    }
    // NOTIFY wakes B at once; its fallback poll would take up to half a second.
    assert!(started.elapsed() < Duration::from_secs(3));
}

struct Server {
    child: Child,
    base: String,
}

fn start_server(url: &str, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tandem");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            if r.status() == StatusCode::OK {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("tandem did not become ready at {base}");
}

#[tokio::test]
async fn sigkill_while_alerts_are_made_loses_none_and_repeats_none() {
    let dir = std::env::temp_dir().join(format!("tandem-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/tandem.db", dir.display());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = start_server(&url, port);
    let base = server.base.clone();
    wait_ready(&base).await;
    let rep_cookie = cookie_for(&base, "rep3@demo.tandem").await;
    let manager = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    manager
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "manager1@demo.tandem", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let users: Value = manager
        .get(format!("{base}/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rep_id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "rep3@demo.tandem")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // A producer gives rep3 tasks as fast as the server takes them, through the kill.
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let producer = {
        let (acknowledged, stop, manager, base) = (
            acknowledged.clone(),
            stop.clone(),
            manager.clone(),
            base.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let r = manager
                    .post(format!("{base}/api/v1/tasks"))
                    .json(&json!({"title": format!("任务 {n}"), "assignee_id": rep_id}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let t: Value = r.json().await.unwrap();
                        acknowledged.lock().unwrap().push(t["id"].as_i64().unwrap());
                    }
                    _ => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        })
    };

    let got = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut ws = open_ws(&base, &rep_cookie, 0).await;
    collect(
        &mut ws,
        &got,
        Instant::now() + Duration::from_millis(2500),
        |_| false,
    )
    .await;
    server.child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    server.child.wait().unwrap();
    collect(
        &mut ws,
        &got,
        Instant::now() + Duration::from_millis(500),
        |_| false,
    )
    .await;
    let before_kill = acknowledged.lock().unwrap().len();
    assert!(
        before_kill > 0,
        "tasks were being made when the server died"
    );

    // Restart on the same file; the client reconnects with the last id it saw.
    server = start_server(&url, port);
    wait_ready(&base).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    producer.await.unwrap();
    let tasks: BTreeSet<i64> = acknowledged.lock().unwrap().iter().copied().collect();
    let last = got.lock().unwrap().iter().copied().max().unwrap_or(0);
    let mut ws = open_ws(&base, &rep_cookie, last).await;

    // Every acknowledged task made its alert; wait until the client has them all.
    let db = app::ssr::store::db::Db::connect(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let expected: Vec<i64> = loop {
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, entity_id FROM alerts WHERE user_id = {rep_id} AND kind = 'task_assigned'"
        ))
        .fetch_all(&db.read)
        .await
        .unwrap();
        let alerted: BTreeSet<i64> = rows.iter().map(|r| r.1).collect();
        if tasks.is_subset(&alerted) || Instant::now() > deadline {
            assert!(
                tasks.is_subset(&alerted),
                "every acknowledged task has its alert"
            );
            assert_eq!(rows.len(), alerted.len(), "one alert per task");
            break sqlx::query_scalar(&format!(
                "SELECT id FROM alerts WHERE user_id = {rep_id} ORDER BY id"
            ))
            .fetch_all(&db.read)
            .await
            .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let want = expected.len();
    collect(
        &mut ws,
        &got,
        Instant::now() + Duration::from_secs(10),
        |g| g.len() >= want,
    )
    .await;
    let received = got.lock().unwrap().clone();
    let unique: BTreeSet<i64> = received.iter().copied().collect();
    assert_eq!(unique.len(), received.len(), "no alert twice");
    assert_eq!(
        unique,
        expected.iter().copied().collect::<BTreeSet<_>>(),
        "every committed alert, once"
    );
    assert!(
        tasks.len() > before_kill,
        "tasks were made after the restart too"
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The next message of `kind` on a socket within `wait`, if any.
async fn next_of(ws: &mut Ws, kind: &str, wait: Duration) -> Option<Value> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if v["type"] == kind {
                    return Some(v);
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
    None
}

#[tokio::test]
async fn a_new_ticket_tells_the_open_queues_of_those_who_work_tickets_only() {
    for b in backends() {
        let app = spawn_app(b).await;
        let agent = cookie_for(&app.base, "agent3@demo.tandem").await;
        let rep = cookie_for(&app.base, "rep1@demo.tandem").await;
        let mut agent_ws = open_ws(&app.base, &agent, i64::MAX).await;
        let mut rep_ws = open_ws(&app.base, &rep, i64::MAX).await;
        for ws in [&mut agent_ws, &mut rep_ws] {
            assert!(next_of(ws, "welcome", Duration::from_secs(5))
                .await
                .is_some());
        }
        // A ticket comes in through the web form: nobody's session made it.
        let admin = app.login("admin@demo.tandem").await;
        let form = json(
            admin
                .post(app.url("/api/v1/lead-forms"))
                .json(&json!({"name": "支持", "purpose": "tickets"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let r = app
            .client()
            .post(app.url("/api/v1/public/tickets"))
            .json(
                &json!({"form_key": form["key"], "name": "访客", "email": "v@visitor.example",
                          "subject": "网站打不开", "body": "首页一直白屏。"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        assert!(
            next_of(&mut agent_ws, "queue", Duration::from_secs(5))
                .await
                .is_some(),
            "{b:?}: the agent's queue hears of it"
        );
        assert!(
            next_of(&mut rep_ws, "queue", Duration::from_millis(800))
                .await
                .is_none(),
            "{b:?}: a rep's does not"
        );
    }
}
