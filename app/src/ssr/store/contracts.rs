//! Contracts and their approval, read through the owner's scope.
use super::scope::{owned_by_scope, Access, Owned};
use crate::model::{Approval, Contract};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::{from_ms, opt_from_ms};
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

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
    approval_status: Approval,
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
            approval_status: r.approval_status,
            approved_by: r.approved_by,
            approved_at: opt_from_ms(r.approved_at),
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            created_at: from_ms(r.created_at),
            version: r.version,
        }
    }
}

/// The contracts there are (neither they nor their customer deleted), as `k`, their
/// customer `c` and owner `u`; the scope and filters are appended.
macro_rules! live_contracts {
    () => {
        " FROM contracts k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = k.owner_id \
         WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL"
    };
}

const CONTRACT_COLUMNS: &str = concat!(
    "SELECT k.id, k.customer_id, c.name AS customer_name, k.opportunity_id, k.amount_minor, k.currency, \
     k.start_date, k.end_date, k.approval_status, k.approved_by, k.approved_at, k.owner_id, u.name AS owner_name, k.created_at, k.version",
    live_contracts!()
);

const BY_ID: Owned = Owned {
    select: CONTRACT_COLUMNS,
    id: "k.id",
    owner: "k.owner_id",
};

pub async fn contract<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    id: i64,
    access: Access,
) -> Result<Option<Contract>, sqlx::Error> {
    Ok(BY_ID
        .one::<ContractRow>(ex, viewer, id, access)
        .await?
        .map(Contract::from))
}

pub async fn contracts<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    status: Option<Approval>,
    opportunity_id: Option<i64>,
    before: Option<i64>,
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
    if let Some(b) = before {
        sql.push(" AND k.id < ").bind(b);
    }
    sql.push(" ORDER BY k.id DESC LIMIT ").bind(limit);
    sql.all::<ContractRow, _>(ex, Contract::from).await
}

/// How many contracts the viewer sees in approval `status` (the managers' "waiting for
/// your approval" count), counting no further than `up_to` when given: each one counted
/// is a look at its contract and customer (15 ms for a company's 2,039 on PostgreSQL).
pub async fn count_contracts<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    status: Approval,
    up_to: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(concat!(
        "SELECT COUNT(*) FROM (SELECT 1 AS one",
        live_contracts!()
    ));
    owned_by_scope(&mut sql, viewer, Access::Read, "k.owner_id");
    sql.push(" AND k.approval_status = ").bind(status.as_str());
    if let Some(n) = up_to {
        sql.push(" LIMIT ").bind(n);
    }
    sql.push(") q");
    sql.query_scalar::<i64>().fetch_one(ex).await
}

pub async fn insert_contract(
    conn: &mut AnyConnection,
    k: &Contract,
    by: i64,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("contracts")
        .value("customer_id", k.customer_id)
        .value("opportunity_id", k.opportunity_id)
        .value("amount_minor", k.amount_minor)
        .value("currency", k.currency.as_str())
        .value("start_date", k.start_date.as_str())
        .value("end_date", k.end_date.as_str())
        .value("approval_status", "pending")
        .value("owner_id", k.owner_id)
        .value("created_at", now_ms)
        .value("updated_at", now_ms)
        .value("created_by", by)
        .returning_id(conn)
        .await
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
        .stamp(now_ms, None)
        .where_version(id, Some(version))
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

/// Approved contracts ending on a day in `(lo, hi]` (`YYYY-MM-DD`) whose customer has no
/// open deal to renew them: the customer's id and name, the contract's owner (else the
/// customer's), the contract's id as `at` and its end date as `extra`.
pub async fn ending_without_renewal(
    conn: &mut AnyConnection,
    lo: &str,
    hi: &str,
) -> Result<Vec<super::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT c.id, COALESCE(k.owner_id, c.owner_id) AS owner_id, c.name, k.id AS at, u.name AS owner_name, \
         k.end_date AS extra FROM contracts k JOIN customers c ON c.id = k.customer_id \
         JOIN users u ON u.id = COALESCE(k.owner_id, c.owner_id) \
         WHERE k.deleted_at IS NULL AND u.active = 1 AND k.approval_status = 'approved' \
         AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = k.customer_id \
         AND o.deleted_at IS NULL AND o.stage NOT IN ('won', 'lost')) AND k.end_date > ",
    );
    sql.bind(lo).push(" AND k.end_date <= ").bind(hi);
    sql.query_as().fetch_all(conn).await
}

/// Marks a contract changed (its plan or its payments): a new version, so two changes
/// never interleave (on PostgreSQL the row lock makes the second wait) and a stale plan is
/// refused. With `version`, only if the contract is still at it.
pub async fn touch(
    conn: &mut AnyConnection,
    id: i64,
    version: Option<i64>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut sql = Sql::new("UPDATE contracts SET deleted_at = deleted_at");
    sql.stamp(now_ms, None)
        .where_version(id, version)
        .push(" AND deleted_at IS NULL");
    Ok(sql.query().execute(conn).await?.rows_affected() == 1)
}

/// The customer's approved contracts ending in `[from, to]` (YYYY-MM-DD), soonest first,
/// through the viewer's scope: renewals to start.
pub async fn ending_between<'e>(
    ex: impl Executor<'e, Database = Any>,
    viewer: &Viewer,
    customer_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<Contract>, sqlx::Error> {
    let mut sql = Sql::new(CONTRACT_COLUMNS);
    owned_by_scope(&mut sql, viewer, Access::Read, "k.owner_id");
    sql.push(" AND k.approval_status = 'approved' AND k.customer_id = ")
        .bind(customer_id)
        .push(" AND k.end_date >= ")
        .bind(from)
        .push(" AND k.end_date <= ")
        .bind(to)
        .push(" ORDER BY k.end_date, k.id");
    sql.all::<ContractRow, _>(ex, Contract::from).await
}
