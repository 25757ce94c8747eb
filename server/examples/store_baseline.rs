//! The benchmark's baseline: the same queries the HTTP endpoints run, called directly on
//! the store (no HTTP, no JSON, no rendering), one at a time.
//!
//!   DATABASE_URL=sqlite://bench/out/bench.db cargo run --release -p server --example store_baseline -- rep1@demo.tandem 恒远
use app::model::Role;
use app::ssr::auth::Viewer;
use app::ssr::store::customer_list::{CustomerFilter, CustomerSort};
use app::ssr::store::scope::Access;
use app::ssr::store::search::Search;
use std::time::Instant;

#[path = "shared/report.rs"]
mod report;
use report::report;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let mut args = std::env::args().skip(1);
    let email = args.next().unwrap_or_else(|| "rep1@demo.tandem".into());
    let needle = args.next().unwrap_or_else(|| "恒远".into());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    let db = server::db::connect(&url).await?;
    let (id, role, team): (i64, String, Option<i64>) =
        sqlx::query_as("SELECT id, role, team_id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_one(&db.read)
            .await?;
    let viewer = Viewer {
        user_id: id,
        role: Role::parse(&role).unwrap_or(Role::Rep),
        team_id: team,
        name: email.clone(),
        email,
        locale: "en".into(),
        away: false,
        ip: None,
        credential: None,
        token_scopes: None,
    };
    let customer: i64 = sqlx::query_scalar("SELECT MAX(id) FROM customers WHERE owner_id = $1")
        .bind(id)
        .fetch_one(&db.read)
        .await?;

    let mut conn = db.read.acquire().await?;
    let mut list = Vec::new();
    let mut search = Vec::new();
    let mut by_name = Vec::new();
    let mut page = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let f = CustomerFilter {
            limit: 50,
            ..Default::default()
        };
        app::ssr::store::customer_list::list(&mut conn, &viewer, &f).await?;
        list.push(t.elapsed().as_secs_f64() * 1000.0);

        let t = Instant::now();
        let f = CustomerFilter {
            limit: 50,
            sort: CustomerSort::Name,
            ..Default::default()
        };
        app::ssr::store::customer_list::list(&mut conn, &viewer, &f).await?;
        by_name.push(t.elapsed().as_secs_f64() * 1000.0);

        let t = Instant::now();
        let f = CustomerFilter {
            limit: 50,
            search: Search::new(db.backend, &needle),
            ..Default::default()
        };
        app::ssr::store::customer_list::list(&mut conn, &viewer, &f).await?;
        search.push(t.elapsed().as_secs_f64() * 1000.0);

        // What the customer page reads: the customer, contacts, 20 activities, deals.
        let t = Instant::now();
        app::ssr::store::customers::get(&db.read, &viewer, customer, Access::Read).await?;
        let cf = app::ssr::store::contacts::ContactFilter {
            customer_id: Some(customer),
            limit: 200,
            ..Default::default()
        };
        app::ssr::store::contacts::list(&db.read, &viewer, &cf).await?;
        app::ssr::store::activities::for_customer(&db.read, &viewer, customer, None, 20).await?;
        let of = app::ssr::store::deals::OppFilter {
            customer_id: Some(customer),
            limit: 50,
            ..Default::default()
        };
        app::ssr::store::deals::list(&db.read, &viewer, &of).await?;
        page.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    report("list", list);
    report(&format!("search {needle}"), search);
    report("list by name", by_name);
    report("customer page", page);
    Ok(())
}
