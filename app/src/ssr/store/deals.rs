//! Opportunities and their stage history, read through the owner's scope.
use super::scope::{owned_by_scope, Access, Owned};
use crate::domain::forecast::ForecastCategory;
use crate::domain::pipeline::Stage;
use crate::model::Opportunity;
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use crate::ssr::store::kpi_rollups::{self as kpi_rollups, Touched};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
struct OppRow {
    id: i64,
    customer_id: i64,
    customer_name: String,
    name: String,
    amount_minor: Option<i64>,
    currency: String,
    stage: Stage,
    probability: i64,
    forecast_category: ForecastCategory,
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
            stage: r.stage,
            probability: r.probability,
            forecast_category: r.forecast_category,
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
     o.probability, o.forecast_category, o.expected_close, o.owner_id, u.name AS owner_name, o.stage_entered_at, o.pain_points, o.decision_maker, \
     o.budget_range, o.competitors, o.lost_reason, o.won_at, o.created_at, o.updated_at, o.version \
     FROM opportunities o JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.owner_id \
     WHERE o.deleted_at IS NULL AND c.deleted_at IS NULL";

const BY_ID: Owned = Owned {
    select: OPP_COLUMNS,
    id: "o.id",
    owner: "o.owner_id",
};

pub async fn get<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Opportunity>, sqlx::Error> {
    Ok(BY_ID
        .one::<OppRow>(ex, viewer, id, access)
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
    sql.all::<OppRow, _>(ex, Opportunity::from).await
}

pub async fn insert(
    conn: &mut AnyConnection,
    o: &Opportunity,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    let id = Insert::into("opportunities")
        .value("customer_id", o.customer_id)
        .value("name", o.name.as_str())
        .value("amount_minor", o.amount_minor)
        .value("currency", o.currency.as_str())
        .value("stage", o.stage.as_str())
        .value("probability", o.probability)
        .value("expected_close", o.expected_close.clone())
        .value("owner_id", o.owner_id)
        .value("stage_entered_at", now_ms)
        .created(now_ms, by)
        .returning_id(&mut *conn)
        .await?;
    kpi_rollups::touch(conn, Touched::Deals, &[id]).await?;
    Ok(id)
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
    sql.stamp(now_ms, Some(by))
        .where_version(o.id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    kpi_rollups::touch_if(conn, written, Touched::Deals, o.id).await
}

/// Puts a deal in a forecast category, if it is still at `version`.
pub async fn set_forecast_category(
    conn: &mut AnyConnection,
    id: i64,
    category: ForecastCategory,
    version: i64,
    by: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE opportunities SET forecast_category = ");
    sql.bind(category.as_str())
        .stamp(now_ms, Some(by))
        .where_version(id, Some(version))
        .push(" AND deleted_at IS NULL");
    let written = sql.query().execute(&mut *conn).await?.rows_affected() == 1;
    kpi_rollups::touch_if(conn, written, Touched::Deals, id).await
}

/// Gives every open deal its stage's probability under `rules` (after an admin changes
/// them), so the weighted forecast follows the setting.
pub async fn reprice_open(
    conn: &mut AnyConnection,
    rules: &crate::domain::pipeline::PipelineRules,
) -> Result<(), sqlx::Error> {
    for stage in Stage::OPEN {
        let p = rules.probability(stage);
        let mut changing = Sql::new("SELECT id FROM opportunities WHERE stage = ");
        changing
            .bind(stage.as_str())
            .push(" AND probability <> ")
            .bind(p);
        let ids: Vec<i64> = changing.query_scalar().fetch_all(&mut *conn).await?;
        let mut sql = Sql::new("UPDATE opportunities SET probability = ");
        sql.bind(p)
            .push(" WHERE stage = ")
            .bind(stage.as_str())
            .push(" AND probability <> ")
            .bind(p);
        sql.query().execute(&mut *conn).await?;
        for chunk in ids.chunks(500) {
            kpi_rollups::touch(conn, Touched::Deals, chunk).await?;
        }
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
    Insert::into("opportunity_stage_history")
        .value("opportunity_id", id)
        .value("stage", stage.as_str())
        .value("entered_at", now_ms)
        .value("entered_by", by)
        .execute(conn)
        .await
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
    sql.all::<OppRow, _>(ex, Opportunity::from).await
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

/// Live deals of active owners in `stage` that entered it in `(from, to]`.
pub async fn entered_stage_between(
    conn: &mut AnyConnection,
    stage: &str,
    from: i64,
    to: i64,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT o.id, o.owner_id, o.name, o.stage_entered_at AS at, u.name AS owner_name, o.stage AS extra \
         FROM opportunities o JOIN users u ON u.id = o.owner_id \
         WHERE o.deleted_at IS NULL AND u.active = 1 AND o.stage = ",
    );
    sql.bind(stage)
        .push(" AND o.stage_entered_at > ")
        .bind(from)
        .push(" AND o.stage_entered_at <= ")
        .bind(to);
    sql.query_as().fetch_all(conn).await
}

/// Deals won in `(from, to]` whose customer has had no follow-up logged since the win;
/// named by the customer.
pub async fn won_without_contact_since(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT o.id, o.owner_id, c.name, o.won_at AS at, u.name AS owner_name, CAST(NULL AS TEXT) AS extra \
         FROM opportunities o JOIN customers c ON c.id = o.customer_id JOIN users u ON u.id = o.owner_id \
         WHERE o.deleted_at IS NULL AND u.active = 1 AND o.stage = 'won' \
         AND (c.last_contact_at IS NULL OR c.last_contact_at <= o.won_at) AND o.won_at > ",
    );
    sql.bind(from).push(" AND o.won_at <= ").bind(to);
    sql.query_as().fetch_all(conn).await
}

/// An open deal of the customer expected to close on `date`: a renewal already started.
pub async fn open_closing_on<'e>(
    ex: impl Executor<'e, Database = Any>,
    customer_id: i64,
    date: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id FROM opportunities WHERE deleted_at IS NULL AND stage NOT IN ('won', 'lost') AND customer_id = ",
    );
    sql.bind(customer_id)
        .push(" AND expected_close = ")
        .bind(date)
        .push(" ORDER BY id LIMIT 1");
    sql.query_scalar::<i64>().fetch_optional(ex).await
}
