//! Customer retention read from its roll-up cells (store::kpi_rollups keeps them): the
//! customers who had bought before a period and had not churned by its start, and which
//! of them had not churned by its end.
use crate::domain::kpi_tally::Tally;
use crate::domain::kpis::KpiKey;
use crate::ssr::store::db::Sql;
use crate::ssr::store::kept_plan::KeptPlan;
use crate::ssr::store::kpi_slots::{cells_name, day_of, RETENTION_BLOCK_DAYS};
use crate::ssr::store::kpis::{push_people, People, Window};
use sqlx::Row;

/// Retention for each of the periods `windows` (a period and the one before it), in one
/// statement: the customers who had bought before a period began and had not churned by
/// then, flagged when they had not churned by its end either. Its cells are by the day a
/// customer first bought, graded by the day they churned (0: not); the whole 32-day blocks
/// before the earliest period are read from the coarser cells, the days after them from
/// the day cells, and each period sums the days before its own start.
pub(crate) async fn retention_each(
    kept: &mut KeptPlan<'_>,
    people: &People,
    windows: &[Window],
) -> Result<Vec<Tally>, sqlx::Error> {
    let spans: Vec<(i64, i64)> = windows
        .iter()
        .map(|w| (day_of(w.start_ms), day_of(w.end_ms)))
        .collect();
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.0).max(),
    ) else {
        return Ok(Vec::new());
    };
    let blocks_until = first.div_euclid(RETENTION_BLOCK_DAYS);
    let mut sql = Sql::new("");
    for coarse in [true, false] {
        if !coarse {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT ");
        for (i, (from, until)) in spans.iter().enumerate() {
            for (j, by) in [from, until].into_iter().enumerate() {
                if i + j > 0 {
                    sql.push(", ");
                }
                sql.push("CAST(COALESCE(SUM(CASE WHEN ");
                if !coarse {
                    // (A day cell counts for the periods it comes before.)
                    sql.push("day < ").bind(*from).push(" AND ");
                }
                sql.push("(grade = 0 OR grade >= ")
                    .bind(*by)
                    .push(") THEN n ELSE 0 END), 0) AS BIGINT)");
            }
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
                .bind(last);
        }
    }
    let rows = kept.rows(&sql).await?;
    let mut out = vec![Tally::default(); spans.len()];
    for row in rows {
        for (i, t) in out.iter_mut().enumerate() {
            t.n += row.try_get::<i64, _>(2 * i)?;
            t.flagged += row.try_get::<i64, _>(2 * i + 1)?;
        }
    }
    Ok(out)
}
