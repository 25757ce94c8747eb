//! Routing work to people: round robin within a rule's people (leads to reps, tickets to
//! agents), and the service desk's ticket routing rules.
use crate::model::{TicketCategory, TicketChannel, TicketPriority};
use serde::{Deserialize, Serialize};

/// The next person in a rule's rotation after `last`, among those `eligible` (active,
/// present and under their limit); None when nobody is.
pub fn round_robin(
    people: &[i64],
    last: Option<i64>,
    eligible: impl Fn(i64) -> bool,
) -> Option<i64> {
    if people.is_empty() {
        return None;
    }
    let start = last
        .and_then(|l| people.iter().position(|r| *r == l))
        .map_or(0, |i| i + 1);
    (0..people.len())
        .map(|k| people[(start + k) % people.len()])
        .find(|r| eligible(*r))
}

/// A ticket routing rule: a new ticket matching every given criterion goes to `team_id`
/// and, round robin, to one of `agent_ids` (or, when none are listed, to the team's
/// agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketRoutingRule {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketCategory>))]
    pub category: Option<TicketCategory>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketPriority>))]
    pub priority: Option<TicketPriority>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketChannel>))]
    pub channel: Option<TicketChannel>,
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub agent_ids: Vec<i64>,
}

/// What routing looks at on a new ticket.
#[derive(Debug, Clone, Copy)]
pub struct TicketFacts {
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub channel: TicketChannel,
}

impl TicketRoutingRule {
    pub fn matches(&self, t: TicketFacts) -> bool {
        self.category.is_none_or(|c| c == t.category)
            && self.priority.is_none_or(|p| p == t.priority)
            && self.channel.is_none_or(|c| c == t.channel)
    }
}

/// The desk's ticket routing, versioned like every setting: rules in order (the first
/// matching rule with an eligible agent assigns; a matching rule whose agents are all
/// away, frozen or full still gives the ticket its team), and how many open tickets an
/// agent may hold before routing passes them by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TicketRouting {
    pub rules: Vec<TicketRoutingRule>,
    /// Open tickets (new or open, not pending on the customer) an agent may hold and still
    /// be given more; 0: no limit.
    pub max_open_per_agent: i64,
}

impl Default for TicketRouting {
    fn default() -> Self {
        TicketRouting {
            rules: Vec::new(),
            max_open_per_agent: 25,
        }
    }
}

impl TicketRouting {
    /// The index of each rule that matches, in order.
    pub fn matching(&self, t: TicketFacts) -> impl Iterator<Item = (usize, &TicketRoutingRule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.matches(t))
    }

    /// Field problems, named as the API names them.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !(0..=10_000).contains(&self.max_open_per_agent) {
            out.push((
                "max_open_per_agent".into(),
                "must be between 0 and 10000".into(),
            ));
        }
        if self.rules.len() > 100 {
            out.push(("rules".into(), "at most 100 rules".into()));
        }
        for (i, r) in self.rules.iter().enumerate() {
            if r.team_id.is_none() && r.agent_ids.is_empty() {
                out.push((
                    format!("rules.{i}.agent_ids"),
                    "name a team or one or more agents".into(),
                ));
            }
            if r.agent_ids.len() > 500 {
                out.push((format!("rules.{i}.agent_ids"), "at most 500 agents".into()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_rotates_and_skips_the_ineligible() {
        let reps = [10, 20, 30];
        assert_eq!(round_robin(&reps, None, |_| true), Some(10));
        assert_eq!(round_robin(&reps, Some(10), |_| true), Some(20));
        assert_eq!(round_robin(&reps, Some(30), |_| true), Some(10));
        assert_eq!(round_robin(&reps, Some(10), |r| r != 20), Some(30));
        assert_eq!(round_robin(&reps, Some(99), |_| true), Some(10));
        assert_eq!(round_robin(&reps, Some(10), |_| false), None);
    }

    #[test]
    fn ticket_rules_match_on_every_given_criterion() {
        let facts = TicketFacts {
            category: TicketCategory::Billing,
            priority: TicketPriority::High,
            channel: TicketChannel::Email,
        };
        let any = TicketRoutingRule {
            agent_ids: vec![1],
            ..Default::default()
        };
        assert!(any.matches(facts));
        let billing_urgent = TicketRoutingRule {
            category: Some(TicketCategory::Billing),
            priority: Some(TicketPriority::Urgent),
            ..any.clone()
        };
        assert!(!billing_urgent.matches(facts));
        let routing = TicketRouting {
            rules: vec![billing_urgent, any],
            max_open_per_agent: 0,
        };
        assert_eq!(
            routing.matching(facts).map(|(i, _)| i).collect::<Vec<_>>(),
            vec![1]
        );
        assert!(routing.problems().is_empty());
        let bad = TicketRouting {
            rules: vec![TicketRoutingRule::default()],
            max_open_per_agent: -1,
        };
        assert_eq!(bad.problems().len(), 2);
    }
}
