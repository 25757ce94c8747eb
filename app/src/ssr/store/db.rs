//! The database handle and a small SQL builder for sqlx's `Any` driver.
//!
//! One code path serves SQLite and PostgreSQL through `AnyPool`: placeholders are `$n`,
//! times are epoch milliseconds, booleans 0/1, ids BIGINT. On SQLite all writes go through a
//! one-connection pool, so a deferred transaction never has to upgrade to a write lock
//! while another writer holds it (which fails at once with SQLITE_BUSY); readers use WAL
//! and never wait for the writer.
use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub read: AnyPool,
    pub write: AnyPool,
    pub backend: Backend,
    /// Where it lives (PostgreSQL: for LISTEN, which needs its own connection).
    pub url: String,
}

/// The readiness probe: the database answers a trivial query.
pub async fn ping(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&db.read)
        .await
}

/// Marks a live row of `table` (a table with `deleted_at` and a version) deleted; false
/// when it was deleted already or does not exist.
pub async fn soft_delete(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new(&format!("UPDATE {table} SET deleted_at = "));
    sql.bind(now_ms)
        .stamp(now_ms, Some(by))
        .where_version(id, None)
        .push(" AND deleted_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), creating a SQLite file and its
    /// folder when missing.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            let url = sqlite_url_with_create(url)?;
            let write = sqlite_pool(&url, 1).await?;
            // WAL persists in the file; set it once through the writer.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&write)
                .await?;
            let readers = std::env::var("TANDEM_SQLITE_READERS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=64).contains(n))
                .unwrap_or_else(default_readers);
            let read = sqlite_pool(&url, readers).await?;
            Ok(Db {
                read,
                write,
                backend: Backend::Sqlite,
                url,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = AnyPoolOptions::new()
                .max_connections(20)
                .min_connections(0)
                .acquire_timeout(Duration::from_secs(5))
                // Connections are checked before use so the pool recovers by itself after
                // the database restarts.
                .test_before_acquire(true)
                .connect(url)
                .await?;
            Ok(Db {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                url: url.to_string(),
            })
        } else {
            Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            ))
        }
    }

    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.write.begin().await
    }

    /// Brings the query planner's statistics up to date where the tables have changed
    /// enough to need it (SQLite's `PRAGMA optimize`, checking every table, each analysed
    /// within a bounded number of rows, so it stays quick on a large file). Without
    /// statistics SQLite plans by rules of thumb: an empty table it was never shown grows
    /// to 10^5 rows and is still read as if it were small (a report then read every
    /// approved contract to find a few unpaid installments). Run at start and every hour;
    /// the read connections see the new statistics as the pool replaces them (within
    /// half an hour). PostgreSQL's autovacuum keeps its own statistics.
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA optimize(0x10002)")
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Read connections when `TANDEM_SQLITE_READERS` does not say: two per core, 4 to 16. Each
/// is a thread that wakes for every statement; reads are CPU work, so threads beyond the
/// cores only add switching (docs/benchmarks.md: on two cores the desk's pages cost 6–14 %
/// less CPU with 4 than with 8).
fn default_readers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (2 * cores).clamp(4, 16)
}

fn sqlite_url_with_create(url: &str) -> Result<String, sqlx::Error> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(sqlx::Error::Configuration(
            "use a file for SQLite, e.g. sqlite://data/tandem.db".into(),
        ));
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        }
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

async fn sqlite_pool(url: &str, max: u32) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        // An embedded connection cannot drop away like a network one: skip the ping (a
        // round trip to the connection's thread) that would precede every query.
        .test_before_acquire(false)
        // A connection loads the planner's statistics when it opens: replaced every half
        // hour, each sees what `Db::refresh_statistics` gathered.
        .max_lifetime(Duration::from_secs(30 * 60))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // FULL: a commit that was acknowledged survives power loss, not only a crash.
                sqlx::query("PRAGMA synchronous = FULL")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("PRAGMA busy_timeout = 5000")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                // Read pages straight from the OS page cache through a mapping instead of
                // copying each one into SQLite's own cache with a read() call.
                sqlx::query("PRAGMA mmap_size = 1073741824")
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

/// A bound value. The `Any` driver needs concrete types, so binds are kept here until the
/// statement is built.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Real(Option<f64>),
    /// A file's bytes (BLOB on SQLite, BYTEA on PostgreSQL).
    Bytes(Vec<u8>),
}

impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(v)
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_string))
    }
}
impl From<Option<f64>> for Arg {
    fn from(v: Option<f64>) -> Self {
        Arg::Real(v)
    }
}

/// SQL text with numbered `$n` placeholders and their values, built piece by piece.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    /// The lists bound so far: where each starts in `args`, and how long it is.
    lists: Vec<(usize, usize)>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            ..Sql::default()
        }
    }

    /// `$n, $n+1, …`: the values of an `IN (…)` list (the caller writes the parentheses,
    /// and never passes an empty list). A list equal to one bound before in the statement
    /// (a team's people in each branch of a report's `UNION ALL`) names the same
    /// placeholders again instead of binding its values once more. Binding asks SQLite
    /// for each placeholder's name, which it finds by a search through all of them, so a
    /// statement's binding costs the square of its placeholders (a team's report repeated
    /// 18 people in 45 branches: 1,000 placeholders).
    pub fn bind_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        let values: Vec<Arg> = values.into_iter().map(Into::into).collect();
        let (next, len) = (self.args.len(), values.len());
        let first = match self
            .lists
            .iter()
            .find(|(at, n)| self.args[*at..*at + *n] == values[..])
        {
            Some(&(at, _)) => at,
            None => {
                self.lists.push((next, len));
                self.args.extend(values);
                next
            }
        };
        for i in 0..len {
            if i > 0 {
                self.push(", ");
            }
            self.placeholder(first + i);
        }
        self
    }

    /// The end of every versioned write's SET list: when and (if given) by whom, and the
    /// next version: `, updated_at = $n[, updated_by = $m], version = version + 1`.
    pub fn stamp(&mut self, now_ms: i64, by: Option<i64>) -> &mut Self {
        self.push(", updated_at = ").bind(now_ms);
        if let Some(by) = by {
            self.push(", updated_by = ").bind(by);
        }
        self.push(", version = version + 1")
    }

    /// ` WHERE id = $n[ AND version = $m]`: the row, and the version the writer read when
    /// the write must not overwrite someone else's.
    pub fn where_version(&mut self, id: i64, version: Option<i64>) -> &mut Self {
        self.push(" WHERE id = ").bind(id);
        if let Some(version) = version {
            self.push(" AND version = ").bind(version);
        }
        self
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.placeholder(self.args.len() - 1);
        self
    }

    /// Appends `$n` for the value at `index` of the binds.
    fn placeholder(&mut self, index: usize) {
        self.text.push('$');
        self.text.push_str(&(index + 1).to_string());
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn query(&self) -> sqlx::query::Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Real(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_slice()),
            };
        }
        q
    }

    pub fn query_as<T>(&self) -> sqlx::query::QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, T>(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Real(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_slice()),
            };
        }
        q
    }

    /// Every row, read as `R` and made into what the caller keeps.
    pub async fn all<'e, R, T>(
        &self,
        ex: impl sqlx::Executor<'e, Database = Any>,
        into: impl FnMut(R) -> T,
    ) -> Result<Vec<T>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let rows = self.query_as::<R>().fetch_all(ex).await?;
        Ok(rows.into_iter().map(into).collect())
    }

    /// The row if there is one, read as `R` and made into what the caller keeps.
    pub async fn one<'e, R, T>(
        &self,
        ex: impl sqlx::Executor<'e, Database = Any>,
        into: impl FnOnce(R) -> T,
    ) -> Result<Option<T>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        Ok(self.query_as::<R>().fetch_optional(ex).await?.map(into))
    }

    pub fn query_scalar<T>(&self) -> sqlx::query::QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_scalar::<Any, T>(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Real(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_slice()),
            };
        }
        q
    }
}

/// An `INSERT` written a column at a time, each column beside its value:
/// `Insert::into("tasks").value("title", t).sql()` is `INSERT INTO tasks (title) VALUES ($1)`.
#[derive(Debug, Clone)]
pub struct Insert {
    table: &'static str,
    columns: Vec<&'static str>,
    values: Vec<Arg>,
}

impl Insert {
    pub fn into(table: &'static str) -> Insert {
        Insert {
            table,
            columns: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn value(mut self, column: &'static str, value: impl Into<Arg>) -> Insert {
        self.columns.push(column);
        self.values.push(value.into());
        self
    }

    /// The stamps of a new versioned record: `created_at`, `updated_at` and, with `by`,
    /// `created_by`, `updated_by`.
    pub fn created(self, now_ms: i64, by: impl Into<Option<i64>>) -> Insert {
        let row = self.value("created_at", now_ms).value("updated_at", now_ms);
        match by.into() {
            Some(by) => row.value("created_by", by).value("updated_by", by),
            None => row,
        }
    }

    /// The statement, open for a tail (`ON CONFLICT …`, `RETURNING …`).
    pub fn sql(self) -> Sql {
        let mut sql = Sql::new(&format!(
            "INSERT INTO {} ({}) VALUES (",
            self.table,
            self.columns.join(", ")
        ));
        sql.bind_list(self.values).push(")");
        sql
    }

    /// Runs it.
    pub async fn execute<'e>(
        self,
        ex: impl sqlx::Executor<'e, Database = Any>,
    ) -> Result<(), sqlx::Error> {
        self.sql().query().execute(ex).await.map(|_| ())
    }

    /// Runs it and answers the new row's id.
    pub async fn returning_id(self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let mut sql = self.sql();
        sql.push(" RETURNING id");
        sql.query_scalar::<i64>().fetch_one(conn).await
    }
}

/// Whether an error is a unique-constraint violation (on either database).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
