//! Users, teams and API tokens.
use crate::model::{ApiToken, Role, Team, User};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

/// Whether `user_id` is an active rep or manager this viewer may make an owner (their
/// team subtree; everyone for an admin).
pub async fn is_assignable_owner(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    is_active_in_scope(conn, viewer, user_id, "AND u.role IN ('rep','manager') ").await
}

/// Whether `user_id` is an active user of any role this viewer may give work to (their
/// team subtree; everyone for an admin).
pub async fn is_active_team_member(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    is_active_in_scope(conn, viewer, user_id, "").await
}

/// Whether `user_id` is active, within the viewer's assignable scope and `roles` (a fixed
/// SQL condition written here, never user input).
async fn is_active_in_scope(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    roles: &'static str,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM users u WHERE u.active = 1 ");
    sql.push(roles).push("AND u.id = ").bind(user_id);
    crate::ssr::store::scope::assignable_users_scope(&mut sql, viewer, "u.id");
    Ok(sql.query_scalar::<i64>().fetch_one(conn).await? > 0)
}

/// Every rep's id, active or not (a routing rule may name only reps).
pub async fn rep_ids(conn: &mut AnyConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'rep'")
        .fetch_all(conn)
        .await
}

/// Moves a team under `parent_id` if `version` is current; false when it was not.
pub async fn set_team_parent(
    conn: &mut AnyConnection,
    id: i64,
    parent_id: Option<i64>,
    version: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE teams SET parent_id = ");
    sql.bind(parent_id)
        .stamp(now_ms, None)
        .where_version(id, Some(version));
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: Role,
    team_id: Option<i64>,
    team_name: Option<String>,
    active: i64,
    away: i64,
    locale: String,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            role: r.role,
            team_id: r.team_id,
            team_name: r.team_name,
            active: r.active != 0,
            away: r.away != 0,
            locale: r.locale,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const USER_COLUMNS: &str =
    "SELECT u.id, u.email, u.name, u.role, u.team_id, t.name AS team_name, u.active, u.away, \
     u.locale, u.created_at, u.updated_at, u.version FROM users u LEFT JOIN teams t ON t.id = u.team_id";

/// An agent away from the desk (routing passes them by) or back.
pub async fn set_away(
    conn: &mut AnyConnection,
    id: i64,
    away: bool,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE users SET away = ");
    sql.bind(away as i64)
        .push(", updated_at = ")
        .bind(now_ms)
        .push(", version = version + 1 WHERE id = ")
        .bind(id);
    sql.query().execute(conn).await?;
    Ok(())
}

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<User>, sqlx::Error> {
    let mut sql = Sql::new(USER_COLUMNS);
    sql.push(" WHERE u.id = ").bind(id);
    sql.one::<UserRow, _>(ex, User::from).await
}

/// The users `viewer` may see and give work to, active or not (admins: everyone; managers:
/// themselves and their team subtree; others: themselves).
fn visible(viewer: &Viewer) -> Sql {
    let mut sql = Sql::new(USER_COLUMNS);
    sql.push(" WHERE 1 = 1");
    super::scope::assignable_users_scope(&mut sql, viewer, "u.id");
    sql
}

/// One user, if `viewer` may see them.
pub async fn get_visible<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<User>, sqlx::Error> {
    let mut sql = visible(viewer);
    sql.push(" AND u.id = ").bind(id);
    sql.one::<UserRow, _>(ex, User::from).await
}

/// The users `viewer` may see, ordered by team and name (companies have hundreds, not
/// millions).
pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
) -> Result<Vec<User>, sqlx::Error> {
    let mut sql = visible(viewer);
    sql.push(" ORDER BY u.team_id, u.role, u.name, u.id");
    sql.all::<UserRow, _>(ex, User::from).await
}

/// Active users of the given roles, by name: whom a ticket may go to.
pub async fn active_with_roles<'e>(
    ex: impl Executor<'e, Database = Any>,
    roles: &[Role],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT u.id, u.name FROM users u WHERE u.active = 1 AND u.role IN (");
    sql.bind_list(roles.iter().map(|r| r.as_str()))
        .push(") ORDER BY u.name, u.id");
    sql.query_as::<(i64, String)>().fetch_all(ex).await
}

/// Credentials of an active or inactive user by email.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub active: i64,
}

pub async fn credentials<'e>(
    ex: impl Executor<'e, Database = Any>,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id, password_hash, active FROM users WHERE email = ");
    sql.bind(email);
    sql.query_as::<Credentials>().fetch_optional(ex).await
}

pub struct InsertUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub team_id: Option<i64>,
    pub password_hash: &'a str,
    pub locale: &'a str,
    pub now_ms: i64,
}

pub async fn insert(conn: &mut AnyConnection, u: &InsertUser<'_>) -> Result<i64, sqlx::Error> {
    Insert::into("users")
        .value("email", u.email)
        .value("name", u.name)
        .value("role", u.role.as_str())
        .value("team_id", u.team_id)
        .value("password_hash", u.password_hash)
        .value("locale", u.locale)
        .created(u.now_ms, None)
        .returning_id(conn)
        .await
}

pub struct UpdateUser {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub role: Role,
    pub team_id: Option<i64>,
    pub active: bool,
    pub locale: String,
    pub password_hash: Option<String>,
    pub now_ms: i64,
}

/// Returns false when the version was stale.
pub async fn update(conn: &mut AnyConnection, u: &UpdateUser) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE users SET name = ");
    sql.bind(u.name.as_str())
        .push(", role = ")
        .bind(u.role.as_str())
        .push(", team_id = ")
        .bind(u.team_id)
        .push(", active = ")
        .bind(u.active)
        .push(", locale = ")
        .bind(u.locale.as_str())
        .stamp(u.now_ms, None);
    if let Some(h) = &u.password_hash {
        sql.push(", password_hash = ").bind(h.as_str());
    }
    sql.where_version(u.id, Some(u.version));
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

pub async fn set_locale<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
    locale: &str,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE users SET locale = ");
    sql.bind(locale).push(" WHERE id = ").bind(id);
    sql.query().execute(ex).await.map(|_| ())
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: i64,
    name: String,
    parent_id: Option<i64>,
    member_count: i64,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<TeamRow> for Team {
    fn from(r: TeamRow) -> Self {
        Team {
            id: r.id,
            name: r.name,
            parent_id: r.parent_id,
            member_count: r.member_count,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const TEAM_COLUMNS: &str = "SELECT t.id, t.name, t.parent_id, \
     (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id AND u.active = 1) AS member_count, \
     t.created_at, t.updated_at, t.version FROM teams t";

pub async fn teams<'e>(ex: impl Executor<'e, Database = Any>) -> Result<Vec<Team>, sqlx::Error> {
    let sql = Sql::new(&format!("{TEAM_COLUMNS} ORDER BY t.id"));
    sql.all::<TeamRow, _>(ex, Team::from).await
}

pub async fn team<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<Team>, sqlx::Error> {
    let mut sql = Sql::new(TEAM_COLUMNS);
    sql.push(" WHERE t.id = ").bind(id);
    sql.one::<TeamRow, _>(ex, Team::from).await
}

pub async fn insert_team(
    conn: &mut AnyConnection,
    name: &str,
    parent_id: Option<i64>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("teams")
        .value("name", name)
        .value("parent_id", parent_id)
        .created(now_ms, None)
        .returning_id(conn)
        .await
}

/// Whether `team` is `ancestor` or below it (to refuse cycles in the team tree).
pub async fn team_is_within(
    conn: &mut AnyConnection,
    team: i64,
    ancestor: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM (");
    crate::ssr::store::scope::push_team_subtree(&mut sql, ancestor);
    sql.push(") s WHERE s.id = ").bind(team);
    Ok(sql.query_scalar::<i64>().fetch_one(conn).await? > 0)
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    user_id: i64,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    scopes: String,
    expires_at: Option<i64>,
}

const TOKEN_COLUMNS: &str =
    "SELECT id, name, user_id, created_at, last_used_at, revoked_at, scopes, expires_at FROM api_tokens";

/// Scopes are stored comma-separated.
pub fn split_scopes(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            user_id: r.user_id,
            created_at: from_ms(r.created_at),
            last_used_at: opt_from_ms(r.last_used_at),
            revoked_at: opt_from_ms(r.revoked_at),
            scopes: split_scopes(&r.scopes),
            expires_at: opt_from_ms(r.expires_at),
            token: None,
        }
    }
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub hash: &'a str,
    pub user_id: i64,
    pub scopes: &'a [String],
    pub expires_at_ms: Option<i64>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    t: &NewToken<'_>,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let (name, hash, user_id) = (t.name, t.hash, t.user_id);
    Insert::into("api_tokens")
        .value("name", name)
        .value("token_hash", hash)
        .value("user_id", user_id)
        .value("created_by", by)
        .value("created_at", now_ms)
        .value("scopes", t.scopes.join(","))
        .value("expires_at", t.expires_at_ms)
        .returning_id(conn)
        .await
}

pub async fn tokens<'e>(
    ex: impl Executor<'e, Database = Any>,
) -> Result<Vec<ApiToken>, sqlx::Error> {
    let sql = Sql::new(&format!("{TOKEN_COLUMNS} ORDER BY id DESC"));
    sql.all::<TokenRow, _>(ex, ApiToken::from).await
}

pub async fn token<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<ApiToken>, sqlx::Error> {
    let mut sql = Sql::new(&format!("{TOKEN_COLUMNS} WHERE id = "));
    sql.bind(id);
    sql.one::<TokenRow, _>(ex, ApiToken::from).await
}

/// Revokes a token; its user and hash, for closing what it opened, or None if there was
/// no such unrevoked token.
pub async fn revoke_token(
    conn: &mut AnyConnection,
    id: i64,
    now_ms: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let mut sql = Sql::new("UPDATE api_tokens SET revoked_at = ");
    sql.bind(now_ms)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND revoked_at IS NULL RETURNING user_id, token_hash");
    sql.query_as::<(i64, String)>().fetch_optional(conn).await
}

/// Revokes every token acting as a user (when the user is frozen).
pub async fn revoke_tokens_of(
    conn: &mut AnyConnection,
    user_id: i64,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let mut sql = Sql::new("UPDATE api_tokens SET revoked_at = ");
    sql.bind(now_ms)
        .push(" WHERE user_id = ")
        .bind(user_id)
        .push(" AND revoked_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected())
}

/// Active managers of a user's team, the user aside.
pub async fn managers_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT m.id FROM users m JOIN users u ON u.team_id = m.team_id \
         WHERE m.role = 'manager' AND m.active = 1 AND m.id <> u.id AND u.id = ",
    );
    sql.bind(user_id).push(" ORDER BY m.id");
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// A user's name, if the user exists.
pub async fn name_of(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    let mut sql = Sql::new("SELECT name FROM users WHERE id = ");
    sql.bind(id);
    sql.query_scalar::<String>().fetch_optional(conn).await
}

/// An active user's stored UI language; None for a frozen or unknown user.
pub async fn active_locale(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut sql = Sql::new("SELECT locale FROM users WHERE active = 1 AND id = ");
    sql.bind(id);
    sql.query_scalar::<String>().fetch_optional(conn).await
}
