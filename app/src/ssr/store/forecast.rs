//! The deals a sales forecast counts, for the dashboard's roll-ups by category: summed
//! per owner (and category) from the KPI roll-ups, the won deals' from the won amount's
//! cells, the open ones' from the weighted forecast's (graded by category).
use crate::domain::forecast::ForecastDeal;
use crate::ssr::clock::iso_date;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpi_slots::{day_of, forecast_category};
use crate::ssr::store::kpis::{push_people, People, Window};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// What a forecast for one window counts, with the owners: one entry per owner for the
/// deals won in it (closed), and per owner and category for the open deals expected to
/// close in it.
pub type ForecastDeals = Vec<(Option<i64>, ForecastDeal)>;

/// The forecasts of several windows (the month and its quarter) in one statement: the
/// cells of the span from the first window's start to the last one's end are read once,
/// and each window takes the sums of its own days. A window's owners and categories with
/// no cell in it are left out of its list.
pub async fn forecast_deals<'e>(
    ex: impl Executor<'e, Database = Any>,
    windows: &[Window],
    people: &People,
) -> Result<Vec<ForecastDeals>, sqlx::Error> {
    let Some(start) = windows.iter().map(|w| w.start_ms).min() else {
        return Ok(Vec::new());
    };
    let end = windows.iter().map(|w| w.end_ms).max().unwrap_or(start);
    let first = windows.iter().map(|w| w.period.from).min().map(iso_date);
    let last = windows.iter().map(|w| w.period.to).max().map(iso_date);
    // Each window's columns: how many of the span's cells are its own (an owner and
    // category with none has no entry in its list), and their sum.
    // Two searches of the cells' indexes, one for each KPI (an OR of the two was a scan).
    let mut sql = Sql::new("SELECT owner_id, 1 AS won, grade");
    for w in windows {
        push_window_sums(&mut sql, |sql| {
            sql.push("day >= ")
                .bind(day_of(w.start_ms))
                .push(" AND day < ")
                .bind(day_of(w.end_ms));
        });
    }
    sql.push(" FROM kpi_cells WHERE kpi = 'won_amount' AND day >= ")
        .bind(day_of(start))
        .push(" AND day < ")
        .bind(day_of(end));
    push_people(&mut sql, "owner_id", people);
    sql.push(" GROUP BY owner_id, grade UNION ALL SELECT owner_id, 0 AS won, grade");
    for w in windows {
        push_window_sums(&mut sql, |sql| {
            sql.push("part >= ")
                .bind(iso_date(w.period.from))
                .push(" AND part <= ")
                .bind(iso_date(w.period.to));
        });
    }
    sql.push(" FROM kpi_cells WHERE kpi = 'weighted_forecast' AND day = 0 AND part >= ")
        .bind(first.unwrap_or_default())
        .push(" AND part <= ")
        .bind(last.unwrap_or_default());
    push_people(&mut sql, "owner_id", people);
    sql.push(" GROUP BY owner_id, grade");
    let rows: Vec<AnyRow> = sql.query().fetch_all(ex).await?;
    let mut lists = vec![ForecastDeals::new(); windows.len()];
    for row in rows {
        let owner: i64 = row.try_get(0)?;
        let won: i64 = row.try_get(1)?;
        let grade: i64 = row.try_get(2)?;
        for (i, list) in lists.iter_mut().enumerate() {
            let cells: i64 = row.try_get(3 + 2 * i)?;
            if cells == 0 {
                continue;
            }
            list.push((
                (owner != 0).then_some(owner),
                ForecastDeal {
                    won: won == 1,
                    category: forecast_category(grade),
                    amount_minor: row.try_get(4 + 2 * i)?,
                },
            ));
        }
    }
    Ok(lists)
}

/// A window's two columns: how many of the row's cells fall `within` it, and their sum.
fn push_window_sums(sql: &mut Sql, within: impl Fn(&mut Sql)) {
    for what in ["1", "amount_sum"] {
        sql.push(", CAST(SUM(CASE WHEN ");
        within(sql);
        sql.push(&format!(" THEN {what} ELSE 0 END) AS BIGINT)"));
    }
}
