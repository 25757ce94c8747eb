//! Receivables (回款): a contract's payment plan and the payments received against it.
//! Whoever may read the contract reads them; whoever may change it (its owner, their
//! managers, an admin) sets the plan and records payments, on approved contracts only.
//! Every payment is applied to the installments oldest first, in the same transaction.
use super::Check;
use crate::domain::events::{Action, Entity};
use crate::domain::receivables::{apply_received, overdue_days, plan_problems};
use crate::domain::time::{local_hour, DEFAULT_UTC_OFFSET_MINUTES};
use crate::error::{AppError, AppResult};
use crate::model::{Approval, Contract, Installment, NewPlan, NewReceipt, Receivables};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::iso_date;
use crate::ssr::context::AppState;
use crate::ssr::store::audit::{self, Change};
use crate::ssr::store::contracts;
use crate::ssr::store::kpi_rollups;
use crate::ssr::store::receivables as store;
use crate::ssr::store::scope::Access;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// A contract's plan, payments and what is owed and overdue today.
pub async fn receivables(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Receivables> {
    let mut conn = state.db.read.acquire().await?;
    let contract = contracts::contract(&mut *conn, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::NotFound)?;
    read(&mut conn, &contract, today(state)).await
}

async fn read(
    conn: &mut AnyConnection,
    contract: &Contract,
    today: NaiveDate,
) -> AppResult<Receivables> {
    let rows = store::installments(&mut *conn, contract.id).await?;
    let receipts = store::receipts(&mut *conn, contract.id).await?;
    let installments: Vec<Installment> = rows
        .into_iter()
        .map(|r| Installment {
            overdue_days: NaiveDate::parse_from_str(&r.planned_date, "%Y-%m-%d")
                .map(|d| overdue_days(d, r.amount_minor, r.paid_minor, today))
                .unwrap_or(0),
            id: r.id,
            planned_date: r.planned_date,
            amount_minor: r.amount_minor,
            paid_minor: r.paid_minor,
        })
        .collect();
    let received: i64 = receipts.iter().map(|r| r.amount_minor).sum();
    Ok(Receivables {
        contract_id: contract.id,
        amount_minor: contract.amount_minor,
        received_minor: received,
        outstanding_minor: (contract.amount_minor - received).max(0),
        overdue_minor: installments
            .iter()
            .filter(|i| i.overdue_days > 0)
            .map(|i| i.amount_minor - i.paid_minor)
            .sum(),
        installments,
        receipts,
        version: contract.version,
    })
}

fn today(state: &AppState) -> NaiveDate {
    crate::ssr::clock::local_date_of(state.clock.now_ms())
}

/// The contract, if the viewer may change it and it was approved.
async fn collectable(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    field: &str,
) -> AppResult<Contract> {
    let contract = match contracts::contract(&mut *conn, viewer, id, Access::Write).await? {
        Some(k) => k,
        None => {
            return match contracts::contract(&mut *conn, viewer, id, Access::Read).await? {
                Some(_) => Err(AppError::Forbidden),
                None => Err(AppError::NotFound),
            }
        }
    };
    if contract.approval_status != Approval::Approved {
        return Err(AppError::field(
            field,
            "only an approved contract is collected",
        ));
    }
    Ok(contract)
}

/// Replaces a contract's payment plan (it must add up to the contract's amount); what
/// was received is applied to the new plan oldest installment first.
pub async fn set_plan(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    plan: NewPlan,
) -> AppResult<Receivables> {
    let now_ms = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let contract = collectable(&mut tx, viewer, id, "installments").await?;
    let mut check = Check::new();
    for (field, problem) in plan_problems(contract.amount_minor, &plan.installments) {
        check.fail(&field, &problem);
    }
    check.finish()?;
    if !contracts::touch(&mut tx, id, Some(plan.version), now_ms).await? {
        return Err(super::write::stale(
            contracts::contract(&mut *tx, viewer, id, Access::Read).await?,
        ));
    }
    let mut dated = plan.installments.clone();
    dated.sort_by(|a, b| a.planned_date.cmp(&b.planned_date));
    let received = store::received_total(&mut *tx, id).await?;
    let amounts: Vec<i64> = dated.iter().map(|p| p.amount_minor).collect();
    let (paid, _) = apply_received(&amounts, received);
    let rows: Vec<(String, i64, i64)> = dated
        .iter()
        .zip(paid)
        .map(|(p, paid)| (p.planned_date.clone(), p.amount_minor, paid))
        .collect();
    let gone = store::replace_plan(&mut tx, id, &rows, now_ms).await?;
    kpi_rollups::touch_contracts(&mut tx, &[id], &gone).await?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Planned, Entity::Contract, id).after(&plan.installments),
        now_ms,
    )
    .await?;
    let contract = contracts::contract(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    let out = read(&mut tx, &contract, today(state)).await?;
    tx.commit().await?;
    Ok(out)
}

/// Records a payment received against a contract (partial payments too; never more than
/// is still owed) and applies it to the plan.
pub async fn record_receipt(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewReceipt,
) -> AppResult<Receivables> {
    let now_ms = state.clock.now_ms();
    let today = today(state);
    let mut check = Check::new();
    let on = match NaiveDate::parse_from_str(input.received_on.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            check.fail("received_on", "cannot be in the future");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            check.fail("received_on", "a date like 2026-12-31");
            None
        }
    };
    if input.amount_minor <= 0 {
        check.fail("amount_minor", "must be more than zero");
    }
    let reference = input
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reference.is_some_and(|r| r.chars().count() > 200) {
        check.fail("reference", "at most 200 characters");
    }
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::Internal);
    };
    let mut tx = state.db.begin().await?;
    let contract = collectable(&mut tx, viewer, id, "amount_minor").await?;
    // First: the contract's row, so a second payment at the same moment waits for this one.
    contracts::touch(&mut tx, id, None, now_ms).await?;
    let received = store::received_total(&mut *tx, id).await?;
    if received + input.amount_minor > contract.amount_minor {
        return Err(AppError::field(
            "amount_minor",
            "more than is still owed on the plan",
        ));
    }
    let received_at = local_hour(on, 12, DEFAULT_UTC_OFFSET_MINUTES)
        .map(|t| t.timestamp_millis())
        .unwrap_or(now_ms);
    let receipt = store::insert_receipt(
        &mut tx,
        &store::NewReceiptRow {
            contract: id,
            amount_minor: input.amount_minor,
            received_on: &iso_date(on),
            received_at,
            reference,
            by: viewer.user_id,
        },
        now_ms,
    )
    .await?;
    let rows = store::installments(&mut *tx, id).await?;
    let amounts: Vec<i64> = rows.iter().map(|r| r.amount_minor).collect();
    let (paid, _) = apply_received(&amounts, received + input.amount_minor);
    let paid: Vec<(i64, i64)> = rows.iter().map(|r| r.id).zip(paid).collect();
    store::set_paid(&mut tx, &paid, now_ms).await?;
    kpi_rollups::touch_contracts(&mut tx, &[id], &[]).await?;
    audit::record(
        &mut tx,
        Some(viewer),
        Change::new(Action::Paid, Entity::Contract, id).after(&serde_json::json!({
            "receipt": receipt,
            "amount_minor": input.amount_minor,
            "received_on": on.to_string(),
            "customer_id": contract.customer_id,
        })),
        now_ms,
    )
    .await?;
    let contract = contracts::contract(&mut *tx, viewer, id, Access::Read)
        .await?
        .ok_or(AppError::Internal)?;
    let out = read(&mut tx, &contract, today).await?;
    tx.commit().await?;
    Ok(out)
}
