//! The demo's leads: 120 in every state, most with a rep, some in the pool.
use super::*;

pub(super) async fn demo_leads(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    now: i64,
    users: &DemoUsers,
) -> Result<(), sqlx::Error> {
    // Leads in every state.
    let statuses = ["new", "new", "mql", "sql", "converted", "disqualified"];
    for i in 0..120usize {
        let status = statuses[i % statuses.len()];
        let owner = if i % 12 == 11 {
            None
        } else {
            Some(users.reps[i % users.reps.len()])
        };
        let source = SOURCES[rng.gen_range(0..SOURCES.len())];
        let created = now - rng.gen_range(1..60 * 24) * HOUR;
        let sla = if source == "trial" {
            2 * HOUR
        } else {
            24 * HOUR
        };
        let (assigned, due) = match owner {
            Some(_) if status == "new" && i % 3 == 0 => (Some(now - HOUR), Some(now - HOUR + sla)),
            Some(_) => (Some(created), Some(created + sla)),
            None => (None, None),
        };
        let contacted = (status != "new" && owner.is_some()).then(|| created + HOUR);
        let (name, industry) = company_name(rng);
        insert_rows(
            conn,
            "leads",
            &[
                "name",
                "company",
                "phone",
                "email",
                "source",
                "region",
                "industry",
                "product_line",
                "status",
                "owner_id",
                "assigned_at",
                "first_contact_due_at",
                "first_contacted_at",
                "mql_at",
                "sql_at",
                "disqualify_reason",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                person_name(rng).into(),
                name.into(),
                mobile(rng).into(),
                format!("lead{i}@example.cn").into(),
                source.into(),
                REGIONS[rng.gen_range(0..REGIONS.len())].into(),
                industry.into(),
                ["CRM", "客服云", "数据平台"][rng.gen_range(0..3)].into(),
                status.into(),
                owner.into(),
                assigned.into(),
                due.into(),
                contacted.into(),
                matches!(status, "mql" | "sql" | "converted")
                    .then_some(created + 2 * HOUR)
                    .into(),
                matches!(status, "sql" | "converted")
                    .then_some(created + 3 * DAY)
                    .into(),
                (status == "disqualified")
                    .then_some("预算不足".to_string())
                    .into(),
                created.into(),
                now.into(),
            ]],
        )
        .await?;
    }
    Ok(())
}
