//! Mail to customers. What a customer is promised is queued in the same transaction as the
//! reply that promises it ([`queue_reply`]); a sender ([`deliver_due`], every few seconds
//! in `tandem serve`) hands due mail to the SMTP server, and a refused or unreachable
//! server only means "later": the mail waits 1, 2, 4 … minutes (at most an hour) and is
//! tried again, shown on the ticket as not delivered yet, never dropped.
use crate::domain::mail::{reply_subject, retry_after_minutes, ticket_message_id};
use crate::error::AppResult;
use crate::model::Contact;
use crate::ssr::context::AppState;
use crate::ssr::store::attachments::{self, NewAttachment};
use crate::ssr::store::mail_out::{self as store, NewMail, QueuedMail};
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyConnection;
use std::time::Duration;

/// Where Tandem's mail goes out: an SMTP server (`smtps://host` for TLS from the start,
/// `smtp://host:587?tls=required` for STARTTLS, `smtp://host:25` in the clear on a trusted
/// network; user and password in the URL, an app password where the provider wants one)
/// and the address it is sent from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// From `TANDEM_SMTP_URL` and `TANDEM_MAIL_FROM` (e.g. `Support <help@example.com>`).
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("TANDEM_MAIL_FROM: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("TANDEM_SMTP_URL: {e}"))?
            // A server that does not answer is a failed try, not a stuck sender.
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }

    /// The domain Tandem's Message-IDs are made in: the sender's.
    fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// Queues an email in the caller's transaction, with a Message-ID of its own (one that
/// names its ticket, so an answer to it finds the ticket again).
pub async fn queue_mail(
    conn: &mut AnyConnection,
    state: &AppState,
    m: NewMail<'_>,
    now_ms: i64,
) -> AppResult<()> {
    let domain = state
        .mail
        .as_ref()
        .map(|m| m.domain().to_string())
        .unwrap_or_else(|| "tandem.invalid".to_string());
    let unique = crate::ssr::auth::random_text::<9>();
    let message_id = match m.ticket_id {
        Some(ticket) => ticket_message_id(ticket, &unique, &domain),
        None => format!("<{unique}@{domain}>"),
    };
    store::queue(conn, &message_id, &m, now_ms).await?;
    Ok(())
}

/// Queues a public reply's email to `to` (a contact with an address), threaded under the
/// customer's latest email on the ticket, with the ticket number in the subject.
pub async fn queue_reply(
    conn: &mut AnyConnection,
    state: &AppState,
    (ticket_id, subject): (i64, &str),
    (reply_id, body): (i64, &str),
    to: &Contact,
    now_ms: i64,
) -> AppResult<()> {
    let in_reply_to = store::latest_from_customer(&mut *conn, ticket_id).await?;
    let subject = reply_subject(subject, ticket_id);
    let mail = NewMail {
        ticket_id: Some(ticket_id),
        ticket_message_id: Some(reply_id),
        in_reply_to: in_reply_to.as_deref(),
        to_email: to.email.as_deref().unwrap_or_default(),
        to_name: Some(&to.name),
        subject: &subject,
        body,
    };
    queue_mail(conn, state, mail, now_ms).await
}

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub failed: usize,
}

/// Hands every due email to the mail server once. Without a mail server configured,
/// mail stays queued (and the ticket says so) until one is.
pub async fn deliver_due(state: &AppState) -> AppResult<Sent> {
    let Some(mailer) = state.mail.as_ref() else {
        return Ok(Sent::default());
    };
    let now_ms = state.clock.now_ms();
    let mut report = Sent::default();
    for m in store::due(&state.db.read, now_ms, 100).await? {
        // One sender per email, also across instances; a sender that dies mid-try leaves
        // it to be taken again when the lease ends.
        if !store::lease(&state.db.write, &m, now_ms + 10 * 60_000).await? {
            continue;
        }
        // A reply's files go with it, read when it is sent (not kept twice in the queue).
        let files = match m.ticket_message_id {
            Some(reply) => attachments::of_message(&state.db.read, reply).await?,
            None => Vec::new(),
        };
        match send(mailer, &m, files).await {
            Ok(()) => {
                store::mark_sent(&state.db.write, m.id, state.clock.now_ms()).await?;
                report.sent += 1;
            }
            Err(error) => {
                let failures = m.attempts + 1;
                let next = state.clock.now_ms() + retry_after_minutes(failures) * 60_000;
                tracing::warn!(id = m.id, to = %m.to_email, %error, failures, "mail not delivered; will try again");
                store::mark_failed(&state.db.write, m.id, &error, next).await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Sends due mail every `every`, for as long as the server runs.
pub async fn run(state: AppState, every: Duration) {
    loop {
        if let Err(e) = deliver_due(&state).await {
            tracing::warn!(error = %e, "mail sender round failed");
        }
        tokio::time::sleep(every).await;
    }
}

async fn send(mailer: &Mailer, m: &QueuedMail, files: Vec<NewAttachment>) -> Result<(), String> {
    let to = Mailbox::new(
        m.to_name.clone(),
        m.to_email
            .parse()
            .map_err(|e| format!("the address {} cannot be mailed: {e}", m.to_email))?,
    );
    let mut builder = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(m.message_id.clone()));
    if let Some(parent) = &m.in_reply_to {
        builder = builder
            .in_reply_to(parent.clone())
            .references(parent.clone());
    }
    let message = if files.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(m.body.clone())
    } else {
        let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(m.body.clone()));
        for f in files {
            let kind = ContentType::parse(&f.content_type)
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .unwrap_or(ContentType::TEXT_PLAIN);
            parts = parts.singlepart(Attachment::new(f.file_name).body(f.content, kind));
        }
        builder.multipart(parts)
    }
    .map_err(|e| e.to_string())?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| short(&e.to_string()))
}

/// An error as the ticket shows it: one line, not a page.
fn short(error: &str) -> String {
    let line = error.lines().next().unwrap_or_default();
    line.chars().take(300).collect()
}
