//! Ticket rules that need no database: which status moves are allowed, and the service
//! desk's admin settings (SLA targets per priority, the warning threshold, auto-close).
use crate::domain::sla::{default_target, Target};
use crate::model::{TicketPriority, TicketStatus};
use serde::{Deserialize, Serialize};

/// Whether a ticket may go from `from` to `to` by an agent's hand. A customer's reply
/// reopens a pending, resolved or closed ticket through the same rule.
pub fn can_move(from: TicketStatus, to: TicketStatus) -> bool {
    use TicketStatus::*;
    matches!(
        (from, to),
        (New, Open | Pending | Resolved)
            | (Open, Pending | Resolved)
            | (Pending, Open | Resolved)
            | (Resolved, Open | Closed)
            | (Closed, Open)
    )
}

/// Where a ticket with no clock running sorts in the queue: after every deadline.
pub const NO_DEADLINE: i64 = 9_000_000_000_000_000;

/// The next deadline an open ticket is worked by, as the queue orders tickets: the first
/// response until it is given, then the sooner of the next response (while a customer
/// waits) and the resolution; [`NO_DEADLINE`] while none runs (pending after the answer).
/// None once the ticket is resolved or closed: it is in no queue. The due times come in
/// the order they are stored: first response, resolution, next response.
pub fn queue_due(
    status: TicketStatus,
    first_responded_at: Option<i64>,
    (first_response, resolution, next_response): (Option<i64>, Option<i64>, Option<i64>),
) -> Option<i64> {
    if !matches!(
        status,
        TicketStatus::New | TicketStatus::Open | TicketStatus::Pending
    ) {
        return None;
    }
    let due = match (first_responded_at, next_response, resolution) {
        (None, _, _) => first_response,
        (Some(_), Some(n), Some(r)) => Some(n.min(r)),
        (Some(_), Some(n), None) => Some(n),
        (Some(_), None, r) => r,
    };
    Some(due.unwrap_or(NO_DEADLINE))
}

/// The service desk's settings, versioned like the others.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlaRules {
    pub urgent: Target,
    pub high: Target,
    pub normal: Target,
    pub low: Target,
    /// An SLA warning fires when this share of a target is used.
    pub warning_percent: i64,
    /// A resolved ticket closes itself this many days later.
    pub auto_close_days: i64,
    /// How long the satisfaction survey link a customer gets stays usable.
    pub survey_link_days: i64,
}

impl Default for SlaRules {
    fn default() -> Self {
        SlaRules {
            urgent: default_target(TicketPriority::Urgent),
            high: default_target(TicketPriority::High),
            normal: default_target(TicketPriority::Normal),
            low: default_target(TicketPriority::Low),
            warning_percent: 80,
            auto_close_days: 7,
            survey_link_days: 14,
        }
    }
}

impl SlaRules {
    pub fn target(&self, priority: TicketPriority) -> Target {
        match priority {
            TicketPriority::Urgent => self.urgent,
            TicketPriority::High => self.high,
            TicketPriority::Normal => self.normal,
            TicketPriority::Low => self.low,
        }
    }

    /// Field → problem, for every value out of range.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, t) in [
            ("urgent", self.urgent),
            ("high", self.high),
            ("normal", self.normal),
            ("low", self.low),
        ] {
            let in_range = |m: i64| (1..=525_600).contains(&m);
            if !in_range(t.first_response_minutes)
                || !in_range(t.resolution_minutes)
                || !in_range(t.next_response())
            {
                out.push((
                    field,
                    "each target between 1 minute and 365 days".to_string(),
                ));
            } else if t.first_response_minutes > t.resolution_minutes {
                out.push((
                    field,
                    "the first response is due before the resolution".to_string(),
                ));
            }
        }
        if !(1..=99).contains(&self.warning_percent) {
            out.push(("warning_percent", "must be between 1 and 99".to_string()));
        }
        if !(1..=365).contains(&self.auto_close_days) {
            out.push(("auto_close_days", "must be between 1 and 365".to_string()));
        }
        if !(1..=90).contains(&self.survey_link_days) {
            out.push(("survey_link_days", "must be between 1 and 90".to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketStatus::*;

    #[test]
    fn the_queue_orders_by_the_clock_that_runs_next() {
        assert_eq!(queue_due(New, None, (Some(10), Some(50), None)), Some(10));
        assert_eq!(
            queue_due(Open, Some(5), (Some(10), Some(50), Some(30))),
            Some(30)
        );
        assert_eq!(
            queue_due(Open, Some(5), (Some(10), Some(50), Some(70))),
            Some(50)
        );
        assert_eq!(
            queue_due(Open, Some(5), (Some(10), None, Some(70))),
            Some(70)
        );
        assert_eq!(
            queue_due(Pending, Some(5), (Some(10), None, None)),
            Some(NO_DEADLINE)
        );
        assert_eq!(
            queue_due(Resolved, Some(5), (Some(10), Some(50), None)),
            None
        );
        assert_eq!(queue_due(Closed, None, (Some(10), None, None)), None);
    }

    #[test]
    fn tickets_move_forward_reopen_and_never_skip_back_to_new() {
        for (from, to) in [
            (New, Open),
            (Open, Pending),
            (Pending, Open),
            (Open, Resolved),
            (Resolved, Closed),
            (Resolved, Open),
            (Closed, Open),
        ] {
            assert!(can_move(from, to), "{from} → {to}");
        }
        for (from, to) in [
            (Open, New),
            (Closed, Resolved),
            (Closed, Pending),
            (New, Closed),
            (Open, Open),
        ] {
            assert!(!can_move(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn the_default_targets_are_product_rules_and_bad_ones_are_named() {
        let r = SlaRules::default();
        assert!(r.problems().is_empty());
        assert_eq!(r.target(TicketPriority::Urgent).first_response_minutes, 120);
        assert_eq!(r.target(TicketPriority::Low).resolution_minutes, 120 * 60);
        let bad = SlaRules {
            high: Target {
                first_response_minutes: 600,
                resolution_minutes: 60,
                next_response_minutes: None,
            },
            low: Target {
                next_response_minutes: Some(0),
                ..default_target(TicketPriority::Low)
            },
            warning_percent: 100,
            ..SlaRules::default()
        };
        let fields: Vec<_> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["high", "low", "warning_percent"]);
        assert_eq!(r.target(TicketPriority::High).next_response(), 240);
    }
}
