//! The public pool (公海): claim, release, assign, and the automatic reclaim.
use super::write::stale;
use crate::domain::events::{Action, Entity};
use crate::domain::pool::PoolRules;
use crate::domain::time::{end_of_local_day, DEFAULT_UTC_OFFSET_MINUTES};
use crate::error::{AppError, AppResult};
use crate::model::{Customer, Level, Role};
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::customers as customer_store;
use crate::ssr::store::scope::Access;
use crate::ssr::store::{pool, settings};
use chrono::Duration;
use sqlx::AnyConnection;

pub const SETTING: &str = "pool";

pub async fn rules<'e>(ex: impl sqlx::Executor<'e, Database = sqlx::Any>) -> AppResult<PoolRules> {
    Ok(settings::get::<PoolRules>(ex, SETTING).await?)
}

async fn reread(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> AppResult<Customer> {
    customer_store::get(&mut *conn, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)
}

/// A rep takes a customer from the pool, within their holding limit and daily cap, and not
/// one they gave up or lost within the cooling-off period.
pub async fn claim(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Customer> {
    if viewer.role != Role::Rep {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut tx = state.db.begin().await?;
    let rules = rules(&mut *tx).await?;
    let current = customer_store::get(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.owner_id.is_some() {
        return Err(stale(Some(&current)));
    }
    within_limits(
        &mut tx,
        &rules,
        viewer.user_id,
        current.level,
        "customer_id",
        true,
    )
    .await?;
    let day_start = end_of_local_day(now, DEFAULT_UTC_OFFSET_MINUTES) - Duration::days(1);
    let claimed_today =
        pool::claims_since(&mut *tx, viewer.user_id, day_start.timestamp_millis()).await?;
    if claimed_today >= rules.daily_claim_cap {
        return Err(AppError::field(
            "customer_id",
            format!(
                "you have claimed {claimed_today} customers today; the daily limit is {}",
                rules.daily_claim_cap
            ),
        ));
    }
    if let Some(lost) = pool::last_lost(&mut *tx, id, viewer.user_id).await? {
        let until = lost + rules.reclaim_cooldown_days * 86_400_000;
        if until > now_ms {
            let days = crate::domain::pool::days_left(now, crate::ssr::clock::from_ms(until));
            return Err(AppError::field(
                "customer_id",
                format!("you held this customer before; you may claim it again in {days} days"),
            ));
        }
    }
    let to = Some(viewer.user_id);
    hand_over(
        tx,
        viewer,
        &current,
        (to, Action::Claimed, None),
        &rules,
        now_ms,
    )
    .await
}

/// The owner (or their manager) gives a customer back to the pool, saying why.
pub async fn release(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    reason: &str,
) -> AppResult<Customer> {
    let reason = crate::domain::validate::required_text(reason, 200)
        .map_err(|e| AppError::field("reason", e))?;
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = super::customers::writable(&mut tx, viewer, id).await?;
    if current.owner_id.is_none() {
        return Err(AppError::field(
            "customer_id",
            "this customer is already in the pool",
        ));
    }
    if current.locked && viewer.role == Role::Rep {
        return Err(AppError::field(
            "customer_id",
            "this customer is locked to you; ask your manager",
        ));
    }
    let rules = rules(&mut *tx).await?;
    let why = Some(reason.as_str());
    hand_over(
        tx,
        viewer,
        &current,
        (None, Action::Released, why),
        &rules,
        now_ms,
    )
    .await
}

/// Moves `current` to owner `to` if its owner is still the one read (409 otherwise), then
/// recomputes its reclaim time and records the move in the pool's history and the audit
/// trail, and commits.
async fn hand_over(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    viewer: &Viewer,
    current: &Customer,
    (to, action, why): (Option<i64>, Action, Option<&str>),
    rules: &PoolRules,
    now_ms: i64,
) -> AppResult<Customer> {
    let id = current.id;
    let from = current.owner_id;
    if !pool::set_owner(&mut tx, id, from, to, viewer.user_id, now_ms).await? {
        return Err(stale(
            customer_store::get(&mut *tx, viewer, id, Access::Read).await?,
        ));
    }
    pool::refresh_reclaim(&mut tx, Some(id), rules).await?;
    let word = match action {
        Action::Claimed => "claim",
        Action::Released => "release",
        _ => "assign",
    };
    let by = Some(viewer.user_id);
    pool::record(&mut tx, id, to.or(from), by, word, why, now_ms).await?;
    let after = reread(&mut tx, viewer, id).await?;
    let change = Change::new(action, Entity::Customer, id)
        .before(current)
        .after(&after);
    audit::record(&mut tx, Some(viewer), change, now_ms).await?;
    tx.commit().await?;
    Ok(after)
}

/// The holding limit and the limit for the customer's level, checked for `user_id` before
/// a customer of `level` becomes theirs (by claim or by a manager's assignment).
async fn within_limits(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rules: &PoolRules,
    user_id: i64,
    level: Level,
    field: &str,
    for_self: bool,
) -> AppResult<()> {
    let held = pool::holdings(&mut **tx, user_id).await?;
    let limit = rules.holding_limit;
    if held >= limit {
        return Err(AppError::field(
            field,
            if for_self {
                format!("you already hold {held} customers; the limit is {limit}")
            } else {
                format!("this rep already holds {held} customers; the limit is {limit}")
            },
        ));
    }
    if let Some(limit) = rules.level_limits.get(level.as_str()) {
        let at_level = pool::holdings_at_level(tx, user_id, level.as_str()).await?;
        if at_level >= *limit {
            let level = level.as_str();
            return Err(AppError::field(
                field,
                if for_self {
                    format!(
                        "you already hold {at_level} level-{level} customers; the limit is {limit}"
                    )
                } else {
                    format!(
                        "this rep already holds {at_level} level-{level} customers; the limit is {limit}"
                    )
                },
            ));
        }
    }
    Ok(())
}

/// A manager (or admin) gives a pool or team customer to a rep in their team, within the
/// rep's holding limit and level limits.
pub async fn assign(state: &AppState, viewer: &Viewer, id: i64, to: i64) -> AppResult<Customer> {
    if !crate::domain::scope::can_assign_owners(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = super::customers::writable(&mut tx, viewer, id).await?;
    if !crate::ssr::store::users::is_assignable_owner(&mut tx, viewer, to).await? {
        return Err(AppError::field(
            "owner_id",
            "choose an active rep in your team",
        ));
    }
    if current.owner_id == Some(to) {
        return Ok(current);
    }
    let rules = rules(&mut *tx).await?;
    within_limits(&mut tx, &rules, to, current.level, "owner_id", false).await?;
    hand_over(
        tx,
        viewer,
        &current,
        (Some(to), Action::Assigned, None),
        &rules,
        now_ms,
    )
    .await
}

/// The reclaim rule: owned customers whose reclaim time has passed return to the pool.
/// An indexed range query on `reclaim_at`; each customer in its own transaction.
pub async fn reclaim_due(state: &AppState) -> AppResult<usize> {
    let now_ms = state.clock.now_ms();
    let due = pool::due_for_reclaim(&state.db.read, now_ms, 500).await?;
    let mut done = 0;
    for (id, owner, reason) in due {
        let mut tx = state.db.begin().await?;
        // Re-check inside the transaction: an activity may have just moved the time.
        if !pool::still_due(&mut tx, id, owner, now_ms).await? {
            continue;
        }
        pool::set_owner(&mut tx, id, Some(owner), None, owner, now_ms).await?;
        pool::clear_reclaim(&mut tx, id).await?;
        pool::record(
            &mut tx,
            id,
            Some(owner),
            None,
            "reclaim",
            Some(&reason),
            now_ms,
        )
        .await?;
        audit::record(
            &mut tx,
            None,
            Change {
                action: Action::Reclaimed,
                entity_type: Entity::Customer,
                entity_id: id,
                before: Some(serde_json::json!({"owner_id": owner})),
                after: Some(serde_json::json!({"owner_id": null, "reason": reason})),
            },
            now_ms,
        )
        .await?;
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}
