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
/// customer's other tickets, read in turn on the page's connection; None when the customer
/// was deleted since (the ticket still stands).
async fn beside(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    (cid, ticket): (i64, i64),
    rules: &ClockRules,
    now: DateTime<Utc>,
) -> AppResult<Option<CustomerBeside>> {
    use crate::ssr::services::{contacts, deals};
    use crate::ssr::store::{customers, timeline};
    let Some(customer) = customers::get(&mut *conn, viewer, cid, Access::Read).await? else {
        return Ok(None);
    };
    let contact_query = contacts::ContactQuery {
        customer_id: Some(cid),
        limit: Some(200),
        ..Default::default()
    };
    let contacts = contacts::list_on(&mut *conn, viewer, contact_query).await?;
    let follow_ups = timeline::follow_ups(&mut *conn, cid, 5).await?;
    let deal_query = deals::OpportunityQuery {
        customer_id: Some(cid),
        open: Some(true),
        limit: Some(50),
        ..Default::default()
    };
    let open_deals = deals::list_on(&mut *conn, viewer, deal_query).await?;
    let ticket_query = TicketQuery {
        view: Some(TicketView::All),
        customer_id: Some(cid),
        limit: Some(21),
        ..Default::default()
    };
    let others = list_on(conn, viewer, ticket_query, Some(rules), now).await?;
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
/// contacts, owner, open deals, latest follow-ups and other tickets. Every read is made in
/// turn on one connection, so a page waits once for a reader rather than for four at once
/// (its p99 under load measured the same either way, docs/benchmarks.md; one connection
/// per page is the simpler of the two).
pub async fn page(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<TicketPage> {
    let now = state.clock.now();
    let mut conn = state.db.read.acquire().await?;
    let (detail, rules) = get_with_rules(&mut conn, viewer, id, now).await?;
    let customer = match detail.ticket.customer_id {
        None => None,
        Some(cid) => beside(&mut conn, viewer, (cid, id), &rules, now).await?,
    };
    let can_work = can_work_tickets(viewer.role);
    let (assignable, teams, canned) = if can_work {
        let (assignable, teams, replies) = work_lists(&mut conn).await?;
        drop(conn);
        let contact = customer.as_ref().and_then(|c| {
            c.contacts
                .iter()
                .find(|k| Some(k.id) == detail.ticket.contact_id)
                .map(|k| k.name.as_str())
        });
        let canned =
            crate::ssr::services::canned::filled_for(replies, &detail.ticket, contact, viewer);
        (assignable, teams, canned)
    } else {
        Default::default()
    };
    Ok(TicketPage {
        now,
        detail,
        customer,
        assignable,
        teams,
        can_work,
        canned,
    })
}

/// What only those who work tickets see beside one: the people and teams it can be assigned
/// to, and the canned replies.
async fn work_lists(
    conn: &mut AnyConnection,
) -> AppResult<(Vec<Assignable>, Vec<Assignable>, Vec<CannedReply>)> {
    let assignable = users::active_with_roles(&mut *conn, crate::domain::scope::TICKET_WORKERS)
        .await?
        .into_iter()
        .map(|(id, name)| Assignable { id, name })
        .collect();
    let teams = users::teams(&mut *conn)
        .await?
        .into_iter()
        .map(|t| Assignable {
            id: t.id,
            name: t.name,
        })
        .collect();
    let replies = crate::ssr::store::canned::list(conn).await?;
    Ok((assignable, teams, replies))
}
