//! A real IMAP server for the mailbox tests: Debian's Dovecot (installed by `scripts/test`),
//! started in a directory of its own on a free port, serving STARTTLS with a certificate
//! for 127.0.0.1 signed by a CA made here, one mailbox (support@desk.example), and mail
//! delivered into it by Dovecot's own LDA, as an MTA would. Stopped and removed when
//! dropped.
use crate::helpers::{free_port, make_certs, run};
use app::ssr::services::mailbox::MailboxConfig;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const USER: &str = "support@desk.example";
/// Characters a URL must percent-encode (passwd-file itself cannot hold a colon).
const PASSWORD: &str = "s3cret@app/pass";

pub struct Dovecot {
    dir: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

/// None when this machine has no Dovecot (a developer's laptop); `scripts/test` installs
/// it, and under CI its absence fails the test instead.
pub async fn start() -> Option<Dovecot> {
    if !std::path::Path::new("/usr/sbin/dovecot").exists() {
        assert!(
            std::env::var("CI").is_err(),
            "Dovecot is not installed; ./scripts/test installs it"
        );
        eprintln!("skipped: Dovecot is not installed (./scripts/test installs it)");
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "tandem-dovecot-{}-{}",
        std::process::id(),
        free_port()
    ));
    for sub in ["run", "state", "home", "tls"] {
        std::fs::create_dir_all(dir.join(sub)).expect("dovecot dirs");
    }
    // The mail user (Dovecot's own) writes the mailbox under home.
    assert!(run(Command::new("chmod").arg("0777").arg(dir.join("home"))));
    assert!(
        make_certs(&dir.join("tls"), "IP:127.0.0.1"),
        "openssl made no certificates"
    );
    let d = |p: &str| dir.join(p).to_string_lossy().to_string();
    std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).expect("passwd");
    let mut dovecot = Dovecot {
        port: free_port(),
        child: None,
        dir: dir.clone(),
    };
    let conf = format!(
        r#"base_dir = {run}
state_dir = {state}
log_path = {log}
instance_name = tandem-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
# IDLE hears of new mail through inotify; where the machine has no inotify instance left
# (a busy test run), Dovecot checks on a timer instead: every second here, not every 30.
mailbox_idle_check_interval = 1 secs
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={home}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol lda {{
  postmaster_address = postmaster@desk.example
}}
"#,
        run = d("run"),
        state = d("state"),
        log = d("dovecot.log"),
        port = dovecot.port,
        cert = d("tls/server.crt"),
        key = d("tls/server.key"),
        passwd = d("passwd"),
        home = d("home"),
    );
    std::fs::write(dir.join("dovecot.conf"), conf).expect("dovecot.conf");
    dovecot.up().await;
    Some(dovecot)
}

impl Dovecot {
    fn conf(&self) -> String {
        self.dir.join("dovecot.conf").to_string_lossy().to_string()
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub async fn up(&mut self) {
        let child = Command::new("/usr/sbin/dovecot")
            .args(["-F", "-c", &self.conf()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        self.child = Some(child);
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("dovecot did not start on port {}", self.port);
    }

    /// Stops the server (its processes end; the mailbox stays).
    pub async fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = run(Command::new("kill").arg(child.id().to_string()));
            let _ = child.wait();
        }
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_err()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("dovecot did not stop");
    }

    /// Delivers one raw message into the mailbox, as an MTA would.
    pub fn deliver(&self, raw: &[u8]) {
        let mut lda = Command::new("/usr/lib/dovecot/dovecot-lda")
            .args(["-c", &self.conf(), "-d", USER])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dovecot-lda");
        lda.stdin
            .take()
            .expect("stdin")
            .write_all(raw)
            .expect("write to dovecot-lda");
        assert!(
            lda.wait().expect("dovecot-lda").success(),
            "delivery failed"
        );
    }

    /// How Tandem reads this mailbox: STARTTLS, trusting the CA made here.
    pub fn config(&self) -> MailboxConfig {
        let url = format!(
            "imap://{}:{}@127.0.0.1:{}/INBOX?ca={}",
            crate::helpers::urlencode(USER),
            crate::helpers::urlencode(PASSWORD),
            self.port,
            crate::helpers::urlencode(&self.dir.join("tls/ca.pem").to_string_lossy()),
        );
        MailboxConfig::parse(&url, Duration::from_secs(30)).expect("mailbox url")
    }

    /// The same mailbox with a certificate authority that did not sign the server's.
    pub fn config_trusting_another_ca(&self) -> MailboxConfig {
        MailboxConfig {
            ca_file: Some(
                self.dir
                    .join("tls/other-ca.pem")
                    .to_string_lossy()
                    .to_string(),
            ),
            ..self.config()
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = run(Command::new("kill").arg(child.id().to_string()));
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
