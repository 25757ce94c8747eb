//! `POST /api/v1/test/clock {"minutes": n}`: moves a test server's clock forward, so a
//! browser test sees what a rule does when its moment comes (an SLA warning, a breach)
//! without waiting for it. Only a server started with `TANDEM_TEST_CLOCK=shift` has a
//! clock that moves; everywhere else this route is not found. Admins only; not part of
//! the API contract.
use super::error::ApiResult;
use super::extract::{ApiJson, Auth};
use crate::startup::ServerState;
use app::error::AppError;
use app::model::Role;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    pub minutes: i64,
}

pub async fn shift(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(by): ApiJson<Shift>,
) -> ApiResult<Json<serde_json::Value>> {
    let clock = &s.app.clock;
    if !clock.shift(chrono::Duration::zero()) {
        return Err(AppError::NotFound.into());
    }
    if v.role != Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    if !(1..=525_600).contains(&by.minutes) {
        return Err(AppError::field("minutes", "must be between 1 and 525600").into());
    }
    clock.shift(chrono::Duration::minutes(by.minutes));
    Ok(Json(serde_json::json!({ "now": clock.now() })))
}
