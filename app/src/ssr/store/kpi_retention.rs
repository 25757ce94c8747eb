//! Customer retention read from its roll-up cells (store::kpi_rollups keeps them): the
//! customers who had bought before a period and had not churned by its start, and which
//! of them had not churned by its end.
use crate::domain::kpi_tally::Tally;
use crate::domain::kpis::KpiKey;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kpi_cells::{all_with_kept_plan, cells_name, day_of, RETENTION_BLOCK_DAYS};
use crate::ssr::store::kpis::{push_people, People, Window};

/// Retention for the period `w`: the customers who had bought before it began and had
/// not churned by then, flagged when they had not churned by its end either. Its cells are
/// by the day a customer first bought, graded by the day they churned (0: not); the whole
/// 32-day blocks before the period are read from the coarser cells, the days after them
/// from the day cells.
pub async fn retention(
    conn: &mut sqlx::AnyConnection,
    people: &People,
    w: &Window,
) -> Result<Tally, sqlx::Error> {
    let (from, until) = (day_of(w.start_ms), day_of(w.end_ms));
    let blocks_until = from.div_euclid(RETENTION_BLOCK_DAYS);
    let mut sql = Sql::new("");
    for coarse in [true, false] {
        if !coarse {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT ");
        for (i, by) in [from, until].into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("CAST(COALESCE(SUM(CASE WHEN grade = 0 OR grade >= ")
                .bind(by)
                .push(" THEN n ELSE 0 END), 0) AS BIGINT)");
        }
        sql.push(" FROM kpi_cells WHERE kpi = ")
            .bind(cells_name(KpiKey::CustomerRetention, coarse));
        push_people(&mut sql, "owner_id", people);
        if coarse {
            sql.push(" AND day < ").bind(blocks_until);
        } else {
            sql.push(" AND day >= ")
                .bind(blocks_until * RETENTION_BLOCK_DAYS)
                .push(" AND day < ")
                .bind(from);
        }
    }
    let rows: Vec<(i64, i64)> = all_with_kept_plan(conn, &sql).await?;
    let mut t = Tally::default();
    for (n, flagged) in rows {
        t.n += n;
        t.flagged += flagged;
    }
    Ok(t)
}
