//! `/api/v1/settings/pool`: the public pool's rules, edited by admins.
use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, Auth};
use crate::startup::ServerState;
use app::domain::pool::PoolRules;
use app::error::AppError;
use app::model::Role;
use app::ssr::services::pool::SETTING;
use app::ssr::store::settings;
use axum::extract::State;
use axum::Json;

#[utoipa::path(get, path = "/api/v1/settings/pool", tag = "admin", responses((status = 200, body = PoolRules)))]
pub async fn get_pool(State(s): State<ServerState>, Auth(_v): Auth) -> ApiResult<Json<PoolRules>> {
    Ok(Json(app::ssr::services::pool::rules(&s.app.db.read).await?))
}

#[utoipa::path(put, path = "/api/v1/settings/pool", tag = "admin", request_body = PoolRules,
    responses((status = 200, body = PoolRules), (status = 403), (status = 422)))]
pub async fn put_pool(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<PoolRules>,
) -> ApiResult<Json<PoolRules>> {
    if v.role != Role::Admin {
        return Err(ApiError(AppError::Forbidden));
    }
    let mut errors = app::error::FieldErrors::new();
    for (field, value, max) in [
        ("holding_limit", rules.holding_limit, 100_000),
        ("daily_claim_cap", rules.daily_claim_cap, 10_000),
        ("reclaim_cooldown_days", rules.reclaim_cooldown_days, 3650),
        ("no_follow_up_days", rules.no_follow_up_days, 3650),
        ("no_win_days", rules.no_win_days, 3650),
        ("warning_days", rules.warning_days, 365),
    ] {
        if !(0..=max).contains(&value) {
            errors.insert(field.into(), format!("must be between 0 and {max}"));
        }
    }
    for (level, limit) in &rules.level_limits {
        if !["A", "B", "C"].contains(&level.as_str()) || !(0..=100_000).contains(limit) {
            errors.insert(
                "level_limits".into(),
                "give levels A, B or C, each a limit between 0 and 100000".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    let now = s.app.clock.now_ms();
    let mut tx = s.app.db.begin().await.map_err(AppError::from)?;
    settings::put(&mut *tx, SETTING, &rules, v.user_id, now)
        .await
        .map_err(AppError::from)?;
    // New thresholds move every owned customer's reclaim time.
    app::ssr::store::pool::refresh_reclaim(&mut tx, None, &rules)
        .await
        .map_err(AppError::from)?;
    app::ssr::store::audit::record(
        &mut tx,
        Some(&v),
        app::ssr::store::audit::Change {
            action: "updated",
            entity_type: "setting",
            entity_id: 0,
            before: None,
            after: serde_json::to_value(&rules).ok(),
        },
        now,
    )
    .await
    .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(Json(rules))
}

#[utoipa::path(get, path = "/api/v1/settings/leads", tag = "admin", responses((status = 200, body = app::domain::leads::LeadRules)))]
pub async fn get_leads(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Json<app::domain::leads::LeadRules>> {
    let mut conn = s.app.db.read.acquire().await.map_err(AppError::from)?;
    Ok(Json(app::ssr::services::leads::rules(&mut conn).await?))
}

#[utoipa::path(put, path = "/api/v1/settings/leads", tag = "admin", request_body = app::domain::leads::LeadRules,
    responses((status = 200, body = app::domain::leads::LeadRules), (status = 403), (status = 422)))]
pub async fn put_leads(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<app::domain::leads::LeadRules>,
) -> ApiResult<Json<app::domain::leads::LeadRules>> {
    if v.role != Role::Admin {
        return Err(ApiError(AppError::Forbidden));
    }
    let mut errors = app::error::FieldErrors::new();
    for (field, value) in [
        ("first_contact_hours", rules.first_contact_hours),
        (
            "urgent_first_contact_hours",
            rules.urgent_first_contact_hours,
        ),
        ("mql_timeout_days", rules.mql_timeout_days),
    ] {
        if !(1..=10_000).contains(&value) {
            errors.insert(field.into(), "must be between 1 and 10000".into());
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    store_setting(&s, &v, app::ssr::services::leads::RULES_SETTING, &rules).await?;
    Ok(Json(rules))
}

#[utoipa::path(get, path = "/api/v1/settings/lead-assignment", tag = "admin", responses((status = 200, body = Vec<app::domain::leads::AssignmentRule>)))]
pub async fn get_assignment(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Json<Vec<app::domain::leads::AssignmentRule>>> {
    let mut conn = s.app.db.read.acquire().await.map_err(AppError::from)?;
    Ok(Json(
        app::ssr::services::leads::assignment_rules(&mut conn).await?,
    ))
}

/// The lead assignment rules, in order: the first matching rule with an eligible rep wins.
#[utoipa::path(put, path = "/api/v1/settings/lead-assignment", tag = "admin", request_body = Vec<app::domain::leads::AssignmentRule>,
    responses((status = 200, body = Vec<app::domain::leads::AssignmentRule>), (status = 403), (status = 422)))]
pub async fn put_assignment(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<Vec<app::domain::leads::AssignmentRule>>,
) -> ApiResult<Json<Vec<app::domain::leads::AssignmentRule>>> {
    if v.role != Role::Admin {
        return Err(ApiError(AppError::Forbidden));
    }
    let reps: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'rep'")
        .fetch_all(&s.app.db.read)
        .await
        .map_err(AppError::from)?;
    for (i, rule) in rules.iter().enumerate() {
        if rule.rep_ids.is_empty() || rule.rep_ids.iter().any(|r| !reps.contains(r)) {
            return Err(ApiError(AppError::field(
                &format!("{i}.rep_ids"),
                "list one or more reps",
            )));
        }
    }
    store_setting(
        &s,
        &v,
        app::ssr::services::leads::ASSIGNMENT_SETTING,
        &rules,
    )
    .await?;
    Ok(Json(rules))
}

async fn store_setting<T: serde::Serialize>(
    s: &ServerState,
    v: &app::ssr::auth::Viewer,
    key: &str,
    value: &T,
) -> ApiResult<()> {
    let now = s.app.clock.now_ms();
    let mut tx = s.app.db.begin().await.map_err(AppError::from)?;
    settings::put(&mut *tx, key, value, v.user_id, now)
        .await
        .map_err(AppError::from)?;
    app::ssr::store::audit::record(
        &mut tx,
        Some(v),
        app::ssr::store::audit::Change {
            action: "updated",
            entity_type: "setting",
            entity_id: 0,
            before: None,
            after: Some(serde_json::json!({ key: value })),
        },
        now,
    )
    .await
    .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(())
}

/// The alert rules' thresholds.
#[utoipa::path(get, path = "/api/v1/settings/alerts", tag = "admin", responses((status = 200, body = app::domain::alerts::AlertRules)))]
pub async fn get_alerts(
    State(s): State<ServerState>,
    Auth(_v): Auth,
) -> ApiResult<Json<app::domain::alerts::AlertRules>> {
    Ok(Json(
        app::ssr::services::alerts::rules(&s.app.db.read).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/settings/alerts", tag = "admin", request_body = app::domain::alerts::AlertRules,
    responses((status = 200, body = app::domain::alerts::AlertRules), (status = 403), (status = 422)))]
pub async fn put_alerts(
    State(s): State<ServerState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<app::domain::alerts::AlertRules>,
) -> ApiResult<Json<app::domain::alerts::AlertRules>> {
    if v.role != Role::Admin {
        return Err(ApiError(AppError::Forbidden));
    }
    let problems = rules.problems();
    if !problems.is_empty() {
        return Err(ApiError(AppError::Validation(
            problems
                .into_iter()
                .map(|(f, m)| (f.to_string(), m))
                .collect(),
        )));
    }
    let now = s.app.clock.now_ms();
    let mut tx = s.app.db.begin().await.map_err(AppError::from)?;
    settings::put(
        &mut *tx,
        app::ssr::services::alerts::SETTING,
        &rules,
        v.user_id,
        now,
    )
    .await
    .map_err(AppError::from)?;
    app::ssr::store::audit::record(
        &mut tx,
        Some(&v),
        app::ssr::store::audit::Change {
            action: "updated",
            entity_type: "setting",
            entity_id: 0,
            before: None,
            after: serde_json::to_value(&rules).ok(),
        },
        now,
    )
    .await
    .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(Json(rules))
}
