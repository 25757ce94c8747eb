//! Files kept with a ticket's messages (a customer's email's attachments, an agent's reply's).
use crate::model::TicketAttachment;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

/// A file to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    ticket_id: i64,
    ticket_message_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
}

impl From<Row> for TicketAttachment {
    fn from(r: Row) -> Self {
        TicketAttachment {
            id: r.id,
            ticket_id: r.ticket_id,
            message_id: r.ticket_message_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
        }
    }
}

const COLUMNS: &str =
    "SELECT id, ticket_id, ticket_message_id, file_name, content_type, size_bytes FROM ticket_attachments WHERE ticket_id = ";

pub async fn insert(
    conn: &mut AnyConnection,
    (ticket_id, message_id): (i64, i64),
    a: &NewAttachment,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("ticket_attachments")
        .value("ticket_id", ticket_id)
        .value("ticket_message_id", message_id)
        .value("file_name", a.file_name.as_str())
        .value("content_type", a.content_type.as_str())
        .value("size_bytes", a.content.len() as i64)
        .value("content", a.content.clone())
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// A ticket's files, in the order they came.
pub async fn of_ticket<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_id: i64,
) -> Result<Vec<TicketAttachment>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.bind(ticket_id).push(" ORDER BY id");
    sql.all::<Row, _>(ex, TicketAttachment::from).await
}

/// One file of a ticket, with its bytes.
pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_id: i64,
    id: i64,
) -> Result<Option<(TicketAttachment, Vec<u8>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithContent {
        #[sqlx(flatten)]
        row: Row,
        content: Vec<u8>,
    }
    let mut sql = Sql::new(&COLUMNS.replace(" FROM", ", content FROM"));
    sql.bind(ticket_id).push(" AND id = ").bind(id);
    sql.one::<WithContent, _>(ex, |r| (TicketAttachment::from(r.row), r.content))
        .await
}

/// The files of one message, with their bytes (for the email that carries a reply).
pub async fn of_message<'e>(
    ex: impl Executor<'e, Database = Any>,
    message_id: i64,
) -> Result<Vec<NewAttachment>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct File {
        file_name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let mut sql = Sql::new(
        "SELECT file_name, content_type, content FROM ticket_attachments WHERE ticket_message_id = ",
    );
    sql.bind(message_id).push(" ORDER BY id");
    sql.all::<File, _>(ex, |f| NewAttachment {
        file_name: f.file_name,
        content_type: f.content_type,
        content: f.content,
    })
    .await
}
