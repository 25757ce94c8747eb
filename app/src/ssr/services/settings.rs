//! Admin settings (pool, lead timing, lead routing, alert thresholds, pipeline, SLA
//! targets and service hours): read by anyone
//! signed in, changed only by admins, validated field by field, audited with the value
//! before and after, for both the admin page and the REST API.
use crate::domain::alerts::AlertRules;
use crate::domain::events::{Action, Entity};
use crate::domain::leads::{AssignmentRule, LeadRules};
use crate::domain::pipeline::{PipelineRules, NEGOTIATION_FIELDS, PROPOSAL_FIELDS};
use crate::domain::pool::PoolRules;
use crate::domain::routing::TicketRouting;
use crate::domain::sla::{BusinessHours, TeamHours};
use crate::domain::tickets::SlaRules;
use crate::error::{AppError, AppResult};
use crate::model::{Role, SettingVersions};
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::{settings, users};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{Any, AnyConnection, Transaction};

/// Every setting, as the admin page shows them, with the versions a save must name.
#[derive(Debug, Clone)]
pub struct All {
    pub pool: PoolRules,
    pub leads: LeadRules,
    pub assignment: Vec<AssignmentRule>,
    pub alerts: AlertRules,
    pub pipeline: PipelineRules,
    pub health: crate::domain::health::HealthWeights,
    pub versions: SettingVersions,
}

pub async fn all(state: &AppState) -> AppResult<All> {
    let mut conn = state.db.read.acquire().await?;
    let (pool, p) = settings::get_versioned(&mut *conn, super::pool::SETTING).await?;
    let (leads, l) = settings::get_versioned(&mut *conn, super::leads::RULES_SETTING).await?;
    let (assignment, r) =
        settings::get_versioned(&mut *conn, super::leads::ASSIGNMENT_SETTING).await?;
    let (alerts, a) = settings::get_versioned(&mut *conn, super::alerts::SETTING).await?;
    let (pipeline, d) = settings::get_versioned(&mut *conn, super::deals::SETTING).await?;
    let (health, h) = settings::get_versioned(&mut *conn, super::health::SETTING).await?;
    Ok(All {
        pool,
        leads,
        assignment,
        alerts,
        pipeline,
        health,
        versions: SettingVersions {
            pool: p,
            leads: l,
            assignment: r,
            alerts: a,
            pipeline: d,
            health: h,
        },
    })
}

/// One setting and its version, by key.
pub async fn one<T: DeserializeOwned + Default>(
    state: &AppState,
    key: &str,
) -> AppResult<Saved<T>> {
    let (value, version) = settings::get_versioned(&state.db.read, key).await?;
    Ok(Saved { value, version })
}

/// A setting as saved, with its new version.
#[derive(Debug, Clone)]
pub struct Saved<T> {
    pub value: T,
    pub version: i64,
}

/// Each save takes the version it was made from: `Some` is checked against the stored one
/// (stale → conflict, carrying the stored value); `None` (an API client that did not say)
/// saves over whatever is stored now — but still never over a save made in between.
pub async fn save_pool(
    state: &AppState,
    viewer: &Viewer,
    rules: PoolRules,
    expected: Option<i64>,
) -> AppResult<Saved<PoolRules>> {
    let key = super::pool::SETTING;
    let (mut tx, version) =
        begin_save(state, viewer, key, &rules, rules.problems(), expected).await?;
    // New thresholds move every owned customer's reclaim time.
    crate::ssr::store::pool::refresh_reclaim(&mut tx, None, &rules).await?;
    tx.commit().await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// The SLA targets (per priority), the warning share, auto-close and survey days. Every
/// running ticket is re-timed under the new targets in the same transaction.
pub async fn save_sla(
    state: &AppState,
    viewer: &Viewer,
    rules: SlaRules,
    expected: Option<i64>,
) -> AppResult<Saved<SlaRules>> {
    let key = super::tickets::SLA_SETTING;
    let (mut tx, version) =
        begin_save(state, viewer, key, &rules, rules.problems(), expected).await?;
    super::tickets::retime_running(&mut tx, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// When the SLA clocks run: the desk's time zone, open hours per weekday and holidays (or
/// round the clock). Every running ticket is re-timed in the same transaction.
pub async fn save_service_hours(
    state: &AppState,
    viewer: &Viewer,
    mut hours: BusinessHours,
    expected: Option<i64>,
) -> AppResult<Saved<BusinessHours>> {
    hours.holidays.sort();
    hours.holidays.dedup();
    let key = super::tickets::HOURS_SETTING;
    let (mut tx, version) =
        begin_save(state, viewer, key, &hours, hours.problems(), expected).await?;
    super::tickets::retime_running(&mut tx, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Saved {
        value: hours,
        version,
    })
}

/// The desk's ticket routing rules and open-ticket limit. Every agent a rule names must be
/// an agent, and every team must exist.
pub async fn save_ticket_routing(
    state: &AppState,
    viewer: &Viewer,
    routing: TicketRouting,
    expected: Option<i64>,
) -> AppResult<Saved<TicketRouting>> {
    may_change_settings(viewer)?;
    let mut problems = routing.problems();
    {
        let mut conn = state.db.read.acquire().await?;
        for (i, rule) in routing.rules.iter().enumerate() {
            for id in &rule.agent_ids {
                let agent = users::get(&mut *conn, *id).await?;
                if agent.is_none_or(|u| u.role != Role::Agent) {
                    problems.push((format!("rules.{i}.agent_ids"), "list agents only".into()));
                    break;
                }
            }
            if let Some(team) = rule.team_id {
                if users::team(&mut *conn, team).await?.is_none() {
                    problems.push((format!("rules.{i}.team_id"), "choose a team".into()));
                }
            }
        }
    }
    let key = super::tickets::ROUTING_SETTING;
    let (tx, version) = begin_save(state, viewer, key, &routing, problems, expected).await?;
    tx.commit().await?;
    Ok(Saved {
        value: routing,
        version,
    })
}

/// The teams that keep hours of their own, all at once (a team left out goes back to the
/// desk's hours). Every running ticket is re-timed in the same transaction.
pub async fn save_team_service_hours(
    state: &AppState,
    viewer: &Viewer,
    mut teams: TeamHours,
    expected: Option<i64>,
) -> AppResult<Saved<TeamHours>> {
    may_change_settings(viewer)?;
    let mut problems: Vec<(String, String)> = Vec::new();
    {
        let mut conn = state.db.read.acquire().await?;
        for (team, hours) in teams.iter_mut() {
            hours.holidays.sort();
            hours.holidays.dedup();
            if users::team(&mut *conn, *team).await?.is_none() {
                problems.push((format!("{team}"), "choose a team".into()));
            }
            for (field, message) in hours.problems() {
                problems.push((format!("{team}.{field}"), message));
            }
        }
    }
    let key = super::tickets::TEAM_HOURS_SETTING;
    let (mut tx, version) = begin_save(state, viewer, key, &teams, problems, expected).await?;
    super::tickets::retime_running(&mut tx, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Saved {
        value: teams,
        version,
    })
}

pub async fn save_leads(
    state: &AppState,
    viewer: &Viewer,
    mut rules: LeadRules,
    expected: Option<i64>,
) -> AppResult<Saved<LeadRules>> {
    rules.urgent_sources = rules
        .urgent_sources
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let key = super::leads::RULES_SETTING;
    let (tx, version) = begin_save(state, viewer, key, &rules, rules.problems(), expected).await?;
    tx.commit().await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// The lead routing rules, in order: the first matching rule with an eligible rep wins.
pub async fn save_assignment(
    state: &AppState,
    viewer: &Viewer,
    rules: Vec<AssignmentRule>,
    expected: Option<i64>,
) -> AppResult<Saved<Vec<AssignmentRule>>> {
    may_change_settings(viewer)?;
    let mut tx = state.db.begin().await?;
    let saved = store_assignment(&mut tx, state, viewer, rules, expected).await?;
    tx.commit().await?;
    Ok(saved)
}

async fn store_assignment(
    conn: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    rules: Vec<AssignmentRule>,
    expected: Option<i64>,
) -> AppResult<Saved<Vec<AssignmentRule>>> {
    let clean = super::nonempty;
    let rules: Vec<AssignmentRule> = rules
        .iter()
        .map(|r| AssignmentRule {
            source: clean(&r.source),
            region: clean(&r.region),
            industry: clean(&r.industry),
            product_line: clean(&r.product_line),
            rep_ids: r.rep_ids.clone(),
        })
        .collect();
    let reps = crate::ssr::store::users::rep_ids(&mut *conn).await?;
    for (i, rule) in rules.iter().enumerate() {
        if rule.rep_ids.is_empty() || rule.rep_ids.iter().any(|r| !reps.contains(r)) {
            return Err(AppError::field(
                &format!("{i}.rep_ids"),
                "list one or more reps",
            ));
        }
        let too_long = [
            &rule.source,
            &rule.region,
            &rule.industry,
            &rule.product_line,
        ]
        .into_iter()
        .flatten()
        .any(|s| s.chars().count() > 100);
        if too_long {
            return Err(AppError::field(
                &format!("{i}"),
                "each criterion at most 100 characters",
            ));
        }
    }
    let key = super::leads::ASSIGNMENT_SETTING;
    let version = save(conn, state, viewer, key, &rules, expected).await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// One change to the routing rules, applied to the stored list in one transaction.
#[derive(Debug, Clone)]
pub enum RuleEdit {
    /// Replace the rule at this position, or add it at the end when None.
    Put(Option<usize>, AssignmentRule),
    Remove(usize),
}

/// Rules are addressed by position, so the edit must name the version of the list it was
/// made from: after another admin's change, "rule 2" may be a different rule.
pub async fn edit_assignment(
    state: &AppState,
    viewer: &Viewer,
    edit: RuleEdit,
    expected: i64,
) -> AppResult<Saved<Vec<AssignmentRule>>> {
    may_change_settings(viewer)?;
    let key = super::leads::ASSIGNMENT_SETTING;
    let mut tx = state.db.begin().await?;
    let (mut rules, current): (Vec<AssignmentRule>, i64) =
        settings::get_versioned(&mut *tx, key).await?;
    if current != expected {
        return Err(conflict(key, &rules, current));
    }
    match edit {
        RuleEdit::Put(None, rule) => rules.push(rule),
        RuleEdit::Put(Some(i), rule) if i < rules.len() => rules[i] = rule,
        RuleEdit::Remove(i) if i < rules.len() => {
            rules.remove(i);
        }
        _ => return Err(AppError::NotFound),
    }
    let saved = store_assignment(&mut tx, state, viewer, rules, Some(current)).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn save_alerts(
    state: &AppState,
    viewer: &Viewer,
    rules: AlertRules,
    expected: Option<i64>,
) -> AppResult<Saved<AlertRules>> {
    let key = super::alerts::SETTING;
    let (tx, version) = begin_save(state, viewer, key, &rules, rules.problems(), expected).await?;
    tx.commit().await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// The customer health weights; scores take them as each customer is next recomputed.
pub async fn save_health(
    state: &AppState,
    viewer: &Viewer,
    weights: crate::domain::health::HealthWeights,
    expected: Option<i64>,
) -> AppResult<Saved<crate::domain::health::HealthWeights>> {
    let key = super::health::SETTING;
    let (tx, version) =
        begin_save(state, viewer, key, &weights, weights.problems(), expected).await?;
    tx.commit().await?;
    Ok(Saved {
        value: weights,
        version,
    })
}

/// Stage probabilities and entry criteria; open deals take the new probabilities at once.
pub async fn save_pipeline(
    state: &AppState,
    viewer: &Viewer,
    mut rules: PipelineRules,
    expected: Option<i64>,
) -> AppResult<Saved<PipelineRules>> {
    // In the order the fields appear on a deal, each once.
    for (list, order) in [
        (&mut rules.proposal_requires, PROPOSAL_FIELDS),
        (&mut rules.negotiation_requires, NEGOTIATION_FIELDS),
    ] {
        list.sort_by_key(|f| order.iter().position(|o| o == f).unwrap_or(order.len()));
        list.dedup();
    }
    let key = super::deals::SETTING;
    let (mut tx, version) =
        begin_save(state, viewer, key, &rules, rules.problems(), expected).await?;
    crate::ssr::store::deals::reprice_open(&mut tx, &rules).await?;
    tx.commit().await?;
    Ok(Saved {
        value: rules,
        version,
    })
}

/// Refuses anyone who may not change the rules in settings.
pub fn may_change_settings(viewer: &Viewer) -> AppResult<()> {
    if crate::domain::scope::can_change_settings(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn valid<F: AsRef<str>>(problems: Vec<(F, String)>) -> AppResult<()> {
    let mut check = super::Check::new();
    for (field, message) in problems {
        check.fail(field.as_ref(), message);
    }
    check.finish()
}

/// Checks the caller and the value, then stores it in a transaction left open for the
/// writes that follow from it; the caller commits.
async fn begin_save<T: Serialize + DeserializeOwned + Default>(
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    value: &T,
    problems: Vec<(impl AsRef<str>, String)>,
    expected: Option<i64>,
) -> AppResult<(Transaction<'static, Any>, i64)> {
    may_change_settings(viewer)?;
    valid(problems)?;
    let mut tx = state.db.begin().await?;
    let version = save(&mut tx, state, viewer, key, value, expected).await?;
    Ok((tx, version))
}

/// The conflict a stale save gets: the stored value and version, to start again from.
fn conflict<T: Serialize>(key: &str, value: &T, version: i64) -> AppError {
    AppError::Conflict(serde_json::json!({ "setting": key, "value": value, "version": version }))
}

/// Stores the value under `key` (checking `expected` against the stored version), audits
/// it with the value it replaced, and returns the new version.
async fn save<T: Serialize + DeserializeOwned + Default>(
    conn: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    value: &T,
    expected: Option<i64>,
) -> AppResult<i64> {
    let now = state.clock.now_ms();
    let (before, current): (T, i64) = settings::get_versioned(&mut *conn, key).await?;
    if expected.is_some_and(|e| e != current) {
        return Err(conflict(key, &before, current));
    }
    // The write is conditional on the version read just now, so a save committed in
    // between (another server, another connection) makes this one a conflict too.
    let Some(version) = settings::put(&mut *conn, key, value, current, viewer.user_id, now).await?
    else {
        let (stored, version): (T, i64) = settings::get_versioned(&mut *conn, key).await?;
        return Err(conflict(key, &stored, version));
    };
    audit::record(
        conn,
        Some(viewer),
        Change {
            action: Action::Updated,
            entity_type: Entity::Setting,
            entity_id: 0,
            before: Some(serde_json::json!({ key: before })),
            after: Some(serde_json::json!({ key: value })),
        },
        now,
    )
    .await?;
    Ok(version)
}
