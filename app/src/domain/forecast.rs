//! The sales forecast by category, as Salesforce's cumulative forecasts count it: each
//! open deal is put by its owner in pipeline, best case, commit or omitted; a won deal is
//! closed. The roll-ups are cumulative: commit includes closed, best case includes
//! commit, pipeline includes best case; omitted deals are in none.
use crate::i18n::Lang;

named_enum!(
    /// Where a deal's owner forecasts it.
    ForecastCategory {
        Pipeline => "pipeline",
        BestCase => "best_case",
        Commit => "commit",
        Omitted => "omitted",
    }
);

impl ForecastCategory {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ForecastCategory::Pipeline => lang.t("Pipeline", "渠道"),
            ForecastCategory::BestCase => lang.t("Best case", "最佳情况"),
            ForecastCategory::Commit => lang.t("Commit", "承诺"),
            ForecastCategory::Omitted => lang.t("Omitted", "不计入"),
        }
    }
}

/// The cumulative roll-ups of one person's (or a team's) deals for a period, in minor
/// units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rollup {
    /// Won in the period.
    pub closed: i64,
    /// Closed plus the open deals in commit.
    pub commit: i64,
    /// Commit plus best case.
    pub best_case: i64,
    /// Best case plus pipeline: every deal not omitted.
    pub pipeline: i64,
}

/// A deal as the forecast counts it: won (closed) or open in a category, and its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastDeal {
    pub won: bool,
    pub category: ForecastCategory,
    pub amount_minor: i64,
}

/// The cumulative roll-ups of these deals.
pub fn rollup(deals: impl IntoIterator<Item = ForecastDeal>) -> Rollup {
    let (mut closed, mut commit, mut best, mut pipeline) = (0, 0, 0, 0);
    for d in deals {
        match (d.won, d.category) {
            (true, _) => closed += d.amount_minor,
            (false, ForecastCategory::Commit) => commit += d.amount_minor,
            (false, ForecastCategory::BestCase) => best += d.amount_minor,
            (false, ForecastCategory::Pipeline) => pipeline += d.amount_minor,
            (false, ForecastCategory::Omitted) => {}
        }
    }
    Rollup {
        closed,
        commit: closed + commit,
        best_case: closed + commit + best,
        pipeline: closed + commit + best + pipeline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_roll_up_includes_the_ones_before_it_and_omitted_deals_count_nowhere() {
        let deal = |won, category, amount_minor| ForecastDeal {
            won,
            category,
            amount_minor,
        };
        let r = rollup([
            deal(true, ForecastCategory::Pipeline, 100),
            deal(false, ForecastCategory::Commit, 20),
            deal(false, ForecastCategory::BestCase, 3),
            deal(false, ForecastCategory::Pipeline, 4000),
            deal(false, ForecastCategory::Omitted, 50_000),
        ]);
        assert_eq!(
            r,
            Rollup {
                closed: 100,
                commit: 120,
                best_case: 123,
                pipeline: 4123
            }
        );
        assert_eq!(rollup([]), Rollup::default());
    }
}
