//! Server functions the pages call; each is a thin door into the same services the REST
//! API uses. They live under `/sfn/` so they never collide with `/api/v1`.
// Form-shaped server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]
use crate::error::AppError;
use crate::model::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod fields;

#[cfg(feature = "ssr")]
use crate::ssr::{context::app_state, current_viewer, services};

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

#[server(prefix = "/sfn", endpoint = "today")]
pub async fn get_today() -> Result<TodayView, AppError> {
    services::home::today(&app_state()?, &current_viewer()?).await
}

#[server(prefix = "/sfn", endpoint = "queue")]
pub async fn get_queue() -> Result<QueueView, AppError> {
    services::home::queue(&app_state()?, &current_viewer()?).await
}

#[server(prefix = "/sfn", endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<DashboardView, AppError> {
    services::home::dashboard(&app_state()?, &current_viewer()?).await
}

/// The customer list's filters, as the page's query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerListParams {
    pub q: Option<String>,
    pub owner_id: Option<i64>,
    pub pool: Option<bool>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tag: Option<String>,
    pub no_contact_days: Option<i64>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "customers")]
pub async fn list_customers(p: CustomerListParams) -> Result<Page<Customer>, AppError> {
    let query = services::customers::CustomerQuery {
        q: p.q,
        owner_id: p.owner_id,
        pool: p.pool,
        level: p.level,
        status: p.status,
        industry: p.industry,
        region: p.region,
        tag: p.tag,
        no_contact_days: p.no_contact_days,
        sort: p.sort,
        cursor: p.cursor,
        limit: Some(30),
    };
    services::customers::list(&app_state()?, &current_viewer()?, query).await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub now: chrono::DateTime<chrono::Utc>,
    pub viewer_id: i64,
    pub viewer_is_rep: bool,
    /// Newest first: the start of the customer's timeline.
    pub timeline: Page<TimelineItem>,
    pub deals: Vec<Opportunity>,
    /// Open tasks about this customer that the viewer can see.
    pub tasks: Vec<Task>,
}

#[server(prefix = "/sfn", endpoint = "customer")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let services::customers::Overview {
        customer,
        contacts,
        timeline,
        tasks,
        deals,
    } = services::customers::overview(&state, &viewer, id).await?;
    Ok(CustomerDetail {
        customer,
        contacts,
        now: state.clock.now(),
        viewer_id: viewer.user_id,
        viewer_is_rep: viewer.role == Role::Rep,
        timeline,
        deals,
        tasks,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub users: Vec<User>,
    pub teams: Vec<Team>,
}

#[server(prefix = "/sfn", endpoint = "admin")]
pub async fn get_admin() -> Result<AdminView, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    if viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(AdminView {
        users: services::users::list(&state, &viewer).await?,
        teams: services::users::teams(&state, &viewer).await?,
    })
}

/// Every admin setting, with the reps a routing rule may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub pool: crate::domain::pool::PoolRules,
    pub leads: crate::domain::leads::LeadRules,
    pub assignment: Vec<crate::domain::leads::AssignmentRule>,
    pub alerts: crate::domain::alerts::AlertRules,
    pub pipeline: crate::domain::pipeline::PipelineRules,
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
        versions: all.versions,
        reps,
    })
}

/// Parses a whole number typed into a form field.
#[cfg(feature = "ssr")]
pub fn form_int(field: &str, s: &str) -> Result<i64, AppError> {
    s.trim()
        .parse()
        .map_err(|_| AppError::field(field, "enter a whole number"))
}

/// Parses every (field, text) pair, naming each field that is not a whole number.
#[cfg(feature = "ssr")]
fn form_ints<const N: usize>(fields: [(&str, &str); N]) -> Result<[i64; N], AppError> {
    let mut check = services::Check::new();
    let out = fields.map(|(field, text)| {
        check.field(
            field,
            form_int(field, text).map_err(|_| "enter a whole number"),
        )
    });
    check.finish().map(|()| out)
}

/// The signed-in admin a settings form is saved by: who may save is checked before what
/// was typed, so nobody else learns the form's rules from its validation messages.
#[cfg(feature = "ssr")]
fn settings_editor() -> Result<crate::ssr::auth::Viewer, AppError> {
    let viewer = current_viewer()?;
    services::settings::may_change_settings(&viewer)?;
    Ok(viewer)
}

/// The settings version a form was rendered with (a hidden field).
#[cfg(feature = "ssr")]
fn form_version(s: &str) -> Result<i64, AppError> {
    form_int("version", s)
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
    version: String,
) -> Result<crate::domain::alerts::AlertRules, AppError> {
    let viewer = settings_editor()?;
    let version = form_version(&version)?;
    let [follow_up_overdue_hours, lead_sla_warning_percent, silent_customer_days, initial, needs, proposal, negotiation, post_sale_check_days, renewal_days] =
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
        ])?;
    let rules = crate::domain::alerts::AlertRules {
        follow_up_overdue_hours,
        lead_sla_warning_percent,
        silent_customer_days,
        stage_limit_days: [initial, needs, proposal, negotiation],
        post_sale_check_days,
        renewal_days,
    };
    let saved =
        services::settings::save_alerts(&app_state()?, &viewer, rules, Some(version)).await?;
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

/// Parses an optional id typed into a form ("" means none).
pub fn form_id(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| AppError::field(field, "choose one from the list"))
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
        role,
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
        role: Some(role),
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

/// Logs a follow-up from Today or the customer page: kind, optional one-line summary, and
/// the next step as a quick choice (`1d`, `3d`, `7d`, `none`) or a picked date (`pick`).
#[server(prefix = "/sfn", endpoint = "log_follow_up")]
pub async fn log_follow_up(
    customer_id: i64,
    kind: String,
    summary: String,
    next: String,
    pick: Option<String>,
    latitude: Option<String>,
    longitude: Option<String>,
) -> Result<Activity, AppError> {
    use crate::domain::time::{local_date_at, NextFollowUp, DEFAULT_UTC_OFFSET_MINUTES};
    let state = app_state()?;
    let viewer = current_viewer()?;
    let now = state.clock.now();
    let next_at = if next == "pick" {
        Some(
            local_date_at(
                pick.as_deref().unwrap_or_default(),
                10,
                DEFAULT_UTC_OFFSET_MINUTES,
            )
            .ok_or_else(|| AppError::field("pick", "choose a date"))?,
        )
    } else {
        NextFollowUp::parse(&next)
            .ok_or_else(|| {
                AppError::field("next", "choose tomorrow, in 3 days, next week or a date")
            })?
            .resolve(now, DEFAULT_UTC_OFFSET_MINUTES)
    };
    let degrees = |field: &str, v: Option<String>| -> Result<Option<f64>, AppError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => t
                .parse::<f64>()
                .map(Some)
                .map_err(|_| AppError::field(field, "not a coordinate")),
        }
    };
    let input = NewActivity {
        customer_id,
        kind,
        summary: Some(summary),
        next_follow_up_at: next_at,
        latitude: degrees("latitude", latitude)?,
        longitude: degrees("longitude", longitude)?,
        ..Default::default()
    };
    services::activities::log(&state, &viewer, input).await
}

#[server(prefix = "/sfn", endpoint = "claim_customer")]
pub async fn claim_customer(id: i64) -> Result<Customer, AppError> {
    services::pool::claim(&app_state()?, &current_viewer()?, id).await
}

#[server(prefix = "/sfn", endpoint = "release_customer")]
pub async fn release_customer(id: i64, reason: String) -> Result<Customer, AppError> {
    services::pool::release(&app_state()?, &current_viewer()?, id, &reason).await
}

/// Open deals in the viewer's scope (and those won in the last 30 days) with the weighted
/// forecast for this month and quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineView {
    pub deals: Vec<Opportunity>,
    pub month_weighted_minor: i64,
    pub quarter_weighted_minor: i64,
    /// The same forecast per owner (one row for a rep; the team for a manager).
    pub by_owner: Vec<OwnerForecast>,
}

/// One owner's weighted forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerForecast {
    pub owner_id: i64,
    pub owner_name: String,
    pub month_weighted_minor: i64,
    pub quarter_weighted_minor: i64,
    pub open_deals: i64,
}

#[server(prefix = "/sfn", endpoint = "pipeline")]
pub async fn get_pipeline() -> Result<PipelineView, AppError> {
    services::deals::pipeline(&app_state()?, &current_viewer()?).await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealDetail {
    pub deal: Opportunity,
    pub contracts: Vec<Contract>,
    pub can_decide: bool,
}

#[server(prefix = "/sfn", endpoint = "deal")]
pub async fn get_deal(id: i64) -> Result<DealDetail, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let deal = services::deals::get(&state, &viewer, id).await?;
    let contracts = services::deals::contracts(
        &state,
        &viewer,
        services::deals::ContractQuery {
            opportunity_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    Ok(DealDetail {
        deal,
        contracts,
        can_decide: matches!(viewer.role, Role::Manager | Role::Admin),
    })
}

/// Yuan typed by a person ("12,000.50") to fen.
pub fn yuan_to_minor(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '¥' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let bad = || AppError::field(field, "an amount in yuan, e.g. 120000 or 120000.50");
    if frac.len() > 2
        || whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .map(Some)
        .ok_or_else(bad)
}

#[server(prefix = "/sfn", endpoint = "move_deal")]
pub async fn move_deal(
    id: i64,
    version: i64,
    stage: String,
    pain_points: Option<String>,
    decision_maker: Option<String>,
    budget_range: Option<String>,
    amount_yuan: Option<String>,
    expected_close: Option<String>,
    competitors: Option<String>,
    lost_reason: Option<String>,
) -> Result<Opportunity, AppError> {
    let amount_minor = match amount_yuan.as_deref() {
        Some(a) => yuan_to_minor("amount_minor", a)?,
        None => None,
    };
    let m = StageMove {
        stage,
        version,
        pain_points,
        decision_maker,
        budget_range,
        amount_minor,
        expected_close,
        competitors,
        lost_reason,
    };
    services::deals::move_stage(&app_state()?, &current_viewer()?, id, m).await
}

#[server(prefix = "/sfn", endpoint = "request_contract")]
pub async fn request_contract(
    opportunity_id: i64,
    amount_yuan: String,
    start_date: String,
    end_date: String,
) -> Result<Contract, AppError> {
    let input = NewContract {
        opportunity_id,
        amount_minor: yuan_to_minor("amount_minor", &amount_yuan)?,
        start_date,
        end_date,
    };
    services::deals::request_contract(&app_state()?, &current_viewer()?, input).await
}

#[server(prefix = "/sfn", endpoint = "decide_contract")]
pub async fn decide_contract(id: i64, approve: bool) -> Result<Contract, AppError> {
    services::deals::decide_contract(&app_state()?, &current_viewer()?, id, approve).await
}

#[server(prefix = "/sfn", endpoint = "pending_contracts")]
pub async fn pending_contracts() -> Result<Vec<Contract>, AppError> {
    let viewer = current_viewer()?;
    if !matches!(viewer.role, Role::Manager | Role::Admin) {
        return Ok(Vec::new());
    }
    let q = services::deals::ContractQuery {
        status: Some("pending".into()),
        ..Default::default()
    };
    services::deals::contracts(&app_state()?, &viewer, q).await
}

#[cfg(test)]
mod tests {
    use super::yuan_to_minor;

    #[test]
    fn yuan_as_people_type_it() {
        assert_eq!(yuan_to_minor("a", "120000"), Ok(Some(12_000_000)));
        assert_eq!(yuan_to_minor("a", "¥1,200.5"), Ok(Some(120_050)));
        assert_eq!(yuan_to_minor("a", " "), Ok(None));
        assert!(yuan_to_minor("a", "12.345").is_err());
        assert!(yuan_to_minor("a", "-5").is_err());
        assert!(yuan_to_minor("a", "99999999999999999999").is_err());
    }
}

#[server(prefix = "/sfn", endpoint = "create_deal")]
pub async fn create_deal(
    customer_id: i64,
    name: String,
    amount_yuan: String,
) -> Result<Opportunity, AppError> {
    let input = NewOpportunity {
        customer_id,
        name,
        amount_minor: yuan_to_minor("amount_minor", &amount_yuan)?,
        ..Default::default()
    };
    services::deals::create(&app_state()?, &current_viewer()?, input).await
}

/// The "new customer" form: the company and, optionally, its first contact.
#[server(prefix = "/sfn", endpoint = "create_customer")]
pub async fn create_customer(
    name: String,
    level: String,
    industry: String,
    region: String,
    contact_name: String,
    phone: String,
    email: String,
) -> Result<Customer, AppError> {
    let some = |s: String| (!s.trim().is_empty()).then_some(s);
    let contact = some(contact_name.clone()).map(|n| FirstContact {
        name: n,
        phone: some(phone.clone()),
        email: some(email.clone()),
        title: None,
    });
    if contact.is_none() && (some(phone).is_some() || some(email).is_some()) {
        return Err(AppError::field(
            "contact_name",
            "name the person this phone or email belongs to",
        ));
    }
    let input = NewCustomer {
        name,
        level: some(level),
        industry: some(industry),
        region: some(region),
        contact,
        ..Default::default()
    };
    let customer = services::customers::create(&app_state()?, &current_viewer()?, input).await?;
    leptos_axum::redirect(&format!("/customers/{}", customer.id));
    Ok(customer)
}

/// The tasks page: open tasks (yours; a manager's team's) or done ones, soonest due first.
#[server(prefix = "/sfn", endpoint = "tasks")]
pub async fn list_tasks(
    status: Option<String>,
    mine: Option<bool>,
    customer_id: Option<i64>,
    cursor: Option<String>,
) -> Result<Page<Task>, AppError> {
    let state = app_state()?;
    let viewer = current_viewer()?;
    let q = services::tasks::TaskQuery {
        assignee_id: mine.unwrap_or(true).then_some(viewer.user_id),
        customer_id,
        status,
        cursor,
        limit: Some(50),
    };
    services::tasks::list(&state, &viewer, q).await
}

/// A new task from a form: the due time as a quick choice (`today`, `1d`, `7d`, `none`)
/// or a picked date (`pick`); the assignee for managers.
#[server(prefix = "/sfn", endpoint = "add_task")]
pub async fn add_task(
    title: String,
    due: String,
    pick: Option<String>,
    customer_id: Option<i64>,
    assignee_id: Option<String>,
) -> Result<Task, AppError> {
    use crate::domain::time::{
        end_of_work_day, local_date_at, NextFollowUp, DEFAULT_UTC_OFFSET_MINUTES,
    };
    let state = app_state()?;
    let viewer = current_viewer()?;
    let now = state.clock.now();
    let due_at = match due.as_str() {
        "today" => Some(end_of_work_day(now, DEFAULT_UTC_OFFSET_MINUTES)),
        "pick" => Some(
            local_date_at(
                pick.as_deref().unwrap_or_default(),
                18,
                DEFAULT_UTC_OFFSET_MINUTES,
            )
            .ok_or_else(|| AppError::field("pick", "choose a date"))?,
        ),
        other => NextFollowUp::parse(other)
            .ok_or_else(|| AppError::field("due", "choose today, tomorrow, next week or a date"))?
            .resolve(now, DEFAULT_UTC_OFFSET_MINUTES),
    };
    let assignee_id = match assignee_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::field("assignee_id", "choose someone from the list"))?,
        ),
    };
    let input = NewTask {
        title,
        due_at,
        assignee_id,
        customer_id,
        opportunity_id: None,
    };
    services::tasks::create(&state, &viewer, input).await
}

/// Marks a task done (or open again).
#[server(prefix = "/sfn", endpoint = "finish_task")]
pub async fn finish_task(id: i64, version: i64, done: Option<bool>) -> Result<Task, AppError> {
    let patch = TaskPatch {
        version,
        done: Some(done.unwrap_or(true)),
        ..Default::default()
    };
    services::tasks::patch(&app_state()?, &current_viewer()?, id, patch).await
}

/// People the viewer may give tasks to (managers: their team; admins: everyone).
#[server(prefix = "/sfn", endpoint = "task_assignees")]
pub async fn task_assignees() -> Result<Vec<User>, AppError> {
    let users = services::users::list(&app_state()?, &current_viewer()?).await?;
    Ok(users.into_iter().filter(|u| u.active).collect())
}

/// More of a customer's timeline, after the cursor the previous page gave.
#[server(prefix = "/sfn", endpoint = "customer_timeline")]
pub async fn customer_timeline(id: i64, cursor: String) -> Result<Page<TimelineItem>, AppError> {
    let q = services::activities::TimelineQuery {
        limit: Some(20),
        cursor: Some(cursor),
    };
    services::activities::timeline(&app_state()?, &current_viewer()?, id, q).await
}

/// The badge: how many of the viewer's alerts are unread.
#[server(prefix = "/sfn", endpoint = "unread_alerts")]
pub async fn unread_alerts() -> Result<AlertCount, AppError> {
    services::alerts::unread(&app_state()?, &current_viewer()?).await
}

/// The alert centre: unread first, optionally one kind.
#[server(prefix = "/sfn", endpoint = "alerts")]
pub async fn list_alerts(
    kind: Option<String>,
    cursor: Option<String>,
) -> Result<Page<Alert>, AppError> {
    let q = services::alerts::AlertQuery {
        kind,
        cursor,
        limit: Some(50),
        unread: None,
    };
    services::alerts::list(&app_state()?, &current_viewer()?, q).await
}

#[server(prefix = "/sfn", endpoint = "read_alert")]
pub async fn read_alert(id: i64) -> Result<Alert, AppError> {
    services::alerts::read(&app_state()?, &current_viewer()?, id).await
}

#[server(prefix = "/sfn", endpoint = "read_all_alerts")]
pub async fn read_all_alerts() -> Result<AlertCount, AppError> {
    services::alerts::read_all(&app_state()?, &current_viewer()?).await
}

/// The leads page: a page of leads in the viewer's scope and the time it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsView {
    pub page: Page<Lead>,
    pub now: chrono::DateTime<chrono::Utc>,
}

#[server(prefix = "/sfn", endpoint = "leads")]
pub async fn list_leads(
    status: Option<String>,
    pool: Option<bool>,
    cursor: Option<String>,
) -> Result<LeadsView, AppError> {
    let state = app_state()?;
    let q = services::leads::LeadQuery {
        status,
        pool,
        cursor,
        limit: Some(50),
        owner_id: None,
    };
    let page = services::leads::list(&state, &current_viewer()?, q).await?;
    Ok(LeadsView {
        page,
        now: state.clock.now(),
    })
}

/// A lead typed in by a rep (theirs) or a manager (routed by the assignment rules).
#[server(prefix = "/sfn", endpoint = "add_lead")]
pub async fn add_lead(
    name: String,
    company: String,
    phone: String,
    email: String,
    source: String,
) -> Result<Lead, AppError> {
    let some = |s: String| (!s.trim().is_empty()).then_some(s);
    let input = NewLead {
        name,
        company: some(company),
        phone: some(phone),
        email: some(email),
        source: some(source),
        ..Default::default()
    };
    services::leads::create(&app_state()?, &current_viewer()?, input).await
}

#[server(prefix = "/sfn", endpoint = "contact_lead")]
pub async fn contact_lead(id: i64, kind: String) -> Result<Lead, AppError> {
    let r = LeadContact {
        kind,
        summary: None,
    };
    services::leads::contact(&app_state()?, &current_viewer()?, id, r).await
}

#[server(prefix = "/sfn", endpoint = "qualify_lead")]
pub async fn qualify_lead(id: i64, version: i64, status: String) -> Result<Lead, AppError> {
    let r = QualifyRequest { status, version };
    services::leads::qualify(&app_state()?, &current_viewer()?, id, r).await
}

#[server(prefix = "/sfn", endpoint = "disqualify_lead")]
pub async fn disqualify_lead(id: i64, version: i64, reason: String) -> Result<Lead, AppError> {
    let r = DisqualifyRequest { reason, version };
    services::leads::disqualify(&app_state()?, &current_viewer()?, id, r).await
}

/// Converts a sales-qualified lead into customer, contact and deal.
#[server(prefix = "/sfn", endpoint = "convert_lead")]
pub async fn convert_lead(id: i64, version: i64) -> Result<Conversion, AppError> {
    let r = ConvertRequest {
        version,
        opportunity_name: None,
    };
    services::leads::convert(&app_state()?, &current_viewer()?, id, r).await
}

/// Edits a customer's profile from the form on its page; `version` guards against
/// overwriting someone else's change (409). Tags are comma-separated.
#[server(prefix = "/sfn", endpoint = "edit_customer")]
pub async fn edit_customer(
    id: i64,
    version: i64,
    name: String,
    level: String,
    status: String,
    industry: String,
    region: String,
    tags: String,
) -> Result<Customer, AppError> {
    let optional = |s: String| Some((!s.trim().is_empty()).then(|| s.trim().to_string()));
    let patch = CustomerPatch {
        version,
        name: Some(name),
        level: Some(level),
        status: Some(status),
        industry: optional(industry),
        region: optional(region),
        tags: Some(
            tags.split([',', ','])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        ..Default::default()
    };
    services::customers::patch(&app_state()?, &current_viewer()?, id, patch).await
}

/// A manager hands a lead to a rep of their team.
#[server(prefix = "/sfn", endpoint = "assign_lead")]
pub async fn assign_lead(id: i64, owner_id: i64) -> Result<Lead, AppError> {
    services::leads::assign(&app_state()?, &current_viewer()?, id, owner_id).await
}
