//! Contacts: visible and changeable exactly as their customer is.
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::{into_page, page_cursor, page_limit, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::validate::{normalize_email, normalize_phone, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::contacts::{self as store, ContactFields, ContactFilter};
use crate::ssr::store::scope::Access;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ContactQuery {
    /// Only this customer's contacts.
    pub customer_id: Option<i64>,
    /// Part of a name, phone or email.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(state: &AppState, viewer: &Viewer, q: ContactQuery) -> AppResult<Page<Contact>> {
    list_on(&state.db.read, viewer, q).await
}

/// `list` on a connection the caller holds (a page reading several things in turn).
pub(crate) async fn list_on<'e>(
    ex: impl sqlx::Executor<'e, Database = sqlx::Any>,
    viewer: &Viewer,
    q: ContactQuery,
) -> AppResult<Page<Contact>> {
    let limit = page_limit(q.limit)?;
    let before_id = page_cursor(q.cursor.as_deref())?;
    // Compared in SQL: a control character (PostgreSQL refuses NUL) is named, not a 500.
    let needle =
        optional_text(q.q.as_deref().unwrap_or(""), 100).map_err(|e| AppError::field("q", e))?;
    let filter = ContactFilter {
        customer_id: q.customer_id,
        q: needle,
        before_id,
        limit,
    };
    let rows = store::list(ex, viewer, &filter).await?;
    Ok(into_page(rows, limit, |c| c.id))
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Contact> {
    store::get(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)
}

fn phone(check: &mut Check, v: Option<&str>) -> Option<String> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => check.field("phone", normalize_phone(p).map(Some)),
        None => None,
    }
}

fn email(check: &mut Check, v: Option<&str>) -> Option<String> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => check.field("email", normalize_email(e).map(Some)),
        None => None,
    }
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewContact) -> AppResult<Contact> {
    let mut check = Check::new();
    let fields = ContactFields {
        name: check.field("name", required_text(&input.name, 100)),
        title: check.field(
            "title",
            optional_text(input.title.as_deref().unwrap_or(""), 100),
        ),
        phone: phone(&mut check, input.phone.as_deref()),
        email: email(&mut check, input.email.as_deref()),
        wechat: check.field(
            "wechat",
            optional_text(input.wechat.as_deref().unwrap_or(""), 100),
        ),
        decision_maker: input.decision_maker,
        consent: input.consent,
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    super::customers::writable_for_input(&mut tx, viewer, &mut check, input.customer_id).await?;
    check.finish()?;
    let created = insert_new(&mut tx, viewer, input.customer_id, &fields, now).await?;
    crate::ssr::store::search::reindex_customer(&mut tx, state.db.backend, input.customer_id)
        .await?;
    tx.commit().await?;
    Ok(created)
}

async fn writable(tx: &mut sqlx::AnyConnection, viewer: &Viewer, id: i64) -> AppResult<Contact> {
    match store::get(&mut *tx, viewer, id, Access::Write).await? {
        Some(c) => Ok(c),
        None => match store::get(&mut *tx, viewer, id, Access::Read).await? {
            Some(_) => Err(AppError::Forbidden),
            None => Err(AppError::NotFound),
        },
    }
}

pub async fn patch(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    p: ContactPatch,
) -> AppResult<Contact> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    check_version(&current, current.version, p.version)?;
    let mut check = Check::new();
    let fields = ContactFields {
        name: match &p.name {
            Some(n) => check.field("name", required_text(n, 100)),
            None => current.name.clone(),
        },
        title: match &p.title {
            Some(t) => check.field("title", optional_text(t.as_deref().unwrap_or(""), 100)),
            None => current.title.clone(),
        },
        phone: match &p.phone {
            Some(v) => phone(&mut check, v.as_deref()),
            None => current.phone.clone(),
        },
        email: match &p.email {
            Some(v) => email(&mut check, v.as_deref()),
            None => current.email.clone(),
        },
        wechat: match &p.wechat {
            Some(t) => check.field("wechat", optional_text(t.as_deref().unwrap_or(""), 100)),
            None => current.wechat.clone(),
        },
        decision_maker: p.decision_maker.unwrap_or(current.decision_maker),
        consent: p.consent.unwrap_or(current.consent),
    };
    check.finish()?;
    if !store::update(&mut tx, id, p.version, &fields, viewer.user_id, now).await? {
        return Err(stale(store::get(&mut *tx, viewer, id, Access::Read).await?));
    }
    crate::ssr::store::search::reindex_customer(&mut tx, state.db.backend, current.customer_id)
        .await?;
    let after = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let change = Versioned::new(Entity::Contact, Action::Updated, id, &current);
    let updated = audited(&mut tx, Some(viewer), change, after, now).await?;
    tx.commit().await?;
    Ok(updated)
}

pub async fn delete(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<()> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    store::soft_delete(&mut tx, id, viewer.user_id, now).await?;
    crate::ssr::store::search::reindex_customer(&mut tx, state.db.backend, current.customer_id)
        .await?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Deleted, Entity::Contact, id).before(&current),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a contact of `customer_id`, audited and announced through the outbox, in the
/// caller's transaction; the caller reindexes the customer for search.
pub(super) async fn insert_new(
    tx: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
    fields: &ContactFields,
    now: i64,
) -> AppResult<Contact> {
    let id = store::insert(&mut *tx, customer_id, fields, viewer.user_id, now).await?;
    let created = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let created = audited_new(
        &mut *tx,
        viewer,
        (Entity::Contact, Action::Created, id),
        created,
        now,
    )
    .await?;
    Ok(created)
}
