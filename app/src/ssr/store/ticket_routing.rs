//! The queries ticket routing asks: a team's agents, which of some agents may take a new
//! ticket now, and where a rule's round robin stands.
use crate::ssr::store::db::Sql;
use sqlx::AnyConnection;

/// The agents of a team (active or not: eligibility is asked separately), by id.
pub async fn team_agents(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id FROM users WHERE role = 'agent' AND team_id = ");
    sql.bind(team_id).push(" ORDER BY id");
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// Those of `agent_ids` who may be given a new ticket now: active (not frozen), not away,
/// and holding fewer than `max_open` new or open tickets (0: no limit). Counted through
/// the (assignee, status) index.
pub async fn available_agents(
    conn: &mut AnyConnection,
    agent_ids: &[i64],
    max_open: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    if agent_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT u.id FROM users u WHERE u.active = 1 AND u.away = 0 AND u.role = 'agent' AND u.id IN (",
    );
    sql.bind_list(agent_ids.iter().copied()).push(")");
    if max_open > 0 {
        sql.push(
            " AND (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = u.id \
             AND t.status IN ('new', 'open') AND t.deleted_at IS NULL) < ",
        )
        .bind(max_open);
    }
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// The agent a routing rule last gave a ticket to (the newest ticket it routed).
pub async fn last_routed_to(
    conn: &mut AnyConnection,
    rule: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT assignee_id FROM tickets WHERE assignment_rule = ");
    sql.bind(rule)
        .push(" AND assignee_id IS NOT NULL ORDER BY id DESC LIMIT 1");
    Ok(sql
        .query_scalar::<Option<i64>>()
        .fetch_optional(conn)
        .await?
        .flatten())
}
