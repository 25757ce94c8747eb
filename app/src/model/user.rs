use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Rep,
    Agent,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Rep, Role::Agent, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Agent => "agent",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The page each role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Rep => "/today",
            Role::Agent => "/queue",
            Role::Manager => "/dashboard",
            Role::Admin => "/admin",
        }
    }
}

/// A person who signs in to Tandem. Users are deactivated (frozen), never deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub active: bool,
    /// Away from the desk: keeps their tickets, but ticket routing passes them by.
    #[serde(default)]
    pub away: bool,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// An agent saying they are away from the desk, or back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Availability {
    pub away: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewUser {
    pub email: String,
    pub name: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Role))]
    pub role: crate::domain::Picked<Role>,
    pub team_id: Option<i64>,
    pub password: String,
    #[serde(default)]
    pub locale: Option<String>,
}

/// Partial update of a user; `version` must be the one last read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserPatch {
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    /// `null` removes the user from their team; absent leaves it unchanged.
    #[serde(default, with = "crate::model::double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub team_id: Option<Option<i64>>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTeam {
    pub name: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// An integration token; `token` is shown only once, when it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it may do: `customers:read`, `leads:write`, `*:read`…
    pub scopes: Vec<String>,
    /// After this it no longer signs anything in.
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    pub name: String,
    /// The user whose permissions the token carries (never more than that user's).
    pub user_id: i64,
    /// At least one of `domain:read` / `domain:write`, domain one of customers,
    /// contacts, activities, tasks, leads, opportunities, contracts, alerts, settings,
    /// users, or `*`.
    pub scopes: Vec<String>,
    /// Optional; after it the token stops working.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}
