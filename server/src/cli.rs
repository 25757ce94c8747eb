//! The command line: `tandem serve`, `tandem migrate`, `tandem seed`.
use crate::config::{redact_url, Config, DEFAULT_ADDR, DEFAULT_DATABASE_URL};
use crate::startup::Application;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "tandem", version, about = "Tandem CRM server")]
struct Cli {
    /// Database URL: sqlite://path or postgres://user@host/db.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate the database and serve Tandem (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TANDEM_ADDR", default_value = DEFAULT_ADDR)]
        addr: std::net::SocketAddr,
        /// Fill an empty database with the demo data first.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (serve over HTTPS).
        #[arg(long, env = "TANDEM_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Create or update the schema.
    Migrate,
    /// Take one email (RFC 5322) from stdin into the service desk, as an MTA's pipe
    /// transport hands it over: a reply joins its ticket, anything else opens one.
    MailIn,
    /// Fill the database with data.
    Seed(SeedArgs),
}

/// What `tandem seed` makes.
#[derive(clap::Args, Debug)]
pub struct SeedArgs {
    /// The demo company: 15 users in two teams and a believable book of business.
    #[arg(long)]
    demo: bool,
    /// Only seed when the database has no users yet.
    #[arg(long)]
    if_empty: bool,
    /// A large deterministic data set: this many customers...
    #[arg(long)]
    customers: Option<u64>,
    /// ...and this many activities.
    #[arg(long, default_value_t = 0)]
    activities: u64,
    /// This many more reps (`user1@load.tandem` …, password `tandem-demo`) spread over
    /// the demo's sales teams, for load tests with many people signed in.
    #[arg(long)]
    users: Option<u64>,
    /// This many more agents (`agent1@load.tandem` …), spread over the same teams.
    #[arg(long)]
    agents: Option<u64>,
    /// This many more managers (`manager1@load.tandem` …), spread over the same teams.
    #[arg(long)]
    managers: Option<u64>,
    /// A large pipeline over the customers already seeded: this many deals.
    #[arg(long)]
    deals: Option<u64>,
    /// Contracts with payment plans (installments, receipts) for this many of the newest
    /// won deals already seeded.
    #[arg(long)]
    contracts: Option<u64>,
    /// A large service desk over the customers already seeded: this many tickets (the
    /// newest 10,000 open, on the agents' queues)...
    #[arg(long)]
    tickets: Option<u64>,
    /// ...with this many messages in all.
    #[arg(long, default_value_t = 0)]
    messages: u64,
}

pub async fn run() -> ExitCode {
    crate::telemetry::init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => {
            // `cargo leptos serve` starts the binary without arguments; it honours
            // LEPTOS_SITE_ADDR, which cargo-leptos sets.
            let addr = std::env::var("TANDEM_ADDR")
                .or_else(|_| std::env::var("LEPTOS_SITE_ADDR"))
                .unwrap_or_else(|_| DEFAULT_ADDR.to_string());
            match addr.parse() {
                Ok(addr) => match Config::new(cli.database_url, addr)
                    .with_network_from_env()
                    .and_then(Config::with_mail_from_env)
                {
                    Ok(config) => serve(config, true).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(format!("TANDEM_ADDR {addr:?}: {e}")),
            }
        }
        Some(Command::Serve {
            addr,
            demo,
            secure_cookies,
        }) => match Config::new(cli.database_url, addr)
            .with_network_from_env()
            .and_then(Config::with_mail_from_env)
        {
            Ok(config) => {
                serve(
                    Config {
                        secure_cookies,
                        ..config
                    },
                    demo,
                )
                .await
            }
            Err(e) => Err(e),
        },
        Some(Command::Migrate) => migrate(&cli.database_url).await,
        Some(Command::MailIn) => mail_in(&cli.database_url).await,
        Some(Command::Seed(args)) => seed(&cli.database_url, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("tandem: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config, demo_if_empty: bool) -> Result<(), String> {
    tracing::info!(database = %redact_url(&config.database_url), "starting");
    let db = open(&config.database_url).await?;
    // Browser tests move the server's time forward; anything else runs on the wall clock.
    let clock: std::sync::Arc<dyn app::ssr::clock::Clock> =
        match std::env::var("TANDEM_TEST_CLOCK").as_deref() {
            Ok("shift") => {
                tracing::warn!("TANDEM_TEST_CLOCK=shift: admins may move this server's clock");
                std::sync::Arc::new(app::ssr::clock::ShiftedClock::default())
            }
            _ => std::sync::Arc::new(app::ssr::clock::SystemClock),
        };
    if demo_if_empty
        && crate::seed::is_empty(&db)
            .await
            .map_err(|e| e.to_string())?
    {
        crate::seed::demo(&db, clock.now_ms())
            .await
            .map_err(|e| format!("seed: {e}"))?;
        crate::seed::print_demo_sign_ins();
    }
    let app = Application::build(config, db, clock)
        .await
        .map_err(|e| e.to_string())?;
    app.start_scheduler();
    tracing::info!("Tandem is serving at http://{}", app.addr());
    println!("Tandem is serving at http://{}", app.addr());
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// The database at `url`, connected and migrated to this version's schema.
async fn open(url: &str) -> Result<app::ssr::store::db::Db, String> {
    let db = crate::db::connect(url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    crate::db::migrate(&db)
        .await
        .map_err(|e| format!("migrate: {e}"))?;
    Ok(db)
}

async fn migrate(url: &str) -> Result<(), String> {
    open(url).await?.close().await;
    println!("migrated {}", redact_url(url));
    Ok(())
}

/// `tandem mail-in`: one message from stdin. Exits non-zero when it could not be taken
/// in, so the MTA keeps it and tries again (or bounces it) instead of losing it.
async fn mail_in(url: &str) -> Result<(), String> {
    use std::io::Read;
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .map_err(|e| format!("stdin: {e}"))?;
    let db = open(url).await?;
    let state = app::ssr::context::AppState {
        db,
        clock: std::sync::Arc::new(app::ssr::clock::SystemClock),
        auth: app::ssr::context::AuthPolicy::default(),
        leptos_options: crate::startup::leptos_options(([127, 0, 0, 1], 0).into()),
        hub: app::ssr::hub::Hub::new(),
        mail: None,
        public_url: std::env::var("TANDEM_PUBLIC_URL")
            .unwrap_or_else(|_| format!("http://{DEFAULT_ADDR}")),
    };
    let got = app::ssr::services::mail_in::take_in(&state, None, &raw).await;
    // Closed before the process ends: a pool left open can keep its maintenance task
    // spinning while the runtime shuts down, and the MTA would wait on us forever.
    state.db.close().await;
    let got = got.map_err(|e| format!("mail-in: {e}"))?;
    println!(
        "{} {}",
        got.outcome,
        got.ticket_id
            .map(|id| format!("ticket {id}"))
            .or(got.reason)
            .unwrap_or_default()
    );
    Ok(())
}

async fn seed(url: &str, args: SeedArgs) -> Result<(), String> {
    let db = open(url).await?;
    if args.if_empty
        && !crate::seed::is_empty(&db)
            .await
            .map_err(|e| e.to_string())?
    {
        println!("the database already has data; nothing seeded");
        return Ok(());
    }
    if args.demo {
        crate::seed::demo(&db, chrono::Utc::now().timestamp_millis())
            .await
            .map_err(|e| format!("seed: {e}"))?;
        crate::seed::print_demo_sign_ins();
    }
    if let Some(n) = args.customers {
        let started = std::time::Instant::now();
        let stats = crate::seed::bulk(&db, n, args.activities)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!(
            "seeded {} customers, {} contacts and {} activities in {:.1} s",
            stats.customers,
            stats.contacts,
            stats.activities,
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(n) = args.users {
        let made = crate::seed::load_users(&db, n)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!("seeded {made} reps: user1@load.tandem … user{made}@load.tandem");
    }
    if let Some(n) = args.agents {
        let made = crate::seed::load_agents(&db, n)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!("seeded {made} agents: agent1@load.tandem … agent{made}@load.tandem");
    }
    if let Some(n) = args.managers {
        let made = crate::seed::load_managers(&db, n)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!("seeded {made} managers: manager1@load.tandem … manager{made}@load.tandem");
    }
    if let Some(n) = args.deals {
        let started = std::time::Instant::now();
        let made = crate::seed::bulk_deals(&db, n)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!(
            "seeded {made} deals in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(n) = args.contracts {
        let started = std::time::Instant::now();
        let made = crate::seed::bulk_contracts(&db, n)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!(
            "seeded {made} contracts with their payment plans in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(n) = args.tickets {
        let started = std::time::Instant::now();
        let stats = crate::seed::bulk_tickets(&db, n, args.messages)
            .await
            .map_err(|e| format!("seed: {e}"))?;
        println!(
            "seeded {} tickets and {} messages in {:.1} s",
            stats.tickets,
            stats.messages,
            started.elapsed().as_secs_f64()
        );
    }
    if args.customers.is_some()
        || args.deals.is_some()
        || args.contracts.is_some()
        || args.tickets.is_some()
    {
        // A bulk load wrote past the KPI roll-ups and leaves the query planner without
        // statistics: both are worked out once.
        crate::seed::analyze(&db)
            .await
            .map_err(|e| format!("seed: {e}"))?;
    }
    db.close().await;
    let nothing = !args.demo
        && args.customers.is_none()
        && args.users.is_none()
        && args.agents.is_none()
        && args.managers.is_none()
        && args.deals.is_none()
        && args.contracts.is_none()
        && args.tickets.is_none();
    if nothing {
        return Err(
            "say what to seed: --demo, --customers N [--activities M], --users N, \
             --agents N, --managers N, --deals N, --contracts N or --tickets N [--messages M]"
                .into(),
        );
    }
    Ok(())
}
