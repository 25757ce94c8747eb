//! The public pool: claiming and releasing customers.
use super::prelude::*;

#[server(prefix = "/sfn", endpoint = "claim_customer")]
pub async fn claim_customer(id: i64) -> Result<Customer, AppError> {
    services::pool::claim(&app_state()?, &current_viewer()?, id).await
}

#[server(prefix = "/sfn", endpoint = "release_customer")]
pub async fn release_customer(id: i64, reason: String) -> Result<Customer, AppError> {
    services::pool::release(&app_state()?, &current_viewer()?, id, &reason).await
}
