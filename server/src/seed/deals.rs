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
            insert_rows(
                conn,
                "payments",
                &[
                    "contract_id",
                    "planned_date",
                    "amount_minor",
                    "currency",
                    "received_at",
                    "received_amount_minor",
                    "created_at",
                    "updated_at",
                ],
                vec![vec![
                    contract.into(),
                    start.into(),
                    (amount / 2).into(),
                    "CNY".into(),
                    Some(entered + 10 * DAY).into(),
                    Some(amount / 2).into(),
                    now.into(),
                    now.into(),
                ]],
            )
            .await?;
        }
    }
    Ok(())
}
