//! A large deterministic pipeline for the dashboard's benchmark: deals over the customers
//! already seeded, owned by their customers' owners, created over the last two years; the
//! older ones closed (won or lost), the recent ones open in every stage, each with the
//! timestamps the KPIs read (won, entered its stage, expected to close) and a forecast
//! category.
use super::*;
use app::ssr::clock::iso_date;

const PRODUCTS: [&str; 6] = [
    "年度订阅",
    "私有化部署",
    "增购席位",
    "实施服务",
    "Annual renewal",
    "Training package",
];
const LOST_REASONS: [&str; 4] = ["价格", "竞品", "预算取消", "No decision"];
const CATEGORIES: [&str; 4] = ["pipeline", "best_case", "commit", "omitted"];

/// Makes `deals` deals over the owned customers; returns how many.
pub async fn bulk_deals(db: &Db, deals: u64) -> Result<u64, sqlx::Error> {
    let owned = store::owned_customers(db).await?;
    if owned.is_empty() {
        return Err(sqlx::Error::Protocol(
            "no owned customers to sell to: seed --customers first".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(20_261_205);
    let now = Utc::now().timestamp_millis();
    let today = Utc::now().date_naive();
    const ROWS: usize = 500;
    const PER_TX: u64 = 50_000;
    let mut made = 0u64;
    while made < deals {
        let mut tx = db.begin().await?;
        let batch_end = (made + PER_TX).min(deals);
        while made < batch_end {
            let n = ((batch_end - made) as usize).min(ROWS);
            let rows: Vec<Vec<Arg>> = (0..n)
                .map(|_| deal_row(&mut rng, &owned, now, today))
                .collect();
            insert_rows(&mut tx, "opportunities", &DEAL_COLUMNS, rows).await?;
            made += n as u64;
        }
        tx.commit().await?;
        tracing::info!(made, deals, "deals seeded");
    }
    Ok(made)
}

const DEAL_COLUMNS: [&str; 13] = [
    "customer_id",
    "name",
    "amount_minor",
    "stage",
    "probability",
    "expected_close",
    "owner_id",
    "stage_entered_at",
    "won_at",
    "lost_reason",
    "forecast_category",
    "created_at",
    "updated_at",
];

/// One deal: seven in ten closed (a third of those won) within four months of their
/// creation; the rest open, created in the last half year, expected to close from ten
/// days ago to four months ahead.
fn deal_row(
    rng: &mut StdRng,
    owned: &[(i64, i64)],
    now: i64,
    today: chrono::NaiveDate,
) -> Vec<Arg> {
    let (customer, owner) = owned[rng.gen_range(0..owned.len())];
    let amount = rng.gen_range(10..2_000) * 1_000 * 100;
    let name = format!(
        "{} {}",
        PRODUCTS[rng.gen_range(0..PRODUCTS.len())],
        customer
    );
    let roll = rng.gen_range(0..100);
    let (stage, probability, created, entered);
    let (mut won, mut expected, mut lost) = (None, None, None);
    let category;
    if roll < 70 {
        created = now - rng.gen_range(1..730 * 24) * HOUR;
        entered = (created + rng.gen_range(3..120 * 24) * HOUR)
            .min(now - HOUR)
            .max(created);
        if roll < 23 {
            (stage, probability, category) = ("won", 100, "commit");
            won = Some(entered);
        } else {
            (stage, probability, category) = ("lost", 0, "omitted");
            lost = Some(LOST_REASONS[rng.gen_range(0..LOST_REASONS.len())].to_string());
        }
    } else {
        (stage, probability) = STAGES[rng.gen_range(0..4)];
        created = now - rng.gen_range(1..180 * 24) * HOUR;
        entered = created + (now - created) / rng.gen_range(2..5);
        let close = today + chrono::Duration::days(rng.gen_range(-10..120));
        category = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        expected = Some(iso_date(close));
    }
    vec![
        customer.into(),
        name.into(),
        Some(amount).into(),
        stage.into(),
        probability.into(),
        expected.into(),
        Some(owner).into(),
        entered.into(),
        won.into(),
        lost.into(),
        category.into(),
        created.into(),
        entered.into(),
    ]
}
