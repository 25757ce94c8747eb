//! The managers' KPIs: each one's key, its definition in words, and how its value is
//! worked out from the records behind it (the facts the store reads for the key). The
//! store reads one record set per KPI; the number shown and the drill-down list both come
//! from that set, so the list always holds what the number counts.
pub use crate::domain::kpi_tally::Tally;
pub use crate::domain::period::Period;
use crate::i18n::Lang;

named_enum!(
    /// A KPI by its stable key (`GET /api/v1/kpis` answers them by it).
    KpiKey {
        LeadsNew => "leads_new",
        LeadConversion => "lead_conversion",
        MqlToSql => "mql_to_sql",
        LeadFirstContactSla => "lead_first_contact_sla",
        FollowUpCompliance => "follow_up_compliance",
        ActivitiesLogged => "activities_logged",
        WinRate => "win_rate",
        WonAmount => "won_amount",
        AverageDealSize => "average_deal_size",
        SalesCycleDays => "sales_cycle_days",
        PipelineValue => "pipeline_value",
        WeightedForecast => "weighted_forecast",
        ReceivedAmount => "received_amount",
        ReceivablesOverdue => "receivables_overdue",
        ReceivablesDue30d => "receivables_due_30d",
        TicketFirstResponseMedian => "ticket_first_response_median",
        TicketFirstResponseP90 => "ticket_first_response_p90",
        TicketResolutionMedian => "ticket_resolution_median",
        TicketResolutionP90 => "ticket_resolution_p90",
        ResolutionRate => "resolution_rate",
        SlaCompliance => "sla_compliance",
        Csat => "csat",
        Nps => "nps",
        DataCompleteness => "data_completeness",
        CustomersAtRisk => "customers_at_risk",
        CustomerRetention => "customer_retention",
        ActiveUsers => "active_users",
    }
);

named_enum!(
    /// What a KPI's value is counted in.
    KpiUnit {
        Count => "count",
        Percent => "percent",
        MoneyMinor => "money_minor",
        Minutes => "minutes",
        Days => "days",
        Score => "score",
    }
);

/// One record behind a KPI, as the store reads it: what it is, when it counts, and the
/// one or two figures the KPI needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub id: i64,
    pub at_ms: i64,
    /// Whose it is (the owner or assignee the scope is counted by), if anyone's.
    pub owner: Option<i64>,
    /// An amount in minor units (deals), or a score (surveys), when the KPI uses one.
    pub amount: Option<i64>,
    /// A duration in minutes, a probability or a flag (1 = yes), when the KPI uses one.
    pub measure: Option<i64>,
    /// What the records are split by where a chart needs it (a lead's source, an open
    /// deal's stage), else empty.
    pub part: String,
}

impl KpiKey {
    pub fn unit(self) -> KpiUnit {
        use KpiKey::*;
        match self {
            LeadsNew | CustomersAtRisk | ActiveUsers | ActivitiesLogged => KpiUnit::Count,
            LeadConversion | MqlToSql | LeadFirstContactSla | FollowUpCompliance | WinRate
            | SlaCompliance | ResolutionRate | DataCompleteness | CustomerRetention => {
                KpiUnit::Percent
            }
            WonAmount | AverageDealSize | PipelineValue | WeightedForecast | ReceivedAmount
            | ReceivablesOverdue | ReceivablesDue30d => KpiUnit::MoneyMinor,
            SalesCycleDays => KpiUnit::Days,
            TicketFirstResponseMedian
            | TicketFirstResponseP90
            | TicketResolutionMedian
            | TicketResolutionP90 => KpiUnit::Minutes,
            Csat | Nps => KpiUnit::Score,
        }
    }

    /// The KPI's name on tiles, charts and exports.
    pub fn label(self, lang: Lang) -> &'static str {
        use KpiKey::*;
        match self {
            LeadsNew => lang.t("New leads", "新增线索"),
            LeadConversion => lang.t("Lead conversion", "线索转化率"),
            MqlToSql => lang.t("MQL → SQL", "MQL → SQL 转化率"),
            LeadFirstContactSla => lang.t("Leads contacted in time", "线索及时首联率"),
            FollowUpCompliance => lang.t("Follow-ups on time", "跟进及时率"),
            WinRate => lang.t("Win rate", "赢单率"),
            WonAmount => lang.t("Won amount", "赢单金额"),
            AverageDealSize => lang.t("Average deal size", "平均客单价"),
            SalesCycleDays => lang.t("Sales cycle", "销售周期"),
            PipelineValue => lang.t("Open pipeline", "在途商机金额"),
            WeightedForecast => lang.t("Weighted forecast", "加权预测"),
            ReceivedAmount => lang.t("Payments received", "回款金额"),
            ReceivablesOverdue => lang.t("Overdue receivables", "逾期应收"),
            ReceivablesDue30d => lang.t("Due in 30 days", "30 天内应收"),
            TicketFirstResponseMedian => lang.t("First response, median", "首次响应时间（中位数）"),
            TicketFirstResponseP90 => lang.t("First response, p90", "首次响应时间（P90）"),
            TicketResolutionMedian => lang.t("Resolution time, median", "解决时间（中位数）"),
            TicketResolutionP90 => lang.t("Resolution time, p90", "解决时间（P90）"),
            ResolutionRate => lang.t("Resolution rate", "工单解决率"),
            SlaCompliance => lang.t("SLA compliance", "SLA 达成率"),
            Csat => lang.t("CSAT", "客户满意度"),
            Nps => lang.t("NPS", "净推荐值"),
            CustomersAtRisk => lang.t("Customers at risk", "流失风险客户"),
            DataCompleteness => lang.t("Data completeness", "资料完整率"),
            CustomerRetention => lang.t("Customer retention", "客户留存率"),
            ActiveUsers => lang.t("Active users", "活跃用户"),
            ActivitiesLogged => lang.t("Activities logged", "跟进记录数"),
        }
    }

    /// Whether a higher value is better (a shorter response time, a shorter cycle are
    /// not), for the arrow beside the change.
    pub fn higher_is_better(self) -> bool {
        use KpiKey::*;
        !matches!(
            self,
            SalesCycleDays
                | TicketFirstResponseMedian
                | TicketFirstResponseP90
                | TicketResolutionMedian
                | TicketResolutionP90
                | ReceivablesOverdue
                | CustomersAtRisk
        )
    }

    /// Whether the KPI is a state now (open deals) rather than what happened in a period:
    /// such a KPI has no previous period's value.
    pub fn is_snapshot(self) -> bool {
        matches!(
            self,
            KpiKey::PipelineValue
                | KpiKey::ReceivablesOverdue
                | KpiKey::ReceivablesDue30d
                | KpiKey::CustomersAtRisk
                | KpiKey::DataCompleteness
        )
    }

    /// What is counted, from which timestamps, and what is left out.
    pub fn definition(self, lang: Lang) -> &'static str {
        use KpiKey::*;
        match self {
            LeadsNew => lang.t(
                "Leads created in the period (by created time), owned by the people in scope; deleted leads are left out.",
                "期间内创建的线索数（按创建时间），负责人在范围内；不含已删除的线索。",
            ),
            LeadConversion => lang.t(
                "Of the leads created in the period, the share converted to a customer by now.",
                "期间内创建的线索中，至今已转化为客户的比例。",
            ),
            MqlToSql => lang.t(
                "Of the leads marketing-qualified in the period (by the time they became MQL), the share sales-qualified by now (SQL, or converted through SQL); deleted leads are left out.",
                "期间内成为市场合格线索（MQL，按成为 MQL 的时间）的线索中，至今已成为销售合格线索（SQL，或经 SQL 已转化）的比例；不含已删除的线索。",
            ),
            CustomerRetention => lang.t(
                "Of the customers owned in scope that had won a deal before the period began, the share not marked churned by its end (a customer won back since counts as kept); deleted customers are left out.",
                "期间开始前已有赢单的范围内客户中，到期末未被标记为流失的比例（之后挽回的客户算作留存）；不含已删除的客户。",
            ),
            ActivitiesLogged => lang.t(
                "The calls, visits, messages and other activities logged in the period (by when they happened), with customers and with leads, by the person who logged them.",
                "期间内（按发生时间）记录的电话、拜访、消息等跟进记录数，含客户和线索的，按记录人统计。",
            ),
            ActiveUsers => lang.t(
                "The people in scope with an active account who signed in or recorded a change in the period (by the audit trail).",
                "期间内登录过或有过操作记录（按审计日志）的范围内在职用户数。",
            ),
            LeadFirstContactSla => lang.t(
                "Of the leads whose first-contact deadline fell in the period and has passed, the share first contacted by that deadline.",
                "首次联系期限落在期间内且已到期的线索中，在期限前完成首次联系的比例。",
            ),
            FollowUpCompliance => lang.t(
                "Of the follow-ups planned for a day in the period (an activity's next follow-up, by its planned time, already past), the share where the customer was followed up again by the end of that day.",
                "计划在期间内跟进（按活动记录的下次跟进时间，且已到期）的跟进中，在计划当天结束前再次跟进了该客户的比例。",
            ),
            WinRate => lang.t(
                "Of the deals closed in the period (won by won time, lost by the time they were marked lost), the share won.",
                "期间内关闭的商机（赢单按赢单时间，输单按标记输单的时间）中，赢单的比例。",
            ),
            WonAmount => lang.t(
                "The amount of the deals won in the period (by won time).",
                "期间内赢单商机的金额合计（按赢单时间）。",
            ),
            AverageDealSize => lang.t(
                "The won amount divided by the number of deals won in the period; deals without an amount are left out.",
                "期间内赢单金额除以赢单数；不含未填金额的商机。",
            ),
            SalesCycleDays => lang.t(
                "The average days from a deal's creation to its win, over the deals won in the period.",
                "期间内赢单的商机从创建到赢单的平均天数。",
            ),
            PipelineValue => lang.t(
                "The amount of the open deals now (any stage but won or lost); a state, not a period's count.",
                "当前进行中商机（赢单、输单以外的阶段）的金额合计；为当前状态，不按期间计算。",
            ),
            WeightedForecast => lang.t(
                "The open deals expected to close in the period: each amount times its stage's probability.",
                "预计在期间内成交的进行中商机：各自金额乘以阶段赢率之和。",
            ),
            DataCompleteness => lang.t(
                "Of the customers owned in scope now, the share with an industry, a region and a contact with a phone or email; a state, not a period's count.",
                "当前范围内客户中，行业、地区齐全且至少有一位留有电话或邮箱的联系人的比例；为当前状态，不按期间计算。",
            ),
            CustomersAtRisk => lang.t(
                "Customers owned in scope whose health fell below the at-risk line and has not recovered above its margin; a state, not a period's count.",
                "范围内健康度跌破风险线且尚未回升到恢复线以上的客户数；为当前状态，不按期间计算。",
            ),
            ReceivedAmount => lang.t(
                "The payments received in the period (by the date received) against contracts owned in scope.",
                "期间内（按到账日期）范围内合同收到的回款合计。",
            ),
            ReceivablesOverdue => lang.t(
                "What is unpaid now of the installments of approved contracts whose planned date has passed; a state, not a period's count.",
                "已批准合同中计划回款日期已过、至今未收回的金额；为当前状态，不按期间计算。",
            ),
            ReceivablesDue30d => lang.t(
                "What is unpaid of the installments planned from today to 29 days from now; a state, not a period's count.",
                "计划在今天起 30 天内回款、尚未收回的金额；为当前状态，不按期间计算。",
            ),
            TicketFirstResponseMedian => lang.t(
                "The median minutes from a ticket's creation to the desk's first public reply, over the tickets first answered in the period (wall-clock time).",
                "期间内首次回复的工单，从创建到客服首次公开回复的分钟数中位数（自然时间）。",
            ),
            TicketFirstResponseP90 => lang.t(
                "The 90th percentile of the same minutes: nine tickets in ten were answered at least this fast.",
                "同一组分钟数的第 90 百分位：十张工单中有九张不慢于此。",
            ),
            TicketResolutionMedian => lang.t(
                "The median minutes from a ticket's creation to its resolution, over the tickets resolved in the period (wall-clock time; a reopened ticket counts when resolved again).",
                "期间内解决的工单，从创建到解决的分钟数中位数（自然时间；重新打开的工单以再次解决为准）。",
            ),
            TicketResolutionP90 => lang.t(
                "The 90th percentile of the same minutes: nine tickets in ten were resolved at least this fast.",
                "同一组分钟数的第 90 百分位：十张工单中有九张不慢于此解决。",
            ),
            ResolutionRate => lang.t(
                "Of the tickets created in the period (merged ones left out), the share resolved or closed by now.",
                "期间内创建的工单（不含被合并的）中，至今已解决或关闭的比例。",
            ),
            SlaCompliance => lang.t(
                "Of the tickets created in the period, the share with no SLA breach recorded (first response or resolution).",
                "期间内创建的工单中，没有任何 SLA 违约记录（首次响应或解决）的比例。",
            ),
            Csat => lang.t(
                "The average satisfaction score (1–5) of the ratings given in the period, for tickets assigned to people in scope.",
                "期间内收到的满意度评分（1–5）平均值，工单处理人在范围内。",
            ),
            Nps => lang.t(
                "Of the NPS answers given in the period by contacts of customers owned in scope: the percentage of promoters (9–10) minus that of detractors (0–6).",
                "期间内范围内客户的联系人给出的 NPS 答复：推荐者（9–10）百分比减去贬损者（0–6）百分比。",
            ),
        }
    }

    /// The KPI's value from the records behind it; None when there is nothing to count
    /// (a rate over no records, a median of none).
    pub fn value(self, facts: &[Fact]) -> Option<f64> {
        Tally::of(self, facts).value(self)
    }
}

/// Whether a change of this kind may move a KPI (so dashboards open now read theirs
/// again): leads, deals, tickets, follow-ups, survey answers and contracts' payments are
/// what they count.
pub fn moves_kpis(kind: crate::domain::events::EventKind) -> bool {
    use crate::domain::events::Entity;
    matches!(
        kind.entity,
        Entity::Lead
            | Entity::Opportunity
            | Entity::Ticket
            | Entity::Activity
            | Entity::Survey
            | Entity::Contract
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(measure: Option<i64>, amount: Option<i64>) -> Fact {
        Fact {
            id: 1,
            at_ms: 0,
            owner: None,
            amount,
            measure,
            part: String::new(),
        }
    }

    #[test]
    fn rates_medians_and_scores_are_worked_out_from_the_records() {
        let won = [
            fact(Some(1), None),
            fact(Some(0), None),
            fact(Some(1), None),
        ];
        assert_eq!(KpiKey::WinRate.value(&won), Some(66.7));
        assert_eq!(KpiKey::WinRate.value(&[]), None);
        let minutes: Vec<Fact> = [5, 1, 30, 12, 8, 60, 3, 2, 9, 15]
            .iter()
            .map(|m| fact(Some(*m), None))
            .collect();
        assert_eq!(KpiKey::TicketFirstResponseMedian.value(&minutes), Some(8.0));
        assert_eq!(KpiKey::TicketFirstResponseP90.value(&minutes), Some(30.0));
        let scores = [10, 9, 8, 6, 0].map(|s| fact(None, Some(s)));
        assert_eq!(KpiKey::Nps.value(&scores), Some(0.0));
        assert_eq!(
            KpiKey::Csat.value(&[fact(None, Some(2)), fact(None, Some(5))]),
            Some(3.5)
        );
        let open = [fact(Some(50), Some(100_000)), fact(Some(10), Some(30_000))];
        assert_eq!(KpiKey::WeightedForecast.value(&open), Some(53_000.0));
        assert_eq!(KpiKey::PipelineValue.value(&open), Some(130_000.0));
        let cycle = [fact(Some(1440 * 10), None), fact(Some(1440 * 20), None)];
        assert_eq!(KpiKey::SalesCycleDays.value(&cycle), Some(15.0));
    }
}
