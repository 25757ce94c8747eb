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
        "Days before a contract ends to remind of renewal",
        "合同到期前续约提醒（天）",
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
