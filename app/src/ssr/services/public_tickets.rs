//! A website's support form: posted with its form key (a form whose purpose is tickets),
//! rate-limited per address like the lead form, a filled honeypot answered as usual and
//! dropped. The sender is matched to a contact by email (or made, with a customer tagged
//! for review, as mail-in does), and the ticket is opened on the web channel for them.
use super::mail_in::{contact_of_sender, mailbox_viewer, senders_contacts};
use super::public_leads::PublicOutcome;
use super::Check;
use crate::domain::validate::{normalize_email, required_long_text, required_text};
use crate::domain::Picked;
use crate::error::{AppError, AppResult};
use crate::model::{FormPurpose, NewTicket, PublicTicket, TicketChannel};
use crate::ssr::auth::token_hash;
use crate::ssr::context::AppState;
use crate::ssr::store::{leads, tickets};

/// Submissions one address may make in ten minutes.
const PER_ADDRESS: i64 = 5;

pub async fn submit(state: &AppState, input: PublicTicket, ip: &str) -> AppResult<PublicOutcome> {
    let now_ms = state.clock.now_ms();
    let key = token_hash(input.form_key.trim());
    if leads::form_by_key(&state.db.read, &key, FormPurpose::Tickets)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "form_key",
            "this form is not known or no longer accepts submissions",
        ));
    }
    let recent = tickets::submissions_since(&state.db.read, ip, now_ms - 10 * 60_000).await?;
    if recent >= PER_ADDRESS {
        return Err(AppError::RateLimited(600));
    }
    if input
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        tracing::info!(ip, "public ticket honeypot filled; ignored");
        return Ok(PublicOutcome::Ignored);
    }
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 100));
    let email = check.field("email", normalize_email(input.email.trim()));
    let subject = check.field("subject", required_text(&input.subject, 200));
    let body = check.field("body", required_long_text(&input.body, 20_000));
    check.finish()?;
    let desk = mailbox_viewer(state).await?;
    let known = senders_contacts(state, &desk, &email).await?;
    let sender = (email.as_str(), Some(name.as_str()));
    let (customer_id, contact_id) = contact_of_sender(state, &desk, &known, sender, "web").await?;
    let ticket = NewTicket {
        subject,
        body: Some(body),
        customer_id: Some(customer_id),
        contact_id: Some(contact_id),
        channel: Some(Picked::of(TicketChannel::Web)),
        category: None,
        priority: None,
        assignee_id: None,
    };
    let arrival = super::tickets::Arrival {
        client_ip: Some(ip),
        ..Default::default()
    };
    let t = super::tickets::create_from(state, &desk, ticket, arrival).await?;
    Ok(PublicOutcome::Stored(t.id))
}
