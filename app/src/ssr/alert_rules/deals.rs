//! Rules that watch deals: a deal stalled in a stage, and the check-in after a win.
use super::{managers_copies, owner_alert, RuleFuture, TimeRule, Window, DAY};
use crate::domain::alerts::AlertKind;
use crate::domain::events::Entity;
use crate::ssr::store::deals::{entered_stage_between, won_without_contact_since};

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
