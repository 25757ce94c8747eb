//! Leads (线索): unqualified prospects, from capture to conversion.
use crate::domain::leads::LeadStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub source: String,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub product_line: Option<String>,
    pub status: LeadStatus,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// The first-contact SLA: when someone must have reached out.
    pub first_contact_due_at: Option<DateTime<Utc>>,
    pub first_contacted_at: Option<DateTime<Utc>>,
    pub mql_at: Option<DateTime<Utc>>,
    pub sql_at: Option<DateTime<Utc>>,
    pub disqualify_reason: Option<String>,
    pub converted_customer_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewLead {
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// web_form | event | referral | import | api | trial | demo; default api.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub product_line: Option<String>,
    /// Managers and admins may name the owner; otherwise the assignment rules decide.
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// A submission of a public web form. `website` is a honeypot: people leave it empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicLead {
    pub form_key: String,
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub product_line: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QualifyRequest {
    /// mql or sql
    pub status: crate::domain::leads::LeadStatus,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DisqualifyRequest {
    pub reason: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConvertRequest {
    pub version: i64,
    /// The opportunity's name; default "<company> 商机".
    #[serde(default)]
    pub opportunity_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Conversion {
    pub lead: Lead,
    pub customer_id: i64,
    pub contact_id: i64,
    pub opportunity_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadContact {
    pub kind: crate::model::ActivityKind,
    #[serde(default)]
    pub summary: Option<String>,
}

named_enum! {
    /// What a public web form opens: leads (a website's contact form) or tickets (its
    /// support form).
    FormPurpose {
        Leads => "leads",
        Tickets => "tickets",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadForm {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub active: bool,
    pub purpose: FormPurpose,
    /// Shown once, when the form is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Disables a form (its key stops working) or enables it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadFormPatch {
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewLeadForm {
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
    /// leads (default) or tickets: which public endpoint the form's key opens.
    #[serde(default)]
    pub purpose: Option<FormPurpose>,
}

/// A website's support form, posted with its form key: a ticket for the sender's contact
/// (made, and tagged for review, when nobody has their address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicTicket {
    pub form_key: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: String,
    /// Left empty by people; a bot that fills it is answered as usual and ignored.
    #[serde(default)]
    pub website: Option<String>,
}
