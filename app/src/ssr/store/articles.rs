//! Knowledge-base articles: read only at the visibilities the reader may see, searched
//! through their full-text entry, written with a version.
use super::search::{write_body, Search, ARTICLES};
use crate::domain::search::index_body;
use crate::model::{Article, ArticleVisibility};
use crate::ssr::clock::from_ms;
use crate::ssr::store::db::{Backend, Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

const COLUMNS: &str =
    "SELECT a.id, a.title, a.body, a.category, a.tags, a.visibility, a.source_ticket_id, \
     a.author_id, u.name AS author_name, a.created_at, a.updated_at, a.version \
     FROM articles a LEFT JOIN users u ON u.id = a.author_id WHERE a.deleted_at IS NULL";

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    title: String,
    body: String,
    category: Option<String>,
    tags: String,
    visibility: ArticleVisibility,
    source_ticket_id: Option<i64>,
    author_id: Option<i64>,
    author_name: Option<String>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<ArticleRow> for Article {
    fn from(r: ArticleRow) -> Self {
        Article {
            id: r.id,
            title: r.title,
            body: r.body,
            category: r.category,
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            visibility: r.visibility,
            source_ticket_id: r.source_ticket_id,
            author_id: r.author_id,
            author_name: r.author_name,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

/// ` AND a.visibility IN (…)`: only what the reader may see.
fn visible(sql: &mut Sql, readable: &[ArticleVisibility]) {
    sql.push(" AND a.visibility IN (")
        .bind_list(readable.iter().map(|v| v.as_str()))
        .push(")");
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    readable: &[ArticleVisibility],
    id: i64,
) -> Result<Option<Article>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND a.id = ").bind(id);
    visible(&mut sql, readable);
    sql.one::<ArticleRow, _>(ex, Article::from).await
}

#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub search: Option<Search>,
    pub category: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Articles the reader may see, newest first, one more than `limit` (to tell a next page).
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    readable: &[ArticleVisibility],
    f: &ArticleFilter,
) -> Result<Vec<Article>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    visible(&mut sql, readable);
    if let Some(search) = &f.search {
        search.push(&mut sql, &ARTICLES, "a.id");
    }
    if let Some(category) = &f.category {
        sql.push(" AND a.category = ").bind(category.as_str());
    }
    if let Some(before) = f.before_id {
        sql.push(" AND a.id < ").bind(before);
    }
    sql.push(" ORDER BY a.id DESC LIMIT ").bind(f.limit + 1);
    sql.all::<ArticleRow, _>(ex, Article::from).await
}

/// A validated article ready to be written.
pub struct ArticleFields<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub category: Option<&'a str>,
    pub tags: &'a [String],
    pub visibility: ArticleVisibility,
}

pub async fn insert(
    conn: &mut AnyConnection,
    f: &ArticleFields<'_>,
    source_ticket_id: Option<i64>,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let tags = serde_json::to_string(f.tags).unwrap_or_else(|_| "[]".into());
    Insert::into("articles")
        .value("title", f.title)
        .value("body", f.body)
        .value("category", f.category)
        .value("tags", tags)
        .value("visibility", f.visibility.as_str())
        .value("source_ticket_id", source_ticket_id)
        .value("author_id", by)
        .value("updated_by", by)
        .created(now_ms, None)
        .returning_id(conn)
        .await
}

/// Writes every field if `version` is still current; false when it is not.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &ArticleFields<'_>,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let tags = serde_json::to_string(f.tags).unwrap_or_else(|_| "[]".into());
    let mut sql = Sql::new("UPDATE articles SET title = ");
    sql.bind(f.title)
        .push(", body = ")
        .bind(f.body)
        .push(", category = ")
        .bind(f.category)
        .push(", tags = ")
        .bind(tags)
        .push(", visibility = ")
        .bind(f.visibility.as_str())
        .stamp(now_ms, Some(by))
        .where_version(id, Some(version));
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// Rewrites an article's full-text entry from its title, body, category and tags.
pub async fn reindex(
    conn: &mut AnyConnection,
    backend: Backend,
    id: i64,
    f: &ArticleFields<'_>,
) -> Result<(), sqlx::Error> {
    let mut texts = vec![f.title, f.body];
    texts.extend(f.category);
    texts.extend(f.tags.iter().map(String::as_str));
    let body = index_body(texts);
    write_body(conn, backend, &ARTICLES, id, &body).await
}
