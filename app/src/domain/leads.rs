//! Leads: lifecycle, first-contact SLA and assignment rules, as plain rules.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Where leads come from, by their stored code.
pub const LEAD_SOURCES: [&str; 7] = [
    "web_form", "event", "referral", "import", "api", "trial", "demo",
];

/// The sources a person picks from when typing a lead in (imports and the API come by
/// themselves).
pub const TYPED_LEAD_SOURCES: [&str; 5] = ["event", "referral", "web_form", "trial", "demo"];

/// A lead source as people read it; the code itself for one Tandem does not know.
pub fn lead_source_label(code: &str, lang: crate::i18n::Lang) -> &str {
    match code {
        "web_form" => lang.t("Website", "官网表单"),
        "event" => lang.t("Event", "活动"),
        "referral" => lang.t("Referral", "转介绍"),
        "import" => lang.t("Import", "导入"),
        "api" => lang.t("API", "API 接入"),
        "trial" => lang.t("Trial request", "试用申请"),
        "demo" => lang.t("Demo request", "演示申请"),
        other => other,
    }
}

/// A known source's code as stored (for a query naming one).
pub fn lead_source(code: &str) -> Option<&'static str> {
    LEAD_SOURCES.iter().copied().find(|s| *s == code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    /// Marketing-qualified.
    Mql,
    /// Sales-qualified: need, budget and timeline confirmed.
    Sql,
    Converted,
    Disqualified,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 5] = [
        LeadStatus::New,
        LeadStatus::Mql,
        LeadStatus::Sql,
        LeadStatus::Converted,
        LeadStatus::Disqualified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Mql => "mql",
            LeadStatus::Sql => "sql",
            LeadStatus::Converted => "converted",
            LeadStatus::Disqualified => "disqualified",
        }
    }

    pub fn parse(s: &str) -> Option<LeadStatus> {
        LeadStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, LeadStatus::Converted | LeadStatus::Disqualified)
    }

    /// Whether a qualification step from `self` to `to` follows the lifecycle
    /// (new → MQL → SQL; conversion and disqualification are their own actions).
    pub fn can_qualify_to(self, to: LeadStatus) -> bool {
        matches!(
            (self, to),
            (LeadStatus::New, LeadStatus::Mql)
                | (LeadStatus::New, LeadStatus::Sql)
                | (LeadStatus::Mql, LeadStatus::Sql)
        )
    }
}

/// Admin-editable lead timing (stored under the `leads` setting key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LeadRules {
    pub first_contact_hours: i64,
    /// Sources that get the short clock (trial and demo requests).
    pub urgent_sources: Vec<String>,
    pub urgent_first_contact_hours: i64,
    /// An MQL not qualified to SQL within this many days returns to the pool.
    pub mql_timeout_days: i64,
}

impl Default for LeadRules {
    fn default() -> Self {
        LeadRules {
            first_contact_hours: 24,
            urgent_sources: vec!["trial".into(), "demo".into()],
            urgent_first_contact_hours: 2,
            mql_timeout_days: 7,
        }
    }
}

impl LeadRules {
    /// Field → problem, for every value out of range.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, value) in [
            ("first_contact_hours", self.first_contact_hours),
            (
                "urgent_first_contact_hours",
                self.urgent_first_contact_hours,
            ),
            ("mql_timeout_days", self.mql_timeout_days),
        ] {
            if !(1..=10_000).contains(&value) {
                out.push((field, "must be between 1 and 10000".to_string()));
            }
        }
        if self
            .urgent_sources
            .iter()
            .any(|s| s.trim().is_empty() || s.chars().count() > 50)
        {
            out.push((
                "urgent_sources",
                "each source 1 to 50 characters".to_string(),
            ));
        }
        out
    }

    /// When the first contact is due for a lead assigned at `assigned_at`.
    pub fn first_contact_due(&self, source: &str, assigned_at: DateTime<Utc>) -> DateTime<Utc> {
        let hours = if self.urgent_sources.iter().any(|s| s == source) {
            self.urgent_first_contact_hours
        } else {
            self.first_contact_hours
        };
        assigned_at + Duration::hours(hours)
    }
}

/// A routing rule: leads matching every given criterion go round robin to `rep_ids`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssignmentRule {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub product_line: Option<String>,
    pub rep_ids: Vec<i64>,
}

/// What routing looks at on a lead.
#[derive(Debug, Clone, Default)]
pub struct LeadFacts<'a> {
    pub source: &'a str,
    pub region: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub product_line: Option<&'a str>,
}

impl AssignmentRule {
    pub fn matches(&self, l: &LeadFacts<'_>) -> bool {
        fn ok(want: &Option<String>, have: Option<&str>) -> bool {
            want.as_deref().is_none_or(|w| have == Some(w))
        }
        self.source.as_deref().is_none_or(|s| s == l.source)
            && ok(&self.region, l.region)
            && ok(&self.industry, l.industry)
            && ok(&self.product_line, l.product_line)
    }
}

pub use super::routing::round_robin;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn trial_and_demo_requests_get_two_hours() {
        let rules = LeadRules::default();
        let at = Utc
            .with_ymd_and_hms(2026, 11, 22, 6, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            rules.first_contact_due("trial", at),
            at + Duration::hours(2)
        );
        assert_eq!(
            rules.first_contact_due("web_form", at),
            at + Duration::hours(24)
        );
    }

    #[test]
    fn rules_match_on_every_given_criterion() {
        let rule = AssignmentRule {
            source: Some("web_form".into()),
            region: Some("华东".into()),
            rep_ids: vec![1],
            ..Default::default()
        };
        assert!(rule.matches(&LeadFacts {
            source: "web_form",
            region: Some("华东"),
            ..Default::default()
        }));
        assert!(!rule.matches(&LeadFacts {
            source: "web_form",
            region: Some("华南"),
            ..Default::default()
        }));
        assert!(!rule.matches(&LeadFacts {
            source: "event",
            region: Some("华东"),
            ..Default::default()
        }));
        assert!(AssignmentRule {
            rep_ids: vec![1],
            ..Default::default()
        }
        .matches(&LeadFacts {
            source: "x",
            ..Default::default()
        }));
    }

    #[test]
    fn the_lifecycle_only_moves_forward() {
        assert!(LeadStatus::New.can_qualify_to(LeadStatus::Mql));
        assert!(LeadStatus::Mql.can_qualify_to(LeadStatus::Sql));
        assert!(!LeadStatus::Sql.can_qualify_to(LeadStatus::Mql));
        assert!(!LeadStatus::Converted.can_qualify_to(LeadStatus::Sql));
    }
}
