//! The demo company's people (two sales teams with their managers, agents, an admin) and
//! the extra reps load tests sign in as.
use super::*;

pub fn print_demo_sign_ins() {
    println!("Demo sign-ins (password for all: {DEMO_PASSWORD}):");
    println!("  admin     admin@demo.tandem");
    println!("  managers  manager1@demo.tandem, manager2@demo.tandem");
    println!("  reps      rep1@demo.tandem … rep8@demo.tandem");
    println!("  agents    agent1@demo.tandem … agent4@demo.tandem");
}

pub struct DemoUsers {
    pub reps: Vec<i64>,
    pub managers: Vec<i64>,
    pub agents: Vec<i64>,
    /// The team of each agent, in the order of `agents`.
    pub agent_teams: Vec<i64>,
    pub admin: i64,
}

impl DemoUsers {
    /// The manager of a demo rep's team (four reps a team).
    pub fn manager_of(&self, rep: i64) -> i64 {
        let idx = self.reps.iter().position(|r| *r == rep).unwrap_or(0);
        self.managers[idx / 4]
    }
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

pub(super) async fn demo_users(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<DemoUsers, sqlx::Error> {
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
    let mut agent_teams = Vec::new();
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
            agent_teams.push(*team);
        }
    }
    Ok(DemoUsers {
        reps,
        managers,
        agents,
        agent_teams,
        admin,
    })
}

/// `n` more reps, `user1@load.tandem` … (password [`DEMO_PASSWORD`]), spread round robin
/// over the teams that have a manager, so each manager can assign them work. Needs the
/// demo company (or any teams with managers); returns how many were made.
pub async fn load_users(db: &Db, n: u64) -> Result<u64, sqlx::Error> {
    load_people(db, n, "rep").await
}

/// `n` more agents, `agent1@load.tandem` …, spread over the teams like [`load_users`].
pub async fn load_agents(db: &Db, n: u64) -> Result<u64, sqlx::Error> {
    load_people(db, n, "agent").await
}

/// `n` more managers, `manager1@load.tandem` …, spread over the teams like
/// [`load_users`]: each sees their team's figures on the dashboard.
pub async fn load_managers(db: &Db, n: u64) -> Result<u64, sqlx::Error> {
    load_people(db, n, "manager").await
}

async fn load_people(db: &Db, n: u64, role: &str) -> Result<u64, sqlx::Error> {
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
                let (email, name) = match role {
                    "agent" => (
                        format!("agent{i}@load.tandem"),
                        format!("压测客服 Load agent {i}"),
                    ),
                    "manager" => (
                        format!("manager{i}@load.tandem"),
                        format!("压测经理 Load manager {i}"),
                    ),
                    _ => (
                        format!("user{i}@load.tandem"),
                        format!("压测销售 Load rep {i}"),
                    ),
                };
                user_row(email, name, role, team, &hash, now)
            })
            .collect();
        made += insert_rows(&mut tx, "users", &USER_COLUMNS, rows)
            .await?
            .len() as u64;
    }
    tx.commit().await?;
    Ok(made)
}
