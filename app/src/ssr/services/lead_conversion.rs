//! Lead conversion: a sales-qualified lead becomes a customer, its contact and a first
//! deal, in one transaction, through the same insert paths the forms and REST use.
use super::leads::{save, writable};
use super::write::check_version;
use crate::domain::events::Action;
use crate::domain::leads::LeadStatus;
use crate::domain::validate::optional_text;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;

/// Converts a sales-qualified lead into a customer, a contact and an opportunity, in one
/// transaction, keeping the link.
pub async fn convert(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    r: ConvertRequest,
) -> AppResult<Conversion> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    if current.status != LeadStatus::Sql {
        return Err(AppError::field(
            "status",
            "qualify the lead to SQL (need, budget and timeline confirmed) before converting",
        ));
    }
    check_version(&current, current.version, r.version)?;
    let owner = current.owner_id.unwrap_or(viewer.user_id);
    let company = current
        .company
        .clone()
        .unwrap_or_else(|| current.name.clone());
    let fields = crate::ssr::store::customers::CustomerFields {
        name_norm: crate::domain::validate::normalize_company(&company),
        name: company.clone(),
        industry: current.industry.clone(),
        region: current.region.clone(),
        size: None,
        source: Some(current.source.clone()),
        level: Level::C,
        status: CustomerStatus::Prospect,
        tags: Vec::new(),
        owner_id: Some(owner),
        next_follow_up_at: None,
    };
    let contact = crate::ssr::store::contacts::ContactFields {
        name: current.name.clone(),
        title: None,
        phone: current.phone.clone(),
        email: current.email.clone(),
        wechat: None,
        decision_maker: false,
        consent: true,
    };
    let (customer, contact_id) =
        super::customers::insert_new(&mut tx, state, viewer, &fields, Some(&contact), now_ms)
            .await?;
    let customer_id = customer.id;
    let contact_id = contact_id.ok_or(AppError::Internal)?;
    let opp_name = r
        .opportunity_name
        .as_deref()
        .and_then(|n| optional_text(n, 200).ok().flatten())
        .unwrap_or_else(|| format!("{company} 商机"));
    let draft = super::deals::draft_of(&mut tx, &customer, opp_name, Some(owner), now).await?;
    let opportunity_id = super::deals::insert_new(&mut tx, viewer, &draft, now_ms)
        .await?
        .id;
    let mut next = current.clone();
    next.status = LeadStatus::Converted;
    next.converted_customer_id = Some(customer_id);
    next.version = r.version;
    let lead = save(tx, Some(viewer), &current, &next, Action::Converted, now_ms).await?;
    Ok(Conversion {
        lead,
        customer_id,
        contact_id,
        opportunity_id,
    })
}
