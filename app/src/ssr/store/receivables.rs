//! Installments and receipts of contracts (the caller has checked the contract's scope).
use crate::model::Receipt;
use crate::ssr::clock::from_ms;
use crate::ssr::store::db::{Insert, Sql};
use sqlx::{Any, AnyConnection, Executor};

#[derive(sqlx::FromRow)]
pub struct InstallmentRow {
    pub id: i64,
    pub planned_date: String,
    pub amount_minor: i64,
    pub paid_minor: i64,
}

/// A contract's installments by date.
pub async fn installments<'e>(
    ex: impl Executor<'e, Database = Any>,
    contract: i64,
) -> Result<Vec<InstallmentRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT id, planned_date, amount_minor, paid_minor FROM installments WHERE contract_id = ",
    );
    sql.bind(contract).push(" ORDER BY planned_date, id");
    sql.query_as::<InstallmentRow>().fetch_all(ex).await
}

/// Replaces a contract's plan; answers the installments it deleted.
pub async fn replace_plan(
    conn: &mut AnyConnection,
    contract: i64,
    plan: &[(String, i64, i64)],
    now_ms: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("DELETE FROM installments WHERE contract_id = ");
    sql.bind(contract).push(" RETURNING id");
    let gone: Vec<i64> = sql.query_scalar::<i64>().fetch_all(&mut *conn).await?;
    for (date, amount, paid) in plan {
        Insert::into("installments")
            .value("contract_id", contract)
            .value("planned_date", date.as_str())
            .value("amount_minor", *amount)
            .value("paid_minor", *paid)
            .value("created_at", now_ms)
            .value("updated_at", now_ms)
            .execute(&mut *conn)
            .await?;
    }
    Ok(gone)
}

/// Sets what is paid of each installment.
pub async fn set_paid(
    conn: &mut AnyConnection,
    paid: &[(i64, i64)],
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for (id, p) in paid {
        let mut sql = Sql::new("UPDATE installments SET paid_minor = ");
        sql.bind(*p)
            .push(", updated_at = ")
            .bind(now_ms)
            .push(" WHERE id = ")
            .bind(*id)
            .push(" AND paid_minor <> ")
            .bind(*p);
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    id: i64,
    amount_minor: i64,
    received_on: String,
    reference: Option<String>,
    recorded_by: Option<i64>,
    recorded_by_name: Option<String>,
    created_at: i64,
}

/// A contract's receipts, newest first.
pub async fn receipts<'e>(
    ex: impl Executor<'e, Database = Any>,
    contract: i64,
) -> Result<Vec<Receipt>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT r.id, r.amount_minor, r.received_on, r.reference, r.recorded_by, u.name AS recorded_by_name, r.created_at \
         FROM receipts r LEFT JOIN users u ON u.id = r.recorded_by WHERE r.contract_id = ",
    );
    sql.bind(contract)
        .push(" ORDER BY r.received_at DESC, r.id DESC");
    sql.all::<ReceiptRow, _>(ex, |r| Receipt {
        id: r.id,
        amount_minor: r.amount_minor,
        received_on: r.received_on,
        reference: r.reference,
        recorded_by: r.recorded_by,
        recorded_by_name: r.recorded_by_name,
        created_at: from_ms(r.created_at),
    })
    .await
}

/// What has been received against a contract in all.
pub async fn received_total<'e>(
    ex: impl Executor<'e, Database = Any>,
    contract: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM receipts WHERE contract_id = ",
    );
    sql.bind(contract);
    sql.query_scalar::<i64>().fetch_one(ex).await
}

pub struct NewReceiptRow<'a> {
    pub contract: i64,
    pub amount_minor: i64,
    pub received_on: &'a str,
    pub received_at: i64,
    pub reference: Option<&'a str>,
    pub by: i64,
}

pub async fn insert_receipt(
    conn: &mut AnyConnection,
    r: &NewReceiptRow<'_>,
    now_ms: i64,
) -> Result<i64, sqlx::Error> {
    Insert::into("receipts")
        .value("contract_id", r.contract)
        .value("amount_minor", r.amount_minor)
        .value("received_on", r.received_on)
        .value("received_at", r.received_at)
        .value("reference", r.reference)
        .value("recorded_by", Some(r.by))
        .value("created_at", now_ms)
        .returning_id(conn)
        .await
}

/// Installments planned in `[from, to)` (local dates) with something unpaid: `id` is the
/// customer's, `at` the installment's, `extra` its planned date and the amount unpaid in
/// minor units ("2026-03-01 1200000"); to the contract's owner.
pub async fn unpaid_planned_between(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<crate::ssr::store::due::DueRecord>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT c.id, k.owner_id, u.name AS owner_name, c.name, i.id AS at, \
         i.planned_date || ' ' || CAST(i.amount_minor - i.paid_minor AS VARCHAR(20)) AS extra \
         FROM installments i JOIN contracts k ON k.id = i.contract_id \
         JOIN customers c ON c.id = k.customer_id JOIN users u ON u.id = k.owner_id \
         WHERE k.deleted_at IS NULL AND c.deleted_at IS NULL AND k.approval_status = 'approved' \
         AND i.paid_minor < i.amount_minor AND i.planned_date >= ",
    );
    sql.bind(from)
        .push(" AND i.planned_date < ")
        .bind(to)
        .push(" ORDER BY i.planned_date, i.id");
    sql.query_as::<crate::ssr::store::due::DueRecord>()
        .fetch_all(conn)
        .await
}
