//! Rules that watch customers: follow-ups falling due and overdue, customers gone silent,
//! the pool's reclaim (warned before, told after), and contracts ending with no renewal.
use super::{
    owner_alert, text_after, user_in, with_managers, EventRule, Found, OutboxEvent, RuleFuture,
    Thresholds, TimeRule, DAY, HOUR,
};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Action, Entity, EventKind};
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::ssr::store::contracts;
use crate::ssr::store::customers::{due_between, name_of, CustomerClock};
use sqlx::AnyConnection;

pub(super) struct FollowUpDue;
impl TimeRule for FollowUpDue {
    fn name(&self) -> &'static str {
        "follow_up_due"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let due = due_between(conn, CustomerClock::NextFollowUp, from, to, false).await?;
            Ok(due
                .iter()
                .map(|h| {
                    let key = format!("follow_up_due:{}:{}", h.id, h.at);
                    owner_alert(
                        AlertKind::FollowUpDue,
                        Entity::Customer,
                        h,
                        Some(h.at),
                        key,
                        None,
                    )
                })
                .collect())
        })
    }
}

/// Still due `follow_up_overdue_hours` later: nothing was logged (logging moves or clears
/// the next follow-up). Owner, and the team's managers.
pub(super) struct FollowUpOverdue;
impl TimeRule for FollowUpOverdue {
    fn name(&self) -> &'static str {
        "follow_up_overdue"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let hours = t.alerts.follow_up_overdue_hours;
            let shift = hours * HOUR;
            let due = due_between(
                conn,
                CustomerClock::NextFollowUp,
                from - shift,
                to - shift,
                false,
            )
            .await?;
            let mut out = Vec::new();
            for h in due {
                let key = format!("follow_up_overdue:{}:{}", h.id, h.at);
                let f = owner_alert(
                    AlertKind::FollowUpOverdue,
                    Entity::Customer,
                    &h,
                    Some(h.at + shift),
                    key,
                    Some(hours),
                );
                out.extend(with_managers(conn, f, true).await?);
            }
            Ok(out)
        })
    }
}

/// No contact for `silent_customer_days`.
pub(super) struct SilentCustomer;
impl TimeRule for SilentCustomer {
    fn name(&self) -> &'static str {
        "silent_customer"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.alerts.silent_customer_days;
            let shift = days * DAY;
            let due = due_between(
                conn,
                CustomerClock::LastContact,
                from - shift,
                to - shift,
                false,
            )
            .await?;
            Ok(due
                .iter()
                .map(|h| {
                    let key = format!("silent_customer:{}:{}", h.id, h.at);
                    owner_alert(
                        AlertKind::SilentCustomer,
                        Entity::Customer,
                        h,
                        Some(h.at + shift),
                        key,
                        Some(days),
                    )
                })
                .collect())
        })
    }
}

/// `warning_days` before the pool takes a customer back.
pub(super) struct PoolReclaimWarning;
impl TimeRule for PoolReclaimWarning {
    fn name(&self) -> &'static str {
        "pool_reclaim_warning"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.pool.warning_days;
            if days <= 0 {
                return Ok(Vec::new());
            }
            let shift = days * DAY;
            let due =
                due_between(conn, CustomerClock::Reclaim, from + shift, to + shift, true).await?;
            Ok(due
                .iter()
                .map(|h| {
                    let key = format!("pool_reclaim_warning:{}:{}", h.id, h.at);
                    owner_alert(
                        AlertKind::PoolReclaimWarning,
                        Entity::Customer,
                        h,
                        Some(h.at),
                        key,
                        Some(days),
                    )
                })
                .collect())
        })
    }
}

/// The local calendar day of an instant, as contracts store their dates.
fn local_day(ms: i64) -> String {
    crate::ssr::clock::from_ms(ms + i64::from(DEFAULT_UTC_OFFSET_MINUTES) * 60_000)
        .format("%Y-%m-%d")
        .to_string()
}

/// A contract ends in `renewal_days` and the customer has no open deal to renew it.
pub(super) struct RenewalDue;
impl TimeRule for RenewalDue {
    fn name(&self) -> &'static str {
        "renewal_due"
    }
    fn find<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        from: i64,
        to: i64,
        t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let days = t.alerts.renewal_days;
            // Ends on a local day that came within `days` during the window.
            let (lo, hi) = (local_day(from + days * DAY), local_day(to + days * DAY));
            if lo == hi {
                return Ok(Vec::new());
            }
            let due = contracts::ending_without_renewal(conn, &lo, &hi).await?;
            Ok(due
                .iter()
                .map(|h| {
                    // `at` carries the contract's id here.
                    let key = format!("renewal_due:{}", h.at);
                    let mut f = owner_alert(
                        AlertKind::RenewalDue,
                        Entity::Customer,
                        h,
                        None,
                        key,
                        Some(days),
                    );
                    f.facts.owner_name = None;
                    f
                })
                .collect())
        })
    }
}

/// The pool took a customer back: the previous owner is told why.
pub(super) struct PoolReclaimed;
impl EventRule for PoolReclaimed {
    fn handles(&self, kind: EventKind) -> bool {
        kind == EventKind::new(Entity::Customer, Action::Reclaimed)
    }
    fn on<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        e: &'a OutboxEvent,
        _t: &'a Thresholds,
    ) -> RuleFuture<'a> {
        Box::pin(async move {
            let v = e.json();
            let Some(owner) = user_in(&v, "before", "owner_id") else {
                return Ok(Vec::new());
            };
            Ok(vec![Found {
                user_id: owner,
                kind: AlertKind::PoolReclaimed,
                entity_type: Entity::Customer,
                entity_id: e.entity_id,
                due_at: None,
                dedupe_key: format!("pool_reclaimed:{}:{}", e.entity_id, e.id),
                facts: AlertFacts {
                    name: name_of(conn, e.entity_id).await?,
                    extra: text_after(&v, "reason"),
                    ..AlertFacts::default()
                },
                escalated: false,
            }])
        })
    }
}
