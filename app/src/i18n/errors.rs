//! What a refused field is told, in the reader's language. The services write each message
//! once, in English (the text REST clients read, and the key here, as gettext keys its
//! catalogue by the source text); a page shows the field by its label ([`super::fields`]) and the
//! message in the viewer's language. `{}` in a pattern stands for a value the service put in (a
//! number, a list, another message, which is translated in turn).
//!
//! A message without a translation is shown in English rather than hidden; the unit test
//! below reads the services' and rules' sources and fails on any message missing here.
use super::Lang;

/// Code, English pattern, Chinese pattern; `{name}` stands for a value, named alike in both.
/// The code is what a program keys on; it never changes once given out.
const MESSAGES: &[(&str, &str, &str)] = &[
    // Text, numbers, dates, lists.
    ("required", "this field is required", "此项必填"),
    ("too_long", "at most {max} characters", "最多 {max} 个字符"),
    ("control_characters", "must not contain control characters", "不能包含控制字符"),
    ("not_whole_number", "enter a whole number", "请输入整数"),
    ("not_in_list", "choose one from the list", "请从列表中选择"),
    ("not_a_person_in_list", "choose someone from the list", "请从列表中选择人员"),
    ("date_required", "choose a date", "请选择日期"),
    ("date_format", "a date like 2026-12-31", "日期格式如 2026-12-31"),
    ("in_future", "cannot be in the future", "不能晚于现在"),
    ("not_in_future", "must be in the future", "必须晚于现在"),
    ("after_follow_up", "must be after the follow-up", "必须晚于本次跟进"),
    ("not_uuid", "not a UUID", "不是有效的 UUID"),
    ("id_used", "already used", "已被使用"),
    ("in_past", "must not be in the past", "不能早于现在"),
    ("before_start", "must be after the start date", "必须晚于开始日期"),
    ("out_of_range", "must be between {min} and {max}", "须在 {min} 到 {max} 之间"),
    ("at_least_one", "must be at least 1", "不能小于 1"),
    ("each_percent", "each between 0 and 100", "每项须在 0 到 100 之间"),
    ("not_a_choice", "choose from {choices}", "请从以下选择：{choices}"),
    ("bad_cursor", "not a cursor this server gave out", "分页标记无效"),
    ("period_too_long", "a period of at most three years", "期间最长三年"),
    ("stage_only_pipeline", "narrows only the open pipeline", "仅可用于筛选在途商机"),
    ("source_only_leads", "narrows only the leads' figures", "仅可用于筛选线索指标"),
    ("closed_deal_not_forecast", "a closed deal is no longer forecast", "已关闭的商机不再参与预测"),
    // Receivables.
    ("more_than_zero", "must be more than zero", "须大于零"),
    ("too_many_installments", "at most 60 installments", "最多 60 期"),
    ("plan_total", "the installments must add up to the contract amount", "各期金额之和须等于合同金额"),
    ("contract_not_approved", "only an approved contract is collected", "仅已批准的合同可登记回款"),
    ("renew_not_approved", "only an approved contract is renewed", "仅已批准的合同可续约"),
    ("beyond_plan", "more than is still owed on the plan", "超过计划中尚未收回的金额"),
    ("not_unicode_text", "must be UTF-8 text", "须为 UTF-8 文本"),
    // Files.
    ("file_too_large", "each file must be at most {max} MB", "每个文件最大 {max} MB"),
    ("too_many_files", "at most {max} files", "最多 {max} 个文件"),
    ("files_too_large", "the files together must be at most {max} MB", "文件合计最大 {max} MB"),
    ("nul_char", "must not contain the NUL character", "不能包含空字符（NUL）"),
    ("not_a_coordinate", "not a coordinate", "不是有效的坐标"),
    ("coordinates_in_degrees", "give both latitude and longitude, in degrees", "请同时填写纬度和经度（度）"),
    ("unknown_field", "Tandem does not know this field; remove it or check its spelling", "Tandem 不认识此字段，请删除或检查拼写"),
    ("missing_field", "missing field `{field}`", "缺少字段 `{field}`"),
    ("unknown_field_expected", "unknown field `{field}`, expected one of {expected}", "未知字段 `{field}`，可用字段：{expected}"),
    ("unknown_field_named", "unknown field `{field}`", "未知字段 `{field}`"),
    ("invalid_type", "invalid type: {found}, expected {expected}", "类型不对：{found}，应为 {expected}"),
    // Money.
    ("not_yuan", "an amount in yuan, e.g. 120000 or 120000.50", "以元为单位的金额，如 120000 或 120000.50"),
    ("not_fen", "a positive amount in fen (1 yuan = 100)", "以分为单位的正数金额（1 元 = 100 分）"),
    ("not_currency", "a three-letter ISO code such as CNY", "三位 ISO 货币代码，如 CNY"),
    // Phones and emails.
    ("phone_required", "enter a phone number", "请输入电话号码"),
    ("phone_too_long", "a phone number has at most 40 characters", "电话号码最多 40 个字符"),
    ("phone_characters", "a phone number may contain only digits, spaces, dashes and a leading +", "电话号码只能包含数字、空格、连字符和开头的 +"),
    ("extension_digits", "an extension has 1 to 8 digits", "分机号为 1 到 8 位数字"),
    ("not_a_phone", "this is not a phone number: check the digits and the area code", "这不是电话号码：请检查数字和区号"),
    ("phone_invalid", "this is not a valid phone number: check the area code and the number of digits", "电话号码无效：请检查区号和位数"),
    ("email_required", "enter an email address", "请输入邮箱地址"),
    ("email_too_long", "an email address has at most 254 characters", "邮箱地址最多 254 个字符"),
    ("email_format", "an email address looks like name@example.com", "邮箱地址格式如 name@example.com"),
    ("phone_or_email", "leave a phone number or an email so we can reach you", "请留下电话或邮箱，以便我们联系您"),
    ("contact_name_needed", "name the person this phone or email belongs to", "请填写此电话或邮箱所属联系人的姓名"),
    // Sign-in and passwords.
    ("signin_email_required", "enter your email address", "请输入邮箱地址"),
    ("signin_password_required", "enter your password", "请输入密码"),
    ("password_too_short", "use at least 10 characters", "至少 10 个字符"),
    ("password_too_long", "use at most 256 characters", "最多 256 个字符"),
    ("password_blank", "a password of spaces is easy to guess; use words you will remember", "全是空格的密码很容易被猜到；请用几个您记得住的词"),
    ("password_weak", "this password is common or easy to guess; try a few unrelated words", "此密码常见或容易被猜到；请试试几个互不相关的词"),
    // Customers, contacts, the pool.
    ("too_many_tags", "at most 20 tags", "最多 20 个标签"),
    ("each_tag", "each tag: {problem}", "每个标签：{problem}"),
    ("customer_sort", "choose newest, next_follow_up, last_contact or name", "请选择 最新、下次跟进、最近联系 或 名称"),
    ("no_such_customer", "no such customer", "没有这个客户"),
    ("customer_count", "name between 1 and 500 customers", "请选择 1 到 500 个客户"),
    ("article_from_open_ticket", "only a resolved or closed ticket becomes an article", "只有已解决或已关闭的工单才能生成文章"),
    ("not_customer_contact", "not a contact of this customer", "不是此客户的联系人"),
    ("rep_owns_created", "reps own the customers they create", "销售创建的客户归本人所有"),
    ("already_in_pool", "this customer is already in the pool", "该客户已在公海中"),
    ("locked_to_rep", "this customer is locked to you; ask your manager", "该客户已锁定给您；请联系您的经理"),
    ("daily_claims", "you have claimed {count} customers today; the daily limit is {limit}", "您今天已领取 {count} 个客户；每日上限为 {limit}"),
    ("reclaim_cooldown", "you held this customer before; you may claim it again in {days} days", "您之前负责过该客户；{days} 天后可再次领取"),
    // The level-limit messages before the plain ones, which would match them too.
    ("own_level_limit", "you already hold {count} level-{level} customers; the limit is {limit}", "您已持有 {count} 个 {level} 级客户；上限为 {limit}"),
    ("rep_level_limit", "this rep already holds {count} level-{level} customers; the limit is {limit}", "该销售已持有 {count} 个 {level} 级客户；上限为 {limit}"),
    ("own_limit", "you already hold {count} customers; the limit is {limit}", "您已持有 {count} 个客户；上限为 {limit}"),
    ("rep_limit", "this rep already holds {count} customers; the limit is {limit}", "该销售已持有 {count} 个客户；上限为 {limit}"),
    ("level_limits", "give levels A, B or C, each a limit between 0 and 100000", "请填写 A、B 或 C 级，每级上限在 0 到 100000 之间"),
    ("activities_customer", "name the customer whose activities to list", "请指定要查看跟进记录的客户"),
    ("next_follow_up_choice", "choose tomorrow, in 3 days, next week or a date", "请选择 明天、3 天后、下周 或 指定日期"),
    // Leads.
    ("qualify_choice", "choose mql or sql", "请选择 MQL 或 SQL"),
    ("lead_transition", "a {from} lead cannot become {to}", "{from} 状态的线索不能变为 {to}"),
    ("lead_already_closed", "this lead is already closed", "该线索已关闭"),
    ("lead_closed", "this lead is closed", "该线索已关闭"),
    ("convert_needs_sql", "qualify the lead to SQL (need, budget and timeline confirmed) before converting", "请先将线索确认为 SQL（需求、预算和时间已确认）再转化"),
    ("rep_owns_lead", "reps take the leads they enter themselves", "销售录入的线索归本人所有"),
    ("lead_source", "choose web_form, event, referral, import, api, trial or demo", "请选择 网站表单、活动、转介绍、导入、API、试用 或 演示"),
    ("lead_form_closed", "this form is not known or no longer accepts submissions", "此表单不存在或已停止接收提交"),
    ("each_source", "each source 1 to 50 characters", "每个来源 1 到 50 个字符"),
    ("reps_required", "list one or more reps", "请列出一名或多名销售"),
    ("too_many_rules", "at most 100 rules", "最多 100 条规则"),
    ("team_or_agents", "name a team or one or more agents", "请指定团队或一名或多名客服"),
    ("too_many_agents", "at most 500 agents", "最多 500 名客服"),
    ("agents_only", "list agents only", "只能列出客服"),
    ("team_required", "choose a team", "请选择团队"),
    ("true_or_false", "choose true or false", "请选择是或否"),
    // Deals and contracts.
    ("needed_for_stage", "needed for this stage: {what}", "进入此阶段需要：{what}"),
    ("need_pain_points", "the needs survey: the customer's pain points", "需求调研：客户痛点"),
    ("need_decision_maker", "the needs survey: who decides", "需求调研：决策人"),
    ("need_budget_range", "the needs survey: the budget range", "需求调研：预算范围"),
    ("need_amount", "the deal's amount", "商机金额"),
    ("need_expected_close", "the expected close date", "预计成交日期"),
    ("need_competitors", "the competitors (or \"none\")", "竞争对手（没有则填\"无\"）"),
    ("need_approved_contract", "a contract approved by a manager", "经理批准的合同"),
    ("need_lost_reason", "say why the deal was lost", "请说明输单原因"),
    ("deal_closed", "this deal is closed", "该商机已关闭"),
    ("no_such_deal", "no such deal", "没有这个商机"),
    ("not_customer_deal", "not an opportunity of this customer", "不是此客户的商机"),
    ("no_such_customer_deal", "no such opportunity of this customer", "此客户没有这个商机"),
    ("contract_amount", "give the contract's amount (the deal has none)", "请填写合同金额（商机未填金额）"),
    ("approval_choice", "choose pending, approved or rejected", "请选择 待审批、已批准 或 已驳回"),
    ("each_criterion", "each criterion at most 100 characters", "每项条件最多 100 个字符"),
    // Tasks.
    ("task_due_choice", "choose today, tomorrow, next week or a date", "请选择 今天、明天、下周 或 指定日期"),
    ("task_status_choice", "choose open, done or all", "请选择 未完成、已完成 或 全部"),
    ("own_tasks_only", "you can only give tasks to yourself", "您只能给自己分配任务"),
    // People, teams, tokens, settings.
    ("locale_choice", "choose zh-CN or en", "请选择 zh-CN 或 en"),
    ("email_taken", "a user with this email already exists", "已有用户使用此邮箱"),
    ("no_such_team", "no such team", "没有这个团队"),
    ("team_cycle", "a team cannot sit below itself", "团队不能隶属于自身"),
    ("no_such_user", "no such active user", "没有这个在职用户"),
    ("team_member", "choose an active member of your team", "请选择您团队中的在职成员"),
    ("team_rep", "choose an active rep in your team", "请选择您团队中的在职销售"),
    ("team_rep_or_manager", "choose an active rep or manager in your team", "请选择您团队中的在职销售或经理"),
    ("keep_own_admin", "you cannot remove your own administrator access", "您不能取消自己的管理员权限"),
    ("token_scope_required", "give the token at least one scope, such as customers:read", "请至少为令牌指定一个权限范围，如 customers:read"),
    ("token_scope_format", "each scope is a domain (customers, contacts, activities, tasks, leads, opportunities, contracts, alerts, settings, users, tickets, or *) and :read or :write", "每个权限范围由领域(customers、contacts、activities、tasks、leads、opportunities、contracts、alerts、settings、users、tickets 或 *)加 :read 或 :write 组成"),
    ("alert_kind", "not a kind of alert Tandem sends", "不是 Tandem 发送的提醒类型"),
    // Service desk.
    ("ticket_transition", "a {from} ticket cannot become {to}", "{from} 状态的工单不能变为 {to}"),
    ("agent_required", "choose an active agent", "请选择在职的客服"),
    ("not_an_email", "this is not an email message", "这不是一封电子邮件"),
    ("no_sender", "the message has no sender", "邮件没有发件人"),
    ("sender_not_email", "the sender's address is not an email address", "发件人地址不是有效的邮箱地址"),
    ("sla_target_range", "each target between 1 minute and 365 days", "每项时限须在 1 分钟到 365 天之间"),
    ("sla_response_before_resolution", "the first response is due before the resolution", "首次响应时限须早于解决时限"),
    ("business_hours", "each open day starts before it ends, within the day", "每个工作日须在当天之内，且开始早于结束"),
    // Merging tickets.
    ("merge_into_itself", "a ticket cannot be merged into itself", "工单不能合并到自身"),
    ("merge_no_ticket", "no such ticket", "没有这个工单"),
    ("merge_into_closed", "a closed ticket takes no merges; reopen it first", "已关闭的工单不能接收合并，请先重新打开"),
    ("merged_already", "this ticket was merged already", "此工单已被合并"),
];

/// The code of a message no entry matches (the English text is then all there is).
pub const UNLISTED: &str = "invalid";

/// The literal pieces of a pattern and the names of the values between them.
fn pieces(pattern: &'static str) -> (Vec<&'static str>, Vec<&'static str>) {
    let (mut literals, mut names) = (Vec::new(), Vec::new());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        literals.push(&rest[..open]);
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    literals.push(rest);
    (literals, names)
}

/// Matches `text` against `pattern`; the values by name.
fn captures(pattern: &'static str, text: &str) -> Option<Vec<(&'static str, String)>> {
    let (literals, names) = pieces(pattern);
    let mut rest = text.strip_prefix(literals[0])?;
    let mut values = Vec::new();
    for (i, part) in literals.iter().enumerate().skip(1) {
        let value = if i == literals.len() - 1 {
            rest.strip_suffix(part)?
        } else {
            // At least one character, up to the next literal part.
            let first = rest.chars().next()?.len_utf8();
            let at = rest[first..].find(part)? + first;
            &rest[..at]
        };
        if value.is_empty() {
            return None;
        }
        values.push((names[i - 1], value.to_string()));
        rest = &rest[value.len()..];
        if i < literals.len() - 1 {
            rest = &rest[part.len()..];
        }
    }
    (!names.is_empty() || rest.is_empty()).then_some(values)
}

/// The code of an English message and the values it names, as the error carries them.
pub fn recognise(text: &str) -> (&'static str, Vec<(&'static str, String)>) {
    MESSAGES
        .iter()
        .find_map(|(code, en, _)| captures(en, text).map(|values| (*code, values)))
        .unwrap_or((UNLISTED, Vec::new()))
}

/// A coded message in `lang`: the pattern of `code` with its values put in (each value
/// translated in turn, for messages that carry another message); `english` when the code
/// is not listed or the reader reads English.
pub fn render(
    lang: Lang,
    code: &str,
    params: &std::collections::BTreeMap<String, String>,
    english: &str,
) -> String {
    if lang == Lang::En {
        return english.to_string();
    }
    let Some((_, _, zh)) = MESSAGES.iter().find(|(c, _, _)| *c == code) else {
        return english.to_string();
    };
    let (literals, names) = pieces(zh);
    let mut out = String::from(literals[0]);
    for (name, literal) in names.iter().zip(&literals[1..]) {
        if let Some(value) = params.get(*name) {
            out.push_str(&message(lang, value));
        }
        out.push_str(literal);
    }
    out
}

/// An English message in `lang`, recognised by its pattern.
pub fn message(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let (code, values) = recognise(text);
    let params = values
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    render(lang, code, &params, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_their_values_read_in_chinese() {
        let zh = |t: &str| message(Lang::ZhCn, t);
        assert_eq!(zh("this field is required"), "此项必填");
        assert_eq!(zh("at most 200 characters"), "最多 200 个字符");
        assert_eq!(zh("must be between 0 and 3650"), "须在 0 到 3650 之间");
        assert_eq!(
            zh("each tag: at most 30 characters"),
            "每个标签：最多 30 个字符"
        );
        assert_eq!(
            zh("you already hold 7 level-A customers; the limit is 7"),
            "您已持有 7 个 A 级客户；上限为 7"
        );
        assert_eq!(
            zh("needed for this stage: the deal's amount"),
            "进入此阶段需要：商机金额"
        );
        assert_eq!(
            message(Lang::En, "this field is required"),
            "this field is required"
        );
        assert_eq!(zh("a message nobody wrote"), "a message nobody wrote");
    }

    #[test]
    fn each_message_has_one_code_and_the_same_values_in_both_languages() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, en, zh) in MESSAGES {
            assert!(seen.insert(*code), "code {code} is given twice");
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            let (mut a, mut b) = (pieces(en).1, pieces(zh).1);
            a.sort();
            b.sort();
            assert_eq!(
                a, b,
                "{code}: the values differ between English and Chinese"
            );
        }
        assert!(!seen.contains(UNLISTED));
    }

    #[test]
    fn a_message_is_recognised_as_its_code_and_values() {
        assert_eq!(
            recognise("at most 200 characters"),
            ("too_long", vec![("max", "200".to_string())])
        );
        assert_eq!(
            recognise("a new lead cannot become mql"),
            (
                "lead_transition",
                vec![("from", "new".to_string()), ("to", "mql".to_string())]
            )
        );
        assert_eq!(recognise("this field is required"), ("required", vec![]));
        assert_eq!(recognise("something nobody wrote"), (UNLISTED, vec![]));
        let error = crate::error::FieldError::new("must be between 0 and 3650");
        assert_eq!(error.code, "out_of_range");
        assert_eq!(error.params.get("max").map(String::as_str), Some("3650"));
        assert_eq!(error.text(Lang::ZhCn), "须在 0 到 3650 之间");
        assert_eq!(error.text(Lang::En), "must be between 0 and 3650");
    }

    #[test]
    fn serde_says_a_value_outside_a_list_the_way_the_services_do() {
        use crate::error::readable_serde_message as readable;
        assert_eq!(
            readable(
                "unknown variant `closed`, expected one of `initial`, `needs` at line 1 column 20"
            ),
            "choose from initial, needs"
        );
        assert_eq!(
            message(
                Lang::ZhCn,
                &readable("unknown variant `x`, expected `rep` or `agent`")
            ),
            "请从以下选择：rep, agent"
        );
        assert_eq!(readable("missing field `id`"), "missing field `id`");
    }

    /// Every message the services, doors and rules write has its Chinese, found by reading
    /// their sources: a new message without one fails here.
    #[test]
    fn every_message_written_in_the_code_has_a_translation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if path.is_dir() {
                    if !["pages", "components", "i18n", "ssr/store"].contains(&rel.as_str()) {
                        dirs.push(path);
                    }
                    continue;
                }
                if !rel.ends_with(".rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let text = text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or_default();
                for literal in messages_in(text) {
                    if NOT_FIELD_MESSAGES.contains(&literal.as_str()) {
                        continue;
                    }
                    let probe = literal.replace("{}", "7");
                    let probe = replace_named(&probe);
                    if message(Lang::ZhCn, &probe) == probe {
                        missing.push(format!("{rel}: {literal}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "messages without Chinese:\n{}",
            missing.join("\n")
        );
    }

    /// Literals the scan finds that no person reads as a field error: log lines and the
    /// operator's configuration errors.
    const NOT_FIELD_MESSAGES: &[&str] = &[
        "use a file for SQLite, e.g. sqlite://data/tandem.db",
        "public lead honeypot filled; ignored",
        "public ticket honeypot filled; ignored",
        "alert listener cannot connect",
        "alert engine tick failed",
        "field names only",
        "automatic mail ignored",
        "mail not delivered; will try again",
        "mail sender round failed",
        "the scheme is imaps or imap",
        "name the host",
        "mailbox message unreadable; left for a person",
        "taking in mailbox message {uid}: {e}",
        "support mailbox unreachable; trying again",
    ];

    /// String literals passed as a field's message: the second argument of
    /// `AppError::field(…, "…")`, an `Err("…")`, a `("field", "…")` pair, `format!("…")`
    /// in one of those.
    fn messages_in(text: &str) -> Vec<String> {
        let flat = text.replace("\\\n", "");
        let mut out = Vec::new();
        for marker in ["AppError::field(", "Err(", ".push((", "check.fail("] {
            let mut from = 0;
            while let Some(at) = flat[from..].find(marker) {
                let start = from + at + marker.len();
                from = start;
                // Up to 400 bytes on, cut at a character's edge (the text may be Chinese).
                let mut end = flat.len().min(start + 400);
                while !flat.is_char_boundary(end) {
                    end -= 1;
                }
                let call = &flat[start..end];
                // The first literal after the field argument (or the only one for Err).
                let skip_field = marker != "Err(";
                let mut quotes = call.match_indices('"').map(|(i, _)| i);
                let mut lit = None;
                let mut seen = 0;
                while let (Some(a), Some(b)) = (quotes.next(), quotes.next()) {
                    let s = &call[a + 1..b];
                    let before = &call[..a];
                    // A field named by a literal comes first; messages follow a comma.
                    if skip_field && seen == 0 && !before.contains(',') {
                        seen += 1;
                        continue;
                    }
                    lit = Some(s.to_string());
                    break;
                }
                if let Some(s) = lit {
                    if s.contains(' ') && s.chars().next().is_some_and(|c| c.is_lowercase()) {
                        out.push(s);
                    }
                }
            }
        }
        out
    }

    /// `{max}`, `{days}` and the like in a format string, as a value.
    fn replace_named(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(a) = rest.find('{') {
            out.push_str(&rest[..a]);
            match rest[a..].find('}') {
                Some(b) => {
                    out.push('7');
                    rest = &rest[a + b + 1..];
                }
                None => {
                    out.push_str(&rest[a..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}
