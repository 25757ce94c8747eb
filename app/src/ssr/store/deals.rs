//! Opportunities, their stage history, and contracts; read through the owner's scope.
use super::scope::{owned_by_scope, Access};
use crate::domain::pipeline::Stage;
use crate::model::{Approval, Contract, Opportunity};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::db::Sql;
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct OppRow {
    id: i64,
    customer_id: i64,
    customer_name: String,
    name: String,
    amount_minor: Option<i64>,
    currency: String,
    stage: String,
    probability: i64,
    expected_close: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    stage_entered_at: i64,
    pain_points: Option<String>,
    decision_maker: Option<String>,
    budget_range: Option<String>,
    competitors: Option<String>,
    lost_reason: Option<String>,
    won_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl From<OppRow> for Opportunity {
    fn from(r: OppRow) -> Self {
        Opportunity {
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            name: r.name,
            amount_minor: r.amount_minor,
            currency: r.currency,
            stage: Stage::parse(&r.stage).unwrap_or(Stage::Initial),
            probability: r.probability,
            expected_close: r.expected_close,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            stage_entered_at: from_ms(r.stage_entered_at),
            pain_points: r.pain_points,
            decision_maker: r.decision_maker,
            budget_range: r.budget_range,
            competitors: r.competitors,
            lost_reason: r.lost_reason,
            won_at: opt_from_ms(r.won_at),
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.version,
        }
    }
}

const OPP_COLUMNS: &str = "SELECT o.id, o.customer_id, c.name AS customer_name, o.name, o.amount_minor, o.currency, o.stage, \
     o.probability, o.expected_close, o.owner_id, u.name AS owner_name, o.stage_entered_at, o.pain_points, o.decision_maker, \
     o.budget_range, o.competitors, o.lost_reason, o.won_at, o.created_at, o.updated_at, o.version \
     FROM opportunities o JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.owner_id \
     WHERE o.deleted_at IS NULL AND c.deleted_at IS NULL";

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Opportunity>, sqlx::Error> {
    let mut sql = Sql::new(OPP_COLUMNS);
    sql.push(" AND o.id = ").bind(id);
    owned_by_scope(&mut sql, viewer, access, "o.owner_id");
    Ok(sql
        .query_as::<OppRow>()
        .fetch_optional(ex)
        .await?
        .map(Opportunity::from))
}

#[derive(Debug, Clone, Default)]
pub struct OppFilter {
    pub customer_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub open_only: bool,
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    f: &OppFilter,
) -> Result<Vec<Opportunity>, sqlx::Error> {
    let mut sql = Sql::new(OPP_COLUMNS);
    owned_by_scope(&mut sql, viewer, Access::Read, "o.owner_id");
    if let Some(c) = f.customer_id {
        sql.push(" AND o.customer_id = ").bind(c);
    }
    if let Some(o) = f.owner_id {
        sql.push(" AND o.owner_id = ").bind(o);
    }
    if f.open_only {
        sql.push(" AND o.stage NOT IN ('won','lost')");
    }
    if let Some(b) = f.before_id {
        sql.push(" AND o.id < ").bind(b);
    }
    sql.push(" ORDER BY o.id DESC LIMIT ").bind(f.limit + 1);
    Ok(sql
        .query_as::<OppRow>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Opportunity::from)
        .collect())
}

pub async fn insert(
    conn: &mut AnyConnection,
    o: &Opportunity,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "INSERT INTO opportunities (customer_id, name, amount_minor, currency, stage, probability, expected_close, owner_id, \
         stage_entered_at, created_at, updated_at, created_by, updated_by) VALUES (",
    );
    sql.bind(o.customer_id)
        .push(", ")
        .bind(o.name.as_str())
        .push(", ")
        .bind(o.amount_minor)
        .push(", ")
        .bind(o.currency.as_str())
        .push(", ")
        .bind(o.stage.as_str())
        .push(", ")
        .bind(o.probability)
        .push(", ")
        .bind(o.expected_close.clone())
        .push(", ")
        .bind(o.owner_id)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(by)
        .push(", ")
        .bind(by)
        .push(") RETURNING id");
    sql.query_scalar::<i64>().fetch_one(conn).await
}

/// Writes the deal's fields and stage if `version` is current.
pub async fn update(
    conn: &mut AnyConnection,
    o: &Opportunity,
    version: i64,
    stage_changed: bool,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE opportunities SET name = ");
    sql.bind(o.name.as_str())
        .push(", amount_minor = ")
        .bind(o.amount_minor)
        .push(", expected_close = ")
        .bind(o.expected_close.clone())
        .push(", stage = ")
        .bind(o.stage.as_str())
        .push(", probability = ")
        .bind(o.probability)
        .push(", pain_points = ")
        .bind(o.pain_points.clone())
        .push(", decision_maker = ")
        .bind(o.decision_maker.clone())
        .push(", budget_range = ")
        .bind(o.budget_range.clone())
        .push(", competitors = ")
        .bind(o.competitors.clone())
        .push(", lost_reason = ")
        .bind(o.lost_reason.clone())
        .push(", won_at = ")
        .bind(o.won_at.map(|t| t.timestamp_millis()));
    if stage_changed {
        sql.push(", stage_entered_at = ").bind(now_ms);
    }
    sql.push(", updated_at = ")
        .bind(now_ms)
        .push(", updated_by = ")
        .bind(by)
        .push(", version = version + 1 WHERE deleted_at IS NULL AND id = ")
        .bind(o.id)
        .push(" AND version = ")
        .bind(version);
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// Gives every open deal its stage's probability under `rules` (after an admin changes
/// them), so the weighted forecast follows the setting.
pub async fn reprice_open(
    conn: &mut AnyConnection,
    rules: &crate::domain::pipeline::PipelineRules,
) -> Result<(), sqlx::Error> {
    for stage in Stage::OPEN {
        let p = rules.probability(stage);
        let mut sql = Sql::new("UPDATE opportunities SET probability = ");
        sql.bind(p)
            .push(" WHERE stage = ")
            .bind(stage.as_str())
            .push(" AND probability <> ")
            .bind(p);
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn record_stage(
    conn: &mut AnyConnection,
    id: i64,
    stage: Stage,
    by: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("INSERT INTO opportunity_stage_history (opportunity_id, stage, entered_at, entered_by) VALUES (");
    sql.bind(id)
        .push(", ")
        .bind(stage.as_str())
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(by)
        .push(")");
    sql.query().execute(conn).await.map(|_| ())
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: i64,
    customer_id: i64,
    customer_name: String,
    opportunity_id: Option<i64>,
    amount_minor: i64,
    currency: String,
    start_date: String,
    end_date: String,
    approval_status: String,
    approved_by: Option<i64>,
    approved_at: Option<i64>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    created_at: i64,
    version: i64,
}

impl From<ContractRow> for Contract {
    fn from(r: ContractRow) -> Self {
        Contract {
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            opportunity_id: r.opportunity_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            start_date: r.start_date,
            end_date: r.end_date,
            approval_status: Approval::parse(&r.approval_status).unwrap_or(Approval::Pending),
            approved_by: r.approved_by,
            approved_at: opt_from_ms(r.approved_at),
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            created_at: from_ms(r.created_at),
            version: r.version,
        }
    }
}

const CONTRACT_COLUMNS: &str = "SELECT k.id, k.customer_id, c.name AS customer_name, k.opportunity_id, k.amount_minor, k.currency, \
     k.start_date, k.end_date, k.approval_status, k.approved_by, k.approved_at, k.owner_id, u.name AS owner_name, k.created_at, k.version \
     FROM contracts k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = k.owner_id \
     WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL";

pub async fn contract<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Contract>, sqlx::Error> {
    let mut sql = Sql::new(CONTRACT_COLUMNS);
    sql.push(" AND k.id = ").bind(id);
    owned_by_scope(&mut sql, viewer, access, "k.owner_id");
    Ok(sql
        .query_as::<ContractRow>()
        .fetch_optional(ex)
        .await?
        .map(Contract::from))
}

pub async fn contracts<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    status: Option<Approval>,
    opportunity_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Contract>, sqlx::Error> {
    let mut sql = Sql::new(CONTRACT_COLUMNS);
    owned_by_scope(&mut sql, viewer, Access::Read, "k.owner_id");
    if let Some(s) = status {
        sql.push(" AND k.approval_status = ").bind(s.as_str());
    }
    if let Some(o) = opportunity_id {
        sql.push(" AND k.opportunity_id = ").bind(o);
    }
    sql.push(" ORDER BY k.id DESC LIMIT ").bind(limit);
    Ok(sql
        .query_as::<ContractRow>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Contract::from)
        .collect())
}

pub async fn insert_contract(
    conn: &mut AnyConnection,
    k: &Contract,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "INSERT INTO contracts (customer_id, opportunity_id, amount_minor, currency, start_date, end_date, approval_status, owner_id, \
         created_at, updated_at, created_by) VALUES (",
    );
    sql.bind(k.customer_id)
        .push(", ")
        .bind(k.opportunity_id)
        .push(", ")
        .bind(k.amount_minor)
        .push(", ")
        .bind(k.currency.as_str())
        .push(", ")
        .bind(k.start_date.as_str())
        .push(", ")
        .bind(k.end_date.as_str())
        .push(", 'pending', ")
        .bind(k.owner_id)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(now_ms)
        .push(", ")
        .bind(by)
        .push(") RETURNING id");
    sql.query_scalar::<i64>().fetch_one(conn).await
}

pub async fn decide_contract(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    to: Approval,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE contracts SET approval_status = ");
    sql.bind(to.as_str())
        .push(", approved_by = ")
        .bind(by)
        .push(", approved_at = ")
        .bind(now_ms)
        .push(", updated_at = ")
        .bind(now_ms)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version)
        .push(" AND approval_status = 'pending'");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

pub async fn has_approved_contract<'e>(
    ex: impl Executor<'e, Database = Any>,
    opportunity_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM contracts WHERE deleted_at IS NULL AND approval_status = 'approved' AND opportunity_id = ");
    sql.bind(opportunity_id);
    Ok(sql.query_scalar::<i64>().fetch_one(ex).await? > 0)
}

/// Sum of amount × probability of open deals expected to close in [from, to).
pub async fn weighted_forecast<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    from: &str,
    to: &str,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT CAST(COALESCE(SUM(o.amount_minor * o.probability / 100), 0) AS BIGINT) FROM opportunities o \
         WHERE o.deleted_at IS NULL AND o.stage NOT IN ('won','lost') AND o.expected_close >= ",
    );
    sql.bind(from).push(" AND o.expected_close < ").bind(to);
    owned_by_scope(&mut sql, viewer, Access::Read, "o.owner_id");
    sql.query_scalar::<i64>().fetch_one(ex).await
}

/// The weighted forecast per owner for two close-date ranges, with open deal counts.
pub async fn forecast_by_owner<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    month: (&str, &str),
    quarter: (&str, &str),
) -> Result<Vec<(i64, String, i64, i64, i64)>, sqlx::Error> {
    let weighted = "o.amount_minor * o.probability / 100";
    let mut sql = Sql::new("SELECT o.owner_id, u.name");
    for (from, to) in [month, quarter] {
        sql.push(", CAST(COALESCE(SUM(CASE WHEN o.expected_close >= ")
            .bind(from)
            .push(" AND o.expected_close < ")
            .bind(to)
            .push(&format!(" THEN {weighted} ELSE 0 END), 0) AS BIGINT)"));
    }
    sql.push(
        ", COUNT(*) FROM opportunities o JOIN users u ON u.id = o.owner_id \
         WHERE o.deleted_at IS NULL AND o.stage NOT IN ('won','lost')",
    );
    owned_by_scope(&mut sql, viewer, Access::Read, "o.owner_id");
    sql.push(" GROUP BY o.owner_id, u.name ORDER BY u.name");
    sql.query_as::<(i64, String, i64, i64, i64)>()
        .fetch_all(ex)
        .await
}

/// The board: open deals and deals won since `won_since_ms`, in stage order, oldest in stage first.
pub async fn board<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    won_since_ms: i64,
    limit: i64,
) -> Result<Vec<Opportunity>, sqlx::Error> {
    let mut sql = Sql::new(OPP_COLUMNS);
    sql.push(" AND (o.stage NOT IN ('won','lost') OR (o.stage = 'won' AND o.won_at >= ")
        .bind(won_since_ms)
        .push("))");
    owned_by_scope(&mut sql, viewer, Access::Read, "o.owner_id");
    sql.push(" ORDER BY o.stage_entered_at LIMIT ").bind(limit);
    Ok(sql
        .query_as::<OppRow>()
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(Opportunity::from)
        .collect())
}

/// Whether `deal_id` is a live deal of `customer_id`.
pub async fn is_deal_of(
    conn: &mut AnyConnection,
    deal_id: i64,
    customer_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM opportunities WHERE deleted_at IS NULL AND id = ");
    sql.bind(deal_id)
        .push(" AND customer_id = ")
        .bind(customer_id);
    Ok(sql.query_scalar::<i64>().fetch_one(conn).await? > 0)
}

/// The customer of a live deal, whoever may see it (the caller checks the customer).
pub async fn customer_of(
    conn: &mut AnyConnection,
    deal_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT o.customer_id FROM opportunities o WHERE o.deleted_at IS NULL AND o.id = ",
    );
    sql.bind(deal_id);
    Ok(sql
        .query_scalar::<Option<i64>>()
        .fetch_optional(conn)
        .await?
        .flatten())
}
