//! PostgreSQL over TLS, against real servers: the machine's PostgreSQL with
//! `sslmode=require`, and a throwaway PostgreSQL this test starts with a certificate
//! authority it makes, for `sslmode=verify-full` (right CA and host: connects; another
//! CA, or a host the certificate does not name: refused).
use crate::helpers::{free_port, make_certs, run};
use app::ssr::store::db::Db;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// 1 when the connection the pool hands out is encrypted.
async fn encrypted(db: &Db) -> i64 {
    sqlx::query_scalar::<_, i64>(
        "SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    )
    .fetch_one(&db.read)
    .await
    .expect("pg_stat_ssl")
}

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

#[tokio::test]
async fn sslmode_require_encrypts_the_connection() {
    let Ok(admin) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL");
        return;
    };
    let db = Db::connect(&with_param(&admin, "sslmode=require"))
        .await
        .expect("connect with sslmode=require");
    assert_eq!(encrypted(&db).await, 1);
    let plain = Db::connect(&with_param(&admin, "sslmode=disable"))
        .await
        .unwrap();
    assert_eq!(encrypted(&plain).await, 0, "the check itself can fail");
}

/// A PostgreSQL of our own, serving TLS with a certificate for `localhost` signed by a CA
/// made here; stopped and removed when dropped.
struct TlsPostgres {
    dir: PathBuf,
    port: u16,
    child: Child,
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

/// None when this machine cannot run one (no PostgreSQL binaries, no openssl, not root).
fn start_tls_postgres() -> Option<TlsPostgres> {
    let bin = postgres_bin()?;
    let dir = std::env::temp_dir().join(format!("tandem-tls-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    let data = dir.join("data");
    if !make_certs(&dir, "DNS:localhost") {
        return None;
    }
    // PostgreSQL refuses to run as root: the files and the server belong to `postgres`.
    let as_postgres = |program: &Path| {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    };
    if !run(Command::new("chmod")
        .arg("0600")
        .arg(dir.join("server.key")))
        || !run(Command::new("chown").args(["-R", "postgres"]).arg(&dir))
        || !run(Command::new("chmod").arg("0700").arg(&dir))
        || !run(as_postgres(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&data))
    {
        let _ = std::fs::remove_dir_all(&dir);
        return None;
    }
    let _ = std::fs::write(
        data.join("pg_hba.conf"),
        "hostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\nlocal all all trust\n",
    );
    let _ = run(Command::new("chown").args(["-R", "postgres"]).arg(&dir));
    let port = free_port();
    let child = as_postgres(&bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "ssl=on",
        ])
        .arg("-c")
        .arg(format!(
            "ssl_cert_file={}",
            dir.join("server.crt").display()
        ))
        .arg("-c")
        .arg(format!("ssl_key_file={}", dir.join("server.key").display()))
        .arg("-c")
        .arg(format!("unix_socket_directories={}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = TlsPostgres { dir, port, child };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(server);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

#[tokio::test]
async fn sslmode_verify_full_checks_the_certificate_and_the_host() {
    if std::env::var("TANDEM_TEST_POSTGRES_URL").is_err() {
        eprintln!("skipped: set TANDEM_TEST_POSTGRES_URL (a PostgreSQL is installed)");
        return;
    }
    let Some(pg) = start_tls_postgres() else {
        // CI runs as root with PostgreSQL and openssl present; this must not pass silently.
        assert!(
            std::env::var("CI").is_err(),
            "could not start a TLS PostgreSQL (PostgreSQL binaries, openssl, runuser as root)"
        );
        eprintln!("skipped: cannot start a throwaway PostgreSQL here");
        return;
    };
    let url = |host: &str, ca: &str| {
        format!(
            "postgres://postgres@{host}:{}/postgres?sslmode=verify-full&sslrootcert={}",
            pg.port,
            pg.dir.join(ca).display()
        )
    };
    let db = Db::connect(&url("localhost", "ca.pem"))
        .await
        .expect("verify-full with the right CA and host");
    assert_eq!(encrypted(&db).await, 1);
    db.close().await;
    assert!(
        Db::connect(&url("localhost", "other-ca.pem"))
            .await
            .is_err(),
        "a certificate from another CA was accepted"
    );
    assert!(
        Db::connect(&url("127.0.0.1", "ca.pem")).await.is_err(),
        "a certificate for another host was accepted"
    );
}
