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

pub const DEMO_PASSWORD: &str = "tandem-demo";

/// What customers say when they open a ticket, and how agents first answer.
const TICKET_OPENINGS: &[&str] = &[
    "您好，今天早上开始我们所有同事都无法登录系统，提示密码错误，请尽快处理。",
    "上个月的发票抬头开错了，应为“上海启航科技有限公司”，麻烦重开。",
    "导出客户报表时一直转圈，等了十分钟也没有文件。",
    "合同快到期了，想了解续费价格和新版本的区别。",
    "上周提的问题到现在没人回复，我们很不满意。",
    "调用接口 /api/v1/customers 返回 500，附上请求时间 10:32。",
];
const TICKET_ANSWERS: &[&str] = &[
    "您好，已收到，我们正在排查登录服务，一小时内给您答复。",
    "您好，已为您提交重开申请，新发票三个工作日内寄出。",
    "您好，请问导出的数据量大约多少条？我们先帮您在后台导出。",
    "您好，续费报价已发到您的邮箱，有疑问可以随时联系我。",
    "非常抱歉让您久等了，我现在负责跟进，今天内给您结果。",
    "您好，我们已复现该问题，技术同事正在修复。",
];
const DAY: i64 = 24 * 3600 * 1000;
const HOUR: i64 = 3600 * 1000;

pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    store::has_no_users(db).await
}

pub fn print_demo_sign_ins() {
    println!("Demo sign-ins (password for all: {DEMO_PASSWORD}):");
    println!("  admin     admin@demo.tandem");
    println!("  managers  manager1@demo.tandem, manager2@demo.tandem");
    println!("  reps      rep1@demo.tandem … rep8@demo.tandem");
    println!("  agents    agent1@demo.tandem … agent4@demo.tandem");
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

pub struct DemoUsers {
    pub reps: Vec<i64>,
    pub managers: Vec<i64>,
    pub agents: Vec<i64>,
    pub admin: i64,
}

/// The demo company's people: one admin over two teams, each with a manager, four reps
/// and two agents.
/// The columns [`user_row`] fills, for [`insert_rows`].
const USER_COLUMNS: [&str; 8] = [
    "email",
    "name",
    "role",
    "team_id",
    "password_hash",
    "locale",
    "created_at",
    "updated_at",
];

/// One seeded user (zh-CN), in the order of [`USER_COLUMNS`].
fn user_row(email: String, name: String, role: &str, team: i64, hash: &str, now: i64) -> Vec<Arg> {
    vec![
        email.into(),
        name.into(),
        role.into(),
        Some(team).into(),
        hash.into(),
        "zh-CN".into(),
        now.into(),
        now.into(),
    ]
}

async fn demo_users(conn: &mut AnyConnection, now: i64) -> Result<DemoUsers, sqlx::Error> {
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let root = insert_rows(
        conn,
        "teams",
        &["name", "parent_id", "created_at", "updated_at"],
        vec![vec![
            "Tandem 演示公司".into(),
            Arg::Int(None),
            now.into(),
            now.into(),
        ]],
    )
    .await?[0];
    let mut teams = Vec::new();
    for name in ["华东销售部", "华南销售部"] {
        teams.push(
            insert_rows(
                conn,
                "teams",
                &["name", "parent_id", "created_at", "updated_at"],
                vec![vec![name.into(), Some(root).into(), now.into(), now.into()]],
            )
            .await?[0],
        );
    }
    let user = |email: String, name: String, role: &str, team: i64| {
        user_row(email, name, role, team, &hash, now)
    };
    let admin = insert_rows(
        conn,
        "users",
        &USER_COLUMNS,
        vec![user(
            "admin@demo.tandem".into(),
            "系统管理员 Admin".into(),
            "admin",
            root,
        )],
    )
    .await?[0];
    let manager_names = ["周经理 Zhou", "林经理 Lin"];
    let rep_names = [
        "王伟 Wang Wei",
        "李娜 Li Na",
        "张磊 Zhang Lei",
        "刘洋 Liu Yang",
        "陈静 Chen Jing",
        "杨勇 Yang Yong",
        "黄敏 Huang Min",
        "赵杰 Zhao Jie",
    ];
    let agent_names = [
        "吴芳 Wu Fang",
        "孙涛 Sun Tao",
        "马慧 Ma Hui",
        "朱明 Zhu Ming",
    ];
    let mut managers = Vec::new();
    let mut reps = Vec::new();
    let mut agents = Vec::new();
    for (t, team) in teams.iter().enumerate() {
        managers.extend(
            insert_rows(
                conn,
                "users",
                &USER_COLUMNS,
                vec![user(
                    format!("manager{}@demo.tandem", t + 1),
                    manager_names[t].into(),
                    "manager",
                    *team,
                )],
            )
            .await?,
        );
        for r in 0..4 {
            let n = t * 4 + r;
            reps.extend(
                insert_rows(
                    conn,
                    "users",
                    &USER_COLUMNS,
                    vec![user(
                        format!("rep{}@demo.tandem", n + 1),
                        rep_names[n].into(),
                        "rep",
                        *team,
                    )],
                )
                .await?,
            );
        }
        for a in 0..2 {
            let n = t * 2 + a;
            agents.extend(
                insert_rows(
                    conn,
                    "users",
                    &USER_COLUMNS,
                    vec![user(
                        format!("agent{}@demo.tandem", n + 1),
                        agent_names[n].into(),
                        "agent",
                        *team,
                    )],
                )
                .await?,
            );
        }
    }
    Ok(DemoUsers {
        reps,
        managers,
        agents,
        admin,
    })
}

/// `n` more reps, `user1@load.tandem` … (password [`DEMO_PASSWORD`]), spread round robin
/// over the teams that have a manager, so each manager can assign them work. Needs the
/// demo company (or any teams with managers); returns how many were made.
pub async fn load_users(db: &Db, n: u64) -> Result<u64, sqlx::Error> {
    let teams = store::teams_with_a_manager(db).await?;
    if teams.is_empty() {
        return Err(sqlx::Error::Protocol(
            "no team has a manager yet: seed --demo first".into(),
        ));
    }
    // One hash for all: each still verifies on sign-in like any other.
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let now = Utc::now().timestamp_millis();
    let mut tx = db.begin().await?;
    let mut made = 0;
    let ids: Vec<u64> = (1..=n).collect();
    for chunk in ids.chunks(100) {
        let rows = chunk
            .iter()
            .map(|i| {
                let team = teams[(*i as usize) % teams.len()];
                user_row(
                    format!("user{i}@load.tandem"),
                    format!("压测销售 Load rep {i}"),
                    "rep",
                    team,
                    &hash,
                    now,
                )
            })
            .collect();
        made += insert_rows(&mut tx, "users", &USER_COLUMNS, rows)
            .await?
            .len() as u64;
    }
    tx.commit().await?;
    Ok(made)
}

/// The demo company and its book of business: 500 customers with contacts, leads in every
/// state, opportunities in every stage, 180 days of activities, tasks, tickets, contracts;
/// some customers in the public pool.
pub async fn demo(db: &Db) -> Result<(), sqlx::Error> {
    let mut rng = StdRng::seed_from_u64(20261122);
    let now = Utc::now().timestamp_millis();
    let mut tx = db.begin().await?;
    let conn: &mut AnyConnection = &mut tx;
    let users = demo_users(conn, now).await?;
    let rep_team_manager = |rep: i64| -> i64 {
        let idx = users.reps.iter().position(|r| *r == rep).unwrap_or(0);
        users.managers[idx / 4]
    };

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
        ]);
    }
    for chunk in activity_rows.chunks(300) {
        insert_rows(
            conn,
            "activities",
            &[
                "customer_id",
                "kind",
                "summary",
                "occurred_at",
                "user_id",
                "created_at",
            ],
            chunk.to_vec(),
        )
        .await?;
    }
    store::fill_last_contact(&mut *conn, false).await?;

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
        let (name, industry) = company_name(&mut rng);
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
                person_name(&mut rng).into(),
                name.into(),
                mobile(&mut rng).into(),
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
                    Some(rep_team_manager(*owner)).into(),
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
                    Some(rep_team_manager(*rep)).into(),
                    customer.into(),
                    now.into(),
                    now.into(),
                ]],
            )
            .await?;
        }
    }

    // Tickets with SLA clocks (first response / resolution targets by priority).
    let priorities = [
        ("urgent", 2, 8),
        ("high", 4, 24),
        ("normal", 24, 72),
        ("low", 48, 120),
    ];
    let ticket_statuses = ["new", "open", "open", "pending", "resolved", "closed"];
    let subjects = [
        "无法登录系统",
        "发票抬头错误",
        "数据导出失败",
        "咨询续费价格",
        "对服务响应慢不满",
        "接口调用报错",
        "账号权限问题",
        "培训安排咨询",
    ];
    let categories = [
        "technical",
        "billing",
        "technical",
        "inquiry",
        "complaint",
        "technical",
        "technical",
        "inquiry",
    ];
    for i in 0..80usize {
        let (priority, first_h, resolve_h) = priorities[i % priorities.len()];
        let status = ticket_statuses[i % ticket_statuses.len()];
        let created = now - rng.gen_range(1..72) * HOUR;
        let assignee = if i % 5 == 4 {
            None
        } else {
            Some(users.agents[i % users.agents.len()])
        };
        let (cid, _) = customers[rng.gen_range(0..customers.len())];
        let responded = (status != "new").then_some(created + HOUR);
        let resolved = matches!(status, "resolved" | "closed").then_some(created + 5 * HOUR);
        let ids = insert_rows(
            conn,
            "tickets",
            &[
                "customer_id",
                "subject",
                "channel",
                "category",
                "priority",
                "status",
                "assignee_id",
                "first_response_due_at",
                "resolution_due_at",
                "first_responded_at",
                "resolved_at",
                "csat",
                "created_at",
                "updated_at",
            ],
            vec![vec![
                Some(cid).into(),
                subjects[i % subjects.len()].into(),
                ["phone", "email", "web", "chat"][i % 4].into(),
                categories[i % categories.len()].into(),
                priority.into(),
                status.into(),
                assignee.into(),
                Some(created + first_h * HOUR).into(),
                // The resolution clock stands still while pending: no due time then.
                (status != "pending")
                    .then_some(created + resolve_h * HOUR)
                    .into(),
                responded.into(),
                resolved.into(),
                resolved.map(|_| rng.gen_range(1..=5)).into(),
                created.into(),
                now.into(),
            ]],
        )
        .await?;
        // The conversation: what the customer said, the agent's answer, a note between
        // colleagues; and the spans the resolution clock stood still.
        let ticket = ids[0];
        let agent = assignee.unwrap_or(users.agents[0]);
        let mut messages = vec![vec![
            ticket.into(),
            None::<i64>.into(),
            TICKET_OPENINGS[i % TICKET_OPENINGS.len()].into(),
            false.into(),
            created.into(),
        ]];
        if let Some(at) = responded {
            messages.push(vec![
                ticket.into(),
                Some(agent).into(),
                TICKET_ANSWERS[i % TICKET_ANSWERS.len()].into(),
                false.into(),
                at.into(),
            ]);
            messages.push(vec![
                ticket.into(),
                Some(agent).into(),
                "已核对客户合同与服务等级，按优先级处理。".into(),
                true.into(),
                (at + 10 * 60 * 1000).into(),
            ]);
        }
        insert_rows(
            conn,
            "ticket_messages",
            &["ticket_id", "author_id", "body", "internal", "created_at"],
            messages,
        )
        .await?;
        let paused = match status {
            "pending" => Some(created + 2 * HOUR),
            "resolved" | "closed" => resolved,
            _ => None,
        };
        if let Some(at) = paused {
            insert_rows(
                conn,
                "ticket_pauses",
                &["ticket_id", "paused_at"],
                vec![vec![ticket.into(), at.into()]],
            )
            .await?;
        }
    }
    app::ssr::store::pool::refresh_reclaim(&mut tx, None, &app::domain::pool::PoolRules::default())
        .await?;
    reindex_all(&mut tx, db.backend).await?;
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
                    ]
                })
                .collect();
            insert_rows(
                &mut tx,
                "activities",
                &[
                    "customer_id",
                    "kind",
                    "summary",
                    "occurred_at",
                    "user_id",
                    "created_at",
                ],
                rows,
            )
            .await?;
            made += n as u64;
        }
        tx.commit().await?;
        tracing::info!(made, activities, "activities seeded");
    }
    if made > 0 {
        let mut conn = db.write.acquire().await?;
        store::fill_last_contact(&mut conn, true).await?;
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
