//! Full-text indexes (customers, knowledge-base articles): FTS5 on SQLite, a GIN-indexed
//! tsvector on PostgreSQL, holding the same Tandem-tokenised body (see `domain::search`).
use crate::domain::search::{fts5_query, index_body, query_parts, tsquery};
use crate::ssr::store::db::{Backend, Insert, Sql};
use sqlx::AnyConnection;

/// Where one kind of record's full-text entries live: the FTS5 table (rowid = the record's
/// id) and the PostgreSQL table with its key column.
pub struct FullText {
    pub fts: &'static str,
    pub table: &'static str,
    pub key: &'static str,
}

pub const CUSTOMERS: FullText = FullText {
    fts: "customer_fts",
    table: "customer_search",
    key: "customer_id",
};

pub const ARTICLES: FullText = FullText {
    fts: "article_fts",
    table: "article_search",
    key: "article_id",
};

/// A prepared search for one backend.
#[derive(Debug, Clone)]
pub enum Search {
    Fts5(String),
    TsQuery(String),
}

impl Search {
    /// None when the needle holds nothing searchable (only punctuation).
    pub fn new(backend: Backend, needle: &str) -> Option<Search> {
        let parts = query_parts(needle);
        if parts.is_empty() {
            return None;
        }
        Some(match backend {
            Backend::Sqlite => Search::Fts5(fts5_query(&parts)),
            Backend::Postgres => Search::TsQuery(tsquery(&parts)),
        })
    }

    /// Appends the FROM clause of a search driven by the index: `customers c` joined to its
    /// matches, `users o` for the owner's name, and the match condition.
    pub fn push_from(&self, sql: &mut Sql) {
        match self {
            Search::Fts5(q) => {
                sql.push(
                    "FROM customer_fts f JOIN customers c ON c.id = f.rowid LEFT JOIN users o ON o.id = c.owner_id \
                     WHERE customer_fts MATCH ",
                )
                .bind(q.as_str());
            }
            Search::TsQuery(q) => {
                sql.push(
                    "FROM customer_search s JOIN customers c ON c.id = s.customer_id LEFT JOIN users o ON o.id = c.owner_id \
                     WHERE s.tsv @@ to_tsquery('simple', ",
                )
                .bind(q.as_str())
                .push(")");
            }
        }
        sql.push(" AND c.deleted_at IS NULL");
    }

    /// The ORDER BY key of `push_from` queries: FTS5 returns matches in rowid order itself.
    pub fn order_key(&self) -> &'static str {
        match self {
            Search::Fts5(_) => "f.rowid",
            Search::TsQuery(_) => "c.id",
        }
    }

    /// Appends ` AND {id_col} IN (ids of `index`'s records that match)`.
    pub fn push(&self, sql: &mut Sql, index: &FullText, id_col: &str) {
        match self {
            Search::Fts5(q) => {
                sql.push(&format!(
                    " AND {id_col} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ",
                    fts = index.fts
                ))
                .bind(q.as_str())
                .push(")");
            }
            Search::TsQuery(q) => {
                sql.push(&format!(
                    " AND {id_col} IN (SELECT {key} FROM {table} WHERE tsv @@ to_tsquery('simple', ",
                    key = index.key,
                    table = index.table
                ))
                .bind(q.as_str())
                .push("))");
            }
        }
    }
}

/// Writes (or rewrites) one record's entry in `index`.
pub async fn write_body(
    conn: &mut AnyConnection,
    backend: Backend,
    index: &FullText,
    id: i64,
    body: &str,
) -> Result<(), sqlx::Error> {
    let sql = match backend {
        Backend::Sqlite => {
            let mut del = Sql::new(&format!("DELETE FROM {} WHERE rowid = ", index.fts));
            del.bind(id);
            del.query().execute(&mut *conn).await?;
            Insert::into(index.fts)
                .value("rowid", id)
                .value("body", body)
                .sql()
        }
        Backend::Postgres => {
            let mut sql = Sql::new(&format!(
                "INSERT INTO {} ({}, tsv) VALUES (",
                index.table, index.key
            ));
            sql.bind(id)
                .push(", to_tsvector('simple', ")
                .bind(body)
                .push(&format!(
                    ")) ON CONFLICT ({}) DO UPDATE SET tsv = EXCLUDED.tsv",
                    index.key
                ));
            sql
        }
    };
    sql.query().execute(conn).await.map(|_| ())
}

/// Writes many full-text index entries with one statement.
pub async fn insert_bodies(
    conn: &mut AnyConnection,
    backend: Backend,
    bodies: Vec<(i64, String)>,
) -> Result<(), sqlx::Error> {
    if bodies.is_empty() {
        return Ok(());
    }
    let (head, value) = match backend {
        Backend::Sqlite => (
            "INSERT INTO customer_fts (rowid, body) VALUES ",
            ("(", ", ", ")"),
        ),
        Backend::Postgres => (
            "INSERT INTO customer_search (customer_id, tsv) VALUES ",
            ("(", ", to_tsvector('simple', ", "))"),
        ),
    };
    let mut sql = Sql::new(head);
    for (i, (id, body)) in bodies.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(value.0)
            .bind(id)
            .push(value.1)
            .bind(body)
            .push(value.2);
    }
    sql.query().execute(conn).await.map(|_| ())
}

/// Rebuilds one customer's entry from its name and live contacts.
pub async fn reindex_customer(
    conn: &mut AnyConnection,
    backend: Backend,
    customer_id: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("SELECT name FROM customers WHERE id = ");
    sql.bind(customer_id);
    let name: String = sql.query_scalar::<String>().fetch_one(&mut *conn).await?;
    let mut sql = Sql::new(
        "SELECT name, phone, email FROM contacts WHERE deleted_at IS NULL AND customer_id = ",
    );
    sql.bind(customer_id);
    let contacts: Vec<(String, Option<String>, Option<String>)> =
        sql.query_as().fetch_all(&mut *conn).await?;
    let mut texts: Vec<String> = vec![name];
    for (n, p, e) in contacts {
        texts.push(n);
        texts.extend(p);
        texts.extend(e);
    }
    let body = index_body(texts.iter().map(String::as_str));
    write_body(conn, backend, &CUSTOMERS, customer_id, &body).await
}
