//! Leads from the public web form: the form key picks the source, each address is rate
//! limited, a filled honeypot is answered like a success and stored nowhere.
use super::leads::{check_input, insert, Capture};
use super::Check;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::token_hash;
use crate::ssr::context::AppState;
use crate::ssr::store::leads as store;

/// Public form submissions allowed per client address per 10 minutes.
const PUBLIC_PER_ADDRESS: i64 = 5;

/// What a public form submission came to.
pub enum PublicOutcome {
    Stored(i64),
    /// A bot filled the honeypot: answered like a success, stored nowhere.
    Ignored,
}

/// A submission of a public web form: the form key picks the source; the address is
/// rate-limited; a filled honeypot is ignored silently.
pub async fn create_public(
    state: &AppState,
    input: PublicLead,
    ip: &str,
) -> AppResult<PublicOutcome> {
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let Some((_form, source)) = store::form_by_key(
        &mut *tx,
        &token_hash(input.form_key.trim()),
        FormPurpose::Leads,
    )
    .await?
    else {
        return Err(AppError::field(
            "form_key",
            "this form is not known or no longer accepts submissions",
        ));
    };
    let recent = store::submissions_since(&mut *tx, ip, now_ms - 10 * 60 * 1000).await?;
    if recent >= PUBLIC_PER_ADDRESS {
        return Err(AppError::RateLimited(600));
    }
    if input
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        tracing::info!(ip, "public lead honeypot filled; ignored");
        return Ok(PublicOutcome::Ignored);
    }
    let mut check = Check::new();
    let fields = check_input(
        &mut check,
        &input.name,
        input.company.as_deref(),
        input.phone.as_deref(),
        input.email.as_deref(),
        input.region.as_deref(),
        input.industry.as_deref(),
        input.product_line.as_deref(),
    );
    if fields.phone.is_none()
        && fields.email.is_none()
        && input.phone.as_deref().unwrap_or("").trim().is_empty()
        && input.email.as_deref().unwrap_or("").trim().is_empty()
    {
        check.fail(
            "phone",
            "leave a phone number or an email so we can reach you",
        );
    }
    check.finish()?;
    let lead = insert(
        state,
        &mut tx,
        Capture {
            input: fields,
            source,
            owner: None,
            actor: None,
            client_ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(PublicOutcome::Stored(lead.id))
}
