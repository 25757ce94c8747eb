//! Websocket benchmark: N authenticated sockets on one Tandem instance, a burst of alerts,
//! latency from the alert's creation (in the engine's committing transaction) to receipt
//! on every socket, and the server's memory per idle socket.
//!
//!   ws_bench <base url> <server pid> fanout <sockets> <alerts per rep>
//!   ws_bench <base url> <server pid> users <sockets> <devices per user> <alerts>
//!
//! `fanout` spreads the sockets over the eight demo reps, so every alert goes to an eighth
//! of them (the worst case); its baseline is the same burst with one socket per rep.
//! `users` signs in `sockets ÷ devices` people (`tandem seed --users N`), each with
//! `devices` sockets, and sends `alerts` alerts to as many different people; its baseline
//! is the same burst with one socket per addressee and nothing else open.
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
    max_id: i64,
}

/// Each manager gives each of its people `per_person` tasks (one alert each), eight
/// requests in flight at a time, and waits for `expected` receipts.
async fn burst(
    base: &str,
    managers: &[(reqwest::Client, Vec<i64>)],
    per_person: usize,
    expected: usize,
    rx: &mut mpsc::UnboundedReceiver<(i64, i64, i64)>,
) -> Burst {
    let mut requests = Vec::new();
    for (client, people) in managers {
        for person in people {
            for n in 0..per_person {
                requests.push((client.clone(), *person, n));
            }
        }
    }
    futures::stream::iter(requests)
        .for_each_concurrent(8, |(client, person, n)| async move {
            let r = client
                .post(format!("{base}/api/v1/tasks"))
                .json(&json!({"title": format!("压测任务 {n}"), "assignee_id": person}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
        })
        .await;
    let mut lat = Vec::with_capacity(expected);
    let mut max_id = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while lat.len() < expected && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some((id, created, got))) => {
                max_id = max_id.max(id);
                lat.push(got - created);
            }
            _ => break,
        }
    }
    lat.sort_unstable();
    Burst {
        deliveries: lat.len(),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        max: lat.last().copied().unwrap_or(0),
        max_id,
    }
}

/// Opens one socket per cookie, `batch` at a time, each waiting for its welcome.
async fn open_all(
    base: &str,
    cookies: &[String],
    after: i64,
    ready_tx: &mpsc::UnboundedSender<()>,
    ready_rx: &mut mpsc::UnboundedReceiver<()>,
    tx: &mpsc::UnboundedSender<(i64, i64, i64)>,
) {
    for chunk in cookies.chunks(250) {
        for cookie in chunk {
            tokio::spawn(socket(
                base.to_string(),
                cookie.clone(),
                after,
                ready_tx.clone(),
                tx.clone(),
            ));
        }
        for _ in 0..chunk.len() {
            ready_rx.recv().await;
        }
    }
}

/// The users a manager sees, by email.
async fn directory(base: &str, manager: &reqwest::Client) -> Vec<(String, i64)> {
    let users: Value = manager
        .get(format!("{base}/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap().to_string(),
                u["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn report(name: &str, sockets: usize, alerts: usize, expected: usize, b: &Burst) {
    println!(
        "{name}: {sockets} sockets, {alerts} alerts, {} of {expected} receipts: p50 {} ms, p99 {} ms, max {} ms",
        b.deliveries, b.p50, b.p99, b.max
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let pid: u32 = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let mode = args.get(3).cloned().unwrap_or_else(|| "fanout".into());
    let num = |i: usize, default: usize| -> usize {
        args.get(i).and_then(|p| p.parse().ok()).unwrap_or(default)
    };
    match mode.as_str() {
        "users" => users(&base, pid, num(4, 10_000), num(5, 3), num(6, 1_000)).await,
        _ => fanout(&base, pid, num(4, 10_000), num(5, 5)).await,
    }
}

/// `people` people with `devices` sockets each; `alerts` of them get one alert.
async fn users(base: &str, pid: u32, sockets: usize, devices: usize, alerts: usize) {
    let people = sockets.div_ceil(devices.max(1));
    let alerts = alerts.min(people);
    let (m1, _) = login(base, "manager1@demo.tandem").await;
    let (m2, _) = login(base, "manager2@demo.tandem").await;
    let mut ids = std::collections::HashMap::new();
    let mut manager_of = std::collections::HashMap::new();
    for (m, client) in [&m1, &m2].into_iter().enumerate() {
        for (email, id) in directory(base, client).await {
            ids.insert(email.clone(), id);
            manager_of.insert(email, m);
        }
    }
    let emails: Vec<String> = (1..=people)
        .map(|i| format!("user{i}@load.tandem"))
        .collect();
    if let Some(missing) = emails.iter().find(|e| !ids.contains_key(*e)) {
        panic!("{missing} does not exist: run `tandem seed --users {people}` first");
    }
    let started = Instant::now();
    let cookies: Vec<String> = futures::stream::iter(emails.clone())
        .map(|email| async move { login(base, &email).await.1 })
        .buffered(4)
        .collect()
        .await;
    println!(
        "signed in {people} people in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The addressees: the first `alerts` people, each assigned by their own manager.
    let mut by_manager = vec![(m1, Vec::new()), (m2, Vec::new())];
    for email in &emails[..alerts] {
        by_manager[manager_of[email]].1.push(ids[email]);
    }

    // The load: every person gets `devices` sockets (the addressees already have one).
    let mut more = Vec::new();
    for (i, cookie) in cookies.iter().enumerate() {
        let have = usize::from(i < alerts);
        more.extend(std::iter::repeat_n(cookie.clone(), devices - have));
    }
    measure(
        base,
        pid,
        Plan {
            managers: by_manager,
            per_person: 1,
            alerts,
            first: cookies[..alerts].to_vec(),
            more,
            load_receipts: alerts * devices,
        },
    )
    .await;
}

/// The eight demo reps share every socket: each alert reaches an eighth of them.
async fn fanout(base: &str, pid: u32, sockets: usize, per_rep: usize) {
    let mut cookies = Vec::new();
    for rep in REPS {
        cookies.push(login(base, rep).await.1);
    }
    let (m1, _) = login(base, "manager1@demo.tandem").await;
    let (m2, _) = login(base, "manager2@demo.tandem").await;
    let users = directory(base, &m1).await;
    let users2 = directory(base, &m2).await;
    let id_of =
        |list: &[(String, i64)], email: &str| list.iter().find(|u| u.0 == email).map(|u| u.1);
    let team1: Vec<i64> = REPS[..4].iter().filter_map(|e| id_of(&users, e)).collect();
    let team2: Vec<i64> = REPS[4..].iter().filter_map(|e| id_of(&users2, e)).collect();
    let managers = vec![(m1, team1), (m2, team2)];

    // The load: `sockets` more, spread over the reps.
    let more: Vec<String> = (0..sockets)
        .map(|i| cookies[i % cookies.len()].clone())
        .collect();
    let alerts = REPS.len() * per_rep;
    measure(
        base,
        pid,
        Plan {
            managers,
            per_person: per_rep,
            alerts,
            first: cookies,
            more,
            load_receipts: (sockets + REPS.len()) * per_rep,
        },
    )
    .await;
}

/// One run: a burst with only `first` open (the baseline), then `more` sockets opened and
/// the server's memory per idle socket read, then the same burst again (the load).
struct Plan {
    managers: Vec<(reqwest::Client, Vec<i64>)>,
    per_person: usize,
    alerts: usize,
    first: Vec<String>,
    more: Vec<String>,
    load_receipts: usize,
}

async fn measure(base: &str, pid: u32, plan: Plan) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let Plan {
        managers,
        per_person,
        alerts,
        first,
        more,
        load_receipts,
    } = plan;

    // Sockets replay what exists; that is drained before the burst.
    open_all(base, &first, 0, &ready_tx, &mut ready_rx, &tx).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    while rx.try_recv().is_ok() {}
    let baseline = burst(base, &managers, per_person, alerts, &mut rx).await;
    report("baseline", first.len(), alerts, alerts, &baseline);

    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_before = rss_kib(pid);
    let started = Instant::now();
    open_all(base, &more, baseline.max_id, &ready_tx, &mut ready_rx, &tx).await;
    let total = first.len() + more.len();
    println!(
        "opened {} more sockets in {:.1} s ({total} in all)",
        more.len(),
        started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = rss_kib(pid);
    while rx.try_recv().is_ok() {}
    if pid > 0 {
        println!(
            "server RSS {rss_before} KiB -> {rss_after} KiB: {:.1} KiB per idle socket",
            (rss_after.saturating_sub(rss_before)) as f64 / more.len().max(1) as f64
        );
    }
    let load = burst(base, &managers, per_person, load_receipts, &mut rx).await;
    report("load", total, alerts, load_receipts, &load);
    println!(
        "ratio to baseline: p50 {:.1}x, p99 {:.1}x",
        load.p50 as f64 / baseline.p50.max(1) as f64,
        load.p99 as f64 / baseline.p99.max(1) as f64
    );
}
