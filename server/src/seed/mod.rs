//! Demo data and large deterministic data sets. Everything comes from a seeded random
//! generator, so the same command makes the same book of business (times are relative to
//! the moment of seeding).
use app::ssr::auth::hash_password;
use app::ssr::store::db::{Arg, Db};
use app::ssr::store::seed as store;
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;
use store::insert_rows;

/// The columns of a seeded follow-up, in the order its rows list them.
const ACTIVITY_COLUMNS: &[&str] = &[
    "customer_id",
    "kind",
    "summary",
    "occurred_at",
    "user_id",
    "created_at",
    "next_follow_up_at",
];

/// The follow-up a rep plans when logging an activity at `at`: most plan one, one to
/// fourteen days later (so the follow-up compliance KPI has planned follow-ups to judge).
fn planned_follow_up(rng: &mut impl rand::Rng, at: i64) -> Option<i64> {
    rng.gen_bool(0.6)
        .then(|| at + rng.gen_range(24..14 * 24) * 3_600_000)
}

mod articles;
mod bulk;
mod bulk_contracts;
mod bulk_deals;
mod bulk_tickets;
mod deals;
mod leads;
mod people;
mod tickets;

pub use bulk::{bulk, BulkStats};
pub use bulk_contracts::bulk_contracts;
pub use bulk_deals::bulk_deals;
pub use bulk_tickets::{bulk_tickets, TicketStats, OPEN_TICKETS};
use people::demo_users;
pub use people::{load_agents, load_managers, load_users, print_demo_sign_ins, DemoUsers};

pub const DEMO_PASSWORD: &str = "tandem-demo";

const DAY: i64 = 24 * 3600 * 1000;
const HOUR: i64 = 3600 * 1000;

/// After a bulk load: gathers the query planner's statistics, works the KPI roll-ups out
/// from the records written past them, and gathers the statistics of the roll-ups. The
/// rebuild's reads are planned on the first statistics: without them PostgreSQL searched
/// every won deal once for each customer to find the customers' first purchases (hours
/// at 10^6 deals, 3 s with them).
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    store::analyze(db).await?;
    let mut tx = db.begin().await?;
    app::ssr::store::kpi_rollups::rebuild(&mut tx).await?;
    tx.commit().await?;
    store::analyze(db).await
}

pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    store::has_no_users(db).await
}

const CITIES: [&str; 24] = [
    "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津",
    "青岛", "厦门", "宁波", "长沙", "郑州", "合肥", "济南", "大连", "沈阳", "昆明", "福州", "无锡",
];
const WORDS: [&str; 40] = [
    "恒远", "华信", "瑞丰", "天成", "中科", "博远", "鼎盛", "星辰", "启明", "锦程", "联创", "汇通",
    "永泰", "宏达", "新航", "金桥", "云帆", "海纳", "腾跃", "智联", "安泰", "嘉和", "德润", "方圆",
    "卓越", "众诚", "明德", "长城", "東方", "蓝海", "凯胜", "同舟", "正本", "立信", "远景", "睿思",
    "晨光", "和泰", "盛世", "宇航",
];
const INDUSTRIES: [(&str, &str); 10] = [
    ("制造", "科技"),
    ("零售", "商贸"),
    ("医疗", "医疗器械"),
    ("教育", "教育科技"),
    ("金融", "投资"),
    ("物流", "物流"),
    ("软件", "软件"),
    ("能源", "能源"),
    ("建筑", "建设"),
    ("餐饮", "餐饮管理"),
];
const REGIONS: [&str; 6] = ["华东", "华南", "华北", "华中", "西南", "东北"];
const SOURCES: [&str; 6] = ["web_form", "event", "referral", "import", "api", "trial"];
const SIZES: [&str; 4] = ["1-49", "50-199", "200-999", "1000+"];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "慧", "建国", "晓东",
];
const TITLES: [&str; 8] = [
    "总经理",
    "采购经理",
    "IT 总监",
    "财务总监",
    "运营经理",
    "董事长",
    "技术负责人",
    "行政主管",
];
const SUMMARIES: [&str; 10] = [
    "电话沟通需求,客户关注价格",
    "上门拜访,演示产品",
    "发送报价单",
    "微信跟进方案细节",
    "约定下周再访",
    "客户内部评审中",
    "讨论合同条款",
    "技术交流会",
    "确认预算范围",
    "回访使用情况",
];
const KINDS: [&str; 6] = ["call", "visit", "email", "meeting", "wechat", "note"];
const STAGES: [(&str, i64); 6] = [
    ("initial", 10),
    ("needs", 25),
    ("proposal", 50),
    ("negotiation", 75),
    ("won", 100),
    ("lost", 0),
];

fn company_name(rng: &mut StdRng) -> (String, &'static str) {
    let (industry, suffix) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
    let name = format!(
        "{}{}{}{}有限公司",
        CITIES[rng.gen_range(0..CITIES.len())],
        WORDS[rng.gen_range(0..WORDS.len())],
        WORDS[rng.gen_range(0..WORDS.len())],
        suffix
    );
    (name, industry)
}

fn person_name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    )
}

fn mobile(rng: &mut StdRng) -> String {
    let prefixes = [
        "138", "139", "135", "136", "150", "151", "186", "187", "177", "199",
    ];
    format!(
        "+86{}{:08}",
        prefixes[rng.gen_range(0..prefixes.len())],
        rng.gen_range(0..100_000_000u32)
    )
}

fn level(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..100) {
        0..=14 => "A",
        15..=49 => "B",
        _ => "C",
    }
}

/// The demo company and its book of business: 500 customers with contacts, leads in every
/// state, opportunities in every stage, 180 days of activities, tasks, tickets, contracts;
/// some customers in the public pool. Everything is dated around `now` (milliseconds):
/// the server's clock, so a server whose time is not the wall's (a test's) finds its demo
/// company as overdue, due and fresh as one started today.
pub async fn demo(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    let mut rng = StdRng::seed_from_u64(20261122);
    let mut tx = db.begin().await?;
    let conn: &mut AnyConnection = &mut tx;
    let users = demo_users(conn, now).await?;

    // Customers: ~10% in the public pool; follow-ups spread from 5 days overdue to 3 weeks out.
    let mut customers: Vec<(i64, Option<i64>)> = Vec::new();
    for chunk in 0..5 {
        let mut rows = Vec::new();
        let mut owners = Vec::new();
        for i in 0..100 {
            let n = chunk * 100 + i;
            let (name, industry) = company_name(&mut rng);
            let owner = if n % 10 == 9 {
                None
            } else {
                Some(users.reps[n % users.reps.len()])
            };
            let created = now - rng.gen_range(30..400) * DAY;
            let follow = owner.map(|_| now + rng.gen_range(-5 * 24..21 * 24) * HOUR);
            let status = match rng.gen_range(0..100) {
                0..=59 => "prospect",
                60..=94 => "active",
                _ => "churned",
            };
            let tags = match rng.gen_range(0..4) {
                0 => "[\"重点\"]",
                1 => "[\"续约\"]",
                2 => "[\"新客户\",\"重点\"]",
                _ => "[]",
            };
            rows.push(vec![
                name.clone().into(),
                app::domain::validate::normalize_company(&name).into(),
                app::ssr::store::customers::name_key(&name).into(),
                industry.into(),
                REGIONS[rng.gen_range(0..REGIONS.len())].into(),
                SIZES[rng.gen_range(0..SIZES.len())].into(),
                SOURCES[rng.gen_range(0..SOURCES.len())].into(),
                level(&mut rng).into(),
                status.into(),
                // Marked churned 5 to 154 days ago (no draw: the demo stays as it was).
                (status == "churned")
                    .then(|| now - (n as i64 % 150 + 5) * DAY)
                    .into(),
                tags.into(),
                owner.into(),
                // Claimed 20–85 days ago: inside the 90-day "won deal" window.
                owner.map(|_| now - rng.gen_range(20..85) * DAY).into(),
                if owner.is_none() {
                    Some(now - 10 * DAY)
                } else {
                    None
                }
                .into(),
                follow.into(),
                Some(rng.gen_range(35..95)).into(),
                created.into(),
                now.into(),
                Some(users.admin).into(),
            ]);
            owners.push(owner);
        }
        let ids = insert_rows(
            conn,
            "customers",
            &[
                "name",
                "name_norm",
                "name_key",
                "industry",
                "region",
                "size",
                "source",
                "level",
                "status",
                "churned_at",
                "tags",
                "owner_id",
                "claimed_at",
                "pool_entered_at",
                "next_follow_up_at",
                "health_score",
                "created_at",
                "updated_at",
                "created_by",
            ],
            rows,
        )
        .await?;
        customers.extend(ids.into_iter().zip(owners));
    }
    // The first customer of each rep is due within the hour, so "Today" always has work.
    for rep in &users.reps {
        if let Some((id, _)) = customers.iter().find(|(_, o)| *o == Some(*rep)) {
            store::set_next_follow_up(&mut *conn, *id, now - 2 * HOUR).await?;
        }
    }

    // Contacts: one to three per customer.
    let mut contact_rows = Vec::new();
    for (cid, _) in &customers {
        for k in 0..rng.gen_range(1..=3) {
            contact_rows.push(vec![
                (*cid).into(),
                person_name(&mut rng).into(),
                TITLES[rng.gen_range(0..TITLES.len())].into(),
                mobile(&mut rng).into(),
                format!("c{}.{}@example.cn", cid, k + 1).into(),
                format!("wx_{cid}_{k}").into(),
                (k == 0).into(),
                true.into(),
                now.into(),
                now.into(),
            ]);
        }
    }
    for chunk in contact_rows.chunks(200) {
        insert_rows(
            conn,
            "contacts",
            &[
                "customer_id",
                "name",
                "title",
                "phone",
                "email",
                "wechat",
                "decision_maker",
                "consent",
                "created_at",
                "updated_at",
            ],
            chunk.to_vec(),
        )
        .await?;
    }

    // Activities over the last 180 days by the owners.
    let owned: Vec<(i64, i64)> = customers
        .iter()
        .filter_map(|(c, o)| o.map(|o| (*c, o)))
        .collect();
    let mut activity_rows = Vec::new();
    // Its own sequence, so the rest of the demo stays as it was.
    let mut plans = StdRng::seed_from_u64(20261205);
    // A looked-after book: every owned customer was contacted recently, a few nearly 30
    // days ago (they show as "about to return to the pool").
    for (i, (cid, owner)) in owned.iter().enumerate() {
        let at = if i % 20 == 7 {
            now - rng.gen_range(27 * 24..29 * 24) * HOUR
        } else {
            now - rng.gen_range(1..26 * 24) * HOUR
        };
        activity_rows.push(vec![
            (*cid).into(),
            KINDS[rng.gen_range(0..KINDS.len())].into(),
            SUMMARIES[rng.gen_range(0..SUMMARIES.len())].into(),
            at.into(),
            (*owner).into(),
            at.into(),
            planned_follow_up(&mut plans, at).into(),
        ]);
    }
    for _ in 0..3000 {
        let (cid, owner) = owned[rng.gen_range(0..owned.len())];
        let at = now - rng.gen_range(1..180 * 24) * HOUR;
        activity_rows.push(vec![
            cid.into(),
            KINDS[rng.gen_range(0..KINDS.len())].into(),
            SUMMARIES[rng.gen_range(0..SUMMARIES.len())].into(),
            at.into(),
            owner.into(),
            at.into(),
            planned_follow_up(&mut plans, at).into(),
        ]);
    }
    for chunk in activity_rows.chunks(300) {
        insert_rows(conn, "activities", ACTIVITY_COLUMNS, chunk.to_vec()).await?;
    }
    store::fill_last_contact(&mut *conn, false).await?;
    app::ssr::store::activities::fill_followed_up(&mut *conn).await?;

    leads::demo_leads(conn, &mut rng, now, &users).await?;
    deals::demo_deals(conn, &mut rng, now, &users, &owned).await?;

    // Tasks around today for every rep.
    for (i, rep) in users.reps.iter().enumerate() {
        for (j, (title, due)) in [
            ("准备报价单", now + 3 * HOUR),
            ("提交拜访总结", now - 5 * HOUR),
            ("确认合同细节", now + 2 * DAY),
        ]
        .iter()
        .enumerate()
        {
            let customer = owned
                .iter()
                .filter(|(_, o)| o == rep)
                .nth(j)
                .map(|(c, _)| *c);
            insert_rows(
                conn,
                "tasks",
                &[
                    "title",
                    "due_at",
                    "assignee_id",
                    "creator_id",
                    "customer_id",
                    "created_at",
                    "updated_at",
                ],
                vec![vec![
                    (*title).into(),
                    Some(*due + i as i64 * 60_000).into(),
                    (*rep).into(),
                    Some(users.manager_of(*rep)).into(),
                    customer.into(),
                    now.into(),
                    now.into(),
                ]],
            )
            .await?;
        }
    }

    tickets::demo_tickets(conn, &mut rng, now, &users, &customers).await?;
    tickets::demo_troubled_customer(conn, now, &users, &customers).await?;
    articles::demo_articles(conn, db.backend, now, &users).await?;
    app::ssr::store::pool::refresh_reclaim(&mut tx, None, &app::domain::pool::PoolRules::default())
        .await?;
    reindex_all(&mut tx, db.backend).await?;
    // Every demo customer's health, as the engine keeps it from now on.
    let weights = app::domain::health::HealthWeights::default();
    for id in store::live_customers(&mut tx).await? {
        app::ssr::services::health::recompute(&mut tx, id, now, &weights).await?;
    }
    // The rows written directly above are in no KPI roll-up yet.
    app::ssr::store::kpi_rollups::rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Rebuilds the full-text entries of every customer (after the demo seed).
async fn reindex_all(
    conn: &mut AnyConnection,
    backend: app::ssr::store::db::Backend,
) -> Result<(), sqlx::Error> {
    let ids = store::live_customers(&mut *conn).await?;
    for id in ids {
        app::ssr::store::search::reindex_customer(conn, backend, id).await?;
    }
    Ok(())
}
