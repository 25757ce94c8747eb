//! A large deterministic service desk for the benchmarks: tickets over the customers
//! already seeded, most of them long closed, the recent ones open on the agents' queues,
//! each with its conversation.
use super::tickets::{TICKET_ANSWERS, TICKET_OPENINGS};
use super::*;
use app::domain::sla::default_target;
use app::domain::tickets::queue_due;
use app::model::{TicketPriority, TicketStatus};

const MINUTE: i64 = 60 * 1000;

/// How many of the tickets are still open (new, open or pending): a busy desk's backlog.
pub const OPEN_TICKETS: u64 = 10_000;
/// How many just before them are resolved, waiting to close themselves.
const RECENTLY_RESOLVED: u64 = 2_000;

const SUBJECTS: &[&str] = &[
    "系统无法登录",
    "发票抬头错误",
    "导出报表超时",
    "续费咨询",
    "对响应速度不满",
    "接口调用报错",
    "账号权限问题",
    "培训安排咨询",
    "Password reset link expired",
    "Invoice shows the wrong amount",
];
const NOTES: &[&str] = &[
    "已转技术组排查，预计今天下班前有结论。",
    "客户是重点客户，请优先处理。",
    "Checked the logs: the export job timed out at 30 s.",
];

pub struct TicketStats {
    pub tickets: u64,
    pub messages: u64,
}

/// `tickets` tickets (the newest [`OPEN_TICKETS`] of them open, a fifth of those
/// unassigned) with `messages` messages in all, over the customers already in the
/// database and their first contacts, spread over the active agents.
pub async fn bulk_tickets(
    db: &Db,
    tickets: u64,
    messages: u64,
) -> Result<TicketStats, sqlx::Error> {
    let mut rng = StdRng::seed_from_u64(7_000_003);
    let now = Utc::now().timestamp_millis();
    let customers = store::first_contacts(db).await?;
    let agents = store::active_agents(db).await?;
    if customers.is_empty() || agents.is_empty() {
        return Err(sqlx::Error::Protocol(
            "seed customers (--customers N) and the demo people first".into(),
        ));
    }
    let per_ticket = messages.checked_div(tickets).unwrap_or(0).max(1);
    const ROWS: usize = 500;
    const PER_TX: u64 = 20_000;
    let priorities = [
        TicketPriority::Urgent,
        TicketPriority::High,
        TicketPriority::Normal,
        TicketPriority::Normal,
        TicketPriority::Low,
    ];
    let categories = ["technical", "billing", "inquiry", "complaint", "technical"];
    let (mut made, mut said) = (0u64, 0u64);
    while made < tickets {
        let mut tx = db.begin().await?;
        let batch_end = (made + PER_TX).min(tickets);
        while made < batch_end {
            let n = ((batch_end - made) as usize).min(ROWS);
            let mut rows = Vec::with_capacity(n);
            let mut meta = Vec::with_capacity(n);
            for i in 0..n as u64 {
                let seq = made + i;
                let open = seq >= tickets.saturating_sub(OPEN_TICKETS);
                let priority = priorities[rng.gen_range(0..priorities.len())];
                let target = default_target(priority);
                let (cid, contact) = customers[rng.gen_range(0..customers.len())];
                // Closed tickets over the last two years in order; open ones in the last
                // three days.
                let created = if open {
                    now - rng.gen_range(1..3 * 24 * 60) * MINUTE
                } else {
                    let span = 730 * 24 * 60 * MINUTE;
                    now - span + (seq as i64 * span / tickets.max(1) as i64) - 4 * DAY
                };
                let status = if open {
                    ["new", "open", "open", "pending", "open"][rng.gen_range(0..5)]
                } else if seq >= tickets.saturating_sub(OPEN_TICKETS + RECENTLY_RESOLVED) {
                    "resolved"
                } else {
                    "closed"
                };
                let (assignee, team) = if open && rng.gen_range(0..5) == 0 {
                    (None, None)
                } else {
                    let (agent, team) = agents[(seq as usize) % agents.len()];
                    (Some(agent), team)
                };
                // Resolved ones were resolved in the last days (within the auto-close days,
                // else the engine's first ticks would spend themselves closing a backlog).
                let created = if status == "resolved" {
                    now - 6 * DAY + rng.gen_range(0..24 * 60) * MINUTE
                } else {
                    created
                };
                let responded = (status != "new").then_some(created + 30 * MINUTE);
                let resolved = matches!(status, "resolved" | "closed").then_some(created + DAY);
                let closed = (status == "closed").then_some(created + 3 * DAY);
                let first_due = created + target.first_response_minutes * MINUTE;
                let resolution_due =
                    (status != "pending").then_some(created + target.resolution_minutes * MINUTE);
                // An open ticket whose customer wrote again after the answer waits for the
                // next one.
                let awaiting =
                    (status == "open" && rng.gen_range(0..3) == 0).then_some(created + 2 * HOUR);
                let next_due = awaiting.map(|a| a + target.first_response_minutes * MINUTE);
                rows.push(vec![
                    Some(cid).into(),
                    Some(contact).into(),
                    format!("{} #{seq}", SUBJECTS[rng.gen_range(0..SUBJECTS.len())]).into(),
                    ["phone", "email", "web", "chat"][rng.gen_range(0..4)].into(),
                    categories[rng.gen_range(0..categories.len())].into(),
                    priority.as_str().into(),
                    status.into(),
                    assignee.into(),
                    team.into(),
                    Some(first_due).into(),
                    resolution_due.into(),
                    responded.into(),
                    awaiting.into(),
                    next_due.into(),
                    queue_due(
                        TicketStatus::parse(status).unwrap_or(TicketStatus::Closed),
                        responded,
                        (Some(first_due), resolution_due, next_due),
                    )
                    .into(),
                    resolved.into(),
                    closed.into(),
                    created.into(),
                    closed.or(resolved).unwrap_or(created).into(),
                ]);
                meta.push((created, assignee.unwrap_or(agents[0].0)));
            }
            let ids = insert_rows(
                &mut tx,
                "tickets",
                &[
                    "customer_id",
                    "contact_id",
                    "subject",
                    "channel",
                    "category",
                    "priority",
                    "status",
                    "assignee_id",
                    "team_id",
                    "first_response_due_at",
                    "resolution_due_at",
                    "first_responded_at",
                    "awaiting_reply_since",
                    "next_response_due_at",
                    "next_due_at",
                    "resolved_at",
                    "closed_at",
                    "created_at",
                    "updated_at",
                ],
                rows,
            )
            .await?;
            // The conversation: the customer's words, then answers and notes in turn.
            let mut conversation: Vec<Vec<Arg>> = Vec::new();
            for (ticket, (created, agent)) in ids.iter().zip(meta) {
                let want = if said >= messages { 0 } else { per_ticket };
                for k in 0..want {
                    let at = created + k as i64 * 20 * MINUTE;
                    let row: Vec<Arg> = match k % 4 {
                        0 | 2 => vec![
                            (*ticket).into(),
                            None::<i64>.into(),
                            TICKET_OPENINGS[rng.gen_range(0..TICKET_OPENINGS.len())].into(),
                            false.into(),
                            at.into(),
                        ],
                        1 => vec![
                            (*ticket).into(),
                            Some(agent).into(),
                            TICKET_ANSWERS[rng.gen_range(0..TICKET_ANSWERS.len())].into(),
                            false.into(),
                            at.into(),
                        ],
                        _ => vec![
                            (*ticket).into(),
                            Some(agent).into(),
                            NOTES[rng.gen_range(0..NOTES.len())].into(),
                            true.into(),
                            at.into(),
                        ],
                    };
                    conversation.push(row);
                }
                said += want;
            }
            while !conversation.is_empty() {
                let rest = conversation.split_off(conversation.len().min(ROWS));
                insert_rows(
                    &mut tx,
                    "ticket_messages",
                    &["ticket_id", "author_id", "body", "internal", "created_at"],
                    std::mem::replace(&mut conversation, rest),
                )
                .await?;
            }
            made += n as u64;
        }
        tx.commit().await?;
        tracing::info!(made, tickets, said, "tickets seeded");
    }
    Ok(TicketStats {
        tickets: made,
        messages: said,
    })
}
