//! Connecting and migrating: one migration set per database, the same schema.
use app::ssr::store::db::{Backend, Db};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    Db::connect(url).await
}

pub async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db.backend {
        Backend::Sqlite => SQLITE.run(&db.write).await,
        Backend::Postgres => POSTGRES.run(&db.write).await,
    }?;
    let filled = app::ssr::store::customers::fill_name_keys(db)
        .await
        .map_err(sqlx::migrate::MigrateError::Execute)?;
    if filled > 0 {
        tracing::info!(filled, "customer name sort keys filled in");
    }
    if app::ssr::store::kpi_rollups::ensure_built(db)
        .await
        .map_err(sqlx::migrate::MigrateError::Execute)?
    {
        tracing::info!("KPI roll-ups rebuilt");
    }
    db.refresh_statistics()
        .await
        .map_err(sqlx::migrate::MigrateError::Execute)?;
    Ok(())
}
