//! The duplicate check: a new customer with the company name, a phone or an email of one
//! that exists is refused with who owns it, so the rep asks them instead of competing for
//! the account. Only an admin may save it anyway.
use crate::error::{AppError, AppResult};
use crate::model::DuplicateRef;
use crate::ssr::auth::Viewer;
use crate::ssr::store::contacts::ContactFields;
use crate::ssr::store::customers::{self as store, CustomerFields};
use crate::ssr::store::duplicates::duplicates;
use crate::ssr::store::scope::Access;
use sqlx::AnyConnection;

/// Refuses a new customer that looks like one that exists, unless `may_override`.
pub(super) async fn refuse_duplicates(
    tx: &mut AnyConnection,
    viewer: &Viewer,
    fields: &CustomerFields,
    contact: Option<&ContactFields>,
    may_override: bool,
) -> AppResult<()> {
    // Duplicate detection across the company: same company name, phone or email.
    let found = duplicates(
        &mut *tx,
        &fields.name_norm,
        contact.and_then(|k| k.phone.as_deref()),
        contact.and_then(|k| k.email.as_deref()),
    )
    .await?;
    if !found.is_empty() && !may_override {
        let mut refs = Vec::new();
        for (id, name, owner_name, _owner, matched_on) in found {
            let visible = store::get(&mut *tx, viewer, id, Access::Read)
                .await?
                .is_some();
            // Who owns it is told (so the rep asks them; see docs/security.md), but a
            // customer found by a phone or email is not named to someone who cannot
            // open it: that would turn the check into a reverse phone book.
            let name = if visible || matched_on == "company_name" {
                name
            } else {
                String::new()
            };
            refs.push(DuplicateRef {
                customer_id: id,
                name,
                owner_name,
                matched_on,
                visible,
            });
        }
        return Err(AppError::Duplicate(refs));
    }
    Ok(())
}
