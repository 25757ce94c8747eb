//! Leads, read through the owner's scope (the pool is owner-less leads).
use super::scope::{owned_by_scope, Access, Owned};
use crate::domain::leads::LeadStatus;
use crate::model::{FormPurpose, Lead, LeadForm};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: i64,
    name: String,
    company: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    source: String,
    region: Option<String>,
    industry: Option<String>,
    product_line: Option<String>,
    status: LeadStatus,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    assigned_at: Option<i64>,
    first_contact_due_at: Option<i64>,
    first_contacted_at: Option<i64>,
    mql_at: Option<i64>,
    sql_at: Option<i64>,
    disqualify_reason: Option<String>,
    converted_customer_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<LeadRow> for Lead {
    fn from(r: LeadRow) -> Self {
        Lead {
            id: r.id,
            name: r.name,
            company: r.company,
            phone: r.phone,
            email: r.email,
            source: r.source,
            region: r.region,
            industry: r.industry,
            product_line: r.product_line,
            status: r.status,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            assigned_at: opt_from_ms(r.assigned_at),
            first_contact_due_at: opt_from_ms(r.first_contact_due_at),
            first_contacted_at: opt_from_ms(r.first_contacted_at),
            mql_at: opt_from_ms(r.mql_at),
            sql_at: opt_from_ms(r.sql_at),
            disqualify_reason: r.disqualify_reason,
            converted_customer_id: r.converted_customer_id,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const COLUMNS: &str = "SELECT l.id, l.name, l.company, l.phone, l.email, l.source, l.region, l.industry, l.product_line, \
     l.status, l.owner_id, u.name AS owner_name, l.assigned_at, l.first_contact_due_at, l.first_contacted_at, l.mql_at, \
     l.sql_at, l.disqualify_reason, l.converted_customer_id, l.created_at, l.updated_at, l.version \
     FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.deleted_at IS NULL";

const BY_ID: Owned = Owned {
    select: COLUMNS,
    id: "l.id",
    owner: "l.owner_id",
};

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Lead>, sqlx::Error> {
    Ok(BY_ID
        .one::<LeadRow>(ex, viewer, id, access)
        .await?
        .map(Lead::from))
}

/// Without a viewer: for the routing and timeout rules only.
pub async fn get_any<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<Lead>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND l.id = ").bind(id);
    sql.one::<LeadRow, _>(ex, Lead::from).await
}

#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub status: Option<LeadStatus>,
    pub owner_id: Option<i64>,
    pub pool: bool,
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    f: &LeadFilter,
) -> Result<Vec<Lead>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    owned_by_scope(&mut sql, viewer, Access::Read, "l.owner_id");
    if let Some(s) = f.status {
        sql.push(" AND l.status = ").bind(s.as_str());
    }
    if let Some(o) = f.owner_id {
        sql.push(" AND l.owner_id = ").bind(o);
    }
    if f.pool {
        sql.push(" AND l.owner_id IS NULL");
    }
    if let Some(b) = f.before_id {
        sql.push(" AND l.id < ").bind(b);
    }
    sql.push(" ORDER BY l.id DESC LIMIT ").bind(f.limit + 1);
    sql.all::<LeadRow, _>(ex, Lead::from).await
}

pub struct InsertLead<'a> {
    pub lead: &'a Lead,
    pub rule: Option<i64>,
    pub client_ip: Option<&'a str>,
    pub by: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    i: &InsertLead<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let l = i.lead;
    let id = Insert::into("leads")
        .value("name", l.name.as_str())
        .value("company", l.company.clone())
        .value("phone", l.phone.clone())
        .value("email", l.email.clone())
        .value("source", l.source.as_str())
        .value("region", l.region.clone())
        .value("industry", l.industry.clone())
        .value("product_line", l.product_line.clone())
        .value("status", "new")
        .value("owner_id", l.owner_id)
        .value("assigned_at", l.assigned_at.map(|t| t.timestamp_millis()))
        .value(
            "first_contact_due_at",
            l.first_contact_due_at.map(|t| t.timestamp_millis()),
        )
        .value("assignment_rule", i.rule)
        .value("client_ip", i.client_ip)
        .created(now_ms, i.by)
        .returning_id(&mut *conn)
        .await?;
    kpi_rollups::touch(conn, Touched::Leads, &[id]).await?;
    Ok(id)
}

/// Writes the lifecycle fields if `version` is current.
pub async fn update(
    conn: &mut AnyConnection,
    l: &Lead,
    version: i64,
    by: Option<i64>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let ms = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.timestamp_millis());
    let mut sql = Sql::new("UPDATE leads SET status = ");
    sql.bind(l.status.as_str())
        .push(", owner_id = ")
        .bind(l.owner_id)
        .push(", assigned_at = ")
        .bind(ms(l.assigned_at))
        .push(", first_contact_due_at = ")
        .bind(ms(l.first_contact_due_at))
        .push(", first_contacted_at = ")
        .bind(ms(l.first_contacted_at))
        .push(", mql_at = ")
        .bind(ms(l.mql_at))
        .push(", sql_at = ")
        .bind(ms(l.sql_at))
        .push(", disqualify_reason = ")
        .bind(l.disqualify_reason.clone())
        .push(", converted_customer_id = ")
        .bind(l.converted_customer_id)
        .push(", converted_at = CASE WHEN ")
        .bind(l.converted_customer_id)
        .push(" IS NULL THEN NULL ELSE ")
        .bind(now_ms)
        .push(" END")
        // None: a rule of the system changed it, which clears the last editor.
        .push(", updated_by = ")
        .bind(by)
        .stamp(now_ms, None)
        .where_version(l.id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    kpi_rollups::touch_if(conn, written, Touched::Leads, l.id).await
}

/// The rep a rule last gave a lead to.
pub async fn last_assignee<'e>(
    ex: impl Executor<'e, Database = Any>,
    rule: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT owner_id FROM leads WHERE assignment_rule = ");
    sql.bind(rule)
        .push(" AND owner_id IS NOT NULL ORDER BY assigned_at DESC, id DESC LIMIT 1");
    Ok(sql
        .query_scalar::<Option<i64>>()
        .fetch_optional(ex)
        .await?
        .flatten())
}

/// Public submissions from an address since `since_ms`.
pub async fn submissions_since<'e>(
    ex: impl Executor<'e, Database = Any>,
    ip: &str,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM leads WHERE client_ip = ");
    sql.bind(ip).push(" AND created_at >= ").bind(since_ms);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// MQL leads whose qualification time ran out (an indexed range on (status, mql_at)).
pub async fn mql_timed_out<'e>(
    ex: impl Executor<'e, Database = Any>,
    before_ms: i64,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id FROM leads WHERE status = 'mql' AND mql_at <= ");
    sql.bind(before_ms)
        .push(" AND owner_id IS NOT NULL AND deleted_at IS NULL ORDER BY mql_at LIMIT ")
        .bind(limit);
    sql.query_scalar::<i64>().fetch_all(ex).await
}

/// An active form of `purpose` by its key's hash: its id and source.
pub async fn form_by_key<'e>(
    ex: impl Executor<'e, Database = Any>,
    key_hash: &str,
    purpose: FormPurpose,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id, source FROM lead_forms WHERE active = 1 AND key_hash = ");
    sql.bind(key_hash)
        .push(" AND purpose = ")
        .bind(purpose.as_str());
    sql.query_as::<(i64, String)>().fetch_optional(ex).await
}

#[derive(sqlx::FromRow)]
struct FormRow {
    id: i64,
    name: String,
    source: String,
    active: i64,
    purpose: FormPurpose,
}

impl From<FormRow> for LeadForm {
    fn from(r: FormRow) -> Self {
        LeadForm {
            id: r.id,
            name: r.name,
            source: r.source,
            active: r.active != 0,
            purpose: r.purpose,
            key: None,
        }
    }
}

pub async fn forms<'e>(
    ex: impl Executor<'e, Database = Any>,
) -> Result<Vec<LeadForm>, sqlx::Error> {
    let sql = Sql::new("SELECT id, name, source, active, purpose FROM lead_forms ORDER BY id");
    sql.all::<FormRow, _>(ex, LeadForm::from).await
}

pub async fn form<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
) -> Result<Option<LeadForm>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id, name, source, active, purpose FROM lead_forms WHERE id = ");
    sql.bind(id);
    sql.one::<FormRow, _>(ex, LeadForm::from).await
}

pub async fn set_form_active<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE lead_forms SET active = ");
    sql.bind(i64::from(active)).push(" WHERE id = ").bind(id);
    Ok(sql.query().execute(ex).await?.rows_affected() == 1)
}

pub async fn set_form_key<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: i64,
    key_hash: &str,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE lead_forms SET key_hash = ");
    sql.bind(key_hash).push(" WHERE id = ").bind(id);
    Ok(sql.query().execute(ex).await?.rows_affected() == 1)
}

pub async fn insert_form(
    conn: &mut AnyConnection,
    (name, source, purpose): (&str, &str, FormPurpose),
    key_hash: &str,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("lead_forms")
        .value("name", name)
        .value("key_hash", key_hash)
        .value("source", source)
        .value("purpose", purpose.as_str())
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// Of `rep_ids`, the active reps holding fewer than `holding_limit` live customers.
pub async fn active_reps_under(
    conn: &mut AnyConnection,
    rep_ids: &[i64],
    holding_limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT u.id FROM users u WHERE u.active = 1 AND u.role = 'rep' AND u.id IN (");
    sql.bind_list(rep_ids.iter().copied()).push(") AND (SELECT COUNT(*) FROM customers c WHERE c.owner_id = u.id AND c.deleted_at IS NULL) < ")
        .bind(holding_limit);
    sql.query_scalar::<i64>().fetch_all(conn).await
}

/// A call, visit or message with a lead, on the lead's story.
pub async fn log_contact(
    conn: &mut AnyConnection,
    lead_id: i64,
    kind: &str,
    summary: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let id = Insert::into("activities")
        .value("lead_id", lead_id)
        .value("kind", kind)
        .value("summary", summary)
        .value("occurred_at", now_ms)
        .value("user_id", by)
        .value("created_at", now_ms)
        .returning_id(&mut *conn)
        .await?;
    kpi_rollups::touch(conn, Touched::Activities, &[id]).await
}

/// Which leads' first-contact times to read: by the urgent sources, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceClass {
    All,
    Urgent,
    Ordinary,
}

/// Open, uncontacted leads of active owners whose first-contact time fell in `(from, to]`.
pub async fn first_contact_due(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    urgent_sources: &[String],
    class: SourceClass,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT l.id, l.owner_id, COALESCE(l.company, l.name) AS name, l.first_contact_due_at AS at, \
         u.name AS owner_name, l.source AS extra FROM leads l JOIN users u ON u.id = l.owner_id \
         WHERE l.deleted_at IS NULL AND u.active = 1 AND l.first_contacted_at IS NULL \
         AND l.status IN ('new', 'mql') AND l.first_contact_due_at > ",
    );
    sql.bind(from)
        .push(" AND l.first_contact_due_at <= ")
        .bind(to);
    match (class, urgent_sources.is_empty()) {
        (SourceClass::All, _) | (SourceClass::Ordinary, true) => {}
        (SourceClass::Urgent, true) => {
            sql.push(" AND 1 = 0");
        }
        (_, false) => {
            sql.push(if class == SourceClass::Urgent {
                " AND l.source IN ("
            } else {
                " AND l.source NOT IN ("
            });
            sql.bind_list(urgent_sources.iter().map(String::as_str))
                .push(")");
        }
    }
    sql.push(" ORDER BY l.id");
    sql.query_as().fetch_all(conn).await
}

/// A lead's name as alerts show it: the company, else the person ("" when there is none).
pub async fn display_name(conn: &mut AnyConnection, id: i64) -> Result<String, sqlx::Error> {
    let mut sql = Sql::new("SELECT COALESCE(company, name) FROM leads WHERE id = ");
    sql.bind(id);
    Ok(sql
        .query_scalar::<String>()
        .fetch_optional(conn)
        .await?
        .unwrap_or_default())
}
