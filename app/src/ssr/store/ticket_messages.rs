//! A ticket's conversation: the customer's words, the desk's public replies (with how
//! their emails stand) and internal notes; moving it on a merge; and whether an email is
//! in one already (each email is taken in once).
use crate::model::{MailDelivery, TicketMessage};
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct MessageDbRow {
    id: i64,
    ticket_id: i64,
    author_id: Option<i64>,
    author_name: Option<String>,
    body: String,
    internal: i64,
    created_at: i64,
    mail_to: Option<String>,
    mail_attempts: Option<i64>,
    mail_sent_at: Option<i64>,
    mail_next_attempt_at: Option<i64>,
    mail_error: Option<String>,
}

/// A ticket's conversation, oldest first, each public reply with how its email stands.
pub async fn messages<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_id: i64,
) -> Result<Vec<TicketMessage>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT m.id, m.ticket_id, m.author_id, u.name AS author_name, m.body, m.internal, m.created_at, \
         o.to_email AS mail_to, o.attempts AS mail_attempts, o.sent_at AS mail_sent_at, \
         o.next_attempt_at AS mail_next_attempt_at, o.last_error AS mail_error \
         FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id \
         LEFT JOIN mail_out o ON o.ticket_message_id = m.id WHERE m.ticket_id = ",
    );
    sql.bind(ticket_id).push(" ORDER BY m.id");
    sql.all(ex, |r: MessageDbRow| TicketMessage {
        id: r.id,
        ticket_id: r.ticket_id,
        author_id: r.author_id,
        author_name: r.author_name,
        body: r.body,
        internal: r.internal != 0,
        created_at: from_ms(r.created_at),
        delivery: r.mail_to.map(|to| MailDelivery {
            to,
            attempts: r.mail_attempts.unwrap_or(0),
            sent_at: opt_from_ms(r.mail_sent_at),
            next_attempt_at: opt_from_ms(r.mail_next_attempt_at),
            last_error: r.mail_error,
        }),
        attachments: Vec::new(),
    })
    .await
}

/// A message to add: who wrote it (None: the customer), what, whether it is an internal
/// note, and the Message-ID of the email it came in (which Tandem's answer threads under).
pub struct NewMessage<'a> {
    pub author: Option<i64>,
    pub body: &'a str,
    pub internal: bool,
    pub email_message_id: Option<&'a str>,
}

/// Adds a reply or note to a ticket; its id.
pub async fn add_message(
    conn: &mut AnyConnection,
    ticket_id: i64,
    m: &NewMessage<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("ticket_messages")
        .value("ticket_id", ticket_id)
        .value("author_id", m.author)
        .value("body", m.body)
        .value("internal", i64::from(m.internal))
        .value("email_message_id", m.email_message_id)
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// Moves a ticket's conversation and files to another (a merge).
pub async fn move_conversation(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<(), sqlx::Error> {
    for table in ["ticket_messages", "ticket_attachments", "mail_out"] {
        // The table names are fixed words written here, never input.
        let mut sql = Sql::new(&format!("UPDATE {table} SET ticket_id = "));
        sql.bind(to).push(" WHERE ticket_id = ").bind(from);
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Whether an email with this Message-ID is in a conversation already.
pub async fn has_email<'e>(
    ex: impl Executor<'e, Database = Any>,
    email_message_id: &str,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM ticket_messages WHERE email_message_id = ");
    sql.bind(email_message_id);
    Ok(sql.query_scalar::<i64>().fetch_one(ex).await? > 0)
}
