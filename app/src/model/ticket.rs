//! Tickets' closed sets: where a ticket is in its life, and how urgent it is (the SLA
//! targets are per priority). Stored and sent as text.
use crate::i18n::Lang;

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
