//! Tickets' closed sets: where a ticket is in its life, and how urgent it is (the SLA
//! targets are per priority). Stored and sent as text.
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

named_enum! {
    /// new → open → pending (waiting on the customer) → resolved → closed.
    TicketStatus {
        New => "new",
        Open => "open",
        Pending => "pending",
        Resolved => "resolved",
        Closed => "closed",
    }
}

impl TicketStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketStatus::New => lang.t("New", "新建"),
            TicketStatus::Open => lang.t("Open", "处理中"),
            TicketStatus::Pending => lang.t("Pending", "等待中"),
            TicketStatus::Resolved => lang.t("Resolved", "已解决"),
            TicketStatus::Closed => lang.t("Closed", "已关闭"),
        }
    }
}

named_enum! {
    /// How soon the ticket must be answered and solved.
    TicketPriority {
        Urgent => "urgent",
        High => "high",
        Normal => "normal",
        Low => "low",
    }
}

impl TicketPriority {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketPriority::Urgent => lang.t("Urgent", "紧急"),
            TicketPriority::High => lang.t("High", "高"),
            TicketPriority::Normal => lang.t("Normal", "普通"),
            TicketPriority::Low => lang.t("Low", "低"),
        }
    }
}

named_enum! {
    /// Where a ticket came in.
    TicketChannel {
        Phone => "phone",
        Email => "email",
        Web => "web",
        Chat => "chat",
    }
}

impl TicketChannel {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketChannel::Phone => lang.t("Phone", "电话"),
            TicketChannel::Email => lang.t("Email", "邮件"),
            TicketChannel::Web => lang.t("Web form", "网页表单"),
            TicketChannel::Chat => lang.t("Chat", "在线聊天"),
        }
    }
}

named_enum! {
    /// What a ticket is about.
    TicketCategory {
        Technical => "technical",
        Billing => "billing",
        Inquiry => "inquiry",
        Complaint => "complaint",
    }
}

impl TicketCategory {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketCategory::Technical => lang.t("Technical", "技术"),
            TicketCategory::Billing => lang.t("Billing", "账务"),
            TicketCategory::Inquiry => lang.t("Inquiry", "咨询"),
            TicketCategory::Complaint => lang.t("Complaint", "投诉"),
        }
    }
}

named_enum! {
    /// Which tickets a list shows: the queue's tabs, and every ticket.
    TicketView {
        Mine => "mine",
        Unassigned => "unassigned",
        Team => "team",
        Open => "open",
        Breached => "breached",
        Waiting => "waiting",
        All => "all",
    }
}

impl TicketView {
    /// The tabs of the agent's queue, in order.
    pub const TABS: [TicketView; 6] = [
        TicketView::Mine,
        TicketView::Unassigned,
        TicketView::Team,
        TicketView::Open,
        TicketView::Breached,
        TicketView::Waiting,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TicketView::Mine => lang.t("Assigned to me", "分配给我的"),
            TicketView::Unassigned => lang.t("Unassigned", "未分配"),
            TicketView::Team => lang.t("My team's", "本组工单"),
            TicketView::Open => lang.t("All open", "全部未关闭"),
            TicketView::Breached => lang.t("Breached", "已超时"),
            TicketView::Waiting => lang.t("Waiting on customer", "等待客户"),
            TicketView::All => lang.t("All tickets", "全部工单"),
        }
    }
}

/// What a queue view is narrowed to: one priority, category or channel (none: all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketNarrow {
    #[serde(default)]
    pub priority: Option<TicketPriority>,
    #[serde(default)]
    pub category: Option<TicketCategory>,
    #[serde(default)]
    pub channel: Option<TicketChannel>,
}

impl TicketNarrow {
    /// The narrowing as query parameters to add to a queue link (`&priority=high…`).
    pub fn query(&self) -> String {
        let mut out = String::new();
        let pairs = [
            ("priority", self.priority.map(TicketPriority::as_str)),
            ("category", self.category.map(TicketCategory::as_str)),
            ("channel", self.channel.map(TicketChannel::as_str)),
        ];
        for (key, value) in pairs {
            if let Some(v) = value {
                out.push_str(&format!("&{key}={v}"));
            }
        }
        out
    }
}

/// One SLA clock of a ticket as the viewer reads it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaClock {
    /// running | paused | met | breached
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub state: crate::domain::sla::ClockState,
    /// When it runs out (running) or ran out (breached); null while paused or once met.
    pub due_at: Option<DateTime<Utc>>,
    /// Business minutes left; negative: by how much it is or was breached.
    pub left_minutes: i64,
}

/// A ticket (工单) with its two SLA clocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: i64,
    pub subject: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub contact_id: Option<i64>,
    pub channel: TicketChannel,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// The team that works it (set by routing or by hand).
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub team_name: Option<String>,
    pub first_response: SlaClock,
    pub resolution: SlaClock,
    /// While the customer waits for an answer to a message they sent after the first one.
    #[serde(default)]
    pub next_response: Option<SlaClock>,
    /// The ticket this duplicate was merged into (it is closed; its conversation moved there).
    #[serde(default)]
    pub merged_into_id: Option<i64>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub csat: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// One entry of a ticket's conversation: a public reply (the customer reads it) or an
/// internal note (only the team does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketMessage {
    pub id: i64,
    pub ticket_id: i64,
    /// None: the customer wrote it.
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    /// A public reply's email to the customer; None for notes, for the customer's own
    /// words and when the ticket has no address to write to.
    #[serde(default)]
    pub delivery: Option<MailDelivery>,
    /// Files that came with it (a customer's email's attachments).
    #[serde(default)]
    pub attachments: Vec<TicketAttachment>,
}

/// A file kept with a message; its bytes are at
/// `/api/v1/tickets/{ticket_id}/attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketAttachment {
    pub id: i64,
    pub ticket_id: i64,
    pub message_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

impl TicketAttachment {
    /// Where its bytes are served.
    pub fn href(&self) -> String {
        format!("/api/v1/tickets/{}/attachments/{}", self.ticket_id, self.id)
    }
}

/// Where an email Tandem sends stands: waiting for its first try, taken by a mail server,
/// or refused and to be tried again (never given up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MailDelivery {
    pub to: String,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last try failed, as the mail server or the network said it.
    pub last_error: Option<String>,
}

impl MailDelivery {
    pub fn delivered(&self) -> bool {
        self.sent_at.is_some()
    }

    /// What a person sees beside the reply.
    pub fn status_text(&self, lang: Lang) -> String {
        match (&self.sent_at, &self.last_error) {
            (Some(_), _) => lang.t("Emailed to", "已发送至").to_string() + " " + &self.to,
            (None, Some(error)) => format!(
                "{} {} ({} {}): {error}",
                lang.t("Not delivered yet to", "尚未送达"),
                self.to,
                self.attempts,
                lang.t("tries; trying again", "次尝试，稍后重试"),
            ),
            (None, None) => lang.t("Sending to", "正在发送至").to_string() + " " + &self.to,
        }
    }
}

/// A ticket with its conversation, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
}

/// A ticket logged by an agent (a call) or sent by an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTicket {
    pub subject: String,
    /// What the customer said, as the first message of the conversation.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// Default phone.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketChannel>))]
    pub channel: Option<crate::domain::Picked<TicketChannel>>,
    /// Default inquiry.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketCategory>))]
    pub category: Option<crate::domain::Picked<TicketCategory>>,
    /// Default normal.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TicketPriority>))]
    pub priority: Option<crate::domain::Picked<TicketPriority>>,
    /// Default: nobody (the queue's unassigned view).
    #[serde(default)]
    pub assignee_id: Option<i64>,
}

/// A change to a ticket; `version` must be the one last read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPatch {
    pub version: i64,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub status: Option<TicketStatus>,
    #[serde(default)]
    pub priority: Option<TicketPriority>,
    #[serde(default)]
    pub category: Option<TicketCategory>,
    /// A user id to assign, null to put it back in the queue; absent leaves it.
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub assignee_id: Option<Option<i64>>,
    /// A team id, null for none; absent leaves it.
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub team_id: Option<Option<i64>>,
}

/// Merges this ticket (a duplicate) into `into`: its conversation and files move there,
/// it is closed and names the ticket it went to. `version` is this ticket's, as last read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketMerge {
    pub version: i64,
    pub into: i64,
}

/// A public reply or an internal note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTicketMessage {
    pub body: String,
    /// true: an internal note, which neither the customer sees nor stops a clock.
    #[serde(default)]
    pub internal: bool,
}

/// The agent's queue: one view of the open tickets, by next SLA deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketQueue {
    pub now: DateTime<Utc>,
    pub view: TicketView,
    #[serde(default)]
    pub narrow: TicketNarrow,
    pub page: super::Page<Ticket>,
    /// Whether the viewer is away from the desk (routing gives them no new tickets); None
    /// for those routing never gives tickets to (everyone but agents).
    #[serde(default)]
    pub away: Option<bool>,
}

/// Someone a ticket may be given to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignable {
    pub id: i64,
    pub name: String,
}

/// The customer beside a ticket, so nobody asks them to tell their story again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerBeside {
    pub customer: super::Customer,
    pub contacts: Vec<super::Contact>,
    pub open_deals: Vec<super::Opportunity>,
    /// The latest follow-ups, newest first.
    pub follow_ups: Vec<super::TimelineItem>,
    /// The customer's other tickets, newest first.
    pub other_tickets: Vec<Ticket>,
}

/// The ticket page: the conversation, the customer beside it, whom it may go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketPage {
    pub now: DateTime<Utc>,
    pub detail: TicketDetail,
    pub customer: Option<CustomerBeside>,
    pub assignable: Vec<Assignable>,
    /// The teams a ticket may be given to (for those who work it).
    #[serde(default)]
    pub teams: Vec<Assignable>,
    /// Whether the viewer may answer and change it.
    pub can_work: bool,
    /// The desk's canned replies, filled in for this ticket (for those who answer it).
    #[serde(default)]
    pub canned: Vec<CannedReply>,
}

/// A contact's answer to a satisfaction survey (CSAT on a ticket, or NPS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyAnswer {
    pub id: i64,
    pub kind: crate::domain::surveys::SurveyKind,
    pub ticket_id: Option<i64>,
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub contact_name: Option<String>,
    /// CSAT 1–5, NPS 0–10.
    pub score: i64,
    pub comment: Option<String>,
    pub answered_at: DateTime<Utc>,
}

/// An admin asks the contacts of these customers how likely they are to recommend the
/// company (NPS, 0–10), each by an email with their own link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NpsRequest {
    pub customer_ids: Vec<i64>,
}

/// How many surveys went out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveysSent {
    pub sent: i64,
}

/// One of the desk's frequent answers, with placeholders ({{customer}}, {{contact}},
/// {{ticket}}, {{subject}}, {{agent}}).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewCannedReply {
    pub title: String,
    pub body: String,
}
