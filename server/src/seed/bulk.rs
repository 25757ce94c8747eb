//! A large deterministic data set for the benchmarks.
use super::*;

pub struct BulkStats {
    pub customers: u64,
    pub contacts: u64,
    pub activities: u64,
}

/// A large deterministic data set for benchmarks: `customers` customers (each with one
/// contact) spread over the reps (10% in the pool) and `activities` activities over the
/// last 180 days. Creates the demo people first when the database has none.
pub async fn bulk(db: &Db, customers: u64, activities: u64) -> Result<BulkStats, sqlx::Error> {
    let mut rng = StdRng::seed_from_u64(1_000_003);
    let now = Utc::now().timestamp_millis();
    if is_empty(db).await? {
        let mut tx = db.begin().await?;
        demo_users(&mut tx, now).await?;
        tx.commit().await?;
    }
    let reps = store::active_reps(db).await?;
    if reps.is_empty() {
        return Err(sqlx::Error::Protocol(
            "no active reps to own the customers".into(),
        ));
    }
    const ROWS: usize = 500;
    const PER_TX: u64 = 50_000;
    // The reclaim rules the book is dated against (and its reclaim dates computed with).
    let rules = app::domain::pool::PoolRules::default();
    // Claims reach back to five days short of the no-follow-up reclaim: a living book,
    // where nothing is already due (else the engine would spend its first hours returning
    // most customers to the pool, one transaction and alert each).
    let claim_window_hours = (rules.no_follow_up_days - 5) * 24;
    let mut ids: Vec<(i64, Option<i64>)> = Vec::with_capacity(customers as usize);
    let mut done = 0u64;
    while done < customers {
        let mut tx = db.begin().await?;
        let batch_end = (done + PER_TX).min(customers);
        while done < batch_end {
            let n = ((batch_end - done) as usize).min(ROWS);
            let mut rows = Vec::with_capacity(n);
            let mut owners = Vec::with_capacity(n);
            let mut names = Vec::with_capacity(n);
            for i in 0..n as u64 {
                let seq = done + i;
                let (name, industry) = company_name(&mut rng);
                let name = format!("{name}{}", seq);
                let owner = if seq % 10 == 9 {
                    None
                } else {
                    Some(reps[(seq as usize) % reps.len()])
                };
                let follow = owner.map(|_| now + rng.gen_range(-10 * 24..30 * 24) * HOUR);
                let claimed = owner.map(|_| now - rng.gen_range(1..=claim_window_hours) * HOUR);
                names.push(name.clone());
                rows.push(vec![
                    name.clone().into(),
                    app::domain::validate::normalize_company(&name).into(),
                    app::ssr::store::customers::name_key(&name).into(),
                    industry.into(),
                    REGIONS[rng.gen_range(0..REGIONS.len())].into(),
                    level(&mut rng).into(),
                    "prospect".into(),
                    "[]".into(),
                    owner.into(),
                    claimed.into(),
                    follow.into(),
                    now.into(),
                    now.into(),
                ]);
                owners.push(owner);
            }
            let new_ids = insert_rows(
                &mut tx,
                "customers",
                &[
                    "name",
                    "name_norm",
                    "name_key",
                    "industry",
                    "region",
                    "level",
                    "status",
                    "tags",
                    "owner_id",
                    "claimed_at",
                    "next_follow_up_at",
                    "created_at",
                    "updated_at",
                ],
                rows,
            )
            .await?;
            let mut bodies = Vec::with_capacity(n);
            let contact_rows: Vec<Vec<Arg>> = new_ids
                .iter()
                .zip(&names)
                .map(|(cid, company)| {
                    let (person, phone, email) = (
                        person_name(&mut rng),
                        mobile(&mut rng),
                        format!("c{cid}@example.cn"),
                    );
                    bodies.push((
                        *cid,
                        app::domain::search::index_body([
                            company.as_str(),
                            &person,
                            &phone,
                            &email,
                        ]),
                    ));
                    vec![
                        (*cid).into(),
                        person.into(),
                        phone.into(),
                        email.into(),
                        true.into(),
                        now.into(),
                        now.into(),
                    ]
                })
                .collect();
            insert_rows(
                &mut tx,
                "contacts",
                &[
                    "customer_id",
                    "name",
                    "phone",
                    "email",
                    "decision_maker",
                    "created_at",
                    "updated_at",
                ],
                contact_rows,
            )
            .await?;
            app::ssr::store::search::insert_bodies(&mut tx, db.backend, bodies).await?;
            ids.extend(new_ids.into_iter().zip(owners));
            done += n as u64;
        }
        tx.commit().await?;
        tracing::info!(done, customers, "customers seeded");
    }

    let owned: Vec<(i64, i64)> = ids.iter().filter_map(|(c, o)| o.map(|o| (*c, o))).collect();
    let mut made = 0u64;
    let mut plans = StdRng::seed_from_u64(20261205);
    while made < activities && !owned.is_empty() {
        let mut tx = db.begin().await?;
        let batch_end = (made + PER_TX * 2).min(activities);
        while made < batch_end {
            let n = ((batch_end - made) as usize).min(ROWS);
            let rows: Vec<Vec<Arg>> = (0..n)
                .map(|_| {
                    let (cid, owner) = owned[rng.gen_range(0..owned.len())];
                    let at = now - rng.gen_range(1..180 * 24 * 60) * 60_000;
                    vec![
                        cid.into(),
                        KINDS[rng.gen_range(0..KINDS.len())].into(),
                        SUMMARIES[rng.gen_range(0..SUMMARIES.len())].into(),
                        at.into(),
                        owner.into(),
                        at.into(),
                        super::planned_follow_up(&mut plans, at).into(),
                    ]
                })
                .collect();
            insert_rows(&mut tx, "activities", ACTIVITY_COLUMNS, rows).await?;
            made += n as u64;
        }
        tx.commit().await?;
        tracing::info!(made, activities, "activities seeded");
    }
    if made > 0 {
        let mut conn = db.write.acquire().await?;
        store::fill_last_contact(&mut conn, true).await?;
        app::ssr::store::activities::fill_followed_up(&mut conn).await?;
    }
    {
        let mut tx = db.begin().await?;
        app::ssr::store::pool::refresh_reclaim(&mut tx, None, &rules).await?;
        tx.commit().await?;
    }
    Ok(BulkStats {
        customers: ids.len() as u64,
        contacts: ids.len() as u64,
        activities: made,
    })
}
