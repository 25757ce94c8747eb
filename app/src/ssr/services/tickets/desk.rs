//! The desk's two views: the agent's queue and the ticket page with the customer beside it.
use super::*;

/// The agent's queue: one view (default: the viewer's own tickets for those who work
/// them, every open one for managers), for the roles that have a queue.
pub async fn queue(
    state: &AppState,
    viewer: &Viewer,
    view: Option<TicketView>,
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
            customer_id: None,
            limit: Some(50),
            cursor,
        },
    )
    .await?;
    let away = match viewer.role {
        Role::Agent => users::get(&state.db.read, viewer.user_id)
            .await?
            .map(|u| u.away),
        _ => None,
    };
    Ok(TicketQueue {
        now: state.clock.now(),
        view,
        page,
        away,
    })
}

/// The ticket page: the ticket and its conversation, and beside it the customer's
/// contacts, owner, open deals, latest follow-ups and other tickets.
pub async fn page(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketPage> {
    let detail = get(state, viewer, id).await?;
    let customer = match detail.ticket.customer_id {
        None => None,
        Some(cid) => match crate::ssr::services::customers::overview(state, viewer, cid).await {
            Ok(o) => {
                let others = list(
                    state,
                    viewer,
                    TicketQuery {
                        view: Some(TicketView::All),
                        customer_id: Some(cid),
                        limit: Some(20),
                        cursor: None,
                    },
                )
                .await?;
                Some(CustomerBeside {
                    customer: o.customer,
                    contacts: o.contacts,
                    open_deals: o
                        .deals
                        .into_iter()
                        .filter(|d| !d.stage.is_closed())
                        .collect(),
                    follow_ups: o
                        .timeline
                        .items
                        .into_iter()
                        .filter(|i| i.kind == "activity")
                        .take(5)
                        .collect(),
                    other_tickets: others.items.into_iter().filter(|t| t.id != id).collect(),
                })
            }
            // The customer was deleted since: the ticket still stands.
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        },
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
