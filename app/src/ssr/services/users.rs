//! Administration: users, teams and API tokens. Admins change; managers may read their team.
use super::write::{audited, stale, Versioned};
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_administer;
use crate::domain::validate::{check_password, normalize_email, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::{hash_password, new_token, token_hash, Viewer};
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::db::is_unique_violation;
use crate::ssr::store::{sessions, users};

pub const LOCALES: [&str; 2] = ["zh-CN", "en"];

fn require_admin(viewer: &Viewer) -> AppResult<()> {
    if can_administer(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|_| AppError::Internal)
}

/// Users the viewer may see: admins everyone, managers their subtree, others themselves.
pub async fn list(state: &AppState, viewer: &Viewer) -> AppResult<Vec<User>> {
    Ok(users::list(&state.db.read, viewer).await?)
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<User> {
    users::get_visible(&state.db.read, viewer, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn check_team(state: &AppState, check: &mut Check, team_id: Option<i64>) -> AppResult<()> {
    if let Some(t) = team_id {
        if users::team(&state.db.read, t).await?.is_none() {
            check.fail("team_id", "no such team");
        }
    }
    Ok(())
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewUser) -> AppResult<User> {
    require_admin(viewer)?;
    let mut check = Check::new();
    let email = check.field("email", normalize_email(&input.email));
    let name = check.field("name", required_text(&input.name, 100));
    let role = check
        .field("role", input.role.value().map(Some))
        .unwrap_or(Role::Rep);
    check.field(
        "password",
        check_password(&input.password, &[email.as_str(), name.as_str()]),
    );
    let locale = input.locale.unwrap_or_else(|| "zh-CN".to_string());
    if !LOCALES.contains(&locale.as_str()) {
        check.fail("locale", "choose zh-CN or en");
    }
    check_team(state, &mut check, input.team_id).await?;
    check.finish()?;
    let password_hash = hash(input.password).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let id = match users::insert(
        &mut tx,
        &users::InsertUser {
            email: &email,
            name: &name,
            role,
            team_id: input.team_id,
            password_hash: &password_hash,
            locale: &locale,
            now_ms: now,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::field(
                "email",
                "a user with this email already exists",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let user = users::get(&mut *tx, id).await?.ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Created, Entity::User, id).after(&user),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Edits a user. Deactivating (or changing the password of) a user ends their sessions.
pub async fn patch(state: &AppState, viewer: &Viewer, id: i64, p: UserPatch) -> AppResult<User> {
    require_admin(viewer)?;
    let current = users::get(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut check = Check::new();
    let name = match &p.name {
        Some(n) => check.field("name", required_text(n, 100)),
        None => current.name.clone(),
    };
    let role = p.role.unwrap_or(current.role);
    let team_id = p.team_id.unwrap_or(current.team_id);
    check_team(state, &mut check, team_id).await?;
    let active = p.active.unwrap_or(current.active);
    if id == viewer.user_id && (!active || role != Role::Admin) {
        check.fail(
            if active { "role" } else { "active" },
            "you cannot remove your own administrator access",
        );
    }
    if let Some(pw) = &p.password {
        check.field(
            "password",
            check_password(pw, &[current.email.as_str(), name.as_str()]),
        );
    }
    let locale = p.locale.clone().unwrap_or(current.locale.clone());
    if !LOCALES.contains(&locale.as_str()) {
        check.fail("locale", "choose zh-CN or en");
    }
    check.finish()?;
    let password_hash = match p.password {
        Some(pw) => Some(hash(pw).await?),
        None => None,
    };
    let ends_sessions = !active || password_hash.is_some();
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let updated = users::update(
        &mut tx,
        &users::UpdateUser {
            id,
            version: p.version,
            name,
            role,
            team_id,
            active,
            locale,
            password_hash,
            now_ms: now,
        },
    )
    .await?;
    if !updated {
        return Err(stale(users::get(&mut *tx, id).await?));
    }
    if ends_sessions {
        sessions::delete_for_user(&mut *tx, id).await?;
    }
    if !active {
        // A frozen user's tokens die with the freeze: reactivation does not revive them.
        users::revoke_tokens_of(&mut tx, id, now).await?;
    }
    let after = users::get(&mut *tx, id).await?;
    let action = if current.active && !active {
        Action::Deactivated
    } else {
        Action::Updated
    };
    let change = Versioned::new(Entity::User, action, id, &current);
    let user = audited(&mut tx, Some(viewer), change, after, now).await?;
    tx.commit().await?;
    if ends_sessions {
        super::auth::ended(state, id, None).await;
    }
    Ok(user)
}

pub async fn set_own_locale(state: &AppState, viewer: &Viewer, locale: &str) -> AppResult<()> {
    if !LOCALES.contains(&locale) {
        return Err(AppError::field("locale", "choose zh-CN or en"));
    }
    users::set_locale(&state.db.write, viewer.user_id, locale).await?;
    Ok(())
}

/// The viewer says they are away from the desk (ticket routing passes them by; their
/// tickets stay theirs) or back; audited like any change to a user.
pub async fn set_own_away(state: &AppState, viewer: &Viewer, away: bool) -> AppResult<User> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let before = users::get(&mut *tx, viewer.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if before.away != away {
        users::set_away(&mut tx, viewer.user_id, away, now).await?;
    }
    let after = users::get(&mut *tx, viewer.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if before.away != away {
        let change = Change::new(Action::Updated, Entity::User, viewer.user_id)
            .before(&before)
            .after(&after);
        audit::record(&mut tx, Some(viewer), change, now).await?;
    }
    tx.commit().await?;
    Ok(after)
}

pub async fn teams(state: &AppState, viewer: &Viewer) -> AppResult<Vec<Team>> {
    if matches!(viewer.role, Role::Rep | Role::Agent) {
        return Err(AppError::Forbidden);
    }
    Ok(users::teams(&state.db.read).await?)
}

pub async fn create_team(state: &AppState, viewer: &Viewer, input: NewTeam) -> AppResult<Team> {
    require_admin(viewer)?;
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 100));
    if let Some(parent) = input.parent_id {
        if users::team(&state.db.read, parent).await?.is_none() {
            check.fail("parent_id", "no such team");
        }
    }
    check.finish()?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let id = users::insert_team(&mut tx, &name, input.parent_id, now).await?;
    let team = users::team(&mut *tx, id).await?.ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Created, Entity::Team, id).after(&team),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(team)
}

/// Refuses a parent that would put a team below itself.
pub async fn move_team(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    parent_id: Option<i64>,
    version: i64,
) -> AppResult<Team> {
    require_admin(viewer)?;
    let current = users::team(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if let Some(parent) = parent_id {
        if users::team(&mut *tx, parent).await?.is_none() {
            return Err(AppError::field("parent_id", "no such team"));
        }
        if users::team_is_within(&mut tx, parent, id).await? {
            return Err(AppError::field(
                "parent_id",
                "a team cannot sit below itself",
            ));
        }
    }
    if !users::set_team_parent(&mut tx, id, parent_id, version, now).await? {
        return Err(stale(users::team(&mut *tx, id).await?));
    }
    let team = users::team(&mut *tx, id).await?.ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Updated, Entity::Team, id)
            .before(&current)
            .after(&team),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(team)
}

pub async fn tokens(state: &AppState, viewer: &Viewer) -> AppResult<Vec<ApiToken>> {
    require_admin(viewer)?;
    Ok(users::tokens(&state.db.read).await?)
}

/// Makes an API token; the secret is returned once and stored only as a hash.
pub async fn create_token(
    state: &AppState,
    viewer: &Viewer,
    input: NewApiToken,
) -> AppResult<ApiToken> {
    require_admin(viewer)?;
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 100));
    match users::get(&state.db.read, input.user_id).await? {
        Some(u) if u.active => {}
        _ => check.fail("user_id", "no such active user"),
    }
    let mut scopes = Vec::new();
    for s in &input.scopes {
        match crate::domain::scope::parse_token_scope(s) {
            Ok(s) if !scopes.contains(&s) => scopes.push(s),
            Ok(_) => {}
            Err(m) => check.fail("scopes", m),
        }
    }
    if scopes.is_empty() {
        check.fail(
            "scopes",
            "give the token at least one scope, such as customers:read",
        );
    }
    let now = state.clock.now_ms();
    let expires_at_ms = input.expires_at.map(|t| t.timestamp_millis());
    if expires_at_ms.is_some_and(|t| t <= now) {
        check.fail("expires_at", "must be in the future");
    }
    check.finish()?;
    let secret = format!("tdm_{}", new_token());
    let mut tx = state.db.begin().await?;
    let id = users::insert_token(
        &mut tx,
        &users::NewToken {
            name: &name,
            hash: &token_hash(&secret),
            user_id: input.user_id,
            scopes: &scopes,
            expires_at_ms,
        },
        viewer.user_id,
        now,
    )
    .await?;
    let mut token = users::token(&mut *tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Created, Entity::ApiToken, id).after(&token),
        now,
    )
    .await?;
    tx.commit().await?;
    token.token = Some(secret);
    Ok(token)
}

pub async fn revoke_token(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<()> {
    require_admin(viewer)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let Some((user_id, hash)) = users::revoke_token(&mut tx, id, now).await? else {
        return Err(AppError::NotFound);
    };
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Revoked, Entity::ApiToken, id),
        now,
    )
    .await?;
    tx.commit().await?;
    super::auth::ended(state, user_id, Some(&hash)).await;
    Ok(())
}
