//! Rules that watch tickets: a ticket given to an agent, and each SLA clock warned at the
//! admin's share of its target, then breached (the assignee, and their managers on a
//! breach), and a low CSAT. Unassigned tickets wait in the queue's breached view, which
//! needs no alert.
use super::{
    event_alert, given_by_someone_else, owner_alert, text_after, user_in, with_managers, EventRule,
    Fired, RuleFuture, TimeRule, Window,
};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Action, Entity, EventKind};
use crate::domain::surveys::is_low_csat;
use crate::model::TicketPriority;
use crate::ssr::store::customers::name_and_owner;
use crate::ssr::store::sla::{sla_due, SlaClockKind};
use crate::ssr::store::users;

const MINUTE: i64 = 60_000;

/// At `warning_percent` of a clock's target: the assignee is warned, once per clock and
/// due time. The share is of the target's length, counted on the wall clock from the due
/// time back (exact while the clocks run round the clock).
pub(super) struct TicketSlaWarning;
impl TimeRule for TicketSlaWarning {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let mut out = Vec::new();
            for priority in TicketPriority::ALL {
                let target = t.sla.target(*priority);
                for clock in SlaClockKind::ALL {
                    let minutes = match clock {
                        SlaClockKind::FirstResponse => target.first_response_minutes,
                        SlaClockKind::Resolution => target.resolution_minutes,
                        SlaClockKind::NextResponse => target.next_response(),
                    };
                    let left = minutes * MINUTE * (100 - t.sla.warning_percent) / 100;
                    for h in sla_due(conn, from + left, to + left, clock, Some(*priority)).await? {
                        out.push(
                            owner_alert(
                                AlertKind::TicketSlaWarning,
                                Entity::Ticket,
                                &h,
                                Some(h.at),
                                Some(left / MINUTE),
                            )
                            .keyed(format!(
                                "{}:{}:{}",
                                h.id,
                                clock.as_str(),
                                h.at
                            )),
                        );
                    }
                }
            }
            Ok(out)
        })
    }
}

/// A clock ran out: the assignee and their managers.
pub(super) struct TicketSlaBreach;
impl TimeRule for TicketSlaBreach {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, .. } = w;
            let mut out = Vec::new();
            for clock in SlaClockKind::ALL {
                for h in sla_due(conn, from, to, clock, None).await? {
                    let f = owner_alert(
                        AlertKind::TicketSlaBreach,
                        Entity::Ticket,
                        &h,
                        Some(h.at),
                        None,
                    )
                    .keyed(format!("{}:{}:{}", h.id, clock.as_str(), h.at));
                    out.extend(with_managers(conn, f).await?);
                }
            }
            Ok(out)
        })
    }
}

/// A ticket was given to someone (not by themselves): they hear at once.
pub(super) struct TicketAssigned;
impl EventRule for TicketAssigned {
    fn handles(&self, kind: EventKind) -> bool {
        kind.entity == Entity::Ticket && matches!(kind.action, Action::Created | Action::Assigned)
    }
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(given_by_someone_else(
            ev,
            AlertKind::TicketAssigned,
            Entity::Ticket,
            "subject",
        ))
    }
}

/// A CSAT of 1 or 2 arrived: the assignee, the customer's owner and their managers hear at
/// once, each once.
pub(super) struct LowCsat;
impl EventRule for LowCsat {
    fn handles(&self, kind: EventKind) -> bool {
        kind == EventKind::new(Entity::Ticket, Action::Rated)
    }
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Fired { conn, e, .. } = ev;
            let v = e.json();
            let after = |field: &str| v.get("after").and_then(|a| a.get(field)).cloned();
            let Some(score) = after("csat").and_then(|s| s.as_i64()) else {
                return Ok(Vec::new());
            };
            if !is_low_csat(score) {
                return Ok(Vec::new());
            }
            let (customer, owner) = match after("customer_id").and_then(|c| c.as_i64()) {
                Some(id) => name_and_owner(conn, id).await?.unwrap_or_default(),
                None => Default::default(),
            };
            let facts = AlertFacts {
                name: text_after(&v, "subject").unwrap_or_default(),
                owner_name: Some(customer),
                n: Some(score),
                extra: text_after(&v, "comment").map(|c| c.chars().take(200).collect()),
            };
            let mut people: Vec<i64> = Vec::new();
            for user in [user_in(&v, "after", "assignee_id"), owner]
                .into_iter()
                .flatten()
            {
                people.push(user);
                people.extend(users::managers_of(conn, user).await?);
            }
            let mut seen = std::collections::HashSet::new();
            people.retain(|u| seen.insert(*u));
            Ok(people
                .into_iter()
                .map(|user| {
                    event_alert(AlertKind::LowCsat, Entity::Ticket, e, user, facts.clone())
                        .keyed(format!("{}:{}:u{user}", e.entity_id, e.id))
                })
                .collect())
        })
    }
}
