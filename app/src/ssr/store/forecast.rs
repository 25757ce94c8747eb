//! The deals a sales forecast counts, for the dashboard's roll-ups by category.
use crate::domain::forecast::{ForecastCategory, ForecastDeal};
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpis::{push_people, People, Window};
use sqlx::{Any, Executor};

#[derive(sqlx::FromRow)]
struct ForecastRow {
    owner_id: Option<i64>,
    won: i64,
    forecast_category: ForecastCategory,
    amount: i64,
}

/// The deals a forecast for the window counts, with their owners: won in it (closed),
/// or open and expected to close in it.
pub async fn forecast_deals<'e>(
    ex: impl Executor<'e, Database = Any>,
    w: &Window,
    people: &People,
) -> Result<Vec<(Option<i64>, ForecastDeal)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT o.owner_id, CASE WHEN o.stage = 'won' THEN 1 ELSE 0 END AS won, o.forecast_category, \
         COALESCE(o.amount_minor, 0) AS amount FROM opportunities o WHERE o.deleted_at IS NULL \
         AND ((o.stage = 'won' AND o.won_at >= ",
    );
    sql.bind(w.start_ms)
        .push(" AND o.won_at < ")
        .bind(w.end_ms)
        .push(") OR (o.stage NOT IN ('won', 'lost') AND o.expected_close >= ")
        .bind(w.period.from.format("%Y-%m-%d").to_string())
        .push(" AND o.expected_close <= ")
        .bind(w.period.to.format("%Y-%m-%d").to_string())
        .push("))");
    push_people(&mut sql, "o.owner_id", people);
    sql.all::<ForecastRow, _>(ex, |r| {
        (
            r.owner_id,
            ForecastDeal {
                won: r.won == 1,
                category: r.forecast_category,
                amount_minor: r.amount,
            },
        )
    })
    .await
}
