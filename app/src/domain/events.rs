//! What happened to which record: the audit trail's and the outbox's vocabulary. An outbox
//! event's kind is `{entity}.{action}` (`lead.assigned`, `customer.reclaimed`), written
//! and read through [`EventKind`], never spelled by hand.
use std::fmt;

named_enum! {
    /// A kind of record changes are recorded for.
    Entity {
        Customer => "customer",
        Contact => "contact",
        Lead => "lead",
        LeadForm => "lead_form",
        Opportunity => "opportunity",
        Contract => "contract",
        Task => "task",
        Ticket => "ticket",
        Activity => "activity",
        User => "user",
        Team => "team",
        ApiToken => "api_token",
        Setting => "setting",
        Survey => "survey",
        Article => "article",
        CannedReply => "canned_reply",
    }
}

named_enum! {
    /// What was done to it.
    Action {
        Created => "created",
        Updated => "updated",
        Deleted => "deleted",
        Restored => "restored",
        Assigned => "assigned",
        Claimed => "claimed",
        Released => "released",
        Reclaimed => "reclaimed",
        StageChanged => "stage_changed",
        Requested => "requested",
        Approved => "approved",
        Rejected => "rejected",
        Converted => "converted",
        Qualified => "qualified",
        Contacted => "contacted",
        Disqualified => "disqualified",
        ReturnedToPool => "returned_to_pool",
        Enabled => "enabled",
        Disabled => "disabled",
        KeyRotated => "key_rotated",
        Revoked => "revoked",
        Deactivated => "deactivated",
        Completed => "completed",
        Reopened => "reopened",
        Replied => "replied",
        Noted => "noted",
        Closed => "closed",
        Rated => "rated",
        Merged => "merged",
        Paid => "paid",
        Planned => "planned",
        SignedIn => "signed_in",
    }
}

/// An outbox event's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKind {
    pub entity: Entity,
    pub action: Action,
}

impl EventKind {
    pub const fn new(entity: Entity, action: Action) -> Self {
        EventKind { entity, action }
    }

    /// Reads `{entity}.{action}`; None for anything else.
    pub fn parse(s: &str) -> Option<EventKind> {
        let (entity, action) = s.split_once('.')?;
        Some(EventKind::new(
            Entity::parse(entity)?,
            Action::parse(action)?,
        ))
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.entity, self.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_reads_back_as_written_and_nothing_else_reads() {
        for e in Entity::ALL {
            for a in Action::ALL {
                let k = EventKind::new(*e, *a);
                assert_eq!(EventKind::parse(&k.to_string()), Some(k));
            }
        }
        assert_eq!(
            EventKind::parse("lead.assigned"),
            Some(EventKind::new(Entity::Lead, Action::Assigned))
        );
        for bad in [
            "lead",
            "lead.",
            ".assigned",
            "lead.assign",
            "deal.created",
            "lead.assigned.x",
        ] {
            assert_eq!(EventKind::parse(bad), None, "{bad}");
        }
    }
}
