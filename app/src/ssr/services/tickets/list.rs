//! Lists of tickets (the queue's views, a customer's tickets) by their next SLA deadline,
//! paged by key, each ticket's clocks timed as it is listed.
use super::*;
use crate::ssr::services::page_limit;
use crate::ssr::store::tickets::{QueueView, TicketFilter};
use crate::ssr::store::{decode_key_cursor, encode_key_cursor};

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Default open.
    pub view: Option<TicketView>,
    pub customer_id: Option<i64>,
    #[param(value_type = Option<TicketPriority>)]
    pub priority: Option<TicketPriority>,
    #[param(value_type = Option<TicketCategory>)]
    pub category: Option<TicketCategory>,
    #[param(value_type = Option<TicketChannel>)]
    pub channel: Option<TicketChannel>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl TicketQuery {
    fn narrow(&self) -> TicketNarrow {
        TicketNarrow {
            priority: self.priority,
            category: self.category,
            channel: self.channel,
        }
    }
}

/// A page of tickets by their next SLA deadline, soonest first.
pub async fn list(state: &AppState, viewer: &Viewer, q: TicketQuery) -> AppResult<Page<Ticket>> {
    let mut conn = state.db.read.acquire().await?;
    list_on(&mut conn, viewer, q, None, state.clock.now()).await
}

/// `list` on a connection the caller holds, timing the clocks by `rules` when the caller
/// has read them already.
pub(crate) async fn list_on(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    q: TicketQuery,
    rules: Option<&ClockRules>,
    now: DateTime<Utc>,
) -> AppResult<Page<Ticket>> {
    let limit = page_limit(q.limit)?;
    let queue = match q.view.unwrap_or(TicketView::Open) {
        TicketView::Mine => QueueView::Mine,
        TicketView::Unassigned => QueueView::Unassigned,
        TicketView::Team => QueueView::Team(viewer.team_id),
        TicketView::Open => QueueView::Open,
        TicketView::Breached => QueueView::Breached(now.timestamp_millis()),
        TicketView::Waiting => QueueView::Waiting,
        TicketView::All => QueueView::All,
    };
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            decode_key_cursor(c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    let read;
    let rules = match rules {
        Some(r) => r,
        None => {
            read = clock_rules(conn).await?;
            &read
        }
    };
    let mut rows = store::list(
        &mut *conn,
        viewer,
        &TicketFilter {
            view: queue,
            customer_id: q.customer_id,
            narrow: q.narrow(),
            after,
            limit: limit + 1,
        },
    )
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|r| encode_key_cursor(r.next_due, r.id)))
        .flatten();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut pauses = store::pauses_of(&mut *conn, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let spans = pauses.remove(&r.id).unwrap_or_default();
            view(r, &spans, rules, now)
        })
        .collect();
    Ok(Page { items, next_cursor })
}
