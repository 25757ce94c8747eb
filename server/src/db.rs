//! Connecting and migrating: one migration set per database, the same schema.
use app::ssr::db::{Backend, Db};
use app::ssr::store::customers::name_key;

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
    let filled = fill_name_keys(db)
        .await
        .map_err(sqlx::migrate::MigrateError::Execute)?;
    if filled > 0 {
        tracing::info!(filled, "customer name sort keys filled in");
    }
    Ok(())
}

/// Customers written before the name sort existed get their sort key, a batch at a time
/// (each batch its own transaction, so an interrupted run resumes where it stopped).
async fn fill_name_keys(db: &Db) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM customers WHERE name_key IS NULL LIMIT 2000")
                .fetch_all(&db.write)
                .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.write.begin().await?;
        for (id, name) in &rows {
            sqlx::query("UPDATE customers SET name_key = $1 WHERE id = $2")
                .bind(name_key(name))
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
}
