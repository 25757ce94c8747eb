//! Rules that watch leads: the first-contact SLA (warned, then breached), a lead assigned,
//! an MQL returned to the pool.
use super::{
    event_alert, owner_alert, user_in, with_managers, EventRule, Fired, Found, RuleFuture,
    TimeRule, Window, HOUR,
};
use crate::domain::alerts::{AlertFacts, AlertKind};
use crate::domain::events::{Action, Entity, EventKind};
use crate::ssr::store::leads::{display_name, first_contact_due, SourceClass};
use crate::ssr::store::users;

/// At `lead_sla_warning_percent` of the first-contact time: the owner is warned.
pub(super) struct LeadSlaWarning;
impl TimeRule for LeadSlaWarning {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let mut out = Vec::new();
            for (hours, class) in [
                (t.leads.first_contact_hours, SourceClass::Ordinary),
                (t.leads.urgent_first_contact_hours, SourceClass::Urgent),
            ] {
                // Warned when (100 - p)% of the time is left: `left` ms before the due time.
                let left = hours * HOUR * (100 - t.alerts.lead_sla_warning_percent) / 100;
                let due =
                    first_contact_due(conn, from + left, to + left, &t.leads.urgent_sources, class)
                        .await?;
                for h in due {
                    out.push(owner_alert(
                        AlertKind::LeadSlaWarning,
                        Entity::Lead,
                        &h,
                        Some(h.at),
                        Some(left / 60_000),
                    ));
                }
            }
            Ok(out)
        })
    }
}

/// The first-contact time passed with no contact: the owner and their managers.
pub(super) struct LeadSlaBreach;
impl TimeRule for LeadSlaBreach {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, .. } = w;
            let mut out = Vec::new();
            for h in first_contact_due(conn, from, to, &[], SourceClass::All).await? {
                let f = owner_alert(AlertKind::LeadSlaBreach, Entity::Lead, &h, Some(h.at), None);
                out.extend(with_managers(conn, f).await?);
            }
            Ok(out)
        })
    }
}

/// A lead was assigned (by a rule or by hand): its new owner hears at once.
pub(super) struct LeadAssigned;
impl EventRule for LeadAssigned {
    fn handles(&self, kind: EventKind) -> bool {
        kind == EventKind::new(Entity::Lead, Action::Assigned)
    }
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Fired { conn, e, .. } = ev;
            let v = e.json();
            let Some(owner) = user_in(&v, "after", "owner_id") else {
                return Ok(Vec::new());
            };
            let due = super::text_after(&v, "first_contact_due_at")
                .and_then(|d| d.parse::<chrono::DateTime<chrono::Utc>>().ok())
                .map(|d| d.timestamp_millis());
            let facts = AlertFacts {
                name: display_name(conn, e.entity_id).await?,
                ..AlertFacts::default()
            };
            let f = event_alert(AlertKind::LeadAssigned, Entity::Lead, e, owner, facts);
            Ok(vec![Found { due_at: due, ..f }])
        })
    }
}

/// An MQL timed out and went back to the pool: its rep and their managers are told.
pub(super) struct LeadReturned;
impl EventRule for LeadReturned {
    fn handles(&self, kind: EventKind) -> bool {
        kind == EventKind::new(Entity::Lead, Action::ReturnedToPool)
    }
    fn on<'a>(&'a self, ev: Fired<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Fired { conn, e, t } = ev;
            let v = e.json();
            let Some(owner) = user_in(&v, "before", "owner_id") else {
                return Ok(Vec::new());
            };
            let facts = AlertFacts {
                name: display_name(conn, e.entity_id).await?,
                owner_name: users::name_of(conn, owner).await?,
                n: Some(t.leads.mql_timeout_days),
                extra: None,
            };
            let f = event_alert(AlertKind::LeadReturned, Entity::Lead, e, owner, facts);
            with_managers(conn, f).await
        })
    }
}
