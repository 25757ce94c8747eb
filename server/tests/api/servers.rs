//! Real servers the tests start and stop: an SMTP server (aiosmtpd) and the TLS
//! certificates a server of our own presents. The IMAP server is in `dovecot.rs`.
use crate::helpers::{free_port, spawn_app_with, unique_name, Backend, TestApp};

/// A real SMTP server for the mail tests: Python's aiosmtpd, storing what it receives
/// in a Maildir, started on `port` and stopped when dropped. Its Python comes from
/// `TANDEM_TEST_PYTHON`, else the virtualenv `scripts/test` makes in `target/py`.
pub struct SmtpSink {
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl SmtpSink {
    pub async fn start(port: u16) -> SmtpSink {
        let python = std::env::var("TANDEM_TEST_PYTHON")
            .unwrap_or_else(|_| format!("{}/../target/py/bin/python", env!("CARGO_MANIFEST_DIR")));
        let dir = std::env::temp_dir().join(format!("{}_maildir", unique_name()));
        let child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start aiosmtpd with {python} ({e}); ./scripts/test installs it")
            });
        let sink = SmtpSink { child, dir };
        // Ready when it accepts a connection (it prints nothing we could wait for).
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    /// Every message it has received, raw.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read(e.path()).ok())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Tandem sending its mail through the SMTP server on `port` as support@desk.example.
pub async fn spawn_app_mailing_to(backend: Backend, port: u16) -> TestApp {
    spawn_app_with(backend, |c| server::config::Config {
        mail: Some(server::config::MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "Tandem Support <support@desk.example>".into(),
        }),
        ..c
    })
    .await
}

/// A real SMTP server and Tandem sending its mail through it.
pub async fn spawn_app_with_smtp(backend: Backend) -> (SmtpSink, TestApp) {
    let port = free_port();
    let smtp = SmtpSink::start(port).await;
    (smtp, spawn_app_mailing_to(backend, port).await)
}

/// Runs a command quietly; whether it succeeded.
pub fn run(cmd: &mut std::process::Command) -> bool {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes a CA and a server certificate for the names in `san` (`DNS:localhost`,
/// `IP:127.0.0.1`), and a second, unrelated CA, in `dir`: ca.pem, server.crt, server.key,
/// other-ca.pem.
pub fn make_certs(dir: &std::path::Path, san: &str) -> bool {
    let d = |f: &str| dir.join(f).to_string_lossy().to_string();
    let ext = dir.join("san.ext");
    std::fs::write(
        &ext,
        format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\n"),
    )
    .is_ok()
        && ["ca", "other-ca"].iter().all(|ca| {
            run(std::process::Command::new("openssl").args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &format!("/CN=Tandem test {ca}"),
                "-keyout",
                &d(&format!("{ca}.key")),
                "-out",
                &d(&format!("{ca}.pem")),
            ]))
        })
        && run(std::process::Command::new("openssl").args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &d("server.key"),
            "-out",
            &d("server.csr"),
        ]))
        && run(std::process::Command::new("openssl").args([
            "x509",
            "-req",
            "-in",
            &d("server.csr"),
            "-CA",
            &d("ca.pem"),
            "-CAkey",
            &d("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &ext.to_string_lossy(),
            "-out",
            &d("server.crt"),
        ]))
}
