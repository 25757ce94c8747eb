//! The admin's rules: pool, leads, alerts, pipeline, lead routing.
use super::prelude::*;

/// Every admin setting, with the reps a routing rule may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub pool: crate::domain::pool::PoolRules,
    pub leads: crate::domain::leads::LeadRules,
    pub assignment: Vec<crate::domain::leads::AssignmentRule>,
    pub alerts: crate::domain::alerts::AlertRules,
    pub pipeline: crate::domain::pipeline::PipelineRules,
    pub health: crate::domain::health::HealthWeights,
    pub versions: crate::model::SettingVersions,
    pub reps: Vec<User>,
}

#[server(prefix = "/sfn", endpoint = "settings")]
pub async fn get_settings() -> Result<SettingsView, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    if viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let all = services::settings::all(&state).await?;
    let reps = services::users::list(&state, &viewer)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Rep)
        .collect();
    Ok(SettingsView {
        pool: all.pool,
        leads: all.leads,
        assignment: all.assignment,
        alerts: all.alerts,
        pipeline: all.pipeline,
        health: all.health,
        versions: all.versions,
        reps,
    })
}

/// The signed-in admin a settings form is saved by: who may save is checked before what
/// was typed, so nobody else learns the form's rules from its validation messages.
#[cfg(feature = "ssr")]
fn settings_editor() -> Result<crate::ssr::auth::Viewer, AppError> {
    let viewer = current_viewer()?;
    services::settings::may_change_settings(&viewer)?;
    Ok(viewer)
}

#[server(prefix = "/sfn", endpoint = "save_pool_rules")]
pub async fn save_pool_rules(
    holding_limit: String,
    daily_claim_cap: String,
    reclaim_cooldown_days: String,
    no_follow_up_days: String,
    no_win_days: String,
    warning_days: String,
    level_a: String,
    level_b: String,
    level_c: String,
    version: String,
) -> Result<crate::domain::pool::PoolRules, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let [holding_limit, daily_claim_cap, reclaim_cooldown_days, no_follow_up_days, no_win_days, warning_days] =
        form_ints([
            ("holding_limit", &holding_limit),
            ("daily_claim_cap", &daily_claim_cap),
            ("reclaim_cooldown_days", &reclaim_cooldown_days),
            ("no_follow_up_days", &no_follow_up_days),
            ("no_win_days", &no_win_days),
            ("warning_days", &warning_days),
        ])?;
    let mut level_limits = std::collections::BTreeMap::new();
    for (level, text) in [("A", &level_a), ("B", &level_b), ("C", &level_c)] {
        // An empty box means no limit for that level.
        if !text.trim().is_empty() {
            level_limits.insert(level.to_string(), form_int("level_limits", text)?);
        }
    }
    let rules = crate::domain::pool::PoolRules {
        holding_limit,
        daily_claim_cap,
        reclaim_cooldown_days,
        no_follow_up_days,
        no_win_days,
        warning_days,
        level_limits,
    };
    let saved = services::settings::save_pool(&app_state()?, &viewer, rules, Some(version)).await?;
    Ok(saved.value)
}

#[server(prefix = "/sfn", endpoint = "save_lead_rules")]
pub async fn save_lead_rules(
    first_contact_hours: String,
    urgent_first_contact_hours: String,
    urgent_sources: String,
    mql_timeout_days: String,
    version: String,
) -> Result<crate::domain::leads::LeadRules, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let [first_contact_hours, urgent_first_contact_hours, mql_timeout_days] = form_ints([
        ("first_contact_hours", &first_contact_hours),
        ("urgent_first_contact_hours", &urgent_first_contact_hours),
        ("mql_timeout_days", &mql_timeout_days),
    ])?;
    let rules = crate::domain::leads::LeadRules {
        first_contact_hours,
        urgent_first_contact_hours,
        mql_timeout_days,
        urgent_sources: urgent_sources
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let saved =
        services::settings::save_leads(&app_state()?, &viewer, rules, Some(version)).await?;
    Ok(saved.value)
}

#[server(prefix = "/sfn", endpoint = "save_alert_rules")]
pub async fn save_alert_rules(
    follow_up_overdue_hours: String,
    lead_sla_warning_percent: String,
    silent_customer_days: String,
    stage_initial: String,
    stage_needs: String,
    stage_proposal: String,
    stage_negotiation: String,
    post_sale_check_days: String,
    renewal_days: String,
    receivable_escalate_days: String,
    version: String,
) -> Result<crate::domain::alerts::AlertRules, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let [follow_up_overdue_hours, lead_sla_warning_percent, silent_customer_days, initial, needs, proposal, negotiation, post_sale_check_days, renewal_days, receivable_escalate_days] =
        form_ints([
            ("follow_up_overdue_hours", &follow_up_overdue_hours),
            ("lead_sla_warning_percent", &lead_sla_warning_percent),
            ("silent_customer_days", &silent_customer_days),
            ("stage_initial", &stage_initial),
            ("stage_needs", &stage_needs),
            ("stage_proposal", &stage_proposal),
            ("stage_negotiation", &stage_negotiation),
            ("post_sale_check_days", &post_sale_check_days),
            ("renewal_days", &renewal_days),
            ("receivable_escalate_days", &receivable_escalate_days),
        ])?;
    let rules = crate::domain::alerts::AlertRules {
        follow_up_overdue_hours,
        lead_sla_warning_percent,
        silent_customer_days,
        stage_limit_days: [initial, needs, proposal, negotiation],
        post_sale_check_days,
        renewal_days,
        receivable_escalate_days,
    };
    let saved =
        services::settings::save_alerts(&app_state()?, &viewer, rules, Some(version)).await?;
    Ok(saved.value)
}

/// The customer health weights (the same setting as `PUT /api/v1/settings/health`).
#[server(prefix = "/sfn", endpoint = "save_health_weights")]
pub async fn save_health_weights(
    silent_after_days: String,
    silence_max: String,
    ticket_points: String,
    tickets_max: String,
    breach_points: String,
    breaches_max: String,
    low_csat_points: String,
    detractor_points: String,
    payment_max: String,
    renewal_points: String,
    renewal_days: String,
    renewal_quiet_days: String,
    at_risk_below: String,
    recovered_at: String,
    version: String,
) -> Result<crate::domain::health::HealthWeights, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let [silent_after_days, silence_max, ticket_points, tickets_max, breach_points, breaches_max, low_csat_points, detractor_points, payment_max, renewal_points, renewal_days, renewal_quiet_days, at_risk_below, recovered_at] =
        form_ints([
            ("silent_after_days", &silent_after_days),
            ("silence_max", &silence_max),
            ("ticket_points", &ticket_points),
            ("tickets_max", &tickets_max),
            ("breach_points", &breach_points),
            ("breaches_max", &breaches_max),
            ("low_csat_points", &low_csat_points),
            ("detractor_points", &detractor_points),
            ("payment_max", &payment_max),
            ("renewal_points", &renewal_points),
            ("renewal_days", &renewal_days),
            ("renewal_quiet_days", &renewal_quiet_days),
            ("at_risk_below", &at_risk_below),
            ("recovered_at", &recovered_at),
        ])?;
    let weights = crate::domain::health::HealthWeights {
        silent_after_days,
        silence_max,
        ticket_points,
        tickets_max,
        breach_points,
        breaches_max,
        low_csat_points,
        detractor_points,
        payment_max,
        renewal_points,
        renewal_days,
        renewal_quiet_days,
        at_risk_below,
        recovered_at,
    };
    let saved =
        services::settings::save_health(&app_state()?, &viewer, weights, Some(version)).await?;
    Ok(saved.value)
}

#[server(prefix = "/sfn", endpoint = "save_pipeline_rules")]
pub async fn save_pipeline_rules(
    probability_initial: String,
    probability_needs: String,
    probability_proposal: String,
    probability_negotiation: String,
    version: String,
    #[server(default)] proposal_requires: Vec<String>,
    #[server(default)] negotiation_requires: Vec<String>,
) -> Result<crate::domain::pipeline::PipelineRules, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let probabilities = form_ints([
        ("probabilities", &probability_initial),
        ("probabilities", &probability_needs),
        ("probabilities", &probability_proposal),
        ("probabilities", &probability_negotiation),
    ])?;
    let rules = crate::domain::pipeline::PipelineRules {
        probabilities,
        proposal_requires,
        negotiation_requires,
    };
    let saved =
        services::settings::save_pipeline(&app_state()?, &viewer, rules, Some(version)).await?;
    Ok(saved.value)
}

/// Adds a routing rule (empty `index`) or replaces the one at `index`.
#[server(prefix = "/sfn", endpoint = "save_routing_rule")]
pub async fn save_routing_rule(
    index: String,
    source: String,
    region: String,
    industry: String,
    product_line: String,
    version: String,
    #[server(default)] rep_ids: Vec<i64>,
) -> Result<Vec<crate::domain::leads::AssignmentRule>, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let at = match form_id("index", &index)? {
        Some(i) => Some(usize::try_from(i).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    // Blank criteria are dropped by the service (they match anything).
    let rule = crate::domain::leads::AssignmentRule {
        source: Some(source),
        region: Some(region),
        industry: Some(industry),
        product_line: Some(product_line),
        rep_ids,
    };
    let edit = services::settings::RuleEdit::Put(at, rule);
    let saved = services::settings::edit_assignment(&app_state()?, &viewer, edit, version).await?;
    Ok(saved.value)
}

#[server(prefix = "/sfn", endpoint = "remove_routing_rule")]
pub async fn remove_routing_rule(
    index: usize,
    version: String,
) -> Result<Vec<crate::domain::leads::AssignmentRule>, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let edit = services::settings::RuleEdit::Remove(index);
    let saved = services::settings::edit_assignment(&app_state()?, &viewer, edit, version).await?;
    Ok(saved.value)
}
