use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of touch a follow-up was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Visit,
    Email,
    Meeting,
    Wechat,
    Note,
}

impl ActivityKind {
    /// The kind as people read it.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            ActivityKind::Call => lang.t("Call", "电话"),
            ActivityKind::Visit => lang.t("Visit", "拜访"),
            ActivityKind::Email => lang.t("Email", "邮件"),
            ActivityKind::Meeting => lang.t("Meeting", "会议"),
            ActivityKind::Wechat => lang.t("WeChat", "微信"),
            ActivityKind::Note => lang.t("Note", "备注"),
        }
    }

    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::Call,
        ActivityKind::Visit,
        ActivityKind::Wechat,
        ActivityKind::Email,
        ActivityKind::Meeting,
        ActivityKind::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Visit => "visit",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Wechat => "wechat",
            ActivityKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A logged call, visit, message or note (跟进记录).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub kind: ActivityKind,
    pub summary: String,
    pub occurred_at: DateTime<Utc>,
    pub next_follow_up_at: Option<DateTime<Utc>>,
    pub user_id: i64,
    pub user_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewActivity {
    pub customer_id: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = ActivityKind))]
    pub kind: crate::domain::Picked<ActivityKind>,
    /// One line; defaults to the kind when left empty.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub contact_id: Option<i64>,
    #[serde(default)]
    pub opportunity_id: Option<i64>,
    /// When it happened; default now. Not in the future.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// The next follow-up; must be in the future. Absent or null clears it.
    #[serde(default)]
    pub next_follow_up_at: Option<DateTime<Utc>>,
    /// Field check-in for visits (browser geolocation, with consent).
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    /// The id the device gave a follow-up written without signal (a UUID; Tandem's app
    /// makes UUIDv7s): sent again, it answers the follow-up logged the first time.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// One entry of a customer's timeline: a follow-up, a deal's stage change, a task created
/// or done, a ticket, a contract requested or decided, or a change of owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineItem {
    pub at: DateTime<Utc>,
    /// activity | stage | task | task_done | ticket | contract | contract_decided | owner |
    /// survey
    pub kind: String,
    /// The record's id in its own table.
    pub id: i64,
    /// activity: its kind; stage: the stage entered; ticket: its status; contract: its
    /// approval status; owner: claim | release | assign | reclaim; survey: `csat:{score}` or
    /// `nps:{score}` (with the comment as detail and the contact as user).
    pub title: String,
    /// activity: summary; stage: the deal's name; task: its title; ticket: subject;
    /// owner: the reason given.
    pub detail: Option<String>,
    /// Who did it (owner changes: whose book it moved in or out of).
    pub user_name: Option<String>,
    /// The deal a stage change or contract belongs to.
    pub opportunity_id: Option<i64>,
    pub amount_minor: Option<i64>,
    /// activity: where a visit was checked in, when the rep shared it.
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}
