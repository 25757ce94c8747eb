//! The desk's two views: the agent's queue and the ticket page with the customer beside it.
use super::*;

/// The agent's queue: one view (default: the viewer's own tickets for those who work
/// them, every open one for managers), for the roles that have a queue.
pub async fn queue(
    state: &AppState,
    viewer: &Viewer,
    view: Option<TicketView>,
    narrow: TicketNarrow,
    cursor: Option<String>,
) -> AppResult<TicketQueue> {
    if !crate::domain::scope::can_work_queue(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let view = view.unwrap_or(if can_work_tickets(viewer.role) {
        TicketView::Mine
    } else {
        TicketView::Open
    });
    let page = list(
        state,
        viewer,
        TicketQuery {
            view: Some(view),
            priority: narrow.priority,
            category: narrow.category,
            channel: narrow.channel,
            limit: Some(50),
            cursor,
            ..Default::default()
        },
    )
    .await?;
    // As the session read it for this request: no second read of the viewer's row.
    let away = (viewer.role == Role::Agent).then_some(viewer.away);
    Ok(TicketQueue {
        now: state.clock.now(),
        view,
        narrow,
        page,
        away,
    })
}

/// The customer beside a ticket: contacts, open deals, the latest follow-ups and the
/// customer's other tickets, read at once; None when the customer was deleted since (the
/// ticket still stands).
async fn beside(
    state: &AppState,
    viewer: &Viewer,
    cid: i64,
    ticket: i64,
    rules: &ClockRules,
) -> AppResult<Option<CustomerBeside>> {
    use crate::ssr::services::{contacts, customers, deals};
    let customer = match customers::get(state, viewer, cid).await {
        Ok(c) => c,
        Err(AppError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let follow_ups = async {
        let mut conn = state.db.read.acquire().await?;
        Ok::<_, AppError>(crate::ssr::store::timeline::follow_ups(&mut *conn, cid, 5).await?)
    };
    let contact_query = contacts::ContactQuery {
        customer_id: Some(cid),
        limit: Some(200),
        ..Default::default()
    };
    let deal_query = deals::OpportunityQuery {
        customer_id: Some(cid),
        open: Some(true),
        limit: Some(50),
        ..Default::default()
    };
    let ticket_query = TicketQuery {
        view: Some(TicketView::All),
        customer_id: Some(cid),
        limit: Some(21),
        ..Default::default()
    };
    let (contacts, follow_ups, open_deals, others) = tokio::try_join!(
        contacts::list(state, viewer, contact_query),
        follow_ups,
        deals::list(state, viewer, deal_query),
        list_timed_by(state, viewer, ticket_query, Some(rules)),
    )?;
    Ok(Some(CustomerBeside {
        customer,
        contacts: contacts.items,
        open_deals: open_deals.items,
        follow_ups,
        other_tickets: others
            .items
            .into_iter()
            .filter(|t| t.id != ticket)
            .take(20)
            .collect(),
    }))
}

/// The ticket page: the ticket and its conversation, and beside it the customer's
/// contacts, owner, open deals, latest follow-ups and other tickets.
pub async fn page(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketPage> {
    let (detail, rules) = get_with_rules(state, viewer, id).await?;
    let customer = match detail.ticket.customer_id {
        None => None,
        Some(cid) => beside(state, viewer, cid, id, &rules).await?,
    };
    let can_work = can_work_tickets(viewer.role);
    let assignable = if can_work {
        users::active_with_roles(&state.db.read, crate::domain::scope::TICKET_WORKERS)
            .await?
            .into_iter()
            .map(|(id, name)| Assignable { id, name })
            .collect()
    } else {
        Vec::new()
    };
    let teams = if can_work {
        users::teams(&state.db.read)
            .await?
            .into_iter()
            .map(|t| Assignable {
                id: t.id,
                name: t.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let canned = if can_work {
        let contact = customer.as_ref().and_then(|c| {
            c.contacts
                .iter()
                .find(|k| Some(k.id) == detail.ticket.contact_id)
                .map(|k| k.name.clone())
        });
        let replies = crate::ssr::store::canned::list(&state.db.read).await?;
        crate::ssr::services::canned::filled_for(
            replies,
            &detail.ticket,
            contact.as_deref(),
            viewer,
        )
    } else {
        Vec::new()
    };
    Ok(TicketPage {
        now: state.clock.now(),
        detail,
        customer,
        assignable,
        teams,
        can_work,
        canned,
    })
}
