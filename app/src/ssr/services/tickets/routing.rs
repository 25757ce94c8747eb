//! Ticket routing: a new ticket nobody was named for goes by the admin's rules, first
//! match wins, round robin within the rule's agents (or its team's), passing by agents
//! who are frozen, away or at the desk's open-ticket limit. A rule that matches but has
//! nobody free still gives the ticket its team, where it waits to be taken.
use crate::domain::routing::{round_robin, TicketFacts, TicketRouting};
use crate::error::AppResult;
use crate::ssr::store::settings;
use crate::ssr::store::ticket_routing as store;
use sqlx::AnyConnection;

/// The settings key of the desk's routing rules.
pub const ROUTING_SETTING: &str = "ticket_routing";

/// Where routing sends a new ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Routed {
    pub team_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// The rule that chose the assignee (its rotation continues from this ticket).
    pub rule: Option<i64>,
}

pub async fn routing(conn: &mut AnyConnection) -> AppResult<TicketRouting> {
    Ok(settings::get::<TicketRouting>(&mut *conn, ROUTING_SETTING).await?)
}

/// Who a new ticket with these facts goes to, under the rules stored now.
pub async fn route(conn: &mut AnyConnection, facts: TicketFacts) -> AppResult<Routed> {
    let routing = routing(&mut *conn).await?;
    let mut routed = Routed::default();
    for (index, rule) in routing.matching(facts) {
        let agents = match (rule.agent_ids.is_empty(), rule.team_id) {
            (false, _) => rule.agent_ids.clone(),
            (true, Some(team)) => store::team_agents(&mut *conn, team).await?,
            (true, None) => Vec::new(),
        };
        let free = store::available_agents(&mut *conn, &agents, routing.max_open_per_agent).await?;
        let last = store::last_routed_to(&mut *conn, index as i64).await?;
        if let Some(agent) = round_robin(&agents, last, |a| free.contains(&a)) {
            return Ok(Routed {
                team_id: rule.team_id,
                assignee_id: Some(agent),
                rule: Some(index as i64),
            });
        }
        // Nobody free here: the first matching rule's team keeps the ticket unless a
        // later rule finds someone.
        routed.team_id = routed.team_id.or(rule.team_id);
    }
    Ok(routed)
}
