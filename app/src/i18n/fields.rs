//! Field keys as people know them: the label a form gives a field, and the name a refused
//! field is shown by on a page.
use super::Lang;

/// Field keys as people know them, on the forms that send them.
const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "Name", "名称"),
    ("company", "Company", "公司"),
    ("industry", "Industry", "行业"),
    ("region", "Region", "地区"),
    ("size", "Size", "规模"),
    ("source", "Source", "来源"),
    ("level", "Level", "级别"),
    ("status", "Status", "状态"),
    ("tags", "Tags", "标签"),
    ("owner_id", "Owner", "负责人"),
    ("assignee_id", "Assignee", "执行人"),
    ("into", "Merge into ticket", "合并到工单"),
    ("files", "Files", "附件"),
    ("customer_id", "Customer", "客户"),
    ("contact", "Contact", "联系人"),
    ("contact.name", "Contact's name", "联系人姓名"),
    ("contact.mobile", "Contact's mobile", "联系人手机"),
    ("contact.email", "Contact's email", "联系人邮箱"),
    ("title", "Title", "标题"),
    ("mobile", "Mobile", "手机"),
    ("phone", "Phone", "电话"),
    ("email", "Email", "邮箱"),
    ("wechat", "WeChat", "微信"),
    ("password", "Password", "密码"),
    ("role", "Role", "角色"),
    ("team_id", "Team", "团队"),
    ("away", "Away", "离开"),
    ("agent_ids", "Agents", "客服"),
    (
        "max_open_per_agent",
        "Open tickets per agent",
        "每名客服未结工单上限",
    ),
    ("parent_id", "Parent team", "上级团队"),
    ("locale", "Language", "语言"),
    ("kind", "Kind", "类型"),
    ("summary", "Summary", "摘要"),
    ("next", "Next follow-up", "下次跟进"),
    ("next_follow_up_at", "Next follow-up", "下次跟进"),
    ("pick", "Date", "日期"),
    ("due", "Due", "截止"),
    ("due_at", "Due", "截止"),
    ("latitude", "Latitude", "纬度"),
    ("longitude", "Longitude", "经度"),
    ("reason", "Reason", "原因"),
    ("stage", "Stage", "阶段"),
    ("forecast_category", "Forecast category", "预测类别"),
    ("installments", "Payment plan", "回款计划"),
    ("received_on", "Received on", "到账日期"),
    ("reference", "Reference", "凭证号"),
    ("rep_id", "Person", "人员"),
    ("period", "Period", "期间"),
    ("from", "From", "开始日期"),
    ("to", "To", "结束日期"),
    ("amount", "Amount", "金额"),
    ("amount_minor", "Amount", "金额"),
    ("expected_close_date", "Expected close", "预计成交日期"),
    ("lost_reason", "Reason lost", "输单原因"),
    ("pain_points", "Pain points", "痛点"),
    ("decision_maker", "Decision maker", "决策人"),
    ("budget_range", "Budget range", "预算范围"),
    ("competitors", "Competitors", "竞争对手"),
    ("contract", "Contract", "合同"),
    ("currency", "Currency", "币种"),
    ("start_date", "Start date", "开始日期"),
    ("end_date", "End date", "结束日期"),
    ("product_line", "Product line", "产品线"),
    ("q", "Search", "搜索"),
    ("score", "Score", "评分"),
    ("comment", "Comment", "意见"),
    ("customer_ids", "Customers", "客户"),
    ("client_id", "Device's id", "设备编号"),
    ("written_at", "Written at", "记录时间"),
    (
        "survey_link_days",
        "Days a survey link stays usable",
        "满意度调查链接有效期（天）",
    ),
    (
        "reclaim_cooldown_days",
        "Days before claiming again",
        "再次领取间隔天数",
    ),
    ("level_limits", "Limits per level", "各级别上限"),
    (
        "first_contact_hours",
        "First contact (hours)",
        "首次联系时限（小时）",
    ),
    (
        "urgent_first_contact_hours",
        "Urgent first contact (hours)",
        "紧急首次联系时限（小时）",
    ),
    ("probabilities", "Win probabilities", "赢单概率"),
    // The settings forms' numbers, labelled from here.
    (
        "holding_limit",
        "Customers a rep may hold",
        "每人最多持有客户数",
    ),
    (
        "daily_claim_cap",
        "Claims per rep per day",
        "每人每日领取上限",
    ),
    (
        "reclaim_cooldown_days",
        "Days before a previous owner may claim again",
        "原负责人再次领取间隔（天）",
    ),
    (
        "no_follow_up_days",
        "Days without follow-up before reclaim",
        "未跟进自动收回（天）",
    ),
    (
        "no_win_days",
        "Days after claim without a won deal before reclaim",
        "领取后未成交自动收回（天）",
    ),
    (
        "warning_days",
        "Days of warning before a reclaim",
        "收回前提醒（天）",
    ),
    (
        "first_contact_hours",
        "Hours to first contact",
        "首次联系时限（小时）",
    ),
    (
        "urgent_first_contact_hours",
        "Hours to first contact for urgent sources",
        "紧急来源首次联系时限（小时）",
    ),
    (
        "mql_timeout_days",
        "Days an MQL may wait before returning to the pool",
        "MQL 未转化退回公海（天）",
    ),
    (
        "probability_initial",
        "Win probability in initial contact (%)",
        "初步接触赢率（%）",
    ),
    (
        "probability_needs",
        "Win probability in needs analysis (%)",
        "需求诊断赢率（%）",
    ),
    (
        "probability_proposal",
        "Win probability in proposal (%)",
        "方案呈现赢率（%）",
    ),
    (
        "probability_negotiation",
        "Win probability in negotiation (%)",
        "商务谈判赢率（%）",
    ),
    (
        "follow_up_overdue_hours",
        "Hours overdue before the manager hears",
        "跟进逾期通知经理（小时）",
    ),
    (
        "lead_sla_warning_percent",
        "Warn at this % of the first-contact time",
        "首次联系时限用到 % 时提醒",
    ),
    (
        "silent_customer_days",
        "Days without activity before a customer is silent",
        "客户沉默（天）",
    ),
    (
        "stage_initial",
        "Days in initial contact before stalled",
        "初步接触停滞（天）",
    ),
    (
        "stage_needs",
        "Days in needs analysis before stalled",
        "需求诊断停滞（天）",
    ),
    (
        "stage_proposal",
        "Days in proposal before stalled",
        "方案呈现停滞（天）",
    ),
    (
        "stage_negotiation",
        "Days in negotiation before stalled",
        "商务谈判停滞（天）",
    ),
    (
        "post_sale_check_days",
        "Days after a win before the post-sale check",
        "成交后回访（天）",
    ),
    (
        "renewal_days",
        "Renewal window: days before a contract ends",
        "续约窗口：合同到期前（天）",
    ),
    (
        "silent_after_days",
        "Days without contact before silence costs points",
        "多少天未联系开始扣分",
    ),
    (
        "silence_max",
        "Most points silence may cost (a point a day)",
        "未联系最多扣分（每天 1 分）",
    ),
    (
        "ticket_points",
        "Points per open ticket",
        "每张未结工单扣分",
    ),
    (
        "tickets_max",
        "Most points open tickets may cost",
        "未结工单最多扣分",
    ),
    (
        "breach_points",
        "Points per SLA breach in 90 days",
        "90 天内每次 SLA 违约扣分",
    ),
    (
        "breaches_max",
        "Most points breaches may cost",
        "SLA 违约最多扣分",
    ),
    (
        "low_csat_points",
        "Points for a CSAT below 3.5 (twice at 2 or less)",
        "满意度低于 3.5 扣分（2 分及以下加倍）",
    ),
    (
        "detractor_points",
        "Points when the latest NPS answer is 0–6",
        "最近一次 NPS 为 0–6 分时扣分",
    ),
    (
        "payment_max",
        "Most points an overdue payment may cost (a point a day)",
        "回款逾期最多扣分（每天 1 分）",
    ),
    (
        "renewal_points",
        "Points for a renewal near with no contact",
        "临近续约且无联系时扣分",
    ),
    (
        "renewal_quiet_days",
        "Days without contact that make a near renewal quiet",
        "临近续约时多少天无联系算冷落",
    ),
    (
        "at_risk_below",
        "At risk below this score",
        "健康度低于此分为流失风险",
    ),
    (
        "recovered_at",
        "Recovered at this score or above",
        "健康度回升到此分及以上解除风险",
    ),
    (
        "receivable_escalate_days",
        "Days a payment is overdue before managers hear",
        "回款逾期多少天后通知经理",
    ),
];

/// A field key as its form labels it, in `lang` (the key itself if it has no label).
pub fn field_label(lang: Lang, key: &str) -> String {
    FIELDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| lang.t(en, zh).to_string())
        .unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_by_their_labels() {
        assert_eq!(field_label(Lang::ZhCn, "owner_id"), "负责人");
        assert_eq!(field_label(Lang::En, "owner_id"), "Owner");
        assert_eq!(field_label(Lang::En, "no_such_key"), "no_such_key");
    }
}
