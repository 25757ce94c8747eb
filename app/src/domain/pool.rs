//! Public pool (公海) rules: when an owned customer returns to the pool, and whether a rep
//! may claim one. Plain functions over plain data.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Admin-editable pool settings (stored under the `pool` setting key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PoolRules {
    /// Customers one rep may own at a time.
    pub holding_limit: i64,
    /// Customers one rep may claim from the pool per local day.
    pub daily_claim_cap: i64,
    /// Days a previous owner must wait before claiming the same customer again.
    pub reclaim_cooldown_days: i64,
    /// Days without a follow-up (since the later of last activity and claim) before reclaim.
    pub no_follow_up_days: i64,
    /// Days after a claim without a won deal before reclaim.
    pub no_win_days: i64,
    /// Days of warning before a reclaim.
    pub warning_days: i64,
    /// Optional holding limits per customer level, e.g. `{"A": 20}`: a rep may hold at most
    /// that many customers of the level (on top of `holding_limit`).
    pub level_limits: std::collections::BTreeMap<String, i64>,
}

impl Default for PoolRules {
    fn default() -> Self {
        PoolRules {
            holding_limit: 150,
            daily_claim_cap: 20,
            reclaim_cooldown_days: 30,
            no_follow_up_days: 30,
            no_win_days: 90,
            warning_days: 3,
            level_limits: std::collections::BTreeMap::new(),
        }
    }
}

impl PoolRules {
    /// Field → problem, for every value out of range.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, value, max) in [
            ("holding_limit", self.holding_limit, 100_000),
            ("daily_claim_cap", self.daily_claim_cap, 10_000),
            ("reclaim_cooldown_days", self.reclaim_cooldown_days, 3650),
            ("no_follow_up_days", self.no_follow_up_days, 3650),
            ("no_win_days", self.no_win_days, 3650),
            ("warning_days", self.warning_days, 365),
        ] {
            if !(0..=max).contains(&value) {
                out.push((field, format!("must be between 0 and {max}")));
            }
        }
        if self.level_limits.iter().any(|(level, limit)| {
            !["A", "B", "C"].contains(&level.as_str()) || !(0..=100_000).contains(limit)
        }) {
            out.push((
                "level_limits",
                "give levels A, B or C, each a limit between 0 and 100000".into(),
            ));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReclaimReason {
    NoFollowUp,
    NoWonDeal,
}

/// What the reclaim rule needs to know about an owned customer.
#[derive(Debug, Clone, Copy)]
pub struct Holding {
    pub claimed_at: Option<DateTime<Utc>>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub has_won_deal: bool,
    pub locked: bool,
}

/// When the customer returns to the pool and why; None when it never will (locked).
pub fn reclaim_at(h: Holding, rules: &PoolRules) -> Option<(DateTime<Utc>, ReclaimReason)> {
    if h.locked {
        return None;
    }
    let claimed = h.claimed_at?;
    let since = h.last_contact_at.map_or(claimed, |c| c.max(claimed));
    let follow_up = (
        since + Duration::days(rules.no_follow_up_days),
        ReclaimReason::NoFollowUp,
    );
    let win = (!h.has_won_deal).then(|| {
        (
            claimed + Duration::days(rules.no_win_days),
            ReclaimReason::NoWonDeal,
        )
    });
    Some(match win {
        Some(w) if w.0 < follow_up.0 => w,
        _ => follow_up,
    })
}

/// Whole days left, rounded up ("returns to the pool in 3 days"); 0 when due.
pub fn days_left(now: DateTime<Utc>, at: DateTime<Utc>) -> i64 {
    let ms = (at - now).num_milliseconds();
    if ms <= 0 {
        0
    } else {
        (ms + 86_400_000 - 1) / 86_400_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default()
            + Duration::days(i64::from(day))
    }

    #[test]
    fn thirty_days_without_follow_up_from_the_later_of_claim_and_contact() {
        let rules = PoolRules::default();
        let h = Holding {
            claimed_at: Some(t(0)),
            last_contact_at: Some(t(10)),
            has_won_deal: true,
            locked: false,
        };
        assert_eq!(
            reclaim_at(h, &rules),
            Some((t(40), ReclaimReason::NoFollowUp))
        );
        let before_claim = Holding {
            last_contact_at: Some(t(0)),
            claimed_at: Some(t(5)),
            ..h
        };
        assert_eq!(
            reclaim_at(before_claim, &rules),
            Some((t(35), ReclaimReason::NoFollowUp))
        );
    }

    #[test]
    fn ninety_days_without_a_won_deal_even_with_follow_ups() {
        let rules = PoolRules::default();
        let h = Holding {
            claimed_at: Some(t(0)),
            last_contact_at: Some(t(80)),
            has_won_deal: false,
            locked: false,
        };
        assert_eq!(
            reclaim_at(h, &rules),
            Some((t(90), ReclaimReason::NoWonDeal))
        );
        let won = Holding {
            has_won_deal: true,
            ..h
        };
        assert_eq!(
            reclaim_at(won, &rules),
            Some((t(110), ReclaimReason::NoFollowUp))
        );
    }

    #[test]
    fn locked_and_pool_customers_are_never_reclaimed() {
        let rules = PoolRules::default();
        let h = Holding {
            claimed_at: Some(t(0)),
            last_contact_at: None,
            has_won_deal: false,
            locked: true,
        };
        assert_eq!(reclaim_at(h, &rules), None);
        let pool = Holding {
            claimed_at: None,
            locked: false,
            ..h
        };
        assert_eq!(reclaim_at(pool, &rules), None);
    }

    #[test]
    fn days_left_round_up() {
        assert_eq!(days_left(t(0), t(3)), 3);
        assert_eq!(days_left(t(0), t(3) - Duration::hours(1)), 3);
        assert_eq!(days_left(t(3), t(3)), 0);
        assert_eq!(days_left(t(4), t(3)), 0);
    }
}
