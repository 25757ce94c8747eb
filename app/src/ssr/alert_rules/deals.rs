//! Rules that watch deals: a deal stalled in a stage, and the check-in after a win.
use super::{managers_copies, owner_alert, RuleFuture, TimeRule, Window, DAY};
use crate::domain::alerts::AlertKind;
use crate::domain::events::Entity;
use crate::ssr::clock::local_day;
use crate::ssr::store::deals::{entered_stage_between, won_without_contact_since};
use crate::ssr::store::receivables::unpaid_planned_between;

/// A deal longer in an open stage than its limit: the owner; at twice the limit, the
/// team's managers.
pub(super) struct StageStalled;
impl TimeRule for StageStalled {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let mut out = Vec::new();
            for (stage, days) in t.alerts.stage_limits() {
                for times in [1, 2] {
                    let shift = days * DAY * times;
                    for h in entered_stage_between(conn, stage, from - shift, to - shift).await? {
                        let f = owner_alert(
                            AlertKind::StageStalled,
                            Entity::Opportunity,
                            &h,
                            Some(h.at + shift),
                            Some(days * times),
                        )
                        .keyed(format!("{}:{}:{times}", h.id, h.at));
                        if times == 1 {
                            out.push(f);
                        } else {
                            // The manager's turn; the owner already heard at the limit.
                            out.extend(managers_copies(conn, &f).await?);
                        }
                    }
                }
            }
            Ok(out)
        })
    }
}

/// `post_sale_check_days` after a win with no follow-up logged since.
pub(super) struct PostSaleCheck;
impl TimeRule for PostSaleCheck {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let days = t.alerts.post_sale_check_days;
            let shift = days * DAY;
            let due = won_without_contact_since(conn, from - shift, to - shift).await?;
            Ok(due
                .iter()
                .map(|h| {
                    owner_alert(
                        AlertKind::PostSaleCheck,
                        Entity::Opportunity,
                        h,
                        Some(h.at + shift),
                        Some(days),
                    )
                    .keyed(h.id)
                })
                .collect())
        })
    }
}

/// An installment of an approved contract not fully paid: its owner hears as the day
/// after its planned date begins, the owner's managers `receivable_escalate_days` later.
pub(super) struct ReceivableOverdue;
impl TimeRule for ReceivableOverdue {
    fn find<'a>(&'a self, w: Window<'a>) -> RuleFuture<'a> {
        Box::pin(async move {
            let Window { conn, from, to, t } = w;
            let mut out = Vec::new();
            for days in [1, t.alerts.receivable_escalate_days] {
                // Installments planned on a day whose end plus `days - 1` days came in
                // the window: the day `days` after it began.
                let shift = (days - 1) * DAY;
                let (lo, hi) = (local_day(from - shift), local_day(to - shift));
                if lo == hi {
                    continue;
                }
                for h in unpaid_planned_between(conn, &lo, &hi).await? {
                    let mut f = owner_alert(
                        AlertKind::ReceivableOverdue,
                        Entity::Customer,
                        &h,
                        None,
                        Some(days),
                    )
                    .keyed(format!("{}:{days}", h.at));
                    f.facts.extra = h.extra.as_deref().map(unpaid_text);
                    if days == 1 {
                        f.facts.owner_name = None;
                        out.push(f);
                    } else {
                        out.extend(managers_copies(conn, &f).await?);
                    }
                }
            }
            Ok(out)
        })
    }
}

/// "¥12,000 (2026-03-01)" from "2026-03-01 1200000".
fn unpaid_text(extra: &str) -> String {
    let (date, minor) = extra.split_once(' ').unwrap_or((extra, "0"));
    format!(
        "{} ({date})",
        crate::format::money(minor.trim().parse().unwrap_or(0))
    )
}
