//! Data scopes: what part of the customer book each role may see and change.
use crate::model::Role;

/// The rows a viewer may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataScope {
    /// Records the viewer owns, plus the public pool.
    OwnAndPool,
    /// Records owned by anyone in the viewer's team subtree, plus the public pool.
    TeamSubtree,
    /// Read-only service view: every customer, so an agent can see whose ticket it is.
    Service,
    /// Everything.
    All,
}

pub fn scope_for(role: Role) -> DataScope {
    match role {
        Role::Rep => DataScope::OwnAndPool,
        Role::Manager => DataScope::TeamSubtree,
        Role::Agent => DataScope::Service,
        Role::Admin => DataScope::All,
    }
}

/// Whether a role may create or change customer and contact records at all
/// (inside its scope). Agents work on tickets, not on the sales book.
pub fn can_edit_customers(role: Role) -> bool {
    !matches!(role, Role::Agent)
}

/// Who may delete (soft-delete) a customer inside their write scope: managers their
/// team's customers; a customer in the public pool belongs to no team, so only an admin
/// removes it from everyone's pool.
pub fn can_delete_customer(role: Role, in_pool: bool) -> bool {
    match role {
        Role::Admin => true,
        Role::Manager => !in_pool,
        Role::Rep | Role::Agent => false,
    }
}

/// Who may bring a deleted record back (and see deleted records at all).
pub fn can_restore_records(role: Role) -> bool {
    matches!(role, Role::Admin)
}

/// Who may give a task to someone else (managers within their team, admins anyone).
/// Reps and agents make tasks only for themselves. An agent may link such a task to any
/// customer it can read (calling a customer back about a ticket is service work): that
/// changes nothing of the customer and puts nothing on anybody else's list. Agents may
/// not change customers, contacts, deals or other people's tasks.
pub fn can_assign_tasks_to_others(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Who may give a customer or a lead to someone else (within their team).
pub fn can_assign_owners(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Who approves or rejects contracts (never their own deal's; see `services::contracts`).
pub fn can_decide_contracts(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Who has the team dashboard.
pub fn can_see_dashboard(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Who works the service desk's ticket queue.
pub fn can_work_queue(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Manager | Role::Admin)
}

/// Who answers, assigns and moves tickets. Everyone else reads the tickets of the
/// customers they may read (the service history beside the sales record), and changes none.
pub fn can_work_tickets(role: Role) -> bool {
    TICKET_WORKERS.contains(&role)
}

/// The roles [`can_work_tickets`] admits: those a ticket may be assigned to.
pub const TICKET_WORKERS: &[Role] = &[Role::Agent, Role::Admin];

/// Who may change the pool, lead, alert, pipeline and routing rules.
pub fn can_change_settings(role: Role) -> bool {
    matches!(role, Role::Admin)
}

/// Who may write, publish and change knowledge-base articles.
pub fn can_write_articles(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Admin)
}

/// Which articles a reader may see: those who write them see drafts too, everyone signed
/// in the internal ones, and anyone (`None`: not signed in) the public ones.
pub fn readable_articles(role: Option<Role>) -> &'static [crate::model::ArticleVisibility] {
    use crate::model::ArticleVisibility::*;
    match role {
        Some(r) if can_write_articles(r) => &[Draft, Internal, Public],
        Some(_) => &[Internal, Public],
        None => &[Public],
    }
}

/// Who may send satisfaction (NPS) surveys to customers' contacts.
pub fn can_send_surveys(role: Role) -> bool {
    matches!(role, Role::Admin)
}

/// Who may administer users, teams and API tokens.
pub fn can_administer(role: Role) -> bool {
    matches!(role, Role::Admin)
}

/// What an API token may be allowed: `read` or `write` on one of these (write includes
/// read), or `*` for every domain. Names are the REST resources they cover.
pub const TOKEN_DOMAINS: &[&str] = &[
    "customers",
    "contacts",
    "activities",
    "tasks",
    "leads",
    "opportunities",
    "contracts",
    "alerts",
    "settings",
    "users",
    "tickets",
];

/// Checks one scope as an admin writes it (`customers:read`, `leads:write`, `*:read`).
pub fn parse_token_scope(scope: &str) -> Result<String, &'static str> {
    let scope = scope.trim().to_ascii_lowercase();
    match scope.split_once(':') {
        Some((domain, "read" | "write")) if domain == "*" || TOKEN_DOMAINS.contains(&domain) => {
            Ok(scope)
        }
        _ => Err("each scope is a domain (customers, contacts, activities, tasks, leads, opportunities, contracts, alerts, settings, users, tickets, or *) and :read or :write"),
    }
}

/// The token domain a REST path belongs to (`/api/v1/lead-forms/3` → `leads`); None for
/// paths every token may use (`/api/v1/me`).
pub fn token_domain_of(path: &str) -> Option<&'static str> {
    let first = path.strip_prefix("/api/v1/")?.split('/').next()?;
    Some(match first {
        "me" | "auth" => return None,
        "lead-forms" | "leads" => "leads",
        "teams" | "api-tokens" | "users" => "users",
        "inbound" => "tickets",
        other => TOKEN_DOMAINS
            .iter()
            .find(|d| **d == other)
            .copied()
            .unwrap_or("*"),
    })
}

/// Whether a token's scopes allow reading (or, if `write`, changing) in `domain`.
pub fn token_allows(scopes: &[String], domain: &str, write: bool) -> bool {
    scopes.iter().any(|s| {
        let Some((d, level)) = s.split_once(':') else {
            return false;
        };
        (d == "*" || d == domain) && (level == "write" || !write)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_has_its_scope() {
        assert_eq!(scope_for(Role::Rep), DataScope::OwnAndPool);
        assert_eq!(scope_for(Role::Manager), DataScope::TeamSubtree);
        assert_eq!(scope_for(Role::Agent), DataScope::Service);
        assert_eq!(scope_for(Role::Admin), DataScope::All);
        assert!(!can_edit_customers(Role::Agent));
        assert!(can_edit_customers(Role::Rep));
        assert!(can_administer(Role::Admin));
        assert!(can_delete_customer(Role::Manager, false));
        assert!(!can_delete_customer(Role::Manager, true));
        assert!(can_delete_customer(Role::Admin, true));
        assert!(!can_delete_customer(Role::Rep, false));
        assert!(can_restore_records(Role::Admin));
        assert!(!can_assign_tasks_to_others(Role::Agent));
        assert!(!can_assign_tasks_to_others(Role::Rep));
        assert!(can_assign_tasks_to_others(Role::Manager));
    }

    #[test]
    fn token_scopes_are_checked_per_domain_and_level() {
        assert_eq!(
            parse_token_scope(" Customers:READ "),
            Ok("customers:read".into())
        );
        assert!(parse_token_scope("customers").is_err());
        assert!(parse_token_scope("secrets:read").is_err());
        assert_eq!(token_domain_of("/api/v1/lead-forms"), Some("leads"));
        assert_eq!(
            token_domain_of("/api/v1/customers/3/claim"),
            Some("customers")
        );
        assert_eq!(token_domain_of("/api/v1/me"), None);
        assert_eq!(token_domain_of("/api/v1/unknown"), Some("*"));
        let read_customers = vec!["customers:read".to_string()];
        assert!(token_allows(&read_customers, "customers", false));
        assert!(!token_allows(&read_customers, "customers", true));
        assert!(!token_allows(&read_customers, "leads", false));
        // An unknown domain needs a wildcard scope.
        assert!(!token_allows(&read_customers, "*", false));
        let all_write = vec!["*:write".to_string()];
        assert!(token_allows(&all_write, "leads", true));
        assert!(token_allows(&all_write, "*", true));
        assert!(!can_restore_records(Role::Manager));
        assert!(!can_administer(Role::Manager));
    }
}
