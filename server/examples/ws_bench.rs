//! Websocket benchmark: N authenticated sockets on one Tandem instance, a burst of alerts,
//! latency from the alert's creation (in the engine's committing transaction) to receipt
//! on every socket, and the server's memory per idle socket.
//!
//!   ws_bench <base url> <server pid> <sockets> <alerts per rep>
//!
//! The baseline, measured in the same run, is the same burst with one socket per rep.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const REPS: [&str; 8] = [
    "rep1@demo.tandem",
    "rep2@demo.tandem",
    "rep3@demo.tandem",
    "rep4@demo.tandem",
    "rep5@demo.tandem",
    "rep6@demo.tandem",
    "rep7@demo.tandem",
    "rep8@demo.tandem",
];

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn login(base: &str, email: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "tandem-demo"}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (client, cookie)
}

/// Opens a socket, says hello after `after`, waits for the welcome, then forwards every
/// alert's (id, created ms, received ms) until told to stop.
async fn socket(
    base: String,
    cookie: String,
    after: i64,
    ready: mpsc::UnboundedSender<()>,
    out: mpsc::UnboundedSender<(i64, i64, i64)>,
) {
    let mut req = format!("{}/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = match tokio_tungstenite::connect_async(req).await {
        Ok(ok) => ok,
        Err(e) => panic!("connect: {e}"),
    };
    ws.send(Message::Text(
        json!({"type": "hello", "after": after}).to_string().into(),
    ))
    .await
    .unwrap();
    #[derive(serde::Deserialize)]
    struct Frame {
        #[serde(rename = "type")]
        kind: String,
        alert: Option<AlertPart>,
    }
    #[derive(serde::Deserialize)]
    struct AlertPart {
        id: i64,
        created_at: chrono::DateTime<chrono::Utc>,
    }
    while let Some(Ok(m)) = ws.next().await {
        // Received now: the clock is read before any parsing.
        let now = chrono::Utc::now().timestamp_millis();
        let Message::Text(t) = m else { continue };
        let Ok(frame) = serde_json::from_str::<Frame>(t.as_str()) else {
            continue;
        };
        match (frame.kind.as_str(), frame.alert) {
            ("welcome", _) => {
                let _ = ready.send(());
            }
            ("alert", Some(a))
                if out
                    .send((a.id, a.created_at.timestamp_millis(), now))
                    .is_err() =>
            {
                break;
            }
            _ => {}
        }
    }
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

struct Burst {
    deliveries: usize,
    p50: i64,
    p99: i64,
    max: i64,
}

/// Gives every rep `per_rep` tasks (one alert each) and waits for `expected` receipts.
async fn burst(
    base: &str,
    managers: &[(reqwest::Client, Vec<i64>)],
    per_rep: usize,
    expected: usize,
    rx: &mut mpsc::UnboundedReceiver<(i64, i64, i64)>,
) -> Burst {
    for (client, reps) in managers {
        for rep in reps {
            for n in 0..per_rep {
                let r = client
                    .post(format!("{base}/api/v1/tasks"))
                    .json(&json!({"title": format!("压测任务 {n}"), "assignee_id": rep}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 201);
            }
        }
    }
    let mut lat = Vec::with_capacity(expected);
    let deadline = Instant::now() + Duration::from_secs(120);
    while lat.len() < expected && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some((_, created, got))) => lat.push(got - created),
            _ => break,
        }
    }
    lat.sort_unstable();
    Burst {
        deliveries: lat.len(),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        max: lat.last().copied().unwrap_or(0),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let pid: u32 = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let sockets: usize = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(10_000);
    let per_rep: usize = args.get(4).and_then(|p| p.parse().ok()).unwrap_or(5);

    let mut cookies = Vec::new();
    for rep in REPS {
        cookies.push(login(&base, rep).await.1);
    }
    let (m1, _) = login(&base, "manager1@demo.tandem").await;
    let (m2, _) = login(&base, "manager2@demo.tandem").await;
    let users: Value = m1
        .get(format!("{base}/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let users2: Value = m2
        .get(format!("{base}/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_of = |list: &Value, email: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .map(|u| u["id"].as_i64().unwrap())
    };
    let team1: Vec<i64> = REPS[..4].iter().filter_map(|e| id_of(&users, e)).collect();
    let team2: Vec<i64> = REPS[4..].iter().filter_map(|e| id_of(&users2, e)).collect();
    let managers = vec![(m1, team1), (m2, team2)];
    // Sockets replay what exists; that is drained before each burst.
    let after = 0;

    let (tx, mut rx) = mpsc::unbounded_channel();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();

    // Baseline: one socket per rep.
    for cookie in &cookies {
        tokio::spawn(socket(
            base.clone(),
            cookie.clone(),
            after,
            ready_tx.clone(),
            tx.clone(),
        ));
    }
    for _ in 0..REPS.len() {
        ready_rx.recv().await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    while rx.try_recv().is_ok() {}
    let baseline = burst(&base, &managers, per_rep, REPS.len() * per_rep, &mut rx).await;
    println!(
        "baseline: {} sockets, {} alerts, {} receipts: p50 {} ms, p99 {} ms, max {} ms",
        REPS.len(),
        REPS.len() * per_rep,
        baseline.deliveries,
        baseline.p50,
        baseline.p99,
        baseline.max
    );

    // The load: `sockets` more, spread over the reps.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_before = rss_kib(pid);
    let started = Instant::now();
    let mut opened = 0;
    while opened < sockets {
        let batch = (sockets - opened).min(250);
        for i in 0..batch {
            let cookie = cookies[(opened + i) % cookies.len()].clone();
            tokio::spawn(socket(
                base.clone(),
                cookie,
                after,
                ready_tx.clone(),
                tx.clone(),
            ));
        }
        for _ in 0..batch {
            ready_rx.recv().await;
        }
        opened += batch;
    }
    println!(
        "opened {sockets} sockets in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = rss_kib(pid);
    while rx.try_recv().is_ok() {}
    if pid > 0 {
        println!(
            "server RSS {rss_before} KiB -> {rss_after} KiB: {:.1} KiB per idle socket",
            (rss_after.saturating_sub(rss_before)) as f64 / sockets as f64
        );
    }
    let total = sockets + REPS.len();
    let load = burst(&base, &managers, per_rep, total * per_rep, &mut rx).await;
    println!(
        "load: {total} sockets, {} alerts, {} of {} receipts: p50 {} ms, p99 {} ms, max {} ms",
        REPS.len() * per_rep,
        load.deliveries,
        total * per_rep,
        load.p50,
        load.p99,
        load.max
    );
    println!(
        "ratio to baseline: p50 {:.1}x, p99 {:.1}x",
        load.p50 as f64 / baseline.p50.max(1) as f64,
        load.p99 as f64 / baseline.p99.max(1) as f64
    );
}
