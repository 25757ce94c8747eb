//! Contracts with payment plans for the dashboard's benchmark, so its receivables (received
//! this period, overdue, due in the next 30 days) are read at scale: one for each of the
//! newest won deals, signed when the deal was won, for the deal's amount and customer,
//! approved by the owner's manager (one in fifty still waiting for approval), paid in three
//! installments ([`super::deals::payment_plan`]); one contract in ten pays late.
use super::deals::{
    contract_row, plan_date, plan_rows, SeededContract, CONTRACT_COLUMNS, INSTALLMENT_COLUMNS,
    RECEIPT_COLUMNS,
};
use super::*;

/// Makes a contract for each of the `contracts` newest won deals that have none; returns
/// how many.
pub async fn bulk_contracts(db: &Db, contracts: u64) -> Result<u64, sqlx::Error> {
    let deals = store::won_deals_without_contract(db, contracts).await?;
    let managers: std::collections::HashMap<i64, i64> =
        store::managers_of_reps(db).await?.into_iter().collect();
    let now = Utc::now().timestamp_millis();
    const PER_TX: usize = 2_000;
    let mut made = 0u64;
    for chunk in deals.chunks(PER_TX) {
        let mut tx = db.begin().await?;
        let mut installments = Vec::new();
        let mut receipts = Vec::new();
        for deal in chunk {
            let row = contract_row(&SeededContract {
                customer: deal.customer_id,
                deal: deal.id,
                amount: deal.amount,
                start_date: plan_date(deal.won_at),
                end_date: plan_date(deal.won_at + 365 * DAY),
                pending: deal.id % 50 == 0,
                approved_by: managers.get(&deal.owner_id).copied(),
                signed_at: deal.won_at,
                owner: deal.owner_id,
                updated_at: deal.won_at,
            });
            // One statement a contract: its id is what its plan's rows name.
            let id = insert_rows(&mut tx, "contracts", &CONTRACT_COLUMNS, vec![row]).await?[0];
            let late = deal.id % 10 == 3;
            let (i, r) = plan_rows(id, deal.amount, deal.won_at, now, late, deal.owner_id);
            installments.extend(i);
            receipts.extend(r);
        }
        for rows in installments.chunks(500) {
            insert_rows(&mut tx, "installments", &INSTALLMENT_COLUMNS, rows.to_vec()).await?;
        }
        for rows in receipts.chunks(500) {
            insert_rows(&mut tx, "receipts", &RECEIPT_COLUMNS, rows.to_vec()).await?;
        }
        tx.commit().await?;
        made += chunk.len() as u64;
        tracing::info!(made, contracts, "contracts seeded");
    }
    Ok(made)
}
