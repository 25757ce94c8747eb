//! The deals a sales forecast counts, for the dashboard's roll-ups by category: summed
//! per owner (and category) from the KPI roll-ups, the won deals' from the won amount's
//! cells, the open ones' from the weighted forecast's (graded by category).
use crate::domain::forecast::ForecastDeal;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpi_cells::{day_of, forecast_category};
use crate::ssr::store::kpis::{push_people, People, Window};
use sqlx::{Any, Executor};

#[derive(sqlx::FromRow)]
struct ForecastRow {
    owner_id: i64,
    won: i64,
    grade: i64,
    amount: i64,
}

/// The deals a forecast for the window counts, with their owners: won in it (closed),
/// or open and expected to close in it — one entry per owner for the won, and per owner
/// and category for the open.
pub async fn forecast_deals<'e>(
    ex: impl Executor<'e, Database = Any>,
    w: &Window,
    people: &People,
) -> Result<Vec<(Option<i64>, ForecastDeal)>, sqlx::Error> {
    // Two searches of the cells' indexes, one for each KPI (an OR of the two was a scan).
    let mut sql = Sql::new(
        "SELECT owner_id, 1 AS won, grade, CAST(SUM(amount_sum) AS BIGINT) AS amount \
         FROM kpi_cells WHERE kpi = 'won_amount' AND day >= ",
    );
    sql.bind(day_of(w.start_ms))
        .push(" AND day < ")
        .bind(day_of(w.end_ms));
    push_people(&mut sql, "owner_id", people);
    sql.push(
        " GROUP BY owner_id, grade UNION ALL \
         SELECT owner_id, 0 AS won, grade, CAST(SUM(amount_sum) AS BIGINT) AS amount \
         FROM kpi_cells WHERE kpi = 'weighted_forecast' AND day = 0 AND part >= ",
    )
    .bind(w.period.from.format("%Y-%m-%d").to_string())
    .push(" AND part <= ")
    .bind(w.period.to.format("%Y-%m-%d").to_string());
    push_people(&mut sql, "owner_id", people);
    sql.push(" GROUP BY owner_id, grade");
    sql.all::<ForecastRow, _>(ex, |r| {
        (
            (r.owner_id != 0).then_some(r.owner_id),
            ForecastDeal {
                won: r.won == 1,
                category: forecast_category(r.grade),
                amount_minor: r.amount,
            },
        )
    })
    .await
}
