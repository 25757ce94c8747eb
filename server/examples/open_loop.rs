//! An open-loop load client: requests leave at a fixed rate whatever the server's answers
//! do, as people's clicks do, and each one's latency runs from the moment it was due to
//! leave (so a slow answer that delays the next request is counted against the server,
//! not hidden: no coordinated omission). wrk's closed loop, by contrast, sends the next
//! request only when the last one is answered, so its latency is the concurrency divided
//! by the server's throughput: it measures how much the server can take, this measures
//! what a person waits at a given load.
//!
//!   open_loop BASE RATE SECONDS COOKIES TARGETS
//!
//! COOKIES: a file of session cookies (`tandem_session=…`), one per line; request n is
//! signed in as cookie n mod their number. TARGETS: a file of lines `GET /path` or
//! `POST /path body` (a server function's form body); request n sends target n mod their
//! number. Prints one line: sent, answered, failures, the achieved rate and the latency
//! percentiles in milliseconds.
use std::time::{Duration, Instant};

#[path = "shared/report.rs"]
mod report;

struct Target {
    post: bool,
    path: String,
    body: String,
}

fn targets(text: &str) -> Vec<Target> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, ' ');
            let method = parts.next().unwrap_or("GET");
            Target {
                post: method == "POST",
                path: parts.next().unwrap_or("/").to_string(),
                body: parts.next().unwrap_or("").to_string(),
            }
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        return Err("usage: open_loop BASE RATE SECONDS COOKIES TARGETS".into());
    }
    let base = args[1].trim_end_matches('/').to_string();
    let rate: f64 = args[2].parse().map_err(|_| "RATE: requests per second")?;
    let seconds: f64 = args[3].parse().map_err(|_| "SECONDS: how long to send")?;
    let cookies: Vec<String> = std::fs::read_to_string(&args[4])?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let targets = targets(&std::fs::read_to_string(&args[5])?);
    if cookies.is_empty() || targets.is_empty() {
        return Err("no cookies or no targets".into());
    }
    // One thread: the client shares the machine with the server and should take little.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(base, rate, seconds, cookies, targets))
}

async fn run(
    base: String,
    rate: f64,
    seconds: f64,
    cookies: Vec<String>,
    targets: Vec<Target>,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()?;
    let total = (rate * seconds).round() as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let mut running = tokio::task::JoinSet::new();
    for n in 0..total {
        let due = start + interval * n as u32;
        tokio::time::sleep_until(due).await;
        let target = &targets[n % targets.len()];
        let url = format!("{base}{}", target.path);
        let request = if target.post {
            client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(target.body.clone())
        } else {
            client.get(url)
        }
        .header("cookie", cookies[n % cookies.len()].clone());
        let due: Instant = due.into_std();
        running.spawn(async move {
            let answer = match request.send().await {
                Ok(response) => {
                    let ok = response.status().is_success();
                    // The latency includes reading the whole body, as a browser waits for it.
                    ok && response.bytes().await.is_ok()
                }
                Err(_) => false,
            };
            (answer, due.elapsed().as_secs_f64() * 1000.0)
        });
    }
    let mut ms = Vec::with_capacity(total);
    let mut failed = 0;
    while let Some(done) = running.join_next().await {
        match done {
            Ok((true, latency)) => ms.push(latency),
            _ => failed += 1,
        }
    }
    let took = start.elapsed().as_secs_f64();
    println!(
        "sent={total} answered={} failed={failed} rate={:.0}/s",
        ms.len(),
        total as f64 / took
    );
    if !ms.is_empty() {
        report::percentiles(ms);
    }
    Ok(())
}
