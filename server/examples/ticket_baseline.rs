//! The service-desk benchmark's baselines, one at a time on the store (no HTTP, no JSON,
//! no rendering):
//!
//!   queue: the queries of the queue views (mine, unassigned, breached) and of the ticket
//!          page, for agents in turn and open tickets in turn;
//!   tick:  the alert engine's tick, the clock moved one second each time, as the server
//!          runs it every second (every time rule over the indexed due times, the sweeps,
//!          the outbox); then the SLA rules' own reads for a one-second window.
//!
//!   DATABASE_URL=sqlite://bench/out/tickets.db target/release/examples/ticket_baseline queue 300
//!   DATABASE_URL=sqlite://bench/out/tickets.db target/release/examples/ticket_baseline tick 300
use app::model::Role;
use app::model::TicketPriority;
use app::ssr::auth::Viewer;
use app::ssr::clock::Clock;
use app::ssr::clock::ManualClock;
use app::ssr::store::scope::Access;
use app::ssr::store::sla::{sla_due, SlaClockKind};
use app::ssr::store::tickets::{QueueView, TicketFilter};
use std::sync::Arc;
use std::time::Instant;

#[path = "shared/report.rs"]
mod report;
use report::report;

fn clock_ms(c: &ManualClock) -> i64 {
    c.now().timestamp_millis()
}

fn agent(id: i64, team_id: Option<i64>) -> Viewer {
    Viewer {
        user_id: id,
        role: Role::Agent,
        team_id,
        name: format!("agent {id}"),
        email: format!("agent{id}@bench"),
        locale: "en".into(),
        away: false,
        ip: None,
        credential: None,
        token_scopes: None,
    }
}

fn filter(view: QueueView) -> TicketFilter {
    TicketFilter {
        view,
        customer_id: None,
        narrow: Default::default(),
        after: None,
        limit: 51,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "queue".into());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    let db = server::db::connect(&url).await?;
    match mode.as_str() {
        "tick" => {
            let clock = ManualClock::new(chrono::Utc::now());
            let config = server::config::Config::new(url.clone(), "127.0.0.1:0".parse()?);
            let app = server::Application::build(config, db, Arc::new(clock.clone())).await?;
            let state = app.state().app.clone();
            // The first tick sets where the rules look from.
            app::ssr::services::alerts::tick(&state).await?;
            let mut ticks = Vec::new();
            for _ in 0..runs {
                clock.advance(chrono::Duration::seconds(1));
                let t = Instant::now();
                app::ssr::services::alerts::tick(&state).await?;
                ticks.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            report("engine tick", ticks);
            // The SLA rules' own reads in each one-second window: every clock's breaches,
            // and its warnings per priority (each priority's warning falls at its own
            // share of its target, so each is its own window on the indexed due time).
            let mut conn = state.db.read.acquire().await?;
            let mut clocks = Vec::new();
            let start = clock_ms(&clock);
            for i in 0..runs as i64 {
                let (from, to) = (start + i * 1000, start + (i + 1) * 1000);
                let t = Instant::now();
                for kind in SlaClockKind::ALL {
                    sla_due(&mut conn, from, to, kind, None).await?;
                    for p in TicketPriority::ALL {
                        let ahead = 24 * 60 * 1000;
                        sla_due(&mut conn, from + ahead, to + ahead, kind, Some(*p)).await?;
                    }
                }
                clocks.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            report("sla clocks", clocks);
        }
        _ => {
            let agents: Vec<(i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, team_id FROM users WHERE role = 'agent' AND active = 1 ORDER BY id LIMIT 50",
            )
            .fetch_all(&db.read)
            .await?;
            let open: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM tickets WHERE status IN ('new', 'open', 'pending') ORDER BY id LIMIT 1000",
            )
            .fetch_all(&db.read)
            .await?;
            let now = chrono::Utc::now().timestamp_millis();
            let mut conn = db.read.acquire().await?;
            let (mut mine, mut unassigned, mut breached, mut page) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for i in 0..runs {
                let (id, team) = agents[i % agents.len()];
                let viewer = agent(id, team);
                let t = Instant::now();
                app::ssr::store::tickets::list(&mut *conn, &viewer, &filter(QueueView::Mine))
                    .await?;
                mine.push(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                let f = filter(QueueView::Unassigned);
                app::ssr::store::tickets::list(&mut *conn, &viewer, &f).await?;
                unassigned.push(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                let f = filter(QueueView::Breached(now));
                app::ssr::store::tickets::list(&mut *conn, &viewer, &f).await?;
                breached.push(t.elapsed().as_secs_f64() * 1000.0);

                // What the ticket page reads: the ticket, its pauses, conversation and files,
                // and beside it the customer, contacts, follow-ups, deals, other tickets.
                let ticket = open[i % open.len()];
                let t = Instant::now();
                let row = app::ssr::store::tickets::get(&mut *conn, &viewer, ticket).await?;
                app::ssr::store::tickets::pauses(&mut *conn, ticket).await?;
                app::ssr::store::ticket_messages::messages(&mut *conn, ticket).await?;
                app::ssr::store::attachments::of_ticket(&mut *conn, ticket).await?;
                if let Some(customer) = row.and_then(|r| r.customer_id) {
                    app::ssr::store::customers::get(&mut *conn, &viewer, customer, Access::Read)
                        .await?;
                    let cf = app::ssr::store::contacts::ContactFilter {
                        customer_id: Some(customer),
                        limit: 200,
                        ..Default::default()
                    };
                    app::ssr::store::contacts::list(&mut *conn, &viewer, &cf).await?;
                    app::ssr::store::activities::for_customer(
                        &mut *conn, &viewer, customer, None, 20,
                    )
                    .await?;
                    let of = app::ssr::store::deals::OppFilter {
                        customer_id: Some(customer),
                        limit: 50,
                        ..Default::default()
                    };
                    app::ssr::store::deals::list(&mut *conn, &viewer, &of).await?;
                    let tf = TicketFilter {
                        customer_id: Some(customer),
                        limit: 21,
                        ..filter(QueueView::All)
                    };
                    app::ssr::store::tickets::list(&mut *conn, &viewer, &tf).await?;
                }
                page.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            report("queue mine", mine);
            report("queue unassigned", unassigned);
            report("queue breached", breached);
            report("ticket page", page);
        }
    }
    Ok(())
}
