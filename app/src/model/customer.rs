use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Customer level: A most valuable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Level {
    A,
    B,
    C,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::A, Level::B, Level::C];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::B => "B",
            Level::C => "C",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "A" | "a" => Some(Level::A),
            "B" | "b" => Some(Level::B),
            "C" | "c" => Some(Level::C),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Prospect,
    Active,
    Churned,
}

impl CustomerStatus {
    /// The status as people read it.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            CustomerStatus::Prospect => lang.t("Prospect", "潜在客户"),
            CustomerStatus::Active => lang.t("Customer", "成交客户"),
            CustomerStatus::Churned => lang.t("Churned", "已流失"),
        }
    }

    pub const ALL: [CustomerStatus; 3] = [
        CustomerStatus::Prospect,
        CustomerStatus::Active,
        CustomerStatus::Churned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Prospect => "prospect",
            CustomerStatus::Active => "active",
            CustomerStatus::Churned => "churned",
        }
    }
    pub fn parse(s: &str) -> Option<CustomerStatus> {
        match s {
            "prospect" => Some(CustomerStatus::Prospect),
            "active" => Some(CustomerStatus::Active),
            "churned" => Some(CustomerStatus::Churned),
            _ => None,
        }
    }
}

/// A customer account. No owner means it is in the public pool (公海).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub size: Option<String>,
    pub source: Option<String>,
    pub level: Level,
    pub status: CustomerStatus,
    pub tags: Vec<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub next_follow_up_at: Option<DateTime<Utc>>,
    pub health_score: Option<i64>,
    /// What took points from the score, largest first.
    #[serde(default)]
    pub health_factors: Vec<crate::domain::health::Cost>,
    pub locked: bool,
    /// When this customer returns to the public pool unless someone follows up.
    pub reclaim_at: Option<DateTime<Utc>>,
    /// Why: no_follow_up | no_won_deal.
    pub reclaim_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewCustomer {
    pub name: String,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// "A", "B" or "C"; default "C".
    #[serde(default)]
    pub level: Option<String>,
    /// prospect | active | churned; default prospect.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Reps always own what they create; managers and admins may name an owner or
    /// leave it empty (public pool).
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub next_follow_up_at: Option<DateTime<Utc>>,
    /// The first contact, created with the customer.
    #[serde(default)]
    pub contact: Option<FirstContact>,
    /// Admins may save a customer that looks like a duplicate.
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FirstContact {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

/// An existing customer a new one may duplicate. `visible` says whether the person asking
/// may open it; otherwise only its name and owner are shown, so they can ask the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DuplicateRef {
    pub customer_id: i64,
    pub name: String,
    pub owner_name: Option<String>,
    /// company_name | phone | email
    pub matched_on: String,
    pub visible: bool,
}

/// Partial update; absent fields are left unchanged; `null` clears optional fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerPatch {
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub industry: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub region: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub size: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub source: Option<Option<String>>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<DateTime<Utc>>))]
    pub next_follow_up_at: Option<Option<DateTime<Utc>>>,
}

/// A person at a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub title: Option<String>,
    /// E.164, e.g. +8613812345678.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub wechat: Option<String>,
    pub decision_maker: bool,
    pub consent: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewContact {
    pub customer_id: i64,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub wechat: Option<String>,
    #[serde(default)]
    pub decision_maker: bool,
    #[serde(default)]
    pub consent: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactPatch {
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub title: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub wechat: Option<Option<String>>,
    #[serde(default)]
    pub decision_maker: Option<bool>,
    #[serde(default)]
    pub consent: Option<bool>,
}

/// A row of a rep's "Today": a customer whose follow-up is due or overdue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRow {
    pub customer_id: i64,
    pub customer_name: String,
    pub level: Level,
    pub next_follow_up_at: DateTime<Utc>,
    pub overdue: bool,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseRequest {
    /// Why the customer goes back to the pool.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    pub owner_id: i64,
}
