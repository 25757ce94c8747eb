//! Who is signed in.
use super::prelude::*;

/// Who is signed in, as the frame around every page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The signed-in person, or None: as this request's session resolved them (their row was
/// read to check the session), so every page's frame costs no query of its own.
#[server(prefix = "/sfn", endpoint = "me")]
pub async fn get_me() -> Result<Option<SignedIn>, AppError> {
    Ok(current_viewer().ok().map(|v| SignedIn {
        id: v.user_id,
        name: v.name,
        role: v.role,
    }))
}
