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

/// Who may administer users, teams and API tokens.
pub fn can_administer(role: Role) -> bool {
    matches!(role, Role::Admin)
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
        assert!(!can_administer(Role::Manager));
    }
}
