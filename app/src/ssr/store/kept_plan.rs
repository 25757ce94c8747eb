//! Statements run with the plan PostgreSQL keeps for them (the KPI cells' reads).
use crate::ssr::store::db::Sql;
use sqlx::Any;

/// Statements of KPI cells run with the plan PostgreSQL keeps for them, in one
/// transaction: begun with [`KeptPlan::begin`], read with [`KeptPlan::all`], ended with
/// [`KeptPlan::end`].
///
/// Left to choose, PostgreSQL plans such a statement again for every call: the plan it
/// would keep for any values (each KPI's cells read by an index range) is costed above
/// the one planned for the values at hand, though it runs as fast, and planning forty
/// branches takes as long as running them (docs/benchmarks.md). The choice is a setting,
/// set here for the transaction (`SET LOCAL`), so it ends with it even when the caller
/// goes away midway (an unfinished transaction is rolled back before the connection is
/// used again). Parallel workers are turned off with it: costed for any values, a report
/// of fifty branches looked large enough to hand to workers, whose start took 20 ms of a
/// 4 ms statement (the REST report at 10^5 customers). SQLite plans a statement once per
/// connection anyway: there the statements run as they are.
pub(crate) enum KeptPlan<'c> {
    Postgres(sqlx::Transaction<'c, Any>),
    Other(&'c mut sqlx::AnyConnection),
}

impl<'c> KeptPlan<'c> {
    /// Begins the statements on `conn` (a transaction with the settings, on PostgreSQL).
    pub(crate) async fn begin(conn: &'c mut sqlx::AnyConnection) -> Result<Self, sqlx::Error> {
        if conn.backend_name() != "PostgreSQL" {
            return Ok(KeptPlan::Other(conn));
        }
        let mut tx = sqlx::Connection::begin(conn).await?;
        // (`set_config(…, true)` is `SET LOCAL`; both settings in one trip.)
        Sql::new(
            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), \
             set_config('max_parallel_workers_per_gather', '0', true)",
        )
        .query()
        .execute(&mut *tx)
        .await?;
        Ok(KeptPlan::Postgres(tx))
    }

    /// The connection the statements run on (the transaction's, on PostgreSQL).
    fn conn(&mut self) -> &mut sqlx::AnyConnection {
        match self {
            KeptPlan::Postgres(tx) => tx,
            KeptPlan::Other(conn) => conn,
        }
    }

    /// The rows of one statement of KPI cells.
    pub(crate) async fn all<R>(&mut self, sql: &Sql) -> Result<Vec<R>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        sql.all(self.conn(), |r: R| r).await
    }

    /// The rows of one statement of KPI cells, as they come (its columns by place).
    pub(crate) async fn rows(&mut self, sql: &Sql) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        sql.query().fetch_all(self.conn()).await
    }

    /// Ends the statements (the transaction, and with it the settings).
    pub(crate) async fn end(self) -> Result<(), sqlx::Error> {
        match self {
            KeptPlan::Postgres(tx) => tx.commit().await,
            KeptPlan::Other(_) => Ok(()),
        }
    }
}
