//! The knowledge base's demo: answers to what the demo tickets ask, public (on /help),
//! internal (for the team) and one draft, in Chinese and English; and the desk's canned
//! replies.
use super::*;
use app::model::ArticleVisibility::{self, *};
use app::ssr::store::articles::{self as store, ArticleFields};
use app::ssr::store::db::Backend;

const ARTICLES: &[(&str, &str, &str, &[&str], ArticleVisibility)] = &[
    (
        "无法登录：提示密码错误怎么办",
        "1. 确认大小写锁定已关闭。\n2. 在登录页点击“忘记密码”重置。\n3. 仍无法登录时，请联系管理员检查账号是否被冻结。",
        "技术",
        &["登录", "密码"],
        Public,
    ),
    (
        "发票抬头开错了如何重开",
        "请在工单中提供正确的公司全称和税号，财务会在三个工作日内作废原发票并重新开具。",
        "账务",
        &["发票"],
        Public,
    ),
    (
        "导出客户报表很慢或没有文件",
        "数据量超过十万条时导出会在后台进行，完成后文件会出现在“我的下载”中。请勿重复点击导出。",
        "技术",
        &["导出", "报表"],
        Public,
    ),
    (
        "How to reset your password",
        "Open the sign-in page, choose \"Forgot password\" and follow the link we email you. The link works for 30 minutes.",
        "Technical",
        &["password", "login"],
        Public,
    ),
    (
        "退款与补偿口径（内部）",
        "服务中断超过 4 小时按当月服务费的 10% 补偿；退款需经理审批，并在工单中记录原因。",
        "账务",
        &["退款", "补偿"],
        Internal,
    ),
    (
        "接口返回 500 的排查步骤",
        "先查看请求时间附近的服务日志，再用 request id 定位具体请求；复现后在工单中附上请求与响应。",
        "技术",
        &["接口", "API"],
        Draft,
    ),
];

const CANNED: &[(&str, &str)] = &[
    (
        "已收到，正在处理",
        "{{contact}}您好，您的工单 {{ticket}}「{{subject}}」已收到，我们正在处理，会尽快回复您。\n\n{{agent}}",
    ),
    (
        "请提供更多信息",
        "{{contact}}您好，为了尽快解决「{{subject}}」，请提供出现问题的时间、截图和操作步骤。\n\n{{agent}}",
    ),
    (
        "问题已解决",
        "{{contact}}您好，工单 {{ticket}} 的问题已经解决。如仍有疑问，直接回复此邮件即可，工单会自动重新打开。\n\n{{agent}}",
    ),
];

pub(super) async fn demo_articles(
    conn: &mut AnyConnection,
    backend: Backend,
    now: i64,
    users: &DemoUsers,
) -> Result<(), sqlx::Error> {
    for (i, (title, body, category, tags, visibility)) in ARTICLES.iter().enumerate() {
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        let fields = ArticleFields {
            title,
            body,
            category: Some(category),
            tags: &tags,
            visibility: *visibility,
        };
        let author = users.agents[i % users.agents.len()];
        let id = store::insert(conn, &fields, None, author, now).await?;
        store::reindex(conn, backend, id, &fields).await?;
    }
    for (title, body) in CANNED {
        app::ssr::store::canned::insert(conn, title, body, users.agents[0], now).await?;
    }
    Ok(())
}
