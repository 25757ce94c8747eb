//! The sales pipeline (商机): stages, default probabilities and the entry criteria each
//! stage demands, as plain rules.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The stage's name as people read it: the one label every page and alert uses.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Stage::Initial => lang.t("Initial contact", "初步接触"),
            Stage::Needs => lang.t("Needs analysis", "需求诊断"),
            Stage::Proposal => lang.t("Proposal", "方案呈现"),
            Stage::Negotiation => lang.t("Negotiation", "商务谈判"),
            Stage::Won => lang.t("Won", "合同签署"),
            Stage::Lost => lang.t("Lost", "输单"),
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

/// A won deal's probability, whatever the settings: it is no longer a forecast.
pub const WON_PROBABILITY: i64 = 100;

/// The fields the needs survey may demand before a deal enters proposal.
pub const PROPOSAL_FIELDS: [&str; 3] = ["pain_points", "decision_maker", "budget_range"];
/// The fields that may be demanded before a deal enters negotiation.
pub const NEGOTIATION_FIELDS: [&str; 3] = ["amount_minor", "expected_close", "competitors"];

/// The pipeline's admin settings: each open stage's win probability and the fields entering
/// proposal and negotiation demand. Won always needs a contract approved by a manager and
/// lost a reason: those are controls, not defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PipelineRules {
    /// Win probability in percent: initial, needs, proposal, negotiation.
    pub probabilities: [i64; 4],
    /// Fields a deal needs to enter proposal: any of pain_points, decision_maker, budget_range.
    pub proposal_requires: Vec<String>,
    /// Fields a deal needs to enter negotiation: any of amount_minor, expected_close, competitors.
    pub negotiation_requires: Vec<String>,
}

impl Default for PipelineRules {
    fn default() -> Self {
        PipelineRules {
            probabilities: [10, 25, 50, 75],
            proposal_requires: PROPOSAL_FIELDS.map(str::to_string).to_vec(),
            negotiation_requires: NEGOTIATION_FIELDS.map(str::to_string).to_vec(),
        }
    }
}

impl PipelineRules {
    /// The win probability a deal takes on entering `stage`.
    pub fn probability(&self, stage: Stage) -> i64 {
        match stage {
            Stage::Won => WON_PROBABILITY,
            Stage::Lost => 0,
            open => self.probabilities[usize::from(open.rank())],
        }
    }

    /// Field → problem, for every setting out of range or naming an unknown field.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.probabilities.iter().any(|p| !(0..=100).contains(p)) {
            out.push(("probabilities", "each between 0 and 100".to_string()));
        }
        for (field, list, allowed) in [
            (
                "proposal_requires",
                &self.proposal_requires,
                PROPOSAL_FIELDS,
            ),
            (
                "negotiation_requires",
                &self.negotiation_requires,
                NEGOTIATION_FIELDS,
            ),
        ] {
            if list.iter().any(|f| !allowed.contains(&f.as_str())) {
                out.push((field, format!("choose from {}", allowed.join(", "))));
            }
        }
        out
    }

    fn requires(&self, field: &str) -> bool {
        self.proposal_requires
            .iter()
            .chain(&self.negotiation_requires)
            .any(|f| f == field)
    }
}

/// Field → what is missing to enter `to` under `rules`; empty when the move is allowed.
/// Moving back to an earlier open stage needs nothing; a closed deal does not move.
pub fn missing_for(
    from: Stage,
    to: Stage,
    f: &DealFacts,
    rules: &PipelineRules,
) -> Vec<(&'static str, &'static str)> {
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
    let demanded = |field: &str, stage: Stage| to.rank() >= stage.rank() && rules.requires(field);
    let checks: [(&'static str, Stage, bool, &'static str); 6] = [
        (
            "pain_points",
            Stage::Proposal,
            blank(&f.pain_points),
            "the needs survey: the customer's pain points",
        ),
        (
            "decision_maker",
            Stage::Proposal,
            blank(&f.decision_maker),
            "the needs survey: who decides",
        ),
        (
            "budget_range",
            Stage::Proposal,
            blank(&f.budget_range),
            "the needs survey: the budget range",
        ),
        (
            "amount_minor",
            Stage::Negotiation,
            f.amount_minor.is_none_or(|a| a <= 0),
            "the deal's amount",
        ),
        (
            "expected_close",
            Stage::Negotiation,
            blank(&f.expected_close),
            "the expected close date",
        ),
        (
            "competitors",
            Stage::Negotiation,
            blank(&f.competitors),
            "the competitors (or \"none\")",
        ),
    ];
    for (field, stage, absent, what) in checks {
        if absent && demanded(field, stage) {
            missing.push((field, what));
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

    fn rules() -> PipelineRules {
        PipelineRules::default()
    }

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
        let missing: Vec<_> = missing_for(
            Stage::Needs,
            Stage::Proposal,
            &DealFacts::default(),
            &rules(),
        )
        .into_iter()
        .map(|m| m.0)
        .collect();
        assert_eq!(
            missing,
            vec!["pain_points", "decision_maker", "budget_range"]
        );
        assert!(missing_for(Stage::Needs, Stage::Proposal, &surveyed(), &rules()).is_empty());
    }

    #[test]
    fn negotiation_needs_amount_close_date_and_competitors() {
        let missing: Vec<_> =
            missing_for(Stage::Proposal, Stage::Negotiation, &surveyed(), &rules())
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
        assert!(missing_for(Stage::Proposal, Stage::Negotiation, &ready, &rules()).is_empty());
        // Skipping stages still demands everything on the way.
        assert_eq!(
            missing_for(
                Stage::Initial,
                Stage::Negotiation,
                &DealFacts::default(),
                &rules()
            )
            .len(),
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
            missing_for(Stage::Negotiation, Stage::Won, &ready, &rules()),
            vec![("contract", "a contract approved by a manager")]
        );
        assert!(missing_for(
            Stage::Negotiation,
            Stage::Won,
            &DealFacts {
                has_approved_contract: true,
                ..ready.clone()
            },
            &rules()
        )
        .is_empty());
        assert_eq!(
            missing_for(Stage::Needs, Stage::Lost, &DealFacts::default(), &rules())[0].0,
            "lost_reason"
        );
        assert!(missing_for(
            Stage::Needs,
            Stage::Lost,
            &DealFacts {
                lost_reason: Some("价格".into()),
                ..DealFacts::default()
            },
            &rules()
        )
        .is_empty());
    }

    #[test]
    fn moving_back_is_free_and_closed_deals_stay_closed() {
        assert!(missing_for(
            Stage::Negotiation,
            Stage::Needs,
            &DealFacts::default(),
            &rules()
        )
        .is_empty());
        assert_eq!(
            missing_for(Stage::Won, Stage::Needs, &DealFacts::default(), &rules())[0].0,
            "stage"
        );
        assert_eq!(Stage::Needs.next(), Some(Stage::Proposal));
        assert_eq!(rules().probability(Stage::Proposal), 50);
        assert_eq!(rules().probability(Stage::Won), 100);
    }

    #[test]
    fn an_admin_may_drop_criteria_and_bad_settings_are_named() {
        let lighter = PipelineRules {
            proposal_requires: vec!["pain_points".into()],
            negotiation_requires: vec![],
            ..rules()
        };
        let facts = DealFacts {
            pain_points: Some("数据分散".into()),
            ..DealFacts::default()
        };
        assert!(missing_for(Stage::Initial, Stage::Negotiation, &facts, &lighter).is_empty());
        // Won still needs its approved contract whatever the settings say.
        assert_eq!(
            missing_for(Stage::Initial, Stage::Won, &facts, &lighter)[0].0,
            "contract"
        );
        let bad = PipelineRules {
            probabilities: [10, 25, 150, 75],
            proposal_requires: vec!["amount_minor".into()],
            ..rules()
        };
        let fields: Vec<_> = bad.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(fields, vec!["probabilities", "proposal_requires"]);
        assert!(rules().problems().is_empty());
    }
}
