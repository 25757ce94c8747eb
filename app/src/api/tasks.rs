//! Tasks.
use super::prelude::*;

/// The tasks page: open tasks (yours; a manager's team's) or done ones, soonest due first.
#[server(prefix = "/sfn", endpoint = "tasks")]
pub async fn list_tasks(
    status: Option<String>,
    mine: Option<bool>,
    customer_id: Option<i64>,
    cursor: Option<String>,
) -> Result<Page<Task>, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let q = services::tasks::TaskQuery {
        assignee_id: mine.unwrap_or(true).then_some(viewer.user_id),
        customer_id,
        status,
        cursor,
        limit: Some(50),
    };
    services::tasks::list(&state, &viewer, q).await
}

/// A new task from a form: the due time as a quick choice (`today`, `1d`, `7d`, `none`)
/// or a picked date (`pick`); the assignee for managers.
#[server(prefix = "/sfn", endpoint = "add_task")]
pub async fn add_task(
    title: String,
    due: String,
    pick: Option<String>,
    customer_id: Option<i64>,
    assignee_id: Option<String>,
) -> Result<Task, AppError> {
    use crate::domain::time::{task_due_from_choice, DEFAULT_UTC_OFFSET_MINUTES};
    let state = app_state()?;
    let viewer = current_viewer()?;
    let due_at = task_due_from_choice(
        &due,
        pick.as_deref(),
        state.clock.now(),
        DEFAULT_UTC_OFFSET_MINUTES,
    )?;
    let assignee_id = match assignee_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::field("assignee_id", "choose someone from the list"))?,
        ),
    };
    let input = NewTask {
        title,
        due_at,
        assignee_id,
        customer_id,
        opportunity_id: None,
    };
    services::tasks::create(&state, &viewer, input).await
}

/// Marks a task done (or open again).
#[server(prefix = "/sfn", endpoint = "finish_task")]
pub async fn finish_task(id: i64, version: i64, done: Option<bool>) -> Result<Task, AppError> {
    let patch = TaskPatch {
        version,
        done: Some(done.unwrap_or(true)),
        ..Default::default()
    };
    services::tasks::patch(&app_state()?, &current_viewer()?, id, patch).await
}

/// People the viewer may give tasks to (managers: their team; admins: everyone).
#[server(prefix = "/sfn", endpoint = "task_assignees")]
pub async fn task_assignees() -> Result<Vec<User>, AppError> {
    let users = services::users::list(&app_state()?, &current_viewer()?).await?;
    Ok(users.into_iter().filter(|u| u.active).collect())
}
