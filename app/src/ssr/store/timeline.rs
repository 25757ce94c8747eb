//! A customer's timeline: one newest-first stream over follow-ups, stage changes, tasks,
//! tickets, contracts and ownership changes, each branch read through its customer index.
use crate::model::TimelineItem;
use crate::ssr::clock::from_ms;
use crate::ssr::store::db::Sql;
use sqlx::{Any, Executor};

#[derive(sqlx::FromRow)]
struct Row {
    at: i64,
    src: String,
    id: i64,
    title: String,
    detail: Option<String>,
    user_name: Option<String>,
    opportunity_id: Option<i64>,
    amount_minor: Option<i64>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// Where the previous page stopped: (at, kind, id) of its last entry.
pub type TimelineKey = (i64, String, i64);

const NO_TEXT: &str = "CAST(NULL AS TEXT)";
const NO_INT: &str = "CAST(NULL AS BIGINT)";
/// Only follow-ups have a place; the other branches end with this.
const NO_PLACE: &str = "CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION)";
const COLUMNS: &str =
    "SELECT at, src, id, title, detail, user_name, opportunity_id, amount_minor, latitude, longitude FROM (";

/// The follow-ups branch: a customer's activities as timeline entries.
fn follow_up_branch(sql: &mut Sql, customer_id: i64) {
    sql.push(&format!(
        "SELECT a.occurred_at AS at, 'activity' AS src, a.id AS id, a.kind AS title, a.summary AS detail, \
         u.name AS user_name, a.opportunity_id AS opportunity_id, {NO_INT} AS amount_minor, \
         a.latitude AS latitude, a.longitude AS longitude \
         FROM activities a LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.deleted_at IS NULL AND a.customer_id = "
    ))
    .bind(customer_id);
}

fn item(r: Row) -> TimelineItem {
    TimelineItem {
        at: from_ms(r.at),
        kind: r.src,
        id: r.id,
        title: r.title,
        detail: r.detail,
        user_name: r.user_name,
        opportunity_id: r.opportunity_id,
        amount_minor: r.amount_minor,
        latitude: r.latitude,
        longitude: r.longitude,
    }
}

/// A customer's latest follow-ups alone, newest first (beside a ticket). The caller has
/// checked that the viewer may read the customer.
pub async fn follow_ups<'e>(
    ex: impl Executor<'e, Database = Any>,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<TimelineItem>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    follow_up_branch(&mut sql, customer_id);
    sql.push(") x ORDER BY x.at DESC, x.id DESC LIMIT ")
        .bind(limit);
    Ok(sql
        .query_as::<Row>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(item)
        .collect())
}

/// The caller has checked that the viewer may read the customer.
pub async fn for_customer<'e>(
    ex: impl Executor<'e, Database = Any>,
    customer_id: i64,
    before: Option<&TimelineKey>,
    limit: i64,
) -> Result<Vec<TimelineItem>, sqlx::Error> {
    let mut sql = Sql::new(COLUMNS);
    follow_up_branch(&mut sql, customer_id);
    sql.push(&format!(
        " UNION ALL SELECT h.entered_at, 'stage', h.id, h.stage, o.name, u.name, o.id, {NO_INT}, {NO_PLACE} \
         FROM opportunity_stage_history h JOIN opportunities o ON o.id = h.opportunity_id \
         LEFT JOIN users u ON u.id = h.entered_by WHERE o.deleted_at IS NULL AND o.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT t.created_at, 'task', t.id, 'created', t.title, u.name, t.opportunity_id, {NO_INT}, {NO_PLACE} \
         FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id \
         WHERE t.deleted_at IS NULL AND t.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT t.done_at, 'task_done', t.id, 'done', t.title, u.name, t.opportunity_id, {NO_INT}, {NO_PLACE} \
         FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id \
         WHERE t.deleted_at IS NULL AND t.done_at IS NOT NULL AND t.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT k.created_at, 'ticket', k.id, k.status, k.subject, u.name, {NO_INT}, {NO_INT}, {NO_PLACE} \
         FROM tickets k LEFT JOIN users u ON u.id = k.assignee_id \
         WHERE k.deleted_at IS NULL AND k.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT c.created_at, 'contract', c.id, 'pending', {NO_TEXT}, u.name, c.opportunity_id, c.amount_minor, {NO_PLACE} \
         FROM contracts c LEFT JOIN users u ON u.id = c.created_by \
         WHERE c.deleted_at IS NULL AND c.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT c.approved_at, 'contract_decided', c.id, c.approval_status, {NO_TEXT}, u.name, c.opportunity_id, c.amount_minor, {NO_PLACE} \
         FROM contracts c LEFT JOIN users u ON u.id = c.approved_by \
         WHERE c.deleted_at IS NULL AND c.approved_at IS NOT NULL AND c.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT r.received_at, 'payment', r.id, r.received_on, r.reference, u.name, k.opportunity_id, r.amount_minor, {NO_PLACE} \
         FROM receipts r JOIN contracts k ON k.id = r.contract_id LEFT JOIN users u ON u.id = r.recorded_by \
         WHERE k.deleted_at IS NULL AND k.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT p.at, 'owner', p.id, p.action, p.reason, u.name, {NO_INT}, {NO_INT}, {NO_PLACE} \
         FROM pool_events p LEFT JOIN users u ON u.id = p.user_id WHERE p.customer_id = "
    ))
    .bind(customer_id);
    sql.push(&format!(
        " UNION ALL SELECT s.answered_at, 'survey', s.id, s.kind || ':' || CAST(s.score AS TEXT), s.comment, k.name, \
         {NO_INT}, {NO_INT}, {NO_PLACE} FROM surveys s LEFT JOIN contacts k ON k.id = s.contact_id \
         WHERE s.answered_at IS NOT NULL AND s.customer_id = "
    ))
    .bind(customer_id);
    sql.push(") x");
    if let Some((at, src, id)) = before {
        sql.push(" WHERE (x.at < ")
            .bind(*at)
            .push(" OR (x.at = ")
            .bind(*at)
            .push(" AND (x.src < ")
            .bind(src.as_str())
            .push(" OR (x.src = ")
            .bind(src.as_str())
            .push(" AND x.id < ")
            .bind(*id)
            .push("))))");
    }
    sql.push(" ORDER BY x.at DESC, x.src DESC, x.id DESC LIMIT ")
        .bind(limit + 1);
    Ok(sql
        .query_as::<Row>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(item)
        .collect())
}
