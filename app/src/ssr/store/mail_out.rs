//! The queue of mail Tandem sends: written with what it tells, read by the sender when
//! due (`next_attempt_at`, indexed), leased while one sender tries it so two instances
//! never send it twice, and marked sent or due again later.
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

/// An email to queue: to whom, what, and the ticket (and reply) it belongs to.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub ticket_id: Option<i64>,
    pub ticket_message_id: Option<i64>,
    pub in_reply_to: Option<&'a str>,
    pub to_email: &'a str,
    pub to_name: Option<&'a str>,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues `m` under its own `message_id`, due at once.
pub async fn queue(
    conn: &mut AnyConnection,
    message_id: &str,
    m: &NewMail<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("mail_out")
        .value("ticket_id", m.ticket_id)
        .value("ticket_message_id", m.ticket_message_id)
        .value("message_id", message_id)
        .value("in_reply_to", m.in_reply_to)
        .value("to_email", m.to_email)
        .value("to_name", m.to_name)
        .value("subject", m.subject)
        .value("body", m.body)
        .value("next_attempt_at", now_ms)
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// A queued email as the sender reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub to_email: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub body: String,
    /// The reply it carries, whose files go with it.
    pub ticket_message_id: Option<i64>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
}

/// Mail due by `now_ms`, soonest first.
pub async fn due<'e>(
    ex: impl Executor<'e, Database = Any>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<QueuedMail>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, message_id, in_reply_to, to_email, to_name, subject, body, ticket_message_id, attempts, next_attempt_at \
         FROM mail_out WHERE next_attempt_at <= ",
    );
    sql.bind(now_ms)
        .push(" ORDER BY next_attempt_at, id LIMIT ")
        .bind(limit);
    sql.all::<QueuedMail, _>(ex, std::convert::identity).await
}

/// Takes an email for one try until `until_ms`, if nobody else took it since it was read
/// (its due time is still the one read); false when another sender has it.
pub async fn lease<'e>(
    ex: impl Executor<'e, Database = Any>,
    m: &QueuedMail,
    until_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE mail_out SET next_attempt_at = ");
    sql.bind(until_ms)
        .push(" WHERE id = ")
        .bind(m.id)
        .push(" AND next_attempt_at = ")
        .bind(m.next_attempt_at);
    Ok(sql.query().execute(ex).await?.rows_affected() == 1)
}

/// A mail server took it: it is never tried again.
pub async fn mark_sent<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE mail_out SET sent_at = ");
    sql.bind(now_ms)
        .push(", next_attempt_at = NULL, attempts = attempts + 1, last_error = NULL WHERE id = ")
        .bind(id);
    sql.query().execute(ex).await.map(|_| ())
}

/// The try failed: why, and when to try again.
pub async fn mark_failed<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
    error: &str,
    next_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE mail_out SET attempts = attempts + 1, last_error = ");
    sql.bind(error)
        .push(", next_attempt_at = ")
        .bind(next_ms)
        .push(" WHERE id = ")
        .bind(id);
    sql.query().execute(ex).await.map(|_| ())
}

/// The Message-ID of the customer's latest email on a ticket, to answer under.
pub async fn latest_from_customer<'e>(
    ex: impl Executor<'e, Database = Any>,
    ticket_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT email_message_id FROM ticket_messages WHERE email_message_id IS NOT NULL AND ticket_id = ",
    );
    sql.bind(ticket_id).push(" ORDER BY id DESC LIMIT 1");
    sql.query_scalar::<String>().fetch_optional(ex).await
}
