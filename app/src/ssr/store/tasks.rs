//! Tasks (任务). A task is visible to its assignee and its creator, to managers whose team
//! holds the assignee, and to admins.
use super::scope::assignable_users_scope;
use crate::model::Task;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

/// Sort key for tasks without a due time: after every dated one.
pub const NO_DUE: i64 = i64::MAX / 2;

#[derive(sqlx::FromRow)]
struct TaskDbRow {
    id: i64,
    title: String,
    due_at: Option<i64>,
    assignee_id: i64,
    assignee_name: Option<String>,
    creator_id: Option<i64>,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    opportunity_id: Option<i64>,
    done_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

fn into_task(r: TaskDbRow, now_ms: i64) -> Task {
    Task {
        id: r.id,
        title: r.title,
        overdue: r.done_at.is_none() && r.due_at.is_some_and(|d| d < now_ms),
        due_at: opt_from_ms(r.due_at),
        assignee_id: r.assignee_id,
        assignee_name: r.assignee_name,
        creator_id: r.creator_id,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        opportunity_id: r.opportunity_id,
        done_at: opt_from_ms(r.done_at),
        created_at: from_ms(r.created_at),
        updated_at: from_ms(r.updated_at),
        version: r.version,
    }
}

const COLUMNS: &str = "SELECT t.id, t.title, t.due_at, t.assignee_id, u.name AS assignee_name, t.creator_id, \
     t.customer_id, c.name AS customer_name, t.opportunity_id, t.done_at, t.created_at, t.updated_at, t.version \
     FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN customers c ON c.id = t.customer_id \
     WHERE t.deleted_at IS NULL";

/// Restricts to tasks the viewer may see.
fn scoped(sql: &mut Sql, viewer: &Viewer) {
    sql.push(" AND (t.creator_id = ").bind(viewer.user_id);
    sql.push(" OR (1 = 1");
    assignable_users_scope(sql, viewer, "t.assignee_id");
    sql.push("))");
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    now_ms: i64,
) -> Result<Option<Task>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND t.id = ").bind(id);
    scoped(&mut sql, viewer);
    sql.one(ex, |r: TaskDbRow| into_task(r, now_ms)).await
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// None: open and done; Some(false): open only; Some(true): done only.
    pub done: Option<bool>,
}

/// Tasks in scope, soonest due first (undated last), keyset-paged on (due, id).
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    f: &TaskFilter,
    after: Option<(i64, i64)>,
    limit: i64,
    now_ms: i64,
) -> Result<Vec<Task>, sqlx::Error> {
    let due = format!("COALESCE(t.due_at, {NO_DUE})");
    let mut sql = Sql::new(COLUMNS);
    scoped(&mut sql, viewer);
    if let Some(a) = f.assignee_id {
        sql.push(" AND t.assignee_id = ").bind(a);
    }
    if let Some(c) = f.customer_id {
        sql.push(" AND t.customer_id = ").bind(c);
    }
    match f.done {
        Some(true) => {
            sql.push(" AND t.done_at IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND t.done_at IS NULL");
        }
        None => {}
    }
    if let Some((at, id)) = after {
        sql.push(&format!(" AND ({due} > "))
            .bind(at)
            .push(&format!(" OR ({due} = "))
            .bind(at)
            .push(" AND t.id > ")
            .bind(id)
            .push("))");
    }
    sql.push(&format!(" ORDER BY {due}, t.id LIMIT "))
        .bind(limit + 1);
    sql.all(ex, |r: TaskDbRow| into_task(r, now_ms)).await
}

pub struct TaskFields<'a> {
    pub title: &'a str,
    pub due_at: Option<i64>,
    pub assignee_id: i64,
    pub customer_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub done_at: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    f: &TaskFields<'_>,
    creator_id: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("tasks")
        .value("title", f.title)
        .value("due_at", f.due_at)
        .value("assignee_id", f.assignee_id)
        .value("creator_id", creator_id)
        .value("customer_id", f.customer_id)
        .value("opportunity_id", f.opportunity_id)
        .created(now_ms, None)
        .returning_id(conn)
        .await
}

/// Writes the fields if the version still matches; false when someone else changed it.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &TaskFields<'_>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE tasks SET title = ");
    sql.bind(f.title)
        .push(", due_at = ")
        .bind(f.due_at)
        .push(", assignee_id = ")
        .bind(f.assignee_id)
        .push(", done_at = ")
        .bind(f.done_at)
        .stamp(now_ms, None)
        .where_version(id, Some(version))
        .push(" AND deleted_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// Open tasks of active assignees due in `(from, to]`; the assignee is the "owner".
pub async fn due_between(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT t.id, t.assignee_id AS owner_id, t.title AS name, t.due_at AS at, u.name AS owner_name, \
         CAST(NULL AS TEXT) AS extra FROM tasks t JOIN users u ON u.id = t.assignee_id \
         WHERE t.deleted_at IS NULL AND t.done_at IS NULL AND u.active = 1 AND t.due_at > ",
    );
    sql.bind(from).push(" AND t.due_at <= ").bind(to);
    sql.query_as().fetch_all(conn).await
}
