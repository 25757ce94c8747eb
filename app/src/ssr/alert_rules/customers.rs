//! Rules that watch customers: follow-ups falling due and overdue, customers gone silent,
//! the pool's reclaim (warned before, told after), and contracts ending with no renewal.
use super::{
    event_alert, owner_alert, text_after, user_in, with_managers, EventRule, Fired, RuleFuture,
    TimeRule, Window, DAY, HOUR,
};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::clock::local_day;
use crate::ssr::store::contracts;
use crate::ssr::store::customers::{due_between, name_of, CustomerClock};

pub(super) struct FollowUpDue;
impl TimeRule for FollowUpDue {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, .. } = w;
            let due = due_between(conn, CustomerClock::NextFollowUp, from, to, false).await?;
            Ok(due
                .iter()
                .map(|h| {
                    owner_alert(
                        AlertKind::FollowUpDue,
                        Entity::Customer,
                        h,
                        Some(h.at),
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
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
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
                let f = owner_alert(
                    AlertKind::FollowUpOverdue,
                    Entity::Customer,
                    &h,
                    Some(h.at + shift),
                    Some(hours),
                );
                out.extend(with_managers(conn, f).await?);
            }
            Ok(out)
        })
    }
}

/// No contact for `silent_customer_days`.
pub(super) struct SilentCustomer;
impl TimeRule for SilentCustomer {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
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
                    owner_alert(
                        AlertKind::SilentCustomer,
                        Entity::Customer,
                        h,
                        Some(h.at + shift),
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
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
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
                    owner_alert(
                        AlertKind::PoolReclaimWarning,
                        Entity::Customer,
                        h,
                        Some(h.at),
                        Some(days),
                    )
                })
                .collect())
        })
    }
}

/// A contract ends in `renewal_days` and the customer has no open deal to renew it.
pub(super) struct RenewalDue;
impl TimeRule for RenewalDue {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
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
                    // `at` carries the contract's id here: one alert per contract.
                    let mut f =
                        owner_alert(AlertKind::RenewalDue, Entity::Customer, h, None, Some(days))
                            .keyed(h.at);
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
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Fired { conn, e, .. } = ev;
            let v = e.json();
            let Some(owner) = user_in(&v, "before", "owner_id") else {
                return Ok(Vec::new());
            };
            let facts = AlertFacts {
                name: name_of(conn, e.entity_id).await?,
                extra: text_after(&v, "reason"),
                ..AlertFacts::default()
            };
            Ok(vec![event_alert(
                AlertKind::PoolReclaimed,
                Entity::Customer,
                e,
                owner,
                facts,
            )])
        })
    }
}
