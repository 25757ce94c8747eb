//! Follow-ups logged from Today or the customer page.
use super::prelude::*;

/// Logs a follow-up from Today or the customer page: kind, optional one-line summary, and
/// the next step as a quick choice (`1d`, `3d`, `7d`, `none`) or a picked date (`pick`).
#[server(prefix = "/sfn", endpoint = "log_follow_up")]
pub async fn log_follow_up(
    customer_id: i64,
    kind: String,
    summary: String,
    next: String,
    pick: Option<String>,
    latitude: Option<String>,
    longitude: Option<String>,
    client_id: Option<String>,
    written_at: Option<i64>,
) -> Result<Activity, AppError> {
    use crate::domain::time::{next_follow_up_from_choice, DEFAULT_UTC_OFFSET_MINUTES};
    let state = app_state()?;
    let viewer = current_viewer()?;
    // Sent from the phone's queue: it happened when it was written (never later than
    // now, whatever the phone's clock says), and "tomorrow" counts from then.
    let now = state.clock.now();
    let written = written_at
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|w| w.min(now));
    let next_at = next_follow_up_from_choice(
        &next,
        pick.as_deref(),
        written.unwrap_or(now),
        DEFAULT_UTC_OFFSET_MINUTES,
    )?;
    let degrees = |field: &str, v: Option<String>| -> Result<Option<f64>, AppError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => t
                .parse::<f64>()
                .map(Some)
                .map_err(|_| AppError::field(field, "not a coordinate")),
        }
    };
    let input = NewActivity {
        customer_id,
        kind: kind.as_str().into(),
        summary: Some(summary),
        next_follow_up_at: next_at,
        latitude: degrees("latitude", latitude)?,
        longitude: degrees("longitude", longitude)?,
        contact_id: None,
        opportunity_id: None,
        occurred_at: written,
        client_id,
    };
    services::activities::log(&state, &viewer, input).await
}
