use app::ssr::clock::ManualClock;
use chrono::{TimeZone, Utc};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::config::Config;
use server::{Application, ServerState};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL as well when `TANDEM_TEST_POSTGRES_URL` names a server.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var("TANDEM_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        b.push(Backend::Postgres);
    }
    b
}

/// Drops the test's database when the test ends, even if it panicked.
pub struct DbGuard {
    backend: Backend,
    name: String,
    admin_url: String,
    dir: Option<std::path::PathBuf>,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                if let Some(dir) = &self.dir {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            Backend::Postgres => {
                let name = self.name.clone();
                let admin = self.admin_url.clone();
                // Drop runs inside the test's runtime: use a fresh one on another thread.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async move {
                        use sqlx::Connection;
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .execute(&mut conn)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    /// The test database, for the command-line tools.
    pub db_url: String,
    pub state: ServerState,
    pub clock: ManualClock,
    pub backend: Backend,
    _guard: DbGuard,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub fn unique_name() -> String {
    use rand::Rng;
    format!(
        "tandem_test_{}_{:08x}",
        std::process::id(),
        rand::thread_rng().gen::<u32>()
    )
}

/// The clock every test starts at: a fixed Sunday afternoon in Beijing.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Starts Tandem with a fresh database holding the demo company.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn(backend, true).await
}

/// Starts Tandem with an empty, migrated database.
pub async fn spawn_empty_app(backend: Backend) -> TestApp {
    spawn(backend, false).await
}

/// Starts Tandem with the demo company and a configuration changed by `configure`.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(Config) -> Config) -> TestApp {
    spawn_configured(backend, true, configure).await
}

async fn spawn(backend: Backend, demo: bool) -> TestApp {
    spawn_configured(backend, demo, |c| c).await
}

async fn spawn_configured(
    backend: Backend,
    demo: bool,
    configure: impl FnOnce(Config) -> Config,
) -> TestApp {
    let name = unique_name();
    let (url, guard) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}/tandem.db", dir.display());
            (
                url,
                DbGuard {
                    backend,
                    name,
                    admin_url: String::new(),
                    dir: Some(dir),
                },
            )
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let admin =
                std::env::var("TANDEM_TEST_POSTGRES_URL").expect("TANDEM_TEST_POSTGRES_URL");
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to TANDEM_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            (
                format!("{base}/{name}"),
                DbGuard {
                    backend,
                    name,
                    admin_url: admin,
                    dir: None,
                },
            )
        }
    };
    let db = server::db::connect(&url)
        .await
        .expect("connect test database");
    server::db::migrate(&db)
        .await
        .expect("migrate test database");
    if demo {
        server::seed::demo(&db, start_time().timestamp_millis())
            .await
            .expect("seed demo data");
    }
    let clock = ManualClock::new(start_time());
    let config = configure(Config::new(
        url.clone(),
        "127.0.0.1:0".parse().expect("addr"),
    ));
    let app = Application::build(config, db, Arc::new(clock.clone()))
        .await
        .expect("build app");
    let (addr, state, handle) = app.spawn();
    TestApp {
        base: format!("http://{addr}"),
        db_url: url,
        state,
        clock,
        backend,
        _guard: guard,
        handle,
    }
}

pub const PASSWORD: &str = "tandem-demo";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // A stalled response fails the test instead of hanging the suite.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client")
    }

    /// A client signed in as `email`.
    pub async fn login(&self, email: &str) -> Client {
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "login as {email} on {:?}",
            self.backend
        );
        c
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        let mut sql = app::ssr::store::db::Sql::new("SELECT id FROM users WHERE email = ");
        sql.bind(email);
        sql.query_scalar::<i64>()
            .fetch_one(&self.state.app.db.read)
            .await
            .expect("user id")
    }

    /// Some live customer owned by this user.
    pub async fn customer_of(&self, email: &str) -> i64 {
        let owner = self.user_id(email).await;
        let mut sql = app::ssr::store::db::Sql::new(
            "SELECT MIN(id) FROM customers WHERE deleted_at IS NULL AND owner_id = ",
        );
        sql.bind(owner);
        sql.query_scalar::<i64>()
            .fetch_one(&self.state.app.db.read)
            .await
            .expect("customer")
    }

    pub async fn pool_customer(&self) -> i64 {
        sqlx::query_scalar::<_, i64>(
            "SELECT MIN(id) FROM customers WHERE deleted_at IS NULL AND owner_id IS NULL",
        )
        .fetch_one(&self.state.app.db.read)
        .await
        .expect("pool customer")
    }

    pub async fn contact_of(&self, customer_id: i64) -> i64 {
        let mut sql = app::ssr::store::db::Sql::new(
            "SELECT MIN(id) FROM contacts WHERE deleted_at IS NULL AND customer_id = ",
        );
        sql.bind(customer_id);
        sql.query_scalar::<i64>()
            .fetch_one(&self.state.app.db.read)
            .await
            .expect("contact")
    }

    /// Changes the data behind Tandem's back (to set a scene the demo data does not have).
    /// Runs a statement past the application (as a bulk load would), then works the KPI
    /// roll-ups out again from the records, as `tandem seed` does after one.
    pub async fn exec(&self, sql_text: &str) {
        sqlx::query(sql_text)
            .execute(&self.state.app.db.write)
            .await
            .expect("exec");
        let mut tx = self.state.app.db.begin().await.unwrap();
        app::ssr::store::kpi_rollups::rebuild(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn count(&self, sql_text: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql_text)
            .fetch_one(&self.state.app.db.read)
            .await
            .expect("count")
    }
}

/// Reads a problem+json body, checking the content type.
pub async fn problem(r: Response) -> Value {
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    r.json().await.expect("problem body")
}

pub async fn json(r: Response) -> Value {
    r.json().await.expect("json body")
}

impl TestApp {
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use app::ssr::clock::Clock;
        self.clock.now()
    }
}

impl TestApp {
    /// Some open deal owned by this user.
    pub async fn open_deal_of(&self, email: &str) -> i64 {
        let owner = self.user_id(email).await;
        self.count(&format!("SELECT MIN(id) FROM opportunities WHERE deleted_at IS NULL AND stage NOT IN ('won','lost') AND owner_id = {owner}")).await
    }

    /// Some approved contract owned by this user.
    pub async fn contract_of(&self, email: &str) -> i64 {
        let owner = self.user_id(email).await;
        self.count(&format!(
            "SELECT MIN(id) FROM contracts WHERE deleted_at IS NULL AND owner_id = {owner}"
        ))
        .await
    }
}

impl TestApp {
    /// Some lead owned by this user.
    pub async fn lead_of(&self, email: &str) -> i64 {
        let owner = self.user_id(email).await;
        self.count(&format!("SELECT MIN(id) FROM leads WHERE deleted_at IS NULL AND status IN ('new','mql') AND owner_id = {owner}")).await
    }
}

/// Another instance of Tandem on the same database (its own hub, listener, dispatcher).
pub struct Instance {
    pub base: String,
    _state: ServerState,
    _handle: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn second_instance(&self) -> Instance {
        let url = self.state.app.db.url.clone();
        let db = server::db::connect(&url).await.expect("connect");
        let config = Config::new(url, "127.0.0.1:0".parse().expect("addr"));
        let app = Application::build(config, db, Arc::new(self.clock.clone()))
            .await
            .expect("build app");
        let (addr, state, handle) = app.spawn();
        Instance {
            base: format!("http://{addr}"),
            _state: state,
            _handle: handle,
        }
    }
}

/// A port nothing listens on yet.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Text as a query value: every byte but ASCII letters and digits percent-encoded.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A raw email (RFC 5322) posted to the inbound gateway as `c`.
pub async fn post_mail(app: &TestApp, c: &Client, raw: impl Into<reqwest::Body>) -> Response {
    c.post(app.url("/api/v1/inbound/email"))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap()
}

pub use crate::servers::*;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A websocket signed in as `email` that has said hello (after 0).
pub async fn signed_in_socket(app: &TestApp, email: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let mut req = format!("{}/ws", app.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket");
    say(&mut ws, serde_json::json!({"type": "hello", "after": 0})).await;
    ws
}

/// Sends a message, then waits for the answer to a ping sent after it: the server has
/// read the message when the pong comes.
pub async fn say(ws: &mut Ws, message: serde_json::Value) {
    use futures::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    ws.send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
    ws.send(Message::Text(r#"{"type":"ping"}"#.into()))
        .await
        .unwrap();
    assert!(next_of(ws, "pong", 5_000).await.is_some(), "pong");
}

/// The next message of this type within `ms` milliseconds (others are passed over).
pub async fn next_of(ws: &mut Ws, kind: &str, ms: u64) -> Option<serde_json::Value> {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                if v["type"] == kind {
                    return Some(v);
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}
