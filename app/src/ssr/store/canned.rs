//! The desk's canned replies.
use crate::model::CannedReply;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    body: String,
    version: i64,
}

impl From<Row> for CannedReply {
    fn from(r: Row) -> Self {
        CannedReply {
            id: r.id,
            title: r.title,
            body: r.body,
            version: r.version,
        }
    }
}

/// Every live canned reply, by title.
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
) -> Result<Vec<CannedReply>, sqlx::Error> {
    let sql = Sql::new(
        "SELECT id, title, body, version FROM canned_replies WHERE deleted_at IS NULL ORDER BY title, id LIMIT 200",
    );
    sql.all::<Row, _>(ex, CannedReply::from).await
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<CannedReply>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, title, body, version FROM canned_replies WHERE deleted_at IS NULL AND id = ",
    );
    sql.bind(id);
    sql.one::<Row, _>(ex, CannedReply::from).await
}

pub async fn insert(
    conn: &mut AnyConnection,
    title: &str,
    body: &str,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("canned_replies")
        .value("title", title)
        .value("body", body)
        .value("created_by", by)
        .created(now_ms, None)
        .returning_id(conn)
        .await
}
