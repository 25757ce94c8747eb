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
                &[
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
                ],
                vec![vec![
                    (*cid).into(),
                    Some(oid).into(),
                    amount.into(),
                    "CNY".into(),
                    start.clone().into(),
                    end.into(),
                    "approved".into(),
                    Some(users.manager_of(*owner)).into(),
                    Some(entered).into(),
                    Some(*owner).into(),
                    entered.into(),
                    now.into(),
                ]],
            )
            .await?[0];
            demo_plan(conn, contract, amount, entered, now, oid % 3 == 0, *owner).await?;
        }
    }
    Ok(())
}

/// A won deal's payment plan: 40 % at the start, 30 % after three months, 30 % after six;
/// each installment whose date is more than ten days past is paid ten days after it,
/// except, for `late` contracts, the first two (overdue receivables in the demo).
async fn demo_plan(
    conn: &mut AnyConnection,
    contract: i64,
    amount: i64,
    start: i64,
    now: i64,
    late: bool,
    owner: i64,
) -> Result<(), sqlx::Error> {
    let first = amount * 40 / 100;
    let second = amount * 30 / 100;
    let parts = [(0, first), (90, second), (180, amount - first - second)];
    let date = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    for (i, (days, part)) in parts.into_iter().enumerate() {
        let planned = start + days * DAY;
        let paid = planned + 10 * DAY < now && !(late && i <= 1);
        insert_rows(
            conn,
            "installments",
            &[
                "contract_id",
                "planned_date",
                "amount_minor",
                "currency",
                "paid_minor",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                contract.into(),
                date(planned).into(),
                part.into(),
                "CNY".into(),
                (if paid { part } else { 0 }).into(),
                now.into(),
                now.into(),
            ]],
        )
        .await?;
        if paid {
            let received = planned + 10 * DAY;
            insert_rows(
                conn,
                "receipts",
                &[
                    "contract_id",
                    "amount_minor",
                    "received_on",
                    "received_at",
                    "reference",
                    "recorded_by",
                    "created_at",
                ],
                vec![vec![
                    contract.into(),
                    part.into(),
                    date(received).into(),
                    received.into(),
                    format!("银行回单 {contract}-{}", i + 1).into(),
                    Some(owner).into(),
                    received.into(),
                ]],
            )
            .await?;
        }
    }
    Ok(())
}
