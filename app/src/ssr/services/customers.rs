//! Customers: read in the viewer's scope; created and changed with validation, audit and
//! optimistic concurrency.
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::scope::can_edit_customers;
use crate::domain::validate::{normalize_company, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::customers::{self as store, CustomerFields};
use crate::ssr::store::scope::Access;
use sqlx::AnyConnection;

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Customer> {
    store::get(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)
}

/// Everything the customer page shows, read after one scope check.
pub struct Overview {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub timeline: Page<TimelineItem>,
    pub tasks: Vec<Task>,
    pub deals: Vec<Opportunity>,
}

/// The customer page's reads: the customer in the viewer's scope (404 otherwise), then its
/// contacts, first timeline page, open tasks and deals side by side.
pub async fn overview(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Overview> {
    let customer = get(state, viewer, id).await?;
    let (contacts, timeline, tasks, deals) = tokio::try_join!(
        super::contacts::list(
            state,
            viewer,
            super::contacts::ContactQuery {
                customer_id: Some(id),
                limit: Some(200),
                ..Default::default()
            },
        ),
        super::activities::timeline_checked(
            state,
            id,
            super::activities::TimelineQuery {
                limit: Some(20),
                cursor: None,
            },
        ),
        super::tasks::list_checked(
            state,
            viewer,
            super::tasks::TaskQuery {
                customer_id: Some(id),
                limit: Some(50),
                ..Default::default()
            },
        ),
        super::deals::list(
            state,
            viewer,
            super::deals::OpportunityQuery {
                customer_id: Some(id),
                limit: Some(50),
                ..Default::default()
            },
        ),
    )?;
    Ok(Overview {
        customer,
        contacts: contacts.items,
        timeline,
        tasks: tasks.items,
        deals: deals.items,
    })
}

/// Tags as kept: trimmed, each once, at most 20 of at most 30 characters.
pub(super) fn clean_tags(check: &mut Check, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        match optional_text(t, 30) {
            Ok(Some(t)) if !out.contains(&t) => out.push(t),
            Ok(_) => {}
            Err(e) => check.fail("tags", format!("each tag: {e}")),
        }
    }
    if out.len() > 20 {
        check.fail("tags", "at most 20 tags");
    }
    out
}

fn opt_field(check: &mut Check, field: &str, v: Option<&str>, max: usize) -> Option<String> {
    check.field(field, optional_text(v.unwrap_or(""), max))
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewCustomer) -> AppResult<Customer> {
    if !can_edit_customers(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let mut check = Check::new();
    let name = check.field("name", required_text(&input.name, 200));
    let fields = CustomerFields {
        name_norm: normalize_company(&name),
        name,
        industry: opt_field(&mut check, "industry", input.industry.as_deref(), 100),
        region: opt_field(&mut check, "region", input.region.as_deref(), 100),
        size: opt_field(&mut check, "size", input.size.as_deref(), 50),
        source: opt_field(&mut check, "source", input.source.as_deref(), 50),
        level: check
            .choice("level", input.level.as_deref())
            .unwrap_or(Level::C),
        status: check
            .choice("status", input.status.as_deref())
            .unwrap_or(CustomerStatus::Prospect),
        tags: clean_tags(&mut check, &input.tags),
        owner_id: match viewer.role {
            Role::Rep => {
                if input.owner_id.is_some_and(|o| o != viewer.user_id) {
                    check.fail("owner_id", "reps own the customers they create");
                }
                Some(viewer.user_id)
            }
            _ => input.owner_id,
        },
        next_follow_up_at: input.next_follow_up_at.map(|t| t.timestamp_millis()),
    };
    let contact = input
        .contact
        .as_ref()
        .map(|k| crate::ssr::store::contacts::ContactFields {
            name: check.field("contact.name", required_text(&k.name, 100)),
            title: check.field(
                "contact.title",
                optional_text(k.title.as_deref().unwrap_or(""), 100),
            ),
            phone: match k.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => check.field(
                    "contact.phone",
                    crate::domain::validate::normalize_phone(p).map(Some),
                ),
                None => None,
            },
            email: match k.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                Some(e) => check.field(
                    "contact.email",
                    crate::domain::validate::normalize_email(e).map(Some),
                ),
                None => None,
            },
            wechat: None,
            decision_maker: true,
            consent: false,
        });
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if let Some(owner) = fields.owner_id {
        if viewer.role != Role::Rep
            && !crate::ssr::store::users::is_assignable_owner(&mut tx, viewer, owner).await?
        {
            check.fail("owner_id", "choose an active rep or manager in your team");
        }
    }
    check.finish()?;
    let may_override = input.allow_duplicate && viewer.role == Role::Admin;
    super::duplicates::refuse_duplicates(&mut tx, viewer, &fields, contact.as_ref(), may_override)
        .await?;
    let (created, _) = insert_new(&mut tx, state, viewer, &fields, contact.as_ref(), now).await?;
    tx.commit().await?;
    Ok(created)
}

/// Stores a new customer and its first contact, as every door that makes one does (the
/// form, REST, a converted lead): searchable, on the pool's clock, audited and announced
/// through the outbox, in the caller's transaction.
pub(super) async fn insert_new(
    tx: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    fields: &CustomerFields,
    contact: Option<&crate::ssr::store::contacts::ContactFields>,
    now: i64,
) -> AppResult<(Customer, Option<i64>)> {
    let id = store::insert(&mut *tx, fields, viewer.user_id, now).await?;
    let contact_id = match contact {
        Some(k) => Some(
            super::contacts::insert_new(&mut *tx, viewer, id, k, now)
                .await?
                .id,
        ),
        None => None,
    };
    crate::ssr::store::search::reindex_customer(&mut *tx, state.db.backend, id).await?;
    let rules = super::pool::rules(&mut *tx).await?;
    crate::ssr::store::pool::refresh_reclaim(&mut *tx, Some(id), &rules).await?;
    let created = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let created = audited_new(
        &mut *tx,
        viewer,
        (Entity::Customer, Action::Created, id),
        created,
        now,
    )
    .await?;
    Ok((created, contact_id))
}

pub async fn patch(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    p: CustomerPatch,
) -> AppResult<Customer> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    check_version(&current, current.version, p.version)?;
    let mut check = Check::new();
    let name = match &p.name {
        Some(n) => check.field("name", required_text(n, 200)),
        None => current.name.clone(),
    };
    let merge =
        |check: &mut Check, field: &str, v: &Option<Option<String>>, cur: &Option<String>, max| {
            match v {
                Some(v) => opt_field(check, field, v.as_deref(), max),
                None => cur.clone(),
            }
        };
    let fields = CustomerFields {
        name_norm: normalize_company(&name),
        name,
        industry: merge(&mut check, "industry", &p.industry, &current.industry, 100),
        region: merge(&mut check, "region", &p.region, &current.region, 100),
        size: merge(&mut check, "size", &p.size, &current.size, 50),
        source: merge(&mut check, "source", &p.source, &current.source, 50),
        level: check
            .choice("level", p.level.as_deref())
            .unwrap_or(current.level),
        status: check
            .choice("status", p.status.as_deref())
            .unwrap_or(current.status),
        tags: match &p.tags {
            Some(t) => clean_tags(&mut check, t),
            None => current.tags.clone(),
        },
        owner_id: current.owner_id,
        next_follow_up_at: match p.next_follow_up_at {
            Some(v) => v.map(|t| t.timestamp_millis()),
            None => current.next_follow_up_at.map(|t| t.timestamp_millis()),
        },
    };
    check.finish()?;
    if !store::update(&mut tx, id, p.version, &fields, viewer.user_id, now).await? {
        return Err(stale(store::get(&mut *tx, viewer, id, Access::Read).await?));
    }
    if fields.name != current.name {
        crate::ssr::store::search::reindex_customer(&mut tx, state.db.backend, id).await?;
    }
    let after = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let change = Versioned::new(Entity::Customer, Action::Updated, id, &current);
    let updated = audited(&mut tx, Some(viewer), change, after, now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Soft delete; managers and admins only (reps release customers to the pool instead).
pub async fn delete(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<()> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    if !crate::domain::scope::can_delete_customer(viewer.role, current.owner_id.is_none()) {
        return Err(AppError::Forbidden);
    }
    store::soft_delete(&mut tx, id, viewer.user_id, now).await?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Deleted, Entity::Customer, id).before(&current),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Brings a soft-deleted customer back (admins). Deleted records are invisible to every
/// other role, so for them it answers 404 as for any record they cannot see; a customer
/// that is not deleted is 409 with the record as it is.
pub async fn restore(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Customer> {
    if !crate::domain::scope::can_restore_records(viewer.role) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if !store::restore(&mut tx, id, viewer.user_id, now).await? {
        return match store::get(&mut *tx, viewer, id, Access::Read).await? {
            live @ Some(_) => Err(stale(live)),
            None => Err(AppError::NotFound),
        };
    }
    let after = store::get(&mut *tx, viewer, id, Access::Read).await?;
    let after = audited_new(
        &mut tx,
        viewer,
        (Entity::Customer, Action::Restored, id),
        after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The customer named by an input's `customer_id` if the viewer may change it; "no such
/// customer" on that field when they cannot see it (403 when they may only read it).
pub(super) async fn writable_for_input(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    check: &mut Check,
    id: i64,
) -> AppResult<Option<Customer>> {
    match writable(conn, viewer, id).await {
        Ok(c) => Ok(Some(c)),
        Err(AppError::NotFound) => {
            check.fail("customer_id", "no such customer");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// "no such customer" on an input's `customer_id` when it names one the viewer cannot see.
pub(super) async fn check_visible(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    check: &mut Check,
    id: Option<i64>,
) -> AppResult<()> {
    if let Some(id) = id {
        if store::get(&mut *conn, viewer, id, Access::Read)
            .await?
            .is_none()
        {
            check.fail("customer_id", "no such customer");
        }
    }
    Ok(())
}

/// The customer if the viewer may change it: 404 when they cannot even see it, 403 when
/// they can see but not change it.
pub async fn writable(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> AppResult<Customer> {
    match store::get(&mut *conn, viewer, id, Access::Write).await? {
        Some(c) => Ok(c),
        None => match store::get(&mut *conn, viewer, id, Access::Read).await? {
            Some(_) => Err(AppError::Forbidden),
            None => Err(AppError::NotFound),
        },
    }
}
