//! What each role must get from a server function: who the walkers are, the rule each
//! function follows, and the statuses a rule allows.
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Role {
    /// rep1 and manager1: rep5's records are outside their scope.
    Hidden,
    /// agent1: reads every customer, changes none.
    ReadOnly,
    /// admin.
    Full,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Rule {
    /// Any signed-in role, no record named: answered.
    Open,
    /// Any role; the answer depends on the role's own data (lists, own drafts): no 5xx,
    /// no 401.
    Answered,
    /// Admins only.
    Admin,
    /// Reads a record of rep5's.
    Read,
    /// Changes a record of rep5's.
    Write,
    /// Someone's own alerts: nobody else's are found, not even by an admin.
    Personal,
    /// Names a record of rep5's inside a new one (a follow-up, a deal, a contract): for a
    /// role that cannot see it, the field is refused as naming nothing (422) or the
    /// record is not found; never created.
    Refer,
    /// A function only some roles have (claiming, assigning), refused with 403 before
    /// any record is looked up; for the roles that have it, as `Write`.
    RoleThenWrite,
    /// The service desk's work (answering, moving, logging tickets): agents and admins
    /// do it on any customer's ticket; every other role is refused (403) before any record
    /// is looked up.
    Service,
    /// A record only its own people (the assignee, their managers, an admin) see: 404
    /// for everyone else, whatever they may read otherwise.
    Own,
}

pub(super) fn expected(rule: Rule, role: Role, role_is_manager: bool, got: StatusCode) -> bool {
    use StatusCode as S;
    let answered = !got.is_server_error() && got != S::UNAUTHORIZED;
    match (rule, role) {
        (Rule::Open, _) => got == S::OK,
        (Rule::Answered, _) => answered,
        (Rule::Admin, Role::Full) => answered && got != S::FORBIDDEN && got != S::NOT_FOUND,
        (Rule::Admin, _) => got == S::FORBIDDEN,
        (Rule::Read, Role::Hidden) | (Rule::Write, Role::Hidden) => got == S::NOT_FOUND,
        (Rule::Read, _) => got == S::OK,
        (Rule::Write, Role::ReadOnly) => got == S::FORBIDDEN,
        (Rule::Write, Role::Full) => answered && got != S::FORBIDDEN && got != S::NOT_FOUND,
        (Rule::Personal, _) => got == S::NOT_FOUND || (role_is_manager && got == S::FORBIDDEN),
        (Rule::Refer, Role::Hidden) => got == S::NOT_FOUND || got == S::UNPROCESSABLE_ENTITY,
        (Rule::Refer, _) => expected(Rule::Write, role, role_is_manager, got),
        (Rule::RoleThenWrite, _) => {
            got == S::FORBIDDEN || expected(Rule::Write, role, role_is_manager, got)
        }
        (Rule::Service, Role::Hidden) => got == S::FORBIDDEN,
        (Rule::Service, _) => answered && got != S::FORBIDDEN && got != S::NOT_FOUND,
        (Rule::Own, Role::Full) => expected(Rule::Write, role, role_is_manager, got),
        (Rule::Own, _) => got == S::NOT_FOUND,
    }
}
