//! Leads: capture (in the app, over REST; public web forms in `public_leads`), routing by
//! assignment rules, the lifecycle new → MQL → SQL → disqualified (converted in
//! `lead_conversion`; the MQL qualification timeout that returns a lead to the pool in
//! `lead_timeout`), and first contact. Every transition is audited.
use super::write::{audited, stale, Versioned};
use super::{into_page, page_cursor, page_limit, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::leads::{LeadFacts, LeadRules, LeadStatus};
use crate::domain::validate::{normalize_email, normalize_phone, optional_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::leads::{self as store, InsertLead, LeadFilter};
use crate::ssr::store::scope::Access;
use crate::ssr::store::settings;
use sqlx::AnyConnection;

pub const RULES_SETTING: &str = "leads";
pub const ASSIGNMENT_SETTING: &str = "lead_assignment";
pub(crate) use crate::domain::leads::LEAD_SOURCES as SOURCES;

pub async fn rules(conn: &mut AnyConnection) -> AppResult<LeadRules> {
    Ok(settings::get::<LeadRules>(&mut *conn, RULES_SETTING).await?)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    pub status: Option<LeadStatus>,
    pub owner_id: Option<i64>,
    /// Only leads in the pool.
    pub pool: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn list(state: &AppState, viewer: &Viewer, q: LeadQuery) -> AppResult<Page<Lead>> {
    let limit = page_limit(q.limit)?;
    let f = LeadFilter {
        status: q.status,
        owner_id: q.owner_id,
        pool: q.pool.unwrap_or(false),
        before_id: page_cursor(q.cursor.as_deref())?,
        limit,
    };
    let rows = store::list(&state.db.read, viewer, &f).await?;
    Ok(into_page(rows, limit, |l| l.id))
}

pub async fn get(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Lead> {
    store::get(&state.db.read, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)
}

/// Validated contact fields of a new lead.
pub(super) struct LeadInput {
    pub(super) name: String,
    pub(super) company: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) email: Option<String>,
    pub(super) region: Option<String>,
    pub(super) industry: Option<String>,
    pub(super) product_line: Option<String>,
}

// One argument per captured field, shared by the app and the public form.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_input(
    check: &mut Check,
    name: &str,
    company: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    region: Option<&str>,
    industry: Option<&str>,
    product_line: Option<&str>,
) -> LeadInput {
    let text = |check: &mut Check, f: &str, v: Option<&str>, max| {
        check.field(f, optional_text(v.unwrap_or(""), max))
    };
    let phone = match phone.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => check.field("phone", normalize_phone(p).map(Some)),
        None => None,
    };
    let email = match email.map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => check.field("email", normalize_email(e).map(Some)),
        None => None,
    };
    LeadInput {
        name: check.field("name", required_text(name, 100)),
        company: text(check, "company", company, 200),
        phone,
        email,
        region: text(check, "region", region, 100),
        industry: text(check, "industry", industry, 100),
        product_line: text(check, "product_line", product_line, 100),
    }
}

pub(super) struct Capture<'a> {
    pub(super) input: LeadInput,
    pub(super) source: String,
    pub(super) owner: Option<i64>,
    pub(super) actor: Option<&'a Viewer>,
    pub(super) client_ip: Option<&'a str>,
}

pub(super) async fn insert(
    state: &AppState,
    tx: &mut AnyConnection,
    c: Capture<'_>,
) -> AppResult<Lead> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let lead_rules = rules(&mut *tx).await?;
    let facts = LeadFacts {
        source: &c.source,
        region: c.input.region.as_deref(),
        industry: c.input.industry.as_deref(),
        product_line: c.input.product_line.as_deref(),
    };
    let (owner, rule) = match c.owner {
        Some(o) => (Some(o), None),
        None => super::lead_routing::route(&mut *tx, &facts).await?,
    };
    let draft = Lead {
        id: 0,
        name: c.input.name,
        company: c.input.company,
        phone: c.input.phone,
        email: c.input.email,
        source: c.source.clone(),
        region: c.input.region,
        industry: c.input.industry,
        product_line: c.input.product_line,
        status: LeadStatus::New,
        owner_id: owner,
        owner_name: None,
        assigned_at: owner.map(|_| now),
        first_contact_due_at: owner.map(|_| lead_rules.first_contact_due(&c.source, now)),
        first_contacted_at: None,
        mql_at: None,
        sql_at: None,
        disqualify_reason: None,
        converted_customer_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let id = store::insert(
        &mut *tx,
        &InsertLead {
            lead: &draft,
            rule,
            client_ip: c.client_ip,
            by: c.actor.map(|v| v.user_id),
        },
        now_ms,
    )
    .await?;
    let lead = store::get_any(&mut *tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut *tx,
        c.actor,
        Change::new(Action::Created, Entity::Lead, id).after(&lead),
        now_ms,
    )
    .await?;
    if let Some(owner) = owner {
        audit::record(
            &mut *tx,
            c.actor,
            Change {
                action: Action::Assigned,
                entity_type: Entity::Lead,
                entity_id: id,
                before: None,
                after: Some(serde_json::json!({"owner_id": owner, "rule": rule})),
            },
            now_ms,
        )
        .await?;
    }
    Ok(lead)
}

/// A lead captured in the app or over REST.
pub async fn create(state: &AppState, viewer: &Viewer, input: NewLead) -> AppResult<Lead> {
    if viewer.role == Role::Agent {
        return Err(AppError::Forbidden);
    }
    let mut check = Check::new();
    let fields = check_input(
        &mut check,
        &input.name,
        input.company.as_deref(),
        input.phone.as_deref(),
        input.email.as_deref(),
        input.region.as_deref(),
        input.industry.as_deref(),
        input.product_line.as_deref(),
    );
    let source = input.source.unwrap_or_else(|| "api".into());
    if !SOURCES.contains(&source.as_str()) {
        check.fail(
            "source",
            "choose web_form, event, referral, import, api, trial or demo",
        );
    }
    let mut tx = state.db.begin().await?;
    let owner = match (viewer.role, input.owner_id) {
        (Role::Rep, Some(o)) if o != viewer.user_id => {
            check.fail("owner_id", "reps take the leads they enter themselves");
            None
        }
        (Role::Rep, _) => Some(viewer.user_id),
        (_, Some(o)) => {
            if !crate::ssr::store::users::is_assignable_owner(&mut tx, viewer, o).await? {
                check.fail("owner_id", "choose an active rep in your team");
            }
            Some(o)
        }
        (_, None) => None,
    };
    check.finish()?;
    let lead = insert(
        state,
        &mut tx,
        Capture {
            input: fields,
            source,
            owner,
            actor: Some(viewer),
            client_ip: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(lead)
}

pub(super) async fn writable(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Lead> {
    match store::get(&mut *conn, viewer, id, Access::Write).await? {
        Some(l) => Ok(l),
        None => match store::get(&mut *conn, viewer, id, Access::Read).await? {
            Some(_) => Err(AppError::Forbidden),
            None => Err(AppError::NotFound),
        },
    }
}

/// Saves the lead's change (`after.version` is the version the client read), audits it
/// and commits.
pub(super) async fn save(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    viewer: Option<&Viewer>,
    before: &Lead,
    after: &Lead,
    action: Action,
    now_ms: i64,
) -> AppResult<Lead> {
    let by = viewer.map(|v| v.user_id);
    if !store::update(&mut tx, after, after.version, by, now_ms).await? {
        return Err(stale(store::get_any(&mut *tx, after.id).await?));
    }
    let saved = store::get_any(&mut *tx, after.id).await?;
    let change = Versioned::new(Entity::Lead, action, after.id, before);
    let saved = audited(&mut tx, viewer, change, saved, now_ms).await?;
    tx.commit().await?;
    Ok(saved)
}

/// new → MQL → SQL.
pub async fn qualify(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    r: QualifyRequest,
) -> AppResult<Lead> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    let to = r.status;
    if !matches!(to, LeadStatus::Mql | LeadStatus::Sql) {
        return Err(AppError::field("status", "choose mql or sql"));
    }
    if !current.status.can_qualify_to(to) {
        return Err(AppError::field(
            "status",
            format!(
                "a {} lead cannot become {}",
                current.status.as_str(),
                to.as_str()
            ),
        ));
    }
    let mut next = current.clone();
    next.status = to;
    if to == LeadStatus::Mql {
        next.mql_at = Some(now);
    } else {
        next.sql_at = Some(now);
        next.mql_at = next.mql_at.or(Some(now));
    }
    next.version = r.version;
    save(
        tx,
        Some(viewer),
        &current,
        &next,
        Action::Qualified,
        now.timestamp_millis(),
    )
    .await
}

pub async fn disqualify(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    r: DisqualifyRequest,
) -> AppResult<Lead> {
    let reason = required_text(&r.reason, 200).map_err(|e| AppError::field("reason", e))?;
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    if current.status.is_closed() {
        return Err(AppError::field("status", "this lead is already closed"));
    }
    let mut next = current.clone();
    next.status = LeadStatus::Disqualified;
    next.disqualify_reason = Some(reason);
    next.version = r.version;
    save(
        tx,
        Some(viewer),
        &current,
        &next,
        Action::Disqualified,
        now_ms,
    )
    .await
}

/// A call or message to the lead: the first one stops the first-contact clock.
pub async fn contact(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    r: LeadContact,
) -> AppResult<Lead> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let kind = r.kind;
    let summary = optional_text(r.summary.as_deref().unwrap_or(""), 500)
        .map_err(|e| AppError::field("summary", e))?
        .unwrap_or_else(|| kind.as_str().to_string());
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    store::log_contact(&mut tx, id, kind.as_str(), &summary, viewer.user_id, now_ms).await?;
    if current.first_contacted_at.is_some() {
        tx.commit().await?;
        return Ok(current);
    }
    let mut next = current.clone();
    next.first_contacted_at = Some(now);
    save(tx, Some(viewer), &current, &next, Action::Contacted, now_ms).await
}

/// A manager hands a lead to a rep of their team (or takes it from the pool).
pub async fn assign(state: &AppState, viewer: &Viewer, id: i64, owner: i64) -> AppResult<Lead> {
    if !crate::domain::scope::can_assign_owners(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let current = writable(&mut tx, viewer, id).await?;
    if !crate::ssr::store::users::is_assignable_owner(&mut tx, viewer, owner).await? {
        return Err(AppError::field(
            "owner_id",
            "choose an active rep in your team",
        ));
    }
    if current.status.is_closed() {
        return Err(AppError::field("status", "this lead is closed"));
    }
    let lead_rules = rules(&mut tx).await?;
    let mut next = current.clone();
    next.owner_id = Some(owner);
    next.assigned_at = Some(now);
    if next.first_contacted_at.is_none() {
        next.first_contact_due_at = Some(lead_rules.first_contact_due(&current.source, now));
    }
    save(
        tx,
        Some(viewer),
        &current,
        &next,
        Action::Assigned,
        now.timestamp_millis(),
    )
    .await
}
