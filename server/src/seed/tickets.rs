//! The service desk's demo: tickets in every status on the demo customers, each with a
//! conversation (what the customer said, the agent's answer, a note between colleagues)
//! and the spans its resolution clock stood still.
use super::*;
use app::domain::sla::default_target;
use app::domain::tickets::queue_due;
use app::model::{TicketPriority, TicketStatus};

/// Files customers sent with their first message (name, type, content).
const TICKET_FILES: &[(&str, &str, &str)] = &[
    (
        "导出记录.csv",
        "text/csv",
        "时间,操作,结果\n2026-11-28 09:12,导出报表,超时\n2026-11-28 09:20,导出报表,超时\n",
    ),
    (
        "error-log.txt",
        "text/plain",
        "2026-11-30 14:02:11 ERROR sync: connection reset by peer\n",
    ),
];

const MINUTE: i64 = 60 * 1000;

/// What customers say when they open a ticket, and how agents first answer.
pub(super) const TICKET_OPENINGS: &[&str] = &[
    "您好，今天早上开始我们所有同事都无法登录系统，提示密码错误，请尽快处理。",
    "上个月的发票抬头开错了，应为“上海启航科技有限公司”，麻烦重开。",
    "导出客户报表时一直转圈，等了十分钟也没有文件。",
    "合同快到期了，想了解续费价格和新版本的区别。",
    "上周提的问题到现在没人回复，我们很不满意。",
    "调用接口 /api/v1/customers 返回 500，附上请求时间 10:32。",
];
pub(super) const TICKET_ANSWERS: &[&str] = &[
    "您好，已收到，我们正在排查登录服务，一小时内给您答复。",
    "您好，已为您提交重开申请，新发票三个工作日内寄出。",
    "您好，请问导出的数据量大约多少条？我们先帮您在后台导出。",
    "您好，续费报价已发到您的邮箱，有疑问可以随时联系我。",
    "非常抱歉让您久等了，我现在负责跟进，今天内给您结果。",
    "您好，我们已复现该问题，技术同事正在修复。",
];

/// What customers wrote beside each CSAT score, 1 to 5.
const CSAT_COMMENTS: [Option<&str>; 5] = [
    Some("等了两天才有人理，问题也没真正解决。"),
    Some("回复太慢了。"),
    None,
    Some("解决了，谢谢。"),
    Some("响应很快，非常专业！"),
];

/// 80 tickets over the demo customers, a fifth unassigned, due by the default targets.
pub(super) async fn demo_tickets(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    now: i64,
    users: &DemoUsers,
    customers: &[(i64, Option<i64>)],
) -> Result<(), sqlx::Error> {
    // Tickets with SLA clocks (first response / resolution targets by priority).
    // The default targets, in priority order: what an admin who changed nothing sees.
    let priorities: Vec<(&str, i64, i64)> = TicketPriority::ALL
        .iter()
        .map(|p| {
            let t = default_target(*p);
            (p.as_str(), t.first_response_minutes, t.resolution_minutes)
        })
        .collect();
    let ticket_statuses = ["new", "open", "open", "pending", "resolved", "closed"];
    let subjects = [
        "无法登录系统",
        "发票抬头错误",
        "数据导出失败",
        "咨询续费价格",
        "对服务响应慢不满",
        "接口调用报错",
        "账号权限问题",
        "培训安排咨询",
    ];
    let categories = [
        "technical",
        "billing",
        "technical",
        "inquiry",
        "complaint",
        "technical",
        "technical",
        "inquiry",
    ];
    for i in 0..80usize {
        let (priority, first_min, resolve_min) = priorities[i % priorities.len()];
        let status = ticket_statuses[i % ticket_statuses.len()];
        let created = now - rng.gen_range(1..72) * HOUR;
        // Each assigned ticket is in its agent's team; every fifth waits in the queue.
        let (assignee, team) = if i % 5 == 4 {
            (None, None)
        } else {
            let a = i % users.agents.len();
            (Some(users.agents[a]), Some(users.agent_teams[a]))
        };
        let (cid, _) = customers[rng.gen_range(0..customers.len())];
        let responded = (status != "new").then_some(created + HOUR);
        let resolved = matches!(status, "resolved" | "closed").then_some(created + 5 * HOUR);
        let csat = resolved.map(|_| rng.gen_range(1..=5));
        let first_due = created + first_min * MINUTE;
        // The resolution clock stands still while pending: no due time then.
        let resolution_due = (status != "pending").then_some(created + resolve_min * MINUTE);
        let ids = insert_rows(
            conn,
            "tickets",
            &[
                "customer_id",
                "subject",
                "channel",
                "category",
                "priority",
                "status",
                "assignee_id",
                "team_id",
                "first_response_due_at",
                "resolution_due_at",
                "next_due_at",
                "first_responded_at",
                "resolved_at",
                "csat",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                Some(cid).into(),
                subjects[i % subjects.len()].into(),
                ["phone", "email", "web", "chat"][i % 4].into(),
                categories[i % categories.len()].into(),
                priority.into(),
                status.into(),
                assignee.into(),
                team.into(),
                Some(first_due).into(),
                resolution_due.into(),
                queue_due(
                    TicketStatus::parse(status).unwrap_or(TicketStatus::Open),
                    responded,
                    (Some(first_due), resolution_due, None),
                )
                .into(),
                responded.into(),
                resolved.into(),
                csat.into(),
                created.into(),
                now.into(),
            ]],
        )
        .await?;
        // The conversation: what the customer said, the agent's answer, a note between
        // colleagues; and the spans the resolution clock stood still.
        let ticket = ids[0];
        let agent = assignee.unwrap_or(users.agents[0]);
        let mut messages = vec![vec![
            ticket.into(),
            None::<i64>.into(),
            TICKET_OPENINGS[i % TICKET_OPENINGS.len()].into(),
            false.into(),
            created.into(),
        ]];
        if let Some(at) = responded {
            messages.push(vec![
                ticket.into(),
                Some(agent).into(),
                TICKET_ANSWERS[i % TICKET_ANSWERS.len()].into(),
                false.into(),
                at.into(),
            ]);
            messages.push(vec![
                ticket.into(),
                Some(agent).into(),
                "已核对客户合同与服务等级，按优先级处理。".into(),
                true.into(),
                (at + 10 * 60 * 1000).into(),
            ]);
        }
        let said = insert_rows(
            conn,
            "ticket_messages",
            &["ticket_id", "author_id", "body", "internal", "created_at"],
            messages,
        )
        .await?;
        if i % 3 == 0 {
            // Every third customer sent what they were looking at.
            let (name, kind, content) = TICKET_FILES[i % TICKET_FILES.len()];
            insert_rows(
                conn,
                "ticket_attachments",
                &[
                    "ticket_id",
                    "ticket_message_id",
                    "file_name",
                    "content_type",
                    "size_bytes",
                    "content",
                    "created_at",
                ],
                vec![vec![
                    ticket.into(),
                    said[0].into(),
                    name.into(),
                    kind.into(),
                    (content.len() as i64).into(),
                    content.as_bytes().to_vec().into(),
                    created.into(),
                ]],
            )
            .await?;
        }
        if let (Some(at), Some(score)) = (resolved, csat) {
            // The customer answered the survey their resolved ticket sent them.
            answered_csat(conn, ticket, cid, score, at).await?;
        }
        let paused = match status {
            "pending" => Some(created + 2 * HOUR),
            "resolved" | "closed" => resolved,
            _ => None,
        };
        if let Some(at) = paused {
            insert_rows(
                conn,
                "ticket_pauses",
                &["ticket_id", "paused_at"],
                vec![vec![ticket.into(), at.into()]],
            )
            .await?;
        }
    }
    demo_routing(conn, users, now).await
}

/// The desk's routing: billing to the second team's agents in turn, complaints to the
/// first team's two agents in turn (everything else waits in the queue to be taken).
async fn demo_routing(
    conn: &mut AnyConnection,
    users: &DemoUsers,
    now: i64,
) -> Result<(), sqlx::Error> {
    use app::domain::routing::{TicketRouting, TicketRoutingRule};
    use app::model::TicketCategory;
    let routing = TicketRouting {
        rules: vec![
            TicketRoutingRule {
                category: Some(TicketCategory::Billing),
                team_id: users.agent_teams.get(2).copied(),
                ..Default::default()
            },
            TicketRoutingRule {
                category: Some(TicketCategory::Complaint),
                team_id: users.agent_teams.first().copied(),
                agent_ids: users.agents.iter().take(2).copied().collect(),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let key = app::ssr::services::tickets::ROUTING_SETTING;
    app::ssr::store::settings::put(conn, key, &routing, 0, users.admin, now).await?;
    Ok(())
}

/// The CSAT survey a resolved ticket sent, answered two hours after it was resolved.
async fn answered_csat(
    conn: &mut AnyConnection,
    ticket: i64,
    customer: i64,
    score: i64,
    resolved: i64,
) -> Result<(), sqlx::Error> {
    insert_rows(
        conn,
        "surveys",
        &[
            "kind",
            "token_hash",
            "ticket_id",
            "customer_id",
            "score",
            "comment",
            "expires_at",
            "answered_at",
            "created_at",
        ],
        vec![vec![
            "csat".into(),
            format!("demo-csat-{ticket}").into(),
            Some(ticket).into(),
            Some(customer).into(),
            Some(score).into(),
            CSAT_COMMENTS[(score - 1) as usize].into(),
            (resolved + 14 * 24 * HOUR).into(),
            Some(resolved + 2 * HOUR).into(),
            resolved.into(),
        ]],
    )
    .await
    .map(|_| ())
}

/// One customer in trouble, so the demo's health has someone at risk to show: rep1's
/// second customer had three complaints this month, each answered late (an SLA breach),
/// rated 1, 2 and 1, and its contact answered the NPS survey with a 2.
pub(super) async fn demo_troubled_customer(
    conn: &mut AnyConnection,
    now: i64,
    users: &DemoUsers,
    customers: &[(i64, Option<i64>)],
) -> Result<(), sqlx::Error> {
    let Some((cid, _)) = customers
        .iter()
        .filter(|(_, o)| *o == Some(users.reps[0]))
        .nth(1)
    else {
        return Ok(());
    };
    let agent = users.agents[0];
    for (n, (days_ago, score)) in [(20, 1), (12, 2), (5, 1)].into_iter().enumerate() {
        let created = now - days_ago * 24 * HOUR;
        let first_due = created + 30 * MINUTE;
        let (responded, resolved) = (created + 3 * HOUR, created + 26 * HOUR);
        let ids = insert_rows(
            conn,
            "tickets",
            &[
                "customer_id",
                "subject",
                "channel",
                "category",
                "priority",
                "status",
                "assignee_id",
                "first_response_due_at",
                "first_responded_at",
                "resolved_at",
                "closed_at",
                "csat",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                Some(*cid).into(),
                ["系统又一次宕机", "导出报表还是失败", "客服一直没人回复"][n].into(),
                "phone".into(),
                "complaint".into(),
                "urgent".into(),
                "closed".into(),
                Some(agent).into(),
                Some(first_due).into(),
                Some(responded).into(),
                Some(resolved).into(),
                Some(resolved + 3 * 24 * HOUR).into(),
                Some(score).into(),
                created.into(),
                (resolved + 3 * 24 * HOUR).into(),
            ]],
        )
        .await?;
        let ticket = ids[0];
        insert_rows(
            conn,
            "ticket_messages",
            &["ticket_id", "author_id", "body", "internal", "created_at"],
            vec![
                vec![
                    ticket.into(),
                    None::<i64>.into(),
                    "这已经是这个月第几次了？我们的业务全停了，请马上处理。".into(),
                    false.into(),
                    created.into(),
                ],
                vec![
                    ticket.into(),
                    Some(agent).into(),
                    "非常抱歉，技术组已定位原因并恢复，我们会跟进根本原因。".into(),
                    false.into(),
                    responded.into(),
                ],
            ],
        )
        .await?;
        insert_rows(
            conn,
            "sla_breaches",
            &["ticket_id", "clock", "due_at", "met_at"],
            vec![vec![
                ticket.into(),
                "first_response".into(),
                first_due.into(),
                Some(responded).into(),
            ]],
        )
        .await?;
        answered_csat(conn, ticket, *cid, score, resolved).await?;
    }
    insert_rows(
        conn,
        "surveys",
        &[
            "kind",
            "token_hash",
            "customer_id",
            "score",
            "comment",
            "expires_at",
            "answered_at",
            "created_at",
        ],
        vec![vec![
            "nps".into(),
            "demo-troubled-nps".into(),
            (*cid).into(),
            Some(2i64).into(),
            "不会推荐，稳定性太差。".into(),
            (now + 10 * 24 * HOUR).into(),
            Some(now - 2 * 24 * HOUR).into(),
            (now - 4 * 24 * HOUR).into(),
        ]],
    )
    .await?;
    Ok(())
}
