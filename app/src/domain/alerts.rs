//! Alert rules' thresholds (admin settings) and the words of each alert, in both languages.
use crate::domain::pipeline::Stage;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Thresholds of the time-based alert rules; every field is an admin setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AlertRules {
    /// Hours past a due follow-up, with nothing logged, before the owner and manager hear.
    pub follow_up_overdue_hours: i64,
    /// Percent of the first-contact time used before the lead's owner is warned.
    pub lead_sla_warning_percent: i64,
    /// Days without any activity before an owned customer counts as silent.
    pub silent_customer_days: i64,
    /// Days in a stage before a deal is stalled: initial, needs, proposal, negotiation.
    pub stage_limit_days: [i64; 4],
    /// Days after a win with no follow-up before the post-sale check.
    pub post_sale_check_days: i64,
    /// Days before a contract ends that the renewal alert fires (if no renewal deal).
    pub renewal_days: i64,
    /// Days an installment is overdue before the owner's managers hear too (the owner
    /// hears the day after its planned date).
    pub receivable_escalate_days: i64,
}

impl Default for AlertRules {
    fn default() -> Self {
        AlertRules {
            follow_up_overdue_hours: 24,
            lead_sla_warning_percent: 75,
            silent_customer_days: 90,
            stage_limit_days: [14, 14, 21, 30],
            post_sale_check_days: 7,
            renewal_days: 60,
            receivable_escalate_days: 15,
        }
    }
}

impl AlertRules {
    /// Field → problem, for every threshold out of range.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut range = |field: &'static str, v: i64, lo: i64, hi: i64| {
            if !(lo..=hi).contains(&v) {
                out.push((field, format!("must be between {lo} and {hi}")));
            }
        };
        range(
            "follow_up_overdue_hours",
            self.follow_up_overdue_hours,
            1,
            24 * 30,
        );
        range(
            "lead_sla_warning_percent",
            self.lead_sla_warning_percent,
            1,
            99,
        );
        range("silent_customer_days", self.silent_customer_days, 1, 3650);
        for d in self.stage_limit_days {
            range("stage_limit_days", d, 1, 3650);
        }
        range("post_sale_check_days", self.post_sale_check_days, 1, 365);
        range("renewal_days", self.renewal_days, 1, 3650);
        range(
            "receivable_escalate_days",
            self.receivable_escalate_days,
            1,
            365,
        );
        out
    }

    /// Each open stage with its stall limit in days, in pipeline order.
    pub fn stage_limits(&self) -> [(&'static str, i64); 4] {
        std::array::from_fn(|i| (Stage::OPEN[i].as_str(), self.stage_limit_days[i]))
    }

    /// The stall limit of an open stage, in days.
    pub fn stage_limit(&self, stage: &str) -> Option<i64> {
        self.stage_limits()
            .into_iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, days)| days)
    }
}

named_enum! {
    /// Every kind of alert Tandem sends; service-desk kinds join this list.
    AlertKind {
        LeadAssigned => "lead_assigned",
        LeadSlaWarning => "lead_sla_warning",
        LeadSlaBreach => "lead_sla_breach",
        LeadReturned => "lead_returned",
        FollowUpDue => "follow_up_due",
        FollowUpOverdue => "follow_up_overdue",
        SilentCustomer => "silent_customer",
        PoolReclaimWarning => "pool_reclaim_warning",
        PoolReclaimed => "pool_reclaimed",
        StageStalled => "stage_stalled",
        PostSaleCheck => "post_sale_check",
        RenewalDue => "renewal_due",
        ReceivableOverdue => "receivable_overdue",
        TaskAssigned => "task_assigned",
        TaskDue => "task_due",
        TicketAssigned => "ticket_assigned",
        TicketSlaWarning => "ticket_sla_warning",
        TicketSlaBreach => "ticket_sla_breach",
        LowCsat => "low_csat",
        ChurnRisk => "churn_risk",
    }
}

impl AlertKind {
    /// The kind's name in the alert centre's filter and on each alert.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AlertKind::LeadAssigned => lang.t("Lead assigned", "新分配线索"),
            AlertKind::LeadSlaWarning => lang.t("Lead first-contact warning", "线索即将超时"),
            AlertKind::LeadSlaBreach => lang.t("Lead first contact overdue", "线索首次联系超时"),
            AlertKind::LeadReturned => lang.t("Lead back in the pool", "线索退回公海"),
            AlertKind::FollowUpDue => lang.t("Follow-up due", "跟进到期"),
            AlertKind::FollowUpOverdue => lang.t("Follow-up overdue", "跟进逾期"),
            AlertKind::SilentCustomer => lang.t("Silent customer", "沉默客户"),
            AlertKind::PoolReclaimWarning => lang.t("Returning to the pool", "即将退回公海"),
            AlertKind::PoolReclaimed => lang.t("Returned to the pool", "已退回公海"),
            AlertKind::StageStalled => lang.t("Deal stalled", "商机停滞"),
            AlertKind::PostSaleCheck => lang.t("Post-sale check", "成交回访"),
            AlertKind::RenewalDue => lang.t("Renewal due", "续约提醒"),
            AlertKind::ReceivableOverdue => lang.t("Payment overdue", "回款逾期"),
            AlertKind::TaskAssigned => lang.t("Task assigned", "新任务"),
            AlertKind::TaskDue => lang.t("Task due", "任务到期"),
            AlertKind::TicketAssigned => lang.t("Ticket assigned", "新分配工单"),
            AlertKind::TicketSlaWarning => lang.t("Ticket SLA warning", "工单即将超时"),
            AlertKind::TicketSlaBreach => lang.t("Ticket SLA breached", "工单已超时"),
            AlertKind::LowCsat => lang.t("Low satisfaction", "满意度低"),
            AlertKind::ChurnRisk => lang.t("Customer at risk", "客户流失风险"),
        }
    }
}

/// What the words of an alert are made from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertFacts {
    /// The record's name: customer, lead, deal or task title.
    pub name: String,
    /// Whose record, when the alert goes to a manager.
    pub owner_name: Option<String>,
    /// A number the rule measured: days, hours.
    pub n: Option<i64>,
    /// A stage, a reason.
    pub extra: Option<String>,
}

/// A stage's label; a stage this version does not know is shown as stored.
fn stage_name(lang: Lang, stage: &str) -> String {
    crate::domain::pipeline::Stage::parse(stage)
        .map(|s| s.label(lang).to_string())
        .unwrap_or_else(|| stage.to_string())
}

/// Which SLA clock an alert is about ("first_response", "next_response" or "resolution"),
/// as people say it.
fn sla_clock_name(lang: Lang, clock: &str) -> String {
    match clock {
        "first_response" => lang.t("First response", "首次响应"),
        "next_response" => lang.t("Next response", "下次回复"),
        _ => lang.t("Resolution", "解决"),
    }
    .to_string()
}

/// The title and body of an alert of `kind`, in `lang`. `escalated`: the manager's copy.
pub fn render(lang: Lang, kind: AlertKind, f: &AlertFacts, escalated: bool) -> (String, String) {
    let name = &f.name;
    let n = f.n.unwrap_or(0);
    let owner = f.owner_name.clone().unwrap_or_default();
    let extra = f.extra.clone().unwrap_or_default();
    let zh = lang == Lang::ZhCn;
    let (title, body) = match (kind, zh) {
        (AlertKind::TicketAssigned, false) => (
            format!("Ticket for you: {name}"),
            match f.owner_name.as_deref() {
                Some(by) => format!("Assigned by {by}."),
                None => "Assigned to you.".to_string(),
            },
        ),
        (AlertKind::TicketAssigned, true) => (
            format!("新工单:{name}"),
            match f.owner_name.as_deref() {
                Some(by) => format!("由 {by} 分配给您。"),
                None => "已分配给您。".to_string(),
            },
        ),
        (AlertKind::TicketSlaWarning, false) => (
            format!("Ticket due soon: {name}"),
            format!("{} due in {n} min.", sla_clock_name(lang, &extra)),
        ),
        (AlertKind::TicketSlaWarning, true) => (
            format!("工单即将超时:{name}"),
            format!("{}将在 {n} 分钟后到期。", sla_clock_name(lang, &extra)),
        ),
        (AlertKind::TicketSlaBreach, false) if escalated => (
            format!("{owner}'s ticket breached: {name}"),
            format!(
                "The {} time has passed.",
                sla_clock_name(lang, &extra).to_lowercase()
            ),
        ),
        (AlertKind::TicketSlaBreach, true) if escalated => (
            format!("{owner} 的工单已超时:{name}"),
            format!("{}已超时。", sla_clock_name(lang, &extra)),
        ),
        (AlertKind::TicketSlaBreach, false) => (
            format!("Ticket breached: {name}"),
            format!(
                "The {} time has passed. Answer now.",
                sla_clock_name(lang, &extra).to_lowercase()
            ),
        ),
        (AlertKind::TicketSlaBreach, true) => (
            format!("工单已超时:{name}"),
            format!("{}已超时,请立即处理。", sla_clock_name(lang, &extra)),
        ),
        (AlertKind::ChurnRisk, _) => {
            let why: Vec<String> = serde_json::from_str::<Vec<crate::domain::health::Cost>>(&extra)
                .unwrap_or_default()
                .iter()
                .take(3)
                .map(|c| c.factor.describe(lang))
                .collect();
            if zh {
                (
                    format!("客户流失风险：{name}"),
                    format!("健康度 {n}：{}。", why.join("；")),
                )
            } else {
                (
                    format!("At risk: {name}"),
                    format!("Health {n}: {}.", why.join("; ")),
                )
            }
        }
        (AlertKind::LowCsat, false) => (
            format!("Low satisfaction ({n}/5): {name}"),
            match f.extra.as_deref() {
                Some(said) => format!("{owner} rated the ticket {n} of 5: “{said}”"),
                None => format!("{owner} rated the ticket {n} of 5."),
            },
        ),
        (AlertKind::LowCsat, true) => (
            format!("满意度低（{n}/5）：{name}"),
            match f.extra.as_deref() {
                Some(said) => format!("{owner} 给此工单打了 {n} 分（满分 5）：“{said}”"),
                None => format!("{owner} 给此工单打了 {n} 分（满分 5）。"),
            },
        ),
        (AlertKind::LeadAssigned, false) => (
            format!("New lead: {name}"),
            "Contact them before the first-contact time runs out.".to_string(),
        ),
        (AlertKind::LeadAssigned, true) => (
            format!("新线索:{name}"),
            "请在首次联系时限内联系。".to_string(),
        ),
        (AlertKind::LeadSlaWarning, false) => (
            format!("Lead waiting: {name}"),
            format!("First contact due in {n} min."),
        ),
        (AlertKind::LeadSlaWarning, true) => (
            format!("线索待联系:{name}"),
            format!("首次联系将在 {n} 分钟后超时。"),
        ),
        (AlertKind::LeadSlaBreach, false) if escalated => (
            format!("{owner} missed first contact: {name}"),
            "The first-contact time has passed.".to_string(),
        ),
        (AlertKind::LeadSlaBreach, true) if escalated => (
            format!("{owner} 未按时联系线索:{name}"),
            "首次联系已超时。".to_string(),
        ),
        (AlertKind::LeadSlaBreach, false) => (
            format!("First contact overdue: {name}"),
            "The first-contact time has passed. Call now.".to_string(),
        ),
        (AlertKind::LeadSlaBreach, true) => {
            (format!("首次联系已超时:{name}"), "请立即联系。".to_string())
        }
        (AlertKind::LeadReturned, false) => (
            format!("Lead back in the pool: {name}"),
            format!("Not qualified within {n} days."),
        ),
        (AlertKind::LeadReturned, true) => (
            format!("线索退回公海:{name}"),
            format!("{n} 天内未完成资格确认。"),
        ),
        (AlertKind::FollowUpDue, false) => (
            format!("Follow up now: {name}"),
            "The planned follow-up time has come.".to_string(),
        ),
        (AlertKind::FollowUpDue, true) => (
            format!("该跟进了:{name}"),
            "计划的跟进时间已到。".to_string(),
        ),
        (AlertKind::FollowUpOverdue, false) if escalated => (
            format!("{owner} is behind on {name}"),
            format!("Follow-up {n} h overdue."),
        ),
        (AlertKind::FollowUpOverdue, true) if escalated => (
            format!("{owner} 逾期未跟进:{name}"),
            format!("已逾期 {n} 小时。"),
        ),
        (AlertKind::FollowUpOverdue, false) => (
            format!("Follow-up overdue: {name}"),
            format!("{n} h past due with nothing logged."),
        ),
        (AlertKind::FollowUpOverdue, true) => (
            format!("跟进已逾期:{name}"),
            format!("已逾期 {n} 小时,尚无跟进记录。"),
        ),
        (AlertKind::SilentCustomer, false) => (
            format!("Silent customer: {name}"),
            format!("No activity for {n} days."),
        ),
        (AlertKind::SilentCustomer, true) => (
            format!("沉默客户:{name}"),
            format!("已 {n} 天没有任何跟进。"),
        ),
        (AlertKind::PoolReclaimWarning, false) => (
            format!("Returns to the pool in {n} days: {name}"),
            "Log a follow-up to keep this customer.".to_string(),
        ),
        (AlertKind::PoolReclaimWarning, true) => (
            format!("{n} 天后退回公海:{name}"),
            "记录一次跟进即可保留该客户。".to_string(),
        ),
        (AlertKind::PoolReclaimed, false) => (
            format!("Returned to the pool: {name}"),
            extra_reason(lang, &extra),
        ),
        (AlertKind::PoolReclaimed, true) => {
            (format!("已退回公海:{name}"), extra_reason(lang, &extra))
        }
        (AlertKind::StageStalled, false) if escalated => (
            format!("{owner}'s deal stalled: {name}"),
            format!("{} for {n} days.", stage_name(lang, &extra)),
        ),
        (AlertKind::StageStalled, true) if escalated => (
            format!("{owner} 的商机停滞:{name}"),
            format!("停留在{} {n} 天。", stage_name(lang, &extra)),
        ),
        (AlertKind::StageStalled, false) => (
            format!("Deal stalled: {name}"),
            format!("{} for {n} days.", stage_name(lang, &extra)),
        ),
        (AlertKind::StageStalled, true) => (
            format!("商机停滞:{name}"),
            format!("停留在{} {n} 天。", stage_name(lang, &extra)),
        ),
        (AlertKind::PostSaleCheck, false) => (
            format!("Check in after the win: {name}"),
            format!("Won {n} days ago, no follow-up yet."),
        ),
        (AlertKind::PostSaleCheck, true) => (
            format!("成交回访:{name}"),
            format!("成交已 {n} 天,尚未回访。"),
        ),
        (AlertKind::RenewalDue, false) => (
            format!("Renewal due: {name}"),
            format!("The contract ends in {n} days and no renewal deal exists."),
        ),
        (AlertKind::RenewalDue, true) => (
            format!("续约提醒:{name}"),
            format!("合同将在 {n} 天后到期,尚无续约商机。"),
        ),
        (AlertKind::ReceivableOverdue, false) => (
            format!("Payment overdue: {name}"),
            format!("{extra} is unpaid, {n} days after it was due."),
        ),
        (AlertKind::ReceivableOverdue, true) => (
            format!("回款逾期:{name}"),
            format!("{extra} 未回款,已逾期 {n} 天。"),
        ),
        (AlertKind::TaskAssigned, false) => (format!("New task: {name}"), format!("From {owner}.")),
        (AlertKind::TaskAssigned, true) => (format!("新任务:{name}"), format!("来自 {owner}。")),
        (AlertKind::TaskDue, false) => (
            format!("Task due: {name}"),
            "Its due time has come.".to_string(),
        ),
        (AlertKind::TaskDue, true) => {
            (format!("任务到期:{name}"), "任务截止时间已到。".to_string())
        }
    };
    (title, body)
}

fn extra_reason(lang: Lang, reason: &str) -> String {
    match (reason, lang) {
        ("no_won_deal", Lang::En) => "No won deal in time.".into(),
        ("no_won_deal", Lang::ZhCn) => "未在期限内成交。".into(),
        (_, Lang::En) => "No follow-up in time.".into(),
        (_, Lang::ZhCn) => "未在期限内跟进。".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_product_rules_and_valid() {
        let r = AlertRules::default();
        assert!(r.problems().is_empty());
        assert_eq!(r.stage_limit("proposal"), Some(21));
        assert_eq!(r.stage_limit("won"), None);
    }

    #[test]
    fn out_of_range_thresholds_are_named() {
        let r = AlertRules {
            lead_sla_warning_percent: 100,
            ..AlertRules::default()
        };
        assert_eq!(r.problems()[0].0, "lead_sla_warning_percent");
    }

    #[test]
    fn every_kind_has_words_in_both_languages() {
        let f = AlertFacts {
            name: "华东精密".into(),
            owner_name: Some("王芳".into()),
            n: Some(3),
            extra: Some("proposal".into()),
        };
        for kind in AlertKind::ALL {
            let (en, _) = render(Lang::En, *kind, &f, false);
            let (zh, _) = render(Lang::ZhCn, *kind, &f, true);
            assert!(en.contains("华东精密") && zh.contains("华东精密"), "{kind}");
            assert_ne!(kind.label(Lang::En), kind.label(Lang::ZhCn), "{kind}");
        }
    }
}
