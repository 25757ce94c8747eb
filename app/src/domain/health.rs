//! Customer health: a 0–100 score worked out from what a customer's record says (how long
//! since anyone was in touch, open tickets and their priority, SLA breaches, satisfaction,
//! the latest NPS answer, overdue payments, a renewal coming with nobody in touch), each
//! factor taking points off 100 up to its cap. The weights are an admin setting; the
//! factors that took points are kept and shown in words.
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// How much each factor may take off, and where "at risk" starts and ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HealthWeights {
    /// Days without contact before silence costs a point a day …
    pub silent_after_days: i64,
    /// … up to this many points.
    pub silence_max: i64,
    /// Points per open ticket (a high one counts twice, an urgent one three times) …
    pub ticket_points: i64,
    /// … up to this many.
    pub tickets_max: i64,
    /// Points per SLA breach in the last 90 days, up to `breaches_max`.
    pub breach_points: i64,
    pub breaches_max: i64,
    /// Points when the average CSAT of the last 180 days is below 3.5 (twice that at 2 or
    /// less).
    pub low_csat_points: i64,
    /// Points when the latest NPS answer is a detractor's (0–6).
    pub detractor_points: i64,
    /// A point a day a payment is overdue, up to this many.
    pub payment_max: i64,
    /// Points when a contract ends within `renewal_days` and nobody was in touch for
    /// `renewal_quiet_days`.
    pub renewal_points: i64,
    pub renewal_days: i64,
    pub renewal_quiet_days: i64,
    /// Below this the customer is at risk (the churn alert) …
    pub at_risk_below: i64,
    /// … until the score is back at this or above.
    pub recovered_at: i64,
}

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights {
            silent_after_days: 14,
            silence_max: 30,
            ticket_points: 5,
            tickets_max: 25,
            breach_points: 8,
            breaches_max: 24,
            low_csat_points: 15,
            detractor_points: 15,
            payment_max: 30,
            renewal_points: 15,
            renewal_days: 60,
            renewal_quiet_days: 30,
            at_risk_below: 40,
            recovered_at: 50,
        }
    }
}

impl HealthWeights {
    /// Field → problem, for every weight out of range.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut range = |field: &'static str, v: i64, lo: i64, hi: i64| {
            if !(lo..=hi).contains(&v) {
                out.push((field, format!("must be between {lo} and {hi}")));
            }
        };
        range("silent_after_days", self.silent_after_days, 1, 365);
        for (f, v) in [
            ("silence_max", self.silence_max),
            ("ticket_points", self.ticket_points),
            ("tickets_max", self.tickets_max),
            ("breach_points", self.breach_points),
            ("breaches_max", self.breaches_max),
            ("low_csat_points", self.low_csat_points),
            ("detractor_points", self.detractor_points),
            ("payment_max", self.payment_max),
            ("renewal_points", self.renewal_points),
        ] {
            range(f, v, 0, 100);
        }
        range("renewal_days", self.renewal_days, 1, 365);
        range("renewal_quiet_days", self.renewal_quiet_days, 1, 365);
        range("at_risk_below", self.at_risk_below, 1, 99);
        range("recovered_at", self.recovered_at, self.at_risk_below, 100);
        out
    }
}

/// What the score is worked out from, as of a day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthInputs {
    /// Days since the last contact (None: never).
    pub days_since_contact: Option<i64>,
    pub open_urgent: i64,
    pub open_high: i64,
    pub open_other: i64,
    pub breaches_90d: i64,
    /// Average CSAT of the last 180 days, if any.
    pub csat_avg: Option<f64>,
    /// The latest NPS answer, if any.
    pub nps_last: Option<i64>,
    /// Days the most overdue unpaid installment is overdue (0: none).
    pub payment_overdue_days: i64,
    /// Days until the nearest contract ends, if one ends in the future.
    pub renewal_in_days: Option<i64>,
}

/// A factor that took points, with what it measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "factor", rename_all = "snake_case")]
pub enum HealthFactor {
    NoContact { days: i64 },
    OpenTickets { count: i64, urgent: i64 },
    SlaBreaches { count: i64 },
    LowCsat { tenths: i64 },
    Detractor { score: i64 },
    PaymentOverdue { days: i64 },
    RenewalQuiet { days: i64 },
}

/// A factor and the points it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Cost {
    #[serde(flatten)]
    pub factor: HealthFactor,
    pub points: i64,
}

impl HealthFactor {
    /// The factor in words, in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        use HealthFactor::*;
        match (self, lang) {
            (NoContact { days }, Lang::En) => format!("no contact for {days} days"),
            (NoContact { days }, Lang::ZhCn) => format!("{days} 天未联系"),
            (OpenTickets { count, urgent }, Lang::En) if *urgent > 0 => {
                format!("{count} open tickets, {urgent} urgent")
            }
            (OpenTickets { count, urgent }, Lang::ZhCn) if *urgent > 0 => {
                format!("{count} 个未解决工单，其中 {urgent} 个紧急")
            }
            (OpenTickets { count, .. }, Lang::En) => format!("{count} open tickets"),
            (OpenTickets { count, .. }, Lang::ZhCn) => format!("{count} 个未解决工单"),
            (SlaBreaches { count }, Lang::En) => format!("{count} SLA breaches in 90 days"),
            (SlaBreaches { count }, Lang::ZhCn) => format!("90 天内 {count} 次 SLA 超时"),
            (LowCsat { tenths }, Lang::En) => {
                format!("satisfaction {}.{} of 5", tenths / 10, tenths % 10)
            }
            (LowCsat { tenths }, Lang::ZhCn) => {
                format!("满意度 {}.{} 分（满分 5）", tenths / 10, tenths % 10)
            }
            (Detractor { score }, Lang::En) => format!("gave an NPS of {score}"),
            (Detractor { score }, Lang::ZhCn) => format!("NPS 评分 {score}"),
            (PaymentOverdue { days }, Lang::En) => format!("payment {days} days overdue"),
            (PaymentOverdue { days }, Lang::ZhCn) => format!("回款逾期 {days} 天"),
            (RenewalQuiet { days }, Lang::En) => {
                format!("contract ends in {days} days with no recent contact")
            }
            (RenewalQuiet { days }, Lang::ZhCn) => format!("合同 {days} 天后到期，近期无联系"),
        }
    }
}

/// The score and the factors that took points from it, largest first.
pub fn health(i: &HealthInputs, w: &HealthWeights) -> (i64, Vec<Cost>) {
    let mut costs = Vec::new();
    let mut take = |factor: HealthFactor, points: i64| {
        if points > 0 {
            costs.push(Cost { factor, points });
        }
    };
    let silent = i.days_since_contact;
    if let Some(days) = silent {
        take(
            HealthFactor::NoContact { days },
            (days - w.silent_after_days).clamp(0, w.silence_max),
        );
    }
    let count = i.open_urgent + i.open_high + i.open_other;
    take(
        HealthFactor::OpenTickets {
            count,
            urgent: i.open_urgent,
        },
        ((3 * i.open_urgent + 2 * i.open_high + i.open_other) * w.ticket_points).min(w.tickets_max),
    );
    take(
        HealthFactor::SlaBreaches {
            count: i.breaches_90d,
        },
        (i.breaches_90d * w.breach_points).min(w.breaches_max),
    );
    if let Some(avg) = i.csat_avg {
        let points = if avg <= 2.0 {
            2 * w.low_csat_points
        } else if avg < 3.5 {
            w.low_csat_points
        } else {
            0
        };
        take(
            HealthFactor::LowCsat {
                tenths: (avg * 10.0).round() as i64,
            },
            points,
        );
    }
    if let Some(score) = i.nps_last.filter(|s| *s <= 6) {
        take(HealthFactor::Detractor { score }, w.detractor_points);
    }
    take(
        HealthFactor::PaymentOverdue {
            days: i.payment_overdue_days,
        },
        i.payment_overdue_days.clamp(0, w.payment_max),
    );
    if let Some(days) = i.renewal_in_days.filter(|d| *d <= w.renewal_days) {
        let quiet = silent.is_none_or(|s| s >= w.renewal_quiet_days);
        if quiet {
            take(HealthFactor::RenewalQuiet { days }, w.renewal_points);
        }
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.points));
    let score = (100 - costs.iter().map(|c| c.points).sum::<i64>()).clamp(0, 100);
    (score, costs)
}

/// Whether the churn alert fires now: the score fell below the line while the customer
/// was not at risk. Returns the new at-risk flag and whether to alert.
pub fn churn_crossing(score: i64, was_at_risk: bool, w: &HealthWeights) -> (bool, bool) {
    if score < w.at_risk_below {
        (true, !was_at_risk)
    } else if was_at_risk && score < w.recovered_at {
        (true, false)
    } else {
        (false, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_factor_takes_its_points_up_to_its_cap_and_says_why() {
        let w = HealthWeights::default();
        let i = HealthInputs {
            days_since_contact: Some(64),
            open_urgent: 1,
            open_other: 1,
            breaches_90d: 2,
            payment_overdue_days: 45,
            ..Default::default()
        };
        let (score, costs) = health(&i, &w);
        // silence 50 → 30 (cap), tickets (3 + 1) × 5 = 20, breaches 16, payment 45 → 30.
        assert_eq!(score, 100 - 30 - 20 - 16 - 30);
        assert_eq!(score, 4);
        let words: Vec<String> = costs.iter().map(|c| c.factor.describe(Lang::En)).collect();
        assert!(
            words.contains(&"no contact for 64 days".to_string()),
            "{words:?}"
        );
        assert!(words.contains(&"2 SLA breaches in 90 days".to_string()));
        assert!(words.contains(&"payment 45 days overdue".to_string()));
        assert!(words.contains(&"2 open tickets, 1 urgent".to_string()));
        assert_eq!(costs[0].points, 30);
        let healthy = HealthInputs {
            days_since_contact: Some(3),
            csat_avg: Some(4.6),
            nps_last: Some(9),
            renewal_in_days: Some(30),
            ..Default::default()
        };
        assert_eq!(health(&healthy, &w), (100, vec![]));
        let quiet = HealthInputs {
            days_since_contact: Some(40),
            renewal_in_days: Some(30),
            nps_last: Some(3),
            csat_avg: Some(2.0),
            ..Default::default()
        };
        let (score, costs) = health(&quiet, &w);
        assert_eq!(score, 100 - 26 - 15 - 15 - 30);
        assert_eq!(costs.len(), 4);
        assert_eq!(
            HealthFactor::NoContact { days: 64 }.describe(Lang::ZhCn),
            "64 天未联系"
        );
    }

    #[test]
    fn the_churn_alert_fires_once_per_crossing_and_rearms_only_after_recovery() {
        let w = HealthWeights::default();
        assert_eq!(churn_crossing(39, false, &w), (true, true));
        assert_eq!(churn_crossing(30, true, &w), (true, false));
        assert_eq!(
            churn_crossing(45, true, &w),
            (true, false),
            "within the margin"
        );
        assert_eq!(churn_crossing(39, true, &w), (true, false));
        assert_eq!(churn_crossing(50, true, &w), (false, false), "recovered");
        assert_eq!(
            churn_crossing(39, false, &w),
            (true, true),
            "a new crossing"
        );
        assert_eq!(churn_crossing(45, false, &w), (false, false));
    }
}
