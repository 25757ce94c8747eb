//! Tasks: create, assign (managers within their team, admins to anyone), due, done.
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::validate::required_text;
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::customers;
use crate::ssr::store::scope::Access;
use crate::ssr::store::tasks::{self as store, TaskFields, TaskFilter, NO_DUE};
use sqlx::AnyConnection;

/// May `viewer` give a task to `user_id`? Reps and agents: only to themselves.
async fn check_assignee(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    check: &mut Check,
) -> AppResult<()> {
    if user_id == viewer.user_id {
        return Ok(());
    }
    if !crate::domain::scope::can_assign_tasks_to_others(viewer.role) {
        check.fail("assignee_id", "you can only give tasks to yourself");
        return Ok(());
    }
    if !crate::ssr::store::users::is_active_team_member(conn, viewer, user_id).await? {
        check.fail("assignee_id", "choose an active member of your team");
    }
    Ok(())
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewTask) -> AppResult<Task> {
    let now_ms = state.clock.now_ms();
    let mut check = Check::new();
    let title = check.field("title", required_text(&input.title, 200));
    let due_ms = input.due_at.map(|d| d.timestamp_millis());
    if due_ms.is_some_and(|d| d < now_ms - 60_000) {
        check.fail("due_at", "must not be in the past");
    }
    let assignee = input.assignee_id.unwrap_or(viewer.user_id);
    let mut tx = state.db.begin().await?;
    check_assignee(&mut tx, viewer, assignee, &mut check).await?;
    super::customers::check_visible(&mut tx, viewer, &mut check, input.customer_id).await?;
    if let Some(opp) = input.opportunity_id {
        match crate::ssr::store::deals::customer_of(&mut tx, opp).await? {
            Some(c)
                if input.customer_id.is_none_or(|want| want == c)
                    && customers::get(&mut *tx, viewer, c, Access::Read)
                        .await?
                        .is_some() => {}
            _ => check.fail("opportunity_id", "no such opportunity of this customer"),
        }
    }
    check.finish()?;
    let id = store::insert(
        &mut tx,
        &TaskFields {
            title: &title,
            due_at: due_ms,
            assignee_id: assignee,
            customer_id: input.customer_id,
            opportunity_id: input.opportunity_id,
            done_at: None,
        },
        viewer.user_id,
        now_ms,
    )
    .await?;
    let task = store::get(&mut *tx, viewer, id, now_ms).await?;
    let task = audited_new(
        &mut tx,
        viewer,
        (Entity::Task, Action::Created, id),
        task,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(task)
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Task> {
    store::get(&state.db.read, viewer, id, state.clock.now_ms())
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn patch(state: &AppState, viewer: &Viewer, id: i64, p: TaskPatch) -> AppResult<Task> {
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = store::get(&mut *tx, viewer, id, now_ms)
        .await?
        .ok_or(AppError::NotFound)?;
    // Ticking off a task that is done already (a second tab, a phone sending its queue
    // again) is done, whatever version it names: nothing is overwritten.
    let only_done = p.title.is_none() && p.due_at.is_none() && p.assignee_id.is_none();
    if only_done && p.done == Some(true) && current.done_at.is_some() {
        return Ok(current);
    }
    check_version(&current, current.version, p.version)?;
    let mut check = Check::new();
    let title = match &p.title {
        Some(t) => check.field("title", required_text(t, 200)),
        None => current.title.clone(),
    };
    let due_at = match p.due_at {
        Some(d) => d.map(|d| d.timestamp_millis()),
        None => current.due_at.map(|d| d.timestamp_millis()),
    };
    let assignee_id = p.assignee_id.unwrap_or(current.assignee_id);
    if assignee_id != current.assignee_id {
        check_assignee(&mut tx, viewer, assignee_id, &mut check).await?;
    }
    check.finish()?;
    let done_at = match p.done {
        Some(true) => current
            .done_at
            .map(|d| d.timestamp_millis())
            .or(Some(now_ms)),
        Some(false) => None,
        None => current.done_at.map(|d| d.timestamp_millis()),
    };
    let fields = TaskFields {
        title: &title,
        due_at,
        assignee_id,
        customer_id: current.customer_id,
        opportunity_id: current.opportunity_id,
        done_at,
    };
    if !store::update(&mut tx, id, p.version, &fields, now_ms).await? {
        return Err(stale(store::get(&mut *tx, viewer, id, now_ms).await?));
    }
    let after = store::get(&mut *tx, viewer, id, now_ms).await?;
    let action = match (current.done_at.is_some(), fields.done_at.is_some()) {
        (false, true) => Action::Completed,
        (true, false) => Action::Reopened,
        _ if current.assignee_id != fields.assignee_id => Action::Assigned,
        _ => Action::Updated,
    };
    let change = Versioned::new(Entity::Task, action, id, &current);
    let task = audited(&mut tx, Some(viewer), change, after, now_ms).await?;
    tx.commit().await?;
    Ok(task)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only this assignee's tasks; `me` is not needed: use your own id, or leave empty
    /// for every task you can see.
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// open (default), done or all.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(state: &AppState, viewer: &Viewer, q: TaskQuery) -> AppResult<Page<Task>> {
    if let Some(cid) = q.customer_id {
        // An out-of-scope customer answers 404, not an empty list.
        super::customers::get(state, viewer, cid).await?;
    }
    list_checked(state, viewer, q).await
}

/// `list` once the caller has read `q.customer_id` (if any) in the viewer's scope.
pub(super) async fn list_checked(
    state: &AppState,
    viewer: &Viewer,
    q: TaskQuery,
) -> AppResult<Page<Task>> {
    let limit = super::page_limit(q.limit)?;
    let done = match q.status.as_deref() {
        None | Some("") | Some("open") => Some(false),
        Some("done") => Some(true),
        Some("all") => None,
        Some(_) => return Err(AppError::field("status", "choose open, done or all")),
    };
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            crate::ssr::store::decode_pair("due", c)
                .ok_or_else(|| AppError::field("cursor", "not a cursor this server gave out"))?,
        ),
    };
    let filter = TaskFilter {
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
        done,
    };
    let now_ms = state.clock.now_ms();
    let mut rows = store::list(&state.db.read, viewer, &filter, after, limit, now_ms).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|t| {
            crate::ssr::store::encode_pair(
                "due",
                t.due_at.map(|d| d.timestamp_millis()).unwrap_or(NO_DUE),
                t.id,
            )
        })
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}
