//! Public lead forms (admins): made with a key shown once, listed, disabled or enabled,
//! and given a new key when the old one leaked; the key is stored only as its hash.
use super::leads::SOURCES;
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_administer;
use crate::domain::validate::required_text;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::{new_token, token_hash, Viewer};
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::leads as store;

fn require_admin(viewer: &Viewer) -> AppResult<()> {
    if can_administer(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn new_key() -> String {
    format!("tdf_{}", new_token())
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewLeadForm) -> AppResult<LeadForm> {
    require_admin(viewer)?;
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 100));
    let source = input.source.unwrap_or_else(|| "web_form".into());
    if !SOURCES.contains(&source.as_str()) {
        check.fail(
            "source",
            "choose web_form, event, referral, import, api, trial or demo",
        );
    }
    check.finish()?;
    let purpose = input.purpose.unwrap_or(FormPurpose::Leads);
    let key = new_key();
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let what = (name.as_str(), source.as_str(), purpose);
    let id = store::insert_form(&mut tx, what, &token_hash(&key), now_ms).await?;
    let after = serde_json::json!({"name": name, "source": source, "purpose": purpose});
    let change = Change::new(Action::Created, Entity::LeadForm, id).after(&after);
    audit::record(&mut tx, Some(viewer), change, now_ms).await?;
    tx.commit().await?;
    Ok(LeadForm {
        id,
        name,
        source,
        active: true,
        purpose,
        key: Some(key),
    })
}

pub async fn list(state: &AppState, viewer: &Viewer) -> AppResult<Vec<LeadForm>> {
    require_admin(viewer)?;
    Ok(store::forms(&state.db.read).await?)
}

/// Disables a form (its key stops working at once) or enables it again.
pub async fn set_active(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    active: bool,
) -> AppResult<LeadForm> {
    require_admin(viewer)?;
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let before = store::form(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    store::set_form_active(&mut *tx, id, active).await?;
    let after = store::form(&mut *tx, id).await?.ok_or(AppError::Internal)?;
    let action = if active {
        Action::Enabled
    } else {
        Action::Disabled
    };
    let change = Change::new(action, Entity::LeadForm, id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, Some(viewer), change, now_ms).await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives a form a new key, shown once; the old key stops working at once.
pub async fn rotate_key(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<LeadForm> {
    require_admin(viewer)?;
    let key = new_key();
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if !store::set_form_key(&mut *tx, id, &token_hash(&key)).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::KeyRotated, Entity::LeadForm, id),
        now_ms,
    )
    .await?;
    let form = store::form(&mut *tx, id).await?.ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(LeadForm {
        key: Some(key),
        ..form
    })
}
