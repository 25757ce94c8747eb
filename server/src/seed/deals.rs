//! The demo's pipeline: opportunities in every stage with their history; won deals have an
//! approved contract.
use super::*;

pub(super) async fn demo_deals(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    now: i64,
    users: &DemoUsers,
    owned: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    // Opportunities in every stage, with history; won deals get an approved contract.
    for (i, (cid, owner)) in owned.iter().enumerate().take(200) {
        let (stage, probability) = STAGES[i % STAGES.len()];
        let amount = rng.gen_range(50..2000) * 1000 * 100;
        let entered = now - rng.gen_range(1..40) * DAY;
        let close = chrono::DateTime::from_timestamp_millis(now + rng.gen_range(-30..120) * DAY)
            .map(|d| d.format("%Y-%m-%d").to_string());
        let needs_done = matches!(stage, "proposal" | "negotiation" | "won");
        let oid = insert_rows(
            conn,
            "opportunities",
            &[
                "customer_id",
                "name",
                "amount_minor",
                "currency",
                "stage",
                "probability",
                "expected_close",
                "owner_id",
                "stage_entered_at",
                "pain_points",
                "decision_maker",
                "budget_range",
                "competitors",
                "lost_reason",
                "won_at",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                (*cid).into(),
                format!("{}期项目", ["一", "二", "三"][i % 3]).into(),
                Some(amount).into(),
                "CNY".into(),
                stage.into(),
                probability.into(),
                close.into(),
                Some(*owner).into(),
                entered.into(),
                needs_done.then_some("效率低、数据分散".to_string()).into(),
                needs_done.then_some("总经理".to_string()).into(),
                needs_done.then_some("50-100万".to_string()).into(),
                matches!(stage, "negotiation" | "won")
                    .then_some("无".to_string())
                    .into(),
                (stage == "lost").then_some("价格".to_string()).into(),
                (stage == "won").then_some(entered).into(),
                (entered - 20 * DAY).into(),
                now.into(),
            ]],
        )
        .await?[0];
        insert_rows(
            conn,
            "opportunity_stage_history",
            &["opportunity_id", "stage", "entered_at", "entered_by"],
            vec![vec![
                oid.into(),
                stage.into(),
                entered.into(),
                Some(*owner).into(),
            ]],
        )
        .await?;
        if stage == "won" {
            let start = chrono::DateTime::from_timestamp_millis(entered)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let end = chrono::DateTime::from_timestamp_millis(entered + 365 * DAY)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let contract = insert_rows(
                conn,
                "contracts",
                &CONTRACT_COLUMNS,
                vec![contract_row(&SeededContract {
                    customer: *cid,
                    deal: oid,
                    amount,
                    start_date: start.clone(),
                    end_date: end,
                    pending: false,
                    approved_by: Some(users.manager_of(*owner)),
                    signed_at: entered,
                    owner: *owner,
                    updated_at: now,
                })],
            )
            .await?[0];
            demo_plan(conn, contract, amount, entered, now, oid % 3 == 0, *owner).await?;
        }
    }
    Ok(())
}

/// A seeded contract for a won deal: signed when the deal was won, for its customer and
/// amount, approved then (by `approved_by`) unless still `pending`.
pub(super) struct SeededContract {
    pub customer: i64,
    pub deal: i64,
    pub amount: i64,
    pub start_date: String,
    pub end_date: String,
    pub pending: bool,
    pub approved_by: Option<i64>,
    pub signed_at: i64,
    pub owner: i64,
    pub updated_at: i64,
}

/// The columns of a seeded contract, in the order [`contract_row`] lists them.
pub(super) const CONTRACT_COLUMNS: [&str; 12] = [
    "customer_id",
    "opportunity_id",
    "amount_minor",
    "currency",
    "start_date",
    "end_date",
    "approval_status",
    "approved_by",
    "approved_at",
    "owner_id",
    "created_at",
    "updated_at",
];

/// A contract as a row of [`CONTRACT_COLUMNS`].
pub(super) fn contract_row(k: &SeededContract) -> Vec<Arg> {
    vec![
        k.customer.into(),
        Some(k.deal).into(),
        k.amount.into(),
        "CNY".into(),
        k.start_date.clone().into(),
        k.end_date.clone().into(),
        (if k.pending { "pending" } else { "approved" }).into(),
        (if k.pending { None } else { k.approved_by }).into(),
        (!k.pending).then_some(k.signed_at).into(),
        Some(k.owner).into(),
        k.signed_at.into(),
        k.updated_at.into(),
    ]
}

/// One installment of a seeded payment plan: its planned instant, its amount, and whether
/// it was paid (ten days after its date).
pub(super) struct PlannedPart {
    pub planned: i64,
    pub amount: i64,
    pub paid: bool,
}

/// A won deal's payment plan: 40 % at the start, 30 % after three months, 30 % after six;
/// each installment whose date is more than ten days past is paid ten days after it,
/// except, for `late` contracts, the first two (overdue receivables).
pub(super) fn payment_plan(amount: i64, start: i64, now: i64, late: bool) -> [PlannedPart; 3] {
    let first = amount * 40 / 100;
    let second = amount * 30 / 100;
    let parts = [(0, first), (90, second), (180, amount - first - second)];
    std::array::from_fn(|i| {
        let (days, part) = parts[i];
        let planned = start + days * DAY;
        PlannedPart {
            planned,
            amount: part,
            paid: planned + 10 * DAY < now && !(late && i <= 1),
        }
    })
}

/// A planned or received instant as the date a person in China would write (UTC+8).
pub(super) fn plan_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The columns of a seeded installment, in the order [`plan_rows`] lists them.
pub(super) const INSTALLMENT_COLUMNS: [&str; 7] = [
    "contract_id",
    "planned_date",
    "amount_minor",
    "currency",
    "paid_minor",
    "created_at",
    "updated_at",
];

/// The columns of a seeded receipt, in the order [`plan_rows`] lists them.
pub(super) const RECEIPT_COLUMNS: [&str; 7] = [
    "contract_id",
    "amount_minor",
    "received_on",
    "received_at",
    "reference",
    "recorded_by",
    "created_at",
];

/// A contract's installments and the receipts that paid them, as rows of
/// [`INSTALLMENT_COLUMNS`] and [`RECEIPT_COLUMNS`], from its [`payment_plan`].
pub(super) fn plan_rows(
    contract: i64,
    amount: i64,
    start: i64,
    now: i64,
    late: bool,
    recorded_by: i64,
) -> (Vec<Vec<Arg>>, Vec<Vec<Arg>>) {
    let mut installments = Vec::new();
    let mut receipts = Vec::new();
    for (i, part) in payment_plan(amount, start, now, late)
        .into_iter()
        .enumerate()
    {
        installments.push(vec![
            contract.into(),
            plan_date(part.planned).into(),
            part.amount.into(),
            "CNY".into(),
            (if part.paid { part.amount } else { 0 }).into(),
            now.into(),
            now.into(),
        ]);
        if part.paid {
            let received = part.planned + 10 * DAY;
            receipts.push(vec![
                contract.into(),
                part.amount.into(),
                plan_date(received).into(),
                received.into(),
                format!("银行回单 {contract}-{}", i + 1).into(),
                Some(recorded_by).into(),
                received.into(),
            ]);
        }
    }
    (installments, receipts)
}

/// The demo contract's payment plan, its installments and receipts.
async fn demo_plan(
    conn: &mut AnyConnection,
    contract: i64,
    amount: i64,
    start: i64,
    now: i64,
    late: bool,
    owner: i64,
) -> Result<(), sqlx::Error> {
    let (installments, receipts) = plan_rows(contract, amount, start, now, late, owner);
    insert_rows(conn, "installments", &INSTALLMENT_COLUMNS, installments).await?;
    insert_rows(conn, "receipts", &RECEIPT_COLUMNS, receipts).await?;
    Ok(())
}
