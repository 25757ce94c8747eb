use super::EntityRef;
use crate::domain::alerts::AlertKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A message for one user about one record (提醒): stored first, then pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: i64,
    /// lead_assigned, follow_up_due, follow_up_overdue, stage_stalled, …
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub kind: AlertKind,
    /// In the user's language.
    pub title: String,
    pub body: String,
    pub entity: EntityRef,
    pub due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Alert {
    /// The page that shows the record.
    pub fn href(&self) -> String {
        match self.entity.kind.as_str() {
            "customer" => format!("/customers/{}", self.entity.id),
            "opportunity" => format!("/deals/{}", self.entity.id),
            "task" => "/tasks".to_string(),
            "ticket" => format!("/tickets/{}", self.entity.id),
            _ => "/today".to_string(),
        }
    }
}

/// How many unread alerts a user has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertCount {
    pub unread: i64,
}

/// Messages on `/ws`, both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WsMessage {
    /// Client → server: the last alert id this device has seen (0: none).
    Hello { after: i64 },
    /// Client → server: application-level heartbeat.
    Ping,
    /// Server → client.
    Pong,
    /// Server → client: the session is known; `unread` is the badge count, which counts
    /// every alert up to `upto`.
    Welcome {
        user_id: i64,
        unread: i64,
        upto: i64,
    },
    /// Server → client: an alert, replayed or live.
    Alert { alert: Alert },
    /// Server → client: these alerts were read on some device.
    Read { ids: Vec<i64> },
    /// Server → client: everything up to this id was read on some device.
    ReadAll { upto: i64 },
    /// Server → client (those who work tickets): a ticket came in; the queue is worth
    /// reading again.
    Queue,
    /// Client → server: this socket's page shows the dashboard for this period and scope
    /// (the page's address fields; empty = not given); its tiles are kept live.
    WatchKpis {
        period: Option<String>,
        from: Option<String>,
        to: Option<String>,
        team_id: Option<String>,
        rep_id: Option<String>,
    },
    /// Client → server: the dashboard was left.
    UnwatchKpis,
    /// Server → client (a socket watching the dashboard): the KPIs again, after a write
    /// that may have changed them.
    Kpi { report: crate::model::KpiReport },
}
