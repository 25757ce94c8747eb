//! What the alert engine's time rules read: a record whose due time fell in a window
//! `(from, to]` (epoch ms), with its owner. Each record's store module answers for its
//! own due times (`customers::due_between`, `leads::first_contact_due`, …).

/// One record that fell due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueRecord {
    pub id: i64,
    /// Who the alert goes to (owner or assignee).
    pub owner_id: i64,
    /// The record's name as the alert shows it.
    pub name: String,
    /// The due time that fell in the window (a contract's id for renewals).
    pub at: i64,
    pub owner_name: Option<String>,
    /// A detail the alert text uses (a lead's source, a deal's stage, a contract's end).
    pub extra: Option<String>,
}
