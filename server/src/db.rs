//! Connecting and migrating: one migration set per database, the same schema.
use app::ssr::db::{Backend, Db};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    Db::connect(url).await
}

pub async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db.backend {
        Backend::Sqlite => SQLITE.run(&db.write).await,
        Backend::Postgres => POSTGRES.run(&db.write).await,
    }
}
