//! Customers: read in the viewer's scope; created and changed with validation, audit and
//! optimistic concurrency.
use super::{into_page, page_cursor, page_limit, snapshot, Check};
use crate::domain::scope::can_edit_customers;
use crate::domain::validate::{normalize_company, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::customers::{
    self as store, CustomerFields, CustomerFilter, CustomerSort, SortValue,
};
use crate::ssr::store::scope::Access;
use sqlx::AnyConnection;

/// Query parameters of the customer list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct CustomerQuery {
    /// Part of the customer's name.
    pub q: Option<String>,
    /// A, B or C.
    pub level: Option<String>,
    /// prospect, active or churned.
    pub status: Option<String>,
    /// Only this owner's customers.
    pub owner_id: Option<i64>,
    /// Only customers in the public pool.
    pub pool: Option<bool>,
    /// Exact industry, e.g. 制造业.
    pub industry: Option<String>,
    /// Exact region, e.g. 上海.
    pub region: Option<String>,
    /// Customers carrying this tag.
    pub tag: Option<String>,
    /// No contact for at least this many days (or never contacted); 1..=3650.
    pub no_contact_days: Option<i64>,
    /// newest (default), next_follow_up (soonest first), last_contact (longest silent
    /// first) or name (A to Z, Chinese names by pinyin). A search orders by match instead.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    q: CustomerQuery,
) -> AppResult<Page<Customer>> {
    let mut check = Check::new();
    let limit = check.field("limit", page_limit(q.limit).map_err(error_message));
    let sort = match q.sort.as_deref().map(str::trim).map(CustomerSort::parse) {
        None => CustomerSort::Newest,
        Some(Some(sort)) => sort,
        Some(None) => {
            check.fail(
                "sort",
                "choose newest, next_follow_up, last_contact or name",
            );
            CustomerSort::Newest
        }
    };
    let searching = q.q.as_deref().is_some_and(|n| !n.trim().is_empty());
    let (before_id, after) = if sort == CustomerSort::Newest || searching {
        let before = check.field(
            "cursor",
            page_cursor(q.cursor.as_deref()).map_err(error_message),
        );
        (before, None)
    } else {
        match q.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => (None, None),
            Some(c) => match SortValue::from_cursor(sort, c) {
                Some(k) => (None, Some(k)),
                None => {
                    check.fail("cursor", "not a cursor this server gave out");
                    (None, None)
                }
            },
        }
    };
    let contact_before = match q.no_contact_days {
        None => None,
        Some(d) if (1..=3650).contains(&d) => Some(state.clock.now_ms() - d * 86_400_000),
        Some(_) => {
            check.fail("no_contact_days", "must be between 1 and 3650");
            None
        }
    };
    let level = q
        .level
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| Level::parse(s).ok_or("choose A, B or C"));
    let level = match level {
        Some(r) => Some(check.field("level", r.map(Some))).flatten(),
        None => None,
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => check.field(
            "status",
            CustomerStatus::parse(s)
                .map(Some)
                .ok_or("choose prospect, active or churned"),
        ),
        None => None,
    };
    // Filter words are compared in SQL: a control character (PostgreSQL refuses NUL in
    // text) is the caller's mistake, named like any other.
    let mut filter_text = |field: &str, v: &Option<String>| {
        check.field(field, optional_text(v.as_deref().unwrap_or(""), 100))
    };
    let industry = filter_text("industry", &q.industry);
    let region = filter_text("region", &q.region);
    let tag = filter_text("tag", &q.tag);
    check.finish()?;
    let needle = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let search = needle.map(|n| crate::ssr::store::search::Search::new(state.db.backend, n));
    if let Some(None) = search {
        // Only punctuation was typed: nothing can match.
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let filter = CustomerFilter {
        search: search.flatten(),
        level,
        status,
        owner_id: q.owner_id,
        pool: q.pool.unwrap_or(false),
        before_id,
        limit,
        industry,
        region,
        tag,
        contact_before,
        sort: if searching {
            CustomerSort::Newest
        } else {
            sort
        },
        after,
    };
    let mut conn = state.db.read.acquire().await?;
    let rows = store::list(&mut conn, viewer, &filter).await?;
    if filter.sort == CustomerSort::Newest {
        return Ok(into_page(rows, limit, |c| c.id));
    }
    let mut page = into_page(rows, limit, |c| c.id);
    if page.next_cursor.is_some() {
        page.next_cursor = page.items.last().map(|c| filter.sort.value(c).cursor(c.id));
    }
    Ok(page)
}

fn error_message(e: AppError) -> String {
    match e {
        AppError::Validation(m) => m.into_values().next().unwrap_or_default(),
        other => other.to_string(),
    }
}

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

fn parse_level(check: &mut Check, s: Option<&str>, default: Level) -> Level {
    match s {
        None | Some("") => default,
        Some(s) => Level::parse(s).unwrap_or_else(|| {
            check.fail("level", "choose A, B or C");
            default
        }),
    }
}

fn parse_status(check: &mut Check, s: Option<&str>, default: CustomerStatus) -> CustomerStatus {
    match s {
        None | Some("") => default,
        Some(s) => CustomerStatus::parse(s).unwrap_or_else(|| {
            check.fail("status", "choose prospect, active or churned");
            default
        }),
    }
}

fn clean_tags(check: &mut Check, tags: &[String]) -> Vec<String> {
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
        level: parse_level(&mut check, input.level.as_deref(), Level::C),
        status: parse_status(
            &mut check,
            input.status.as_deref(),
            CustomerStatus::Prospect,
        ),
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
    // Duplicate detection across the company: same company name, phone or email.
    let found = store::duplicates(
        &mut tx,
        &fields.name_norm,
        contact.as_ref().and_then(|k| k.phone.as_deref()),
        contact.as_ref().and_then(|k| k.email.as_deref()),
    )
    .await?;
    let admin_override = input.allow_duplicate && viewer.role == Role::Admin;
    if !found.is_empty() && !admin_override {
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
    let created = store::get(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut *tx,
        Some(viewer),
        Change {
            action: "created",
            entity_type: "customer",
            entity_id: id,
            before: None,
            after: snapshot(&created),
        },
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
    if p.version != current.version {
        return Err(AppError::Conflict(
            serde_json::to_value(&current).unwrap_or_default(),
        ));
    }
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
        level: parse_level(&mut check, p.level.as_deref(), current.level),
        status: parse_status(&mut check, p.status.as_deref(), current.status),
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
        let latest = store::get(&mut *tx, viewer, id, Access::Read)
            .await?
            .ok_or(AppError::NotFound)?;
        return Err(AppError::Conflict(
            serde_json::to_value(latest).unwrap_or_default(),
        ));
    }
    if fields.name != current.name {
        crate::ssr::store::search::reindex_customer(&mut tx, state.db.backend, id).await?;
    }
    let updated = store::get(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change {
            action: "updated",
            entity_type: "customer",
            entity_id: id,
            before: snapshot(&current),
            after: snapshot(&updated),
        },
        now,
    )
    .await?;
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
        Change {
            action: "deleted",
            entity_type: "customer",
            entity_id: id,
            before: snapshot(&current),
            after: None,
        },
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
            Some(live) => Err(AppError::Conflict(
                serde_json::to_value(live).unwrap_or_default(),
            )),
            None => Err(AppError::NotFound),
        };
    }
    let after = store::get(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change {
            action: "restored",
            entity_type: "customer",
            entity_id: id,
            before: None,
            after: snapshot(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
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
