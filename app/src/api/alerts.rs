//! The alert centre and its badge.
use super::prelude::*;

/// The badge: how many of the viewer's alerts are unread.
#[server(prefix = "/sfn", endpoint = "unread_alerts")]
pub async fn unread_alerts() -> Result<AlertCount, AppError> {
    services::alerts::unread(&app_state()?, &current_viewer()?).await
}

/// The alert centre: unread first, optionally one kind.
#[server(prefix = "/sfn", endpoint = "alerts")]
pub async fn list_alerts(
    kind: Option<String>,
    cursor: Option<String>,
) -> Result<Page<Alert>, AppError> {
    let q = services::alerts::AlertQuery {
        kind,
        cursor,
        limit: Some(50),
        unread: None,
    };
    services::alerts::list(&app_state()?, &current_viewer()?, q).await
}

#[server(prefix = "/sfn", endpoint = "read_alert")]
pub async fn read_alert(id: i64) -> Result<Alert, AppError> {
    services::alerts::read(&app_state()?, &current_viewer()?, id).await
}

#[server(prefix = "/sfn", endpoint = "read_all_alerts")]
pub async fn read_all_alerts() -> Result<AlertCount, AppError> {
    services::alerts::read_all(&app_state()?, &current_viewer()?).await
}
