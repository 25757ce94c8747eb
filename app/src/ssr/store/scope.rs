//! The one door: data scopes as SQL, applied inside every customer-data query.
use crate::domain::scope::{scope_for, DataScope};
use crate::model::Role;
use crate::ssr::auth::Viewer;
use crate::ssr::store::db::Sql;
use sqlx::{any::AnyRow, Any, Executor, FromRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// A record as the scope reads it: its `SELECT … WHERE …`, its id column and the column
/// holding its owner.
pub struct Owned {
    pub select: &'static str,
    pub id: &'static str,
    pub owner: &'static str,
}

impl Owned {
    /// The record `id` if the viewer may see (Read) or change (Write) it.
    pub async fn one<'e, R>(
        &self,
        ex: impl Executor<'e, Database = Any>,
        viewer: &Viewer,
        id: i64,
        access: Access,
    ) -> Result<Option<R>, sqlx::Error>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let mut sql = Sql::new(self.select);
        sql.push(&format!(" AND {} = ", self.id)).bind(id);
        owned_by_scope(&mut sql, viewer, access, self.owner);
        sql.query_as::<R>().fetch_optional(ex).await
    }
}

/// Appends `AND (…)` restricting `{alias}.owner_id` to what the viewer may read or change.
/// Owner-less rows are the public pool.
pub fn owned_by_scope(sql: &mut Sql, viewer: &Viewer, access: Access, owner_col: &str) {
    match (scope_for(viewer.role), access) {
        (DataScope::All, _) | (DataScope::Service, Access::Read) => {}
        (DataScope::Service, Access::Write) => {
            sql.push(" AND 1 = 0");
        }
        (DataScope::OwnAndPool, Access::Read) => {
            sql.push(&format!(" AND ({owner_col} = "))
                .bind(viewer.user_id)
                .push(&format!(" OR {owner_col} IS NULL)"));
        }
        (DataScope::OwnAndPool, Access::Write) => {
            sql.push(&format!(" AND {owner_col} = "))
                .bind(viewer.user_id);
        }
        (DataScope::TeamSubtree, _) => {
            sql.push(&format!(" AND ({owner_col} IS NULL OR {owner_col} = "))
                .bind(viewer.user_id);
            if let Some(team) = viewer.team_id {
                sql.push(&format!(
                    " OR {owner_col} IN (SELECT su.id FROM users su WHERE su.team_id IN ("
                ));
                push_team_subtree(sql, team);
                sql.push("))");
            }
            sql.push(")");
        }
    }
}

/// `SELECT id` of a team and every team below it.
pub fn push_team_subtree(sql: &mut Sql, team_id: i64) {
    sql.push("WITH RECURSIVE sub(id) AS (SELECT CAST(")
        .bind(team_id)
        .push(" AS BIGINT) UNION SELECT t.id FROM teams t JOIN sub ON t.parent_id = sub.id) SELECT id FROM sub");
}

/// Which users a viewer may pick as an owner (managers: their subtree; admins: anyone).
pub fn assignable_users_scope(sql: &mut Sql, viewer: &Viewer, user_col: &str) {
    match viewer.role {
        Role::Admin => {}
        Role::Manager => {
            sql.push(&format!(" AND ({user_col} = "))
                .bind(viewer.user_id);
            if let Some(team) = viewer.team_id {
                sql.push(&format!(
                    " OR {user_col} IN (SELECT su.id FROM users su WHERE su.team_id IN ("
                ));
                push_team_subtree(sql, team);
                sql.push("))");
            }
            sql.push(")");
        }
        Role::Rep | Role::Agent => {
            sql.push(&format!(" AND {user_col} = "))
                .bind(viewer.user_id);
        }
    }
}

/// The owner groups a viewer may read, for queries that walk one index per owner:
/// `None` = everything (admins, agents); `Some(groups)` where a group is an owner id or
/// `None` for the public pool.
pub async fn owner_groups(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
) -> Result<Option<Vec<Option<i64>>>, sqlx::Error> {
    Ok(match scope_for(viewer.role) {
        DataScope::All | DataScope::Service => None,
        DataScope::OwnAndPool => Some(vec![Some(viewer.user_id), None]),
        DataScope::TeamSubtree => {
            let mut groups = vec![None, Some(viewer.user_id)];
            if let Some(team) = viewer.team_id {
                for id in people_of_team_subtree(conn, team).await? {
                    if id != viewer.user_id {
                        groups.push(Some(id));
                    }
                }
            }
            Some(groups)
        }
    })
}

/// The people of a team and of every team below it, by id.
pub async fn people_of_team_subtree<'e>(
    ex: impl Executor<'e, Database = Any>,
    team_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT su.id FROM users su WHERE su.team_id IN (");
    push_team_subtree(&mut sql, team_id);
    sql.push(") ORDER BY su.id");
    sql.query_scalar::<i64>().fetch_all(ex).await
}
