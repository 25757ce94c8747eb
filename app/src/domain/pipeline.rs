//! The sales pipeline (商机): stages, default probabilities and the entry criteria each
//! stage demands, as plain rules.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 初步接触
    Initial,
    /// 需求诊断
    Needs,
    /// 方案呈现
    Proposal,
    /// 商务谈判
    Negotiation,
    /// 合同签署
    Won,
    Lost,
}

impl Stage {
    pub const OPEN: [Stage; 4] = [
        Stage::Initial,
        Stage::Needs,
        Stage::Proposal,
        Stage::Negotiation,
    ];
    pub const ALL: [Stage; 6] = [
        Stage::Initial,
        Stage::Needs,
        Stage::Proposal,
        Stage::Negotiation,
        Stage::Won,
        Stage::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Initial => "initial",
            Stage::Needs => "needs",
            Stage::Proposal => "proposal",
            Stage::Negotiation => "negotiation",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Default win probability in percent.
    pub fn probability(self) -> i64 {
        match self {
            Stage::Initial => 10,
            Stage::Needs => 25,
            Stage::Proposal => 50,
            Stage::Negotiation => 75,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }

    /// The stage a "move to next stage" button goes to.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Initial => Some(Stage::Needs),
            Stage::Needs => Some(Stage::Proposal),
            Stage::Proposal => Some(Stage::Negotiation),
            Stage::Negotiation => Some(Stage::Won),
            Stage::Won | Stage::Lost => None,
        }
    }

    fn rank(self) -> u8 {
        match self {
            Stage::Initial => 0,
            Stage::Needs => 1,
            Stage::Proposal => 2,
            Stage::Negotiation => 3,
            Stage::Won => 4,
            Stage::Lost => 5,
        }
    }
}

/// Days a deal may stay in each open stage before it counts as stalled (product defaults).
pub const STAGE_LIMIT_DAYS: [(&str, i64); 4] = [
    ("initial", 14),
    ("needs", 14),
    ("proposal", 21),
    ("negotiation", 30),
];

/// What is known about a deal, as the criteria read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealFacts {
    pub pain_points: Option<String>,
    pub decision_maker: Option<String>,
    pub budget_range: Option<String>,
    pub amount_minor: Option<i64>,
    pub expected_close: Option<String>,
    pub competitors: Option<String>,
    pub lost_reason: Option<String>,
    pub has_approved_contract: bool,
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Field → what is missing to enter `to`; empty when the move is allowed. Moving back to an
/// earlier open stage needs nothing; a closed deal does not move.
pub fn missing_for(from: Stage, to: Stage, f: &DealFacts) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    if from.is_closed() {
        missing.push(("stage", "this deal is closed"));
        return missing;
    }
    if to == Stage::Lost {
        if blank(&f.lost_reason) {
            missing.push(("lost_reason", "say why the deal was lost"));
        }
        return missing;
    }
    if to.rank() <= from.rank() {
        return missing;
    }
    if to.rank() >= Stage::Proposal.rank() {
        if blank(&f.pain_points) {
            missing.push((
                "pain_points",
                "the needs survey: the customer's pain points",
            ));
        }
        if blank(&f.decision_maker) {
            missing.push(("decision_maker", "the needs survey: who decides"));
        }
        if blank(&f.budget_range) {
            missing.push(("budget_range", "the needs survey: the budget range"));
        }
    }
    if to.rank() >= Stage::Negotiation.rank() {
        if f.amount_minor.is_none_or(|a| a <= 0) {
            missing.push(("amount_minor", "the deal's amount"));
        }
        if blank(&f.expected_close) {
            missing.push(("expected_close", "the expected close date"));
        }
        if blank(&f.competitors) {
            missing.push(("competitors", "the competitors (or \"none\")"));
        }
    }
    if to == Stage::Won && !f.has_approved_contract {
        missing.push(("contract", "a contract approved by a manager"));
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surveyed() -> DealFacts {
        DealFacts {
            pain_points: Some("数据分散".into()),
            decision_maker: Some("张总".into()),
            budget_range: Some("50-100万".into()),
            ..DealFacts::default()
        }
    }

    #[test]
    fn proposal_needs_the_needs_survey() {
        let missing: Vec<_> = missing_for(Stage::Needs, Stage::Proposal, &DealFacts::default())
            .into_iter()
            .map(|m| m.0)
            .collect();
        assert_eq!(
            missing,
            vec!["pain_points", "decision_maker", "budget_range"]
        );
        assert!(missing_for(Stage::Needs, Stage::Proposal, &surveyed()).is_empty());
    }

    #[test]
    fn negotiation_needs_amount_close_date_and_competitors() {
        let missing: Vec<_> = missing_for(Stage::Proposal, Stage::Negotiation, &surveyed())
            .into_iter()
            .map(|m| m.0)
            .collect();
        assert_eq!(
            missing,
            vec!["amount_minor", "expected_close", "competitors"]
        );
        let ready = DealFacts {
            amount_minor: Some(100),
            expected_close: Some("2026-12-31".into()),
            competitors: Some("无".into()),
            ..surveyed()
        };
        assert!(missing_for(Stage::Proposal, Stage::Negotiation, &ready).is_empty());
        // Skipping stages still demands everything on the way.
        assert_eq!(
            missing_for(Stage::Initial, Stage::Negotiation, &DealFacts::default()).len(),
            6
        );
    }

    #[test]
    fn won_needs_an_approved_contract_and_lost_a_reason() {
        let ready = DealFacts {
            amount_minor: Some(100),
            expected_close: Some("2026-12-31".into()),
            competitors: Some("无".into()),
            ..surveyed()
        };
        assert_eq!(
            missing_for(Stage::Negotiation, Stage::Won, &ready),
            vec![("contract", "a contract approved by a manager")]
        );
        assert!(missing_for(
            Stage::Negotiation,
            Stage::Won,
            &DealFacts {
                has_approved_contract: true,
                ..ready.clone()
            }
        )
        .is_empty());
        assert_eq!(
            missing_for(Stage::Needs, Stage::Lost, &DealFacts::default())[0].0,
            "lost_reason"
        );
        assert!(missing_for(
            Stage::Needs,
            Stage::Lost,
            &DealFacts {
                lost_reason: Some("价格".into()),
                ..DealFacts::default()
            }
        )
        .is_empty());
    }

    #[test]
    fn moving_back_is_free_and_closed_deals_stay_closed() {
        assert!(missing_for(Stage::Negotiation, Stage::Needs, &DealFacts::default()).is_empty());
        assert_eq!(
            missing_for(Stage::Won, Stage::Needs, &DealFacts::default())[0].0,
            "stage"
        );
        assert_eq!(Stage::Needs.next(), Some(Stage::Proposal));
        assert_eq!(Stage::Proposal.probability(), 50);
    }
}
