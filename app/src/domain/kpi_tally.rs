//! What a KPI's value is worked out from: a tally of the records behind it (how many,
//! how many flagged, the sums of their amounts and measures, and the count of each value
//! where a percentile or a score needs the distribution). A tally of the records read
//! one by one and the sum of stored tallies (the roll-ups, per person and day) are the
//! same thing, so both give a KPI the same number.
use crate::domain::kpis::{Fact, KpiKey};
use std::collections::BTreeMap;

/// The figures a KPI's value needs of a set of records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The records.
    pub n: i64,
    /// Those whose measure is the flag 1 (won, converted, on time, …).
    pub flagged: i64,
    pub amount_sum: i64,
    /// Those with an amount.
    pub amount_n: i64,
    pub measure_sum: i64,
    /// Those with a measure.
    pub measure_n: i64,
    /// The sum of amount × measure (an amount weighted by a probability in percent), for
    /// the open pipeline's KPIs.
    pub weighted: i64,
    /// How many records have each value, for the KPIs whose value needs the
    /// distribution ([`Graded`]).
    pub grades: BTreeMap<i64, i64>,
}

/// Which of a record's figures a KPI keeps the distribution of: a duration's percentile
/// needs each measure, a net promoter score each answer's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graded {
    Not,
    ByMeasure,
    ByAmount,
}

pub fn graded(key: KpiKey) -> Graded {
    use KpiKey::*;
    match key {
        TicketFirstResponseMedian
        | TicketFirstResponseP90
        | TicketResolutionMedian
        | TicketResolutionP90 => Graded::ByMeasure,
        Nps => Graded::ByAmount,
        _ => Graded::Not,
    }
}

impl Tally {
    /// The tally of records read one by one, for `key`.
    pub fn of(key: KpiKey, facts: &[Fact]) -> Tally {
        let mut t = Tally::default();
        for f in facts {
            t.n += 1;
            t.flagged += i64::from(f.measure == Some(1));
            if let Some(a) = f.amount {
                t.amount_sum += a;
                t.amount_n += 1;
            }
            if let Some(m) = f.measure {
                t.measure_sum += m;
                t.measure_n += 1;
            }
            if matches!(key, KpiKey::PipelineValue | KpiKey::WeightedForecast) {
                t.weighted += f.amount.unwrap_or(0).saturating_mul(f.measure.unwrap_or(0));
            }
            let grade = match graded(key) {
                Graded::Not => None,
                Graded::ByMeasure => f.measure,
                Graded::ByAmount => f.amount,
            };
            if let Some(g) = grade {
                *t.grades.entry(g).or_default() += 1;
            }
        }
        t
    }

    /// Adds another tally's records to this one.
    pub fn add(&mut self, other: &Tally) {
        self.n += other.n;
        self.flagged += other.flagged;
        self.amount_sum += other.amount_sum;
        self.amount_n += other.amount_n;
        self.measure_sum += other.measure_sum;
        self.measure_n += other.measure_n;
        self.weighted += other.weighted;
        for (g, c) in &other.grades {
            *self.grades.entry(*g).or_default() += c;
        }
    }

    /// How many records a KPI of these counts (its drill-down's length): the deals with
    /// an amount for the average deal size, all of them otherwise.
    pub fn records(&self, key: KpiKey) -> i64 {
        match key {
            KpiKey::AverageDealSize => self.amount_n,
            _ => self.n,
        }
    }

    /// The KPI's value; None when there is nothing to count (a rate over no records, a
    /// median of none).
    pub fn value(&self, key: KpiKey) -> Option<f64> {
        use KpiKey::*;
        match key {
            LeadsNew | CustomersAtRisk | ActiveUsers | ActivitiesLogged => Some(self.n as f64),
            LeadConversion | MqlToSql | LeadFirstContactSla | FollowUpCompliance | WinRate
            | SlaCompliance | ResolutionRate | DataCompleteness | CustomerRetention => {
                share(self.flagged, self.n)
            }
            WonAmount | PipelineValue | ReceivedAmount | ReceivablesOverdue | ReceivablesDue30d => {
                Some(self.amount_sum as f64)
            }
            AverageDealSize => {
                (self.amount_n > 0).then(|| self.amount_sum as f64 / self.amount_n as f64)
            }
            SalesCycleDays => mean(self.measure_sum, self.measure_n).map(|m| m / 1440.0),
            WeightedForecast => Some((self.weighted as f64 / 100.0).round()),
            TicketFirstResponseMedian | TicketResolutionMedian => self.percentile(50),
            TicketFirstResponseP90 | TicketResolutionP90 => self.percentile(90),
            Csat => mean(self.amount_sum, self.amount_n),
            Nps => self.nps(),
        }
    }

    /// The nearest-rank percentile of the graded values: the smallest value with at
    /// least `p` % of the values at or below it.
    pub fn percentile(&self, p: i64) -> Option<f64> {
        let total: i64 = self.grades.values().sum();
        if total == 0 {
            return None;
        }
        let rank = (p * total + 99) / 100;
        let rank = rank.max(1);
        let mut seen = 0;
        for (value, count) in &self.grades {
            seen += count;
            if seen >= rank {
                return Some(*value as f64);
            }
        }
        None
    }

    /// Net promoter score of the graded scores: % promoters (9–10) − % detractors
    /// (0–6), whole points.
    fn nps(&self) -> Option<f64> {
        let total: i64 = self.grades.values().sum();
        if total == 0 {
            return None;
        }
        let count = |keep: &dyn Fn(i64) -> bool| -> i64 {
            self.grades
                .iter()
                .filter(|(g, _)| keep(**g))
                .map(|(_, c)| c)
                .sum()
        };
        let promoters = count(&|g| g >= 9) as f64;
        let detractors = count(&|g| g <= 6) as f64;
        Some(((promoters - detractors) * 100.0 / total as f64).round())
    }
}

/// `part` of `whole` as a percentage with one decimal; None of nothing.
fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A mean with one decimal; None of nothing.
fn mean(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(measure: Option<i64>) -> Fact {
        Fact {
            id: 1,
            at_ms: 0,
            owner: None,
            amount: None,
            measure,
            part: String::new(),
        }
    }

    #[test]
    fn tallies_added_give_the_value_of_all_their_records() {
        let minutes: Vec<Fact> = [5, 1, 30, 12, 8, 60, 3, 2, 9, 15]
            .iter()
            .map(|m| fact(Some(*m)))
            .collect();
        let key = KpiKey::TicketFirstResponseP90;
        let mut sum = Tally::of(key, &minutes[..4]);
        sum.add(&Tally::of(key, &minutes[4..]));
        assert_eq!(sum, Tally::of(key, &minutes));
        assert_eq!(sum.value(key), Some(30.0));
        assert_eq!(sum.value(KpiKey::TicketFirstResponseMedian), Some(8.0));
        assert_eq!(Tally::default().value(key), None);
    }
}
