//! Receivables (回款): a contract's payment plan (installments, each a date and an
//! amount, together the contract's amount) and the payments received against it, applied
//! to the installments oldest first. An installment not fully paid is overdue from the
//! day after its planned date.
use chrono::NaiveDate;

/// One installment of a plan as someone enters it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlannedInstallment {
    /// YYYY-MM-DD
    pub planned_date: String,
    pub amount_minor: i64,
}

/// The problems of a plan for a contract of `contract_amount`, by field: dates that are
/// not dates, amounts not above zero, a total that is not the contract's amount.
pub fn plan_problems(contract_amount: i64, plan: &[PlannedInstallment]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if plan.is_empty() {
        out.push((
            "installments".to_string(),
            "this field is required".to_string(),
        ));
        return out;
    }
    if plan.len() > 60 {
        out.push((
            "installments".to_string(),
            "at most 60 installments".to_string(),
        ));
    }
    for (i, p) in plan.iter().enumerate() {
        if NaiveDate::parse_from_str(&p.planned_date, "%Y-%m-%d").is_err() {
            out.push((
                format!("installments[{i}].planned_date"),
                "a date like 2026-12-31".to_string(),
            ));
        }
        if p.amount_minor <= 0 {
            out.push((
                format!("installments[{i}].amount_minor"),
                "must be more than zero".to_string(),
            ));
        }
    }
    let total: i64 = plan.iter().map(|p| p.amount_minor).sum();
    if out.is_empty() && total != contract_amount {
        out.push((
            "installments".to_string(),
            "the installments must add up to the contract amount".to_string(),
        ));
    }
    out
}

/// How much of each installment (in plan order: by date) `received` pays, oldest first;
/// what is left over after the last one is returned as credit.
pub fn apply_received(amounts: &[i64], received: i64) -> (Vec<i64>, i64) {
    let mut left = received.max(0);
    let paid = amounts
        .iter()
        .map(|a| {
            let p = left.min(*a);
            left -= p;
            p
        })
        .collect();
    (paid, left)
}

/// Days an installment is overdue on `today`: from the day after its planned date, while
/// anything of it is unpaid; 0 otherwise.
pub fn overdue_days(planned: NaiveDate, amount: i64, paid: i64, today: NaiveDate) -> i64 {
    if paid >= amount || today <= planned {
        0
    } else {
        (today - planned).num_days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(date: &str, amount: i64) -> PlannedInstallment {
        PlannedInstallment {
            planned_date: date.to_string(),
            amount_minor: amount,
        }
    }

    #[test]
    fn a_plan_adds_up_to_the_contract_and_names_each_bad_line() {
        assert!(plan_problems(100, &[inst("2026-01-01", 40), inst("2026-04-01", 60)]).is_empty());
        let p = plan_problems(100, &[inst("2026-01-01", 40), inst("2026-04-01", 50)]);
        assert_eq!(p[0].0, "installments");
        let p = plan_problems(100, &[inst("2026-13-01", 40), inst("2026-04-01", 0)]);
        assert_eq!(p[0].0, "installments[0].planned_date");
        assert_eq!(p[1].0, "installments[1].amount_minor");
        assert_eq!(plan_problems(100, &[])[0].0, "installments");
    }

    #[test]
    fn payments_fill_the_oldest_installment_first_and_overdue_starts_the_day_after() {
        assert_eq!(apply_received(&[40, 30, 30], 55), (vec![40, 15, 0], 0));
        assert_eq!(apply_received(&[40, 30, 30], 130), (vec![40, 30, 30], 30));
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(overdue_days(d("2026-03-01"), 30, 15, d("2026-03-01")), 0);
        assert_eq!(overdue_days(d("2026-03-01"), 30, 15, d("2026-03-02")), 1);
        assert_eq!(overdue_days(d("2026-03-01"), 30, 30, d("2026-04-02")), 0);
    }
}
