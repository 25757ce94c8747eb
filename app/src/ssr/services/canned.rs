//! Canned replies: written by those who work tickets, offered on each ticket with their
//! placeholders filled in for it (the customer, the contact, the ticket, the agent).
use super::Check;
use crate::domain::canned::{fill, CannedFacts};
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_work_tickets;
use crate::domain::validate::{required_long_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::{CannedReply, NewCannedReply, Ticket};
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::canned as store;
use crate::ssr::store::contacts;
use crate::ssr::store::scope::Access;

fn may_use(viewer: &Viewer) -> AppResult<()> {
    if can_work_tickets(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn list(state: &AppState, viewer: &Viewer) -> AppResult<Vec<CannedReply>> {
    may_use(viewer)?;
    Ok(store::list(&state.db.read).await?)
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    input: NewCannedReply,
) -> AppResult<CannedReply> {
    may_use(viewer)?;
    let mut check = Check::new();
    let title = check.field("title", required_text(&input.title, 100));
    let body = check.field("body", required_long_text(&input.body, 5_000));
    check.finish()?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let id = store::insert(&mut tx, &title, &body, viewer.user_id, now).await?;
    let created = store::get(&mut *tx, id).await?;
    let what = (Entity::CannedReply, Action::Created, id);
    let created = super::write::audited_new(&mut tx, viewer, what, created, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// The canned replies as they would read on this ticket, answered by `viewer`.
pub fn filled_for(
    replies: Vec<CannedReply>,
    t: &Ticket,
    contact: Option<&str>,
    viewer: &Viewer,
) -> Vec<CannedReply> {
    let facts = CannedFacts {
        customer: t.customer_name.clone().unwrap_or_default(),
        contact: contact.unwrap_or_default().to_string(),
        ticket_id: t.id,
        subject: t.subject.clone(),
        agent: viewer.name.clone(),
    };
    replies
        .into_iter()
        .map(|r| CannedReply {
            body: fill(&r.body, &facts),
            ..r
        })
        .collect()
}

/// The canned replies filled in for one ticket (404 when the viewer cannot see it).
pub async fn for_ticket(
    state: &AppState,
    viewer: &Viewer,
    ticket_id: i64,
) -> AppResult<Vec<CannedReply>> {
    may_use(viewer)?;
    let detail = super::tickets::get(state, viewer, ticket_id).await?;
    let contact = match detail.ticket.contact_id {
        Some(k) => contacts::get(&state.db.read, viewer, k, Access::Read)
            .await?
            .map(|c| c.name),
        None => None,
    };
    let replies = store::list(&state.db.read).await?;
    Ok(filled_for(
        replies,
        &detail.ticket,
        contact.as_deref(),
        viewer,
    ))
}
