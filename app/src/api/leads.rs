//! Leads: the list, entering, contacting, qualifying, converting and assigning them.
use super::prelude::*;

/// The leads page: a page of leads in the viewer's scope and the time it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsView {
    pub page: Page<Lead>,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[server(prefix = "/sfn", endpoint = "leads")]
pub async fn list_leads(
    status: Option<String>,
    pool: Option<bool>,
    cursor: Option<String>,
) -> Result<LeadsView, AppError> {
    let state = app_state()?;
    let q = services::leads::LeadQuery {
        status: form_optional_choice("status", status.as_deref())?,
        pool,
        cursor,
        limit: Some(50),
        owner_id: None,
    };
    let page = services::leads::list(&state, &current_viewer()?, q).await?;
    Ok(LeadsView {
        page,
        now: state.clock.now(),
    })
}

/// A lead typed in by a rep (theirs) or a manager (routed by the assignment rules).
#[server(prefix = "/sfn", endpoint = "add_lead")]
pub async fn add_lead(
    name: String,
    company: String,
    phone: String,
    email: String,
    source: String,
) -> Result<Lead, AppError> {
    let some = |s: String| (!s.trim().is_empty()).then_some(s);
    let input = NewLead {
        name,
        company: some(company),
        phone: some(phone),
        email: some(email),
        source: some(source),
        ..Default::default()
    };
    services::leads::create(&app_state()?, &current_viewer()?, input).await
}

#[server(prefix = "/sfn", endpoint = "contact_lead")]
pub async fn contact_lead(id: i64, kind: String) -> Result<Lead, AppError> {
    let r = LeadContact {
        kind: form_choice("kind", &kind)?,
        summary: None,
    };
    services::leads::contact(&app_state()?, &current_viewer()?, id, r).await
}

#[server(prefix = "/sfn", endpoint = "qualify_lead")]
pub async fn qualify_lead(id: i64, version: i64, status: String) -> Result<Lead, AppError> {
    let r = QualifyRequest {
        status: form_choice("status", &status)?,
        version,
    };
    services::leads::qualify(&app_state()?, &current_viewer()?, id, r).await
}

#[server(prefix = "/sfn", endpoint = "disqualify_lead")]
pub async fn disqualify_lead(id: i64, version: i64, reason: String) -> Result<Lead, AppError> {
    let r = DisqualifyRequest { reason, version };
    services::leads::disqualify(&app_state()?, &current_viewer()?, id, r).await
}

/// Converts a sales-qualified lead into customer, contact and deal.
#[server(prefix = "/sfn", endpoint = "convert_lead")]
pub async fn convert_lead(id: i64, version: i64) -> Result<Conversion, AppError> {
    let r = ConvertRequest {
        version,
        opportunity_name: None,
    };
    services::lead_conversion::convert(&app_state()?, &current_viewer()?, id, r).await
}

/// A manager hands a lead to a rep of their team.
#[server(prefix = "/sfn", endpoint = "assign_lead")]
pub async fn assign_lead(id: i64, owner_id: i64) -> Result<Lead, AppError> {
    services::leads::assign(&app_state()?, &current_viewer()?, id, owner_id).await
}
