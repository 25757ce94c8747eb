//! Users and teams, for admins.
use super::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub users: Vec<User>,
    pub teams: Vec<Team>,
}

#[server(prefix = "/sfn", endpoint = "admin")]
pub async fn get_admin() -> Result<AdminView, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    if !crate::domain::scope::can_administer(viewer.role) {
        return Err(AppError::Forbidden);
    }
    Ok(AdminView {
        users: services::users::list(&state, &viewer).await?,
        teams: services::users::teams(&state, &viewer).await?,
    })
}

#[server(prefix = "/sfn", endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    team_id: String,
    password: String,
) -> Result<User, AppError> {
    let input = NewUser {
        email,
        name,
        role: role.as_str().into(),
        team_id: form_id("team_id", &team_id)?,
        password,
        locale: None,
    };
    services::users::create(&app_state()?, &current_viewer()?, input).await
}

#[server(prefix = "/sfn", endpoint = "update_user")]
pub async fn update_user(
    id: i64,
    version: i64,
    name: String,
    role: String,
    team_id: String,
) -> Result<User, AppError> {
    let patch = UserPatch {
        version,
        name: Some(name),
        role: Some(form_choice("role", &role)?),
        team_id: Some(form_id("team_id", &team_id)?),
        ..Default::default()
    };
    services::users::patch(&app_state()?, &current_viewer()?, id, patch).await
}

#[server(prefix = "/sfn", endpoint = "set_user_active")]
pub async fn set_user_active(id: i64, version: i64, active: bool) -> Result<User, AppError> {
    let patch = UserPatch {
        version,
        active: Some(active),
        ..Default::default()
    };
    services::users::patch(&app_state()?, &current_viewer()?, id, patch).await
}

#[server(prefix = "/sfn", endpoint = "create_team")]
pub async fn create_team(name: String, parent_id: String) -> Result<Team, AppError> {
    let input = NewTeam {
        name,
        parent_id: form_id("parent_id", &parent_id)?,
    };
    services::users::create_team(&app_state()?, &current_viewer()?, input).await
}
