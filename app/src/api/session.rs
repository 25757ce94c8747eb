//! Who is signed in.
use super::prelude::*;

/// Who is signed in, as the frame around every page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The signed-in person, or None.
#[server(prefix = "/sfn", endpoint = "me")]
pub async fn get_me() -> Result<Option<SignedIn>, AppError> {
    let state = app_state()?;
    match current_viewer() {
        Ok(v) => {
            let u = services::auth::me(&state, &v).await?;
            Ok(Some(SignedIn {
                id: u.id,
                name: u.name,
                role: u.role,
            }))
        }
        Err(_) => Ok(None),
    }
}
