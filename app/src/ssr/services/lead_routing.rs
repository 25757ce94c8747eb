//! Lead routing: the admin's assignment rules, first match wins, round robin within the
//! rule's reps, skipping reps who are frozen or at their holding limit; nothing matching
//! leaves the lead in the pool.
use super::leads::ASSIGNMENT_SETTING;
use crate::domain::leads::{round_robin, AssignmentRule, LeadFacts};
use crate::error::AppResult;
use crate::ssr::store::leads as store;
use crate::ssr::store::settings;
use sqlx::AnyConnection;

pub async fn assignment_rules(conn: &mut AnyConnection) -> AppResult<Vec<AssignmentRule>> {
    Ok(settings::get::<Vec<AssignmentRule>>(&mut *conn, ASSIGNMENT_SETTING).await?)
}

/// Reps in `rep_ids` who may take a lead now: active reps under their holding limit.
async fn eligible_reps(conn: &mut AnyConnection, rep_ids: &[i64]) -> AppResult<Vec<i64>> {
    if rep_ids.is_empty() {
        return Ok(Vec::new());
    }
    let limit = super::pool::rules(&mut *conn).await?.holding_limit;
    Ok(store::active_reps_under(conn, rep_ids, limit).await?)
}

/// The first matching rule with an eligible rep decides, round robin within its reps;
/// nothing matching means the pool.
pub(super) async fn route(
    conn: &mut AnyConnection,
    facts: &LeadFacts<'_>,
) -> AppResult<(Option<i64>, Option<i64>)> {
    for (index, rule) in assignment_rules(&mut *conn).await?.iter().enumerate() {
        if !rule.matches(facts) {
            continue;
        }
        let eligible = eligible_reps(&mut *conn, &rule.rep_ids).await?;
        let last = store::last_assignee(&mut *conn, index as i64).await?;
        if let Some(rep) = round_robin(&rule.rep_ids, last, |r| eligible.contains(&r)) {
            return Ok((Some(rep), Some(index as i64)));
        }
    }
    Ok((None, None))
}
