//! Customer health, recomputed by the alert engine when an input changes (an event of a
//! customer, follow-up, ticket, survey or contract payment in the outbox) and when time
//! changes it (each customer keeps the next moment it will, `health_due_at`), in the
//! engine's transaction; the churn alert fires once per crossing below the line.
use crate::domain::health::{churn_crossing, health, Cost, HealthInputs, HealthWeights};
use crate::domain::time::{local_midnight_ms, DEFAULT_UTC_OFFSET_MINUTES};
use crate::error::AppResult;
use crate::ssr::clock::iso_date;
use crate::ssr::clock::local_date_of;
use crate::ssr::store::health as store;
use crate::ssr::store::settings;
use chrono::{Duration, NaiveDate};
use sqlx::AnyConnection;

pub const SETTING: &str = "health";
const DAY: i64 = 86_400_000;

pub async fn weights(conn: &mut AnyConnection) -> AppResult<HealthWeights> {
    Ok(settings::get::<HealthWeights>(conn, SETTING).await?)
}

/// A customer whose score just fell below the line.
#[derive(Debug, Clone)]
pub struct AtRisk {
    pub customer_id: i64,
    pub owner_id: Option<i64>,
    pub name: String,
    pub score: i64,
    pub factors: Vec<Cost>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The instant a local day begins.
fn midnight(d: NaiveDate) -> i64 {
    local_midnight_ms(d, DEFAULT_UTC_OFFSET_MINUTES).unwrap_or(i64::MAX)
}

/// Works one customer's health out again and keeps it; Some when the churn alert is due.
pub async fn recompute(
    conn: &mut AnyConnection,
    customer: i64,
    now_ms: i64,
    w: &HealthWeights,
) -> Result<Option<AtRisk>, sqlx::Error> {
    let today = local_date_of(now_ms);
    let today_text = iso_date(today);
    let Some(f) = store::facts(conn, customer, now_ms, &today_text).await? else {
        return Ok(None);
    };
    let count = |p: &str| {
        f.open_by_priority
            .iter()
            .filter(|(q, _)| q == p)
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let all: i64 = f.open_by_priority.iter().map(|(_, n)| *n).sum();
    let oldest_unpaid = f.unpaid_planned.first().and_then(|d| date(d));
    let nearest_end = f.contract_ends.first().and_then(|d| date(d));
    let days_since_contact = f.last_contact_at.map(|t| ((now_ms - t) / DAY).max(0));
    let inputs = HealthInputs {
        days_since_contact,
        open_urgent: count("urgent"),
        open_high: count("high"),
        open_other: all - count("urgent") - count("high"),
        breaches_90d: f.breaches.len() as i64,
        csat_avg: f.csat_avg,
        nps_last: f.nps_last,
        payment_overdue_days: oldest_unpaid
            .map(|p| (today - p).num_days().max(0))
            .unwrap_or(0),
        renewal_in_days: nearest_end.map(|e| (e - today).num_days()),
    };
    let (score, costs) = health(&inputs, w);

    // When time alone will change the score next.
    let tomorrow = midnight(today + Duration::days(1));
    let mut next: Vec<i64> = Vec::new();
    if let (Some(last), Some(days)) = (f.last_contact_at, days_since_contact) {
        if days - w.silent_after_days < w.silence_max {
            next.push(last + (days + 1) * DAY);
        }
        if days < w.renewal_quiet_days {
            next.push(last + w.renewal_quiet_days * DAY);
        }
    }
    if oldest_unpaid.is_some() && inputs.payment_overdue_days < w.payment_max {
        next.push(tomorrow);
    }
    if let Some(oldest) = f.breaches.iter().min() {
        next.push(oldest + 90 * DAY + 1);
    }
    if let Some(end) = nearest_end {
        next.push(midnight(end - Duration::days(w.renewal_days)));
        next.push(midnight(end + Duration::days(1)));
    }
    let due_at = next.into_iter().filter(|t| *t > now_ms).min();

    let (at_risk, alert) = churn_crossing(score, f.at_risk, w);
    let factors = serde_json::to_string(&costs).unwrap_or_else(|_| "[]".to_string());
    store::save(conn, customer, score, &factors, due_at, at_risk).await?;
    Ok(alert.then_some(AtRisk {
        customer_id: customer,
        owner_id: f.owner_id,
        name: f.name,
        score,
        factors: costs,
    }))
}
