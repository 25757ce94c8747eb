//! The MQL qualification timeout, run by the alert engine's tick: an MQL its rep has not
//! qualified to SQL within `mql_timeout_days` goes back to the pool (audited, and the
//! `lead.returned_to_pool` event tells the rep and their managers).
use super::leads::{rules, save};
use crate::domain::events::Action;
use crate::domain::leads::LeadStatus;
use crate::error::AppResult;
use crate::ssr::context::AppState;
use crate::ssr::store::leads as store;

/// The qualification timeout: an MQL not qualified to SQL in time returns to the pool.
pub async fn mql_timeout_due(state: &AppState) -> AppResult<usize> {
    let now_ms = state.clock.now_ms();
    let mut conn = state.db.read.acquire().await?;
    let lead_rules = rules(&mut conn).await?;
    drop(conn);
    let due = store::mql_timed_out(
        &state.db.read,
        now_ms - lead_rules.mql_timeout_days * 86_400_000,
        500,
    )
    .await?;
    let mut done = 0;
    for id in due {
        let mut tx = state.db.begin().await?;
        let Some(current) = store::get_any(&mut *tx, id).await? else {
            continue;
        };
        if current.status != LeadStatus::Mql || current.owner_id.is_none() {
            continue;
        }
        let mut next = current.clone();
        next.owner_id = None;
        next.assigned_at = None;
        next.first_contact_due_at = None;
        save(tx, None, &current, &next, Action::ReturnedToPool, now_ms).await?;
        done += 1;
    }
    Ok(done)
}
