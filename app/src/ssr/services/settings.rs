//! Admin settings (pool, lead timing, lead routing, alert thresholds): read by anyone
//! signed in, changed only by admins, validated field by field, audited with the value
//! before and after, for both the admin page and the REST API.
use crate::domain::alerts::AlertRules;
use crate::domain::leads::{AssignmentRule, LeadRules};
use crate::domain::pool::PoolRules;
use crate::error::{AppError, AppResult};
use crate::model::Role;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::settings;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::AnyConnection;

/// Every setting, as the admin page shows them.
#[derive(Debug, Clone)]
pub struct All {
    pub pool: PoolRules,
    pub leads: LeadRules,
    pub assignment: Vec<AssignmentRule>,
    pub alerts: AlertRules,
}

pub async fn all(state: &AppState) -> AppResult<All> {
    let mut conn = state.db.read.acquire().await?;
    Ok(All {
        pool: super::pool::rules(&mut *conn).await?,
        leads: super::leads::rules(&mut conn).await?,
        assignment: super::leads::assignment_rules(&mut conn).await?,
        alerts: super::alerts::rules(&mut *conn).await?,
    })
}

pub async fn save_pool(
    state: &AppState,
    viewer: &Viewer,
    rules: PoolRules,
) -> AppResult<PoolRules> {
    admin_only(viewer)?;
    valid(rules.problems())?;
    let mut tx = state.db.begin().await?;
    save(&mut tx, state, viewer, super::pool::SETTING, &rules).await?;
    // New thresholds move every owned customer's reclaim time.
    crate::ssr::store::pool::refresh_reclaim(&mut tx, None, &rules).await?;
    tx.commit().await?;
    Ok(rules)
}

pub async fn save_leads(
    state: &AppState,
    viewer: &Viewer,
    mut rules: LeadRules,
) -> AppResult<LeadRules> {
    admin_only(viewer)?;
    rules.urgent_sources = rules
        .urgent_sources
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    valid(rules.problems())?;
    let mut tx = state.db.begin().await?;
    save(&mut tx, state, viewer, super::leads::RULES_SETTING, &rules).await?;
    tx.commit().await?;
    Ok(rules)
}

/// The lead routing rules, in order: the first matching rule with an eligible rep wins.
pub async fn save_assignment(
    state: &AppState,
    viewer: &Viewer,
    rules: Vec<AssignmentRule>,
) -> AppResult<Vec<AssignmentRule>> {
    admin_only(viewer)?;
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
    let mut tx = state.db.begin().await?;
    let reps: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'rep'")
        .fetch_all(&mut *tx)
        .await?;
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
    save(
        &mut tx,
        state,
        viewer,
        super::leads::ASSIGNMENT_SETTING,
        &rules,
    )
    .await?;
    tx.commit().await?;
    Ok(rules)
}

/// One change to the routing rules, applied to the stored list in one transaction.
#[derive(Debug, Clone)]
pub enum RuleEdit {
    /// Replace the rule at this position, or add it at the end when None.
    Put(Option<usize>, AssignmentRule),
    Remove(usize),
}

pub async fn edit_assignment(
    state: &AppState,
    viewer: &Viewer,
    edit: RuleEdit,
) -> AppResult<Vec<AssignmentRule>> {
    admin_only(viewer)?;
    let mut rules = {
        let mut conn = state.db.read.acquire().await?;
        super::leads::assignment_rules(&mut conn).await?
    };
    match edit {
        RuleEdit::Put(None, rule) => rules.push(rule),
        RuleEdit::Put(Some(i), rule) if i < rules.len() => rules[i] = rule,
        RuleEdit::Remove(i) if i < rules.len() => {
            rules.remove(i);
        }
        // Someone else removed it meanwhile.
        _ => return Err(AppError::NotFound),
    }
    save_assignment(state, viewer, rules).await
}

pub async fn save_alerts(
    state: &AppState,
    viewer: &Viewer,
    rules: AlertRules,
) -> AppResult<AlertRules> {
    admin_only(viewer)?;
    valid(rules.problems())?;
    let mut tx = state.db.begin().await?;
    save(&mut tx, state, viewer, super::alerts::SETTING, &rules).await?;
    tx.commit().await?;
    Ok(rules)
}

fn admin_only(viewer: &Viewer) -> AppResult<()> {
    if viewer.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn valid(problems: Vec<(&'static str, String)>) -> AppResult<()> {
    let mut check = super::Check::new();
    for (field, message) in problems {
        check.fail(field, message);
    }
    check.finish()
}

/// Stores the value under `key` and audits it with the value it replaced.
async fn save<T: Serialize + DeserializeOwned + Default>(
    conn: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    key: &str,
    value: &T,
) -> AppResult<()> {
    let now = state.clock.now_ms();
    let before: T = settings::get(&mut *conn, key).await?;
    settings::put(&mut *conn, key, value, viewer.user_id, now).await?;
    audit::record(
        conn,
        Some(viewer),
        Change {
            action: "updated",
            entity_type: "setting",
            entity_id: 0,
            before: Some(serde_json::json!({ key: before })),
            after: Some(serde_json::json!({ key: value })),
        },
        now,
    )
    .await?;
    Ok(())
}
