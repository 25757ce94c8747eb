//! The support mailbox, read over IMAP: new messages (unseen) go through the same door as
//! every email ([`mail_in::take_in`]) and are then marked seen on the server, never
//! deleted. A message Tandem could not read is marked seen too (it is logged, and stays
//! in the mailbox for a person); when Tandem itself fails (its database is down) the
//! message stays unseen and is read again next time. A message read twice (a crash
//! between taking it in and marking it) is known by its Message-ID and taken in once.
//!
//! Where the server has IDLE, Tandem waits in IDLE and reads the moment mail arrives;
//! otherwise it looks every poll interval. On PostgreSQL one instance reads the mailbox
//! at a time (an advisory lock), so several instances do not race for the same message.
use super::mail_in;
use crate::error::AppError;
use crate::ssr::context::AppState;
use crate::ssr::services::leader::Leadership;
use futures::StreamExt;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

/// The advisory lock held by the instance reading the mailbox.
const MAILBOX_LOCK: i64 = 7_265_002;
/// The longest a network step may take before the round counts as failed.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, port 993).
    Tls,
    /// Plain, then STARTTLS before signing in (`imap://`, port 143; the default).
    StartTls,
    /// In the clear (`imap://…?tls=none`): only on a trusted network.
    None,
}

/// Where the support mailbox is: `imaps://user:password@host[:993][/folder]`,
/// `imap://user:password@host[:143][/folder][?tls=none]`, and `ca=/path.pem` for a
/// server whose certificate a private authority signed. User and password are
/// percent-encoded in the URL (an app password where the provider wants one).
#[derive(Clone, PartialEq, Eq)]
pub struct MailboxConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: String,
    pub folder: String,
    pub ca_file: Option<String>,
    /// How often to look when the server has no IDLE (and how long one IDLE lasts at most).
    pub poll: Duration,
}

impl fmt::Debug for MailboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {}@{}:{}/{}",
            self.security, self.user, self.host, self.port, self.folder
        )
    }
}

impl MailboxConfig {
    /// Reads `TANDEM_IMAP_URL`; Err says what is wrong without repeating the password.
    pub fn parse(url: &str, poll: Duration) -> Result<MailboxConfig, String> {
        let bad = |why: &str| format!("TANDEM_IMAP_URL: {why}");
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("not a URL"))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (auth, rest) = rest
            .rsplit_once('@')
            .ok_or_else(|| bad("name the user and password: imaps://user:password@host"))?;
        let (user, password) = auth
            .split_once(':')
            .ok_or_else(|| bad("name the password after the user"))?;
        let (host_port, folder) = rest.split_once('/').unwrap_or((rest, ""));
        let mut security = match scheme {
            "imaps" => Security::Tls,
            "imap" => Security::StartTls,
            _ => return Err(bad("the scheme is imaps or imap")),
        };
        let mut ca_file = None;
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match (k.as_ref(), v.as_ref()) {
                ("tls", "none") if security == Security::StartTls => security = Security::None,
                ("tls", "required" | "starttls") if security == Security::StartTls => {}
                ("ca", path) if !path.is_empty() => ca_file = Some(path.to_string()),
                _ => return Err(bad(&format!("{k}={v} is not an option Tandem knows"))),
            }
        }
        let default_port = if security == Security::Tls { 993 } else { 143 };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad("the port is not a number"))?),
            None => (host_port, default_port),
        };
        if host.is_empty() {
            return Err(bad("name the host"));
        }
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| bad("the user or password is not percent-encoded"))
        };
        let folder = decode(folder)?;
        Ok(MailboxConfig {
            host: host.trim_matches(['[', ']']).to_string(),
            port,
            security,
            user: decode(user)?,
            password: decode(password)?,
            folder: if folder.is_empty() {
                "INBOX".into()
            } else {
                folder
            },
            ca_file,
            poll,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A connection, plain or TLS.
trait Conn: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Conn for T {}
type Session = async_imap::Session<Box<dyn Conn>>;

/// What a round of reading did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages taken in (opened a ticket or joined one).
    pub taken: usize,
    /// Messages ignored (automatic mail, already received) or refused as unreadable.
    pub set_aside: usize,
}

fn imap_err(e: impl fmt::Display) -> String {
    format!("IMAP: {e}")
}

async fn step<T, E: fmt::Display>(
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(STEP_TIMEOUT, f).await {
        Ok(r) => r.map_err(imap_err),
        Err(_) => Err("IMAP: the server did not answer in time".into()),
    }
}

fn tls_connector(cfg: &MailboxConfig) -> Result<TlsConnector, String> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = &cfg.ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("IMAP: ca {path}: {e}"))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("IMAP: ca {path}: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("IMAP: ca {path}: {e}"))?;
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(imap_err)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn tls(cfg: &MailboxConfig, tcp: TcpStream) -> Result<Box<dyn Conn>, String> {
    let name = ServerName::try_from(cfg.host.clone()).map_err(imap_err)?;
    let stream = step(tls_connector(cfg)?.connect(name, tcp)).await?;
    Ok(Box::new(stream))
}

/// Connects, signs in and opens the folder.
async fn open(cfg: &MailboxConfig) -> Result<Session, String> {
    let tcp = step(TcpStream::connect((cfg.host.as_str(), cfg.port))).await?;
    let client = match cfg.security {
        Security::None | Security::Tls => {
            let conn: Box<dyn Conn> = if cfg.security == Security::Tls {
                tls(cfg, tcp).await?
            } else {
                Box::new(tcp)
            };
            let mut client = async_imap::Client::new(conn);
            step(client.read_response()).await?;
            client
        }
        Security::StartTls => {
            let mut plain = async_imap::Client::new(tcp);
            step(plain.read_response()).await?;
            step(plain.run_command_and_check_ok("STARTTLS", None)).await?;
            async_imap::Client::new(tls(cfg, plain.into_inner()).await?)
        }
    };
    let mut session = step(async {
        client
            .login(&cfg.user, &cfg.password)
            .await
            .map_err(|(e, _)| e)
    })
    .await?;
    step(session.select(&cfg.folder)).await?;
    Ok(session)
}

/// Takes in every unseen message of the open folder, oldest first.
async fn read_unseen(state: &AppState, session: &mut Session) -> Result<Round, String> {
    let mut uids: Vec<u32> = step(session.uid_search("UNSEEN"))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut round = Round::default();
    for uid in uids {
        let raw = {
            let mut fetches = step(session.uid_fetch(uid.to_string(), "BODY.PEEK[]")).await?;
            let mut raw = None;
            while let Some(fetch) = step(async { fetches.next().await.transpose() }).await? {
                if let Some(body) = fetch.body() {
                    raw = Some(body.to_vec());
                }
            }
            raw
        };
        let Some(raw) = raw else { continue };
        match mail_in::take_in(state, None, &raw).await {
            Ok(got) if got.ticket_id.is_some() => round.taken += 1,
            Ok(got) => {
                tracing::info!(uid, reason = ?got.reason, "mailbox message set aside");
                round.set_aside += 1;
            }
            Err(AppError::Validation(e)) => {
                tracing::warn!(uid, errors = ?e, "mailbox message unreadable; left for a person");
                round.set_aside += 1;
            }
            // Tandem could not take it (its database, say): it stays unseen for next time.
            Err(e) => return Err(format!("taking in mailbox message {uid}: {e}")),
        }
        let mut stored = step(session.uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")).await?;
        while step(async { stored.next().await.transpose() })
            .await?
            .is_some()
        {}
    }
    Ok(round)
}

/// Connects, takes in every unseen message and signs out (one round, as the tests read).
pub async fn read_once(state: &AppState, cfg: &MailboxConfig) -> Result<Round, String> {
    let mut session = open(cfg).await?;
    let round = read_unseen(state, &mut session).await?;
    let _ = step(session.logout()).await;
    Ok(round)
}

/// One connection's life: read what is there, then wait (IDLE, or the poll interval) and
/// read again, until something fails.
async fn serve_connection(state: &AppState, cfg: &MailboxConfig) -> Result<(), String> {
    let mut session = open(cfg).await?;
    let idle = step(session.capabilities()).await?.has_str("IDLE");
    tracing::info!(mailbox = ?cfg, idle, "reading the support mailbox");
    loop {
        let round = read_unseen(state, &mut session).await?;
        if round != Round::default() {
            tracing::info!(
                taken = round.taken,
                set_aside = round.set_aside,
                "mailbox read"
            );
        }
        if news_since_last_look(&mut session) {
            continue;
        }
        if idle {
            let mut handle = session.idle();
            step(handle.init()).await?;
            let (wait, _stop) = handle.wait_with_timeout(cfg.poll);
            wait.await.map_err(imap_err)?;
            session = step(handle.done()).await?;
        } else {
            tokio::time::sleep(cfg.poll).await;
            step(session.noop()).await?;
        }
    }
}

/// Whether the server said, in a reply to one of the last round's commands, that mail
/// arrived. It says so only once: IDLE does not repeat it, so the next round must read now
/// rather than wait a whole poll. Drains what the server reported, which otherwise piles up
/// for the connection's life.
fn news_since_last_look(session: &mut Session) -> bool {
    use async_imap::types::UnsolicitedResponse;
    let mut news = false;
    while let Ok(said) = session.unsolicited_responses.try_recv() {
        news |= matches!(
            said,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        );
    }
    news
}

/// Reads the mailbox for as long as Tandem runs: on SQLite always, on PostgreSQL while this
/// instance holds the mailbox lock. A failure (the server down, a wrong password) is
/// logged and tried again after a pause that grows to five minutes.
pub async fn run(state: AppState, cfg: MailboxConfig) {
    let mut leader = Leadership::new(MAILBOX_LOCK);
    let mut pause = Duration::from_secs(2);
    loop {
        if leader.holds(&state).await {
            match serve_connection(&state, &cfg).await {
                Ok(()) => pause = Duration::from_secs(2),
                Err(e) => {
                    tracing::warn!(mailbox = ?cfg, error = %e, "support mailbox unreachable; trying again");
                    pause = (pause * 2).min(Duration::from_secs(300));
                    leader.recheck().await;
                }
            }
        }
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_url_names_its_server_folder_and_protection() {
        let poll = Duration::from_secs(60);
        let c = MailboxConfig::parse(
            "imaps://help%40acme.cn:p%3Aw%40d@imap.acme.cn/Support",
            poll,
        )
        .unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.security),
            ("imap.acme.cn", 993, Security::Tls)
        );
        assert_eq!(
            (c.user.as_str(), c.password.as_str()),
            ("help@acme.cn", "p:w@d")
        );
        assert_eq!(c.folder, "Support");
        assert!(!format!("{c:?}").contains("p:w@d"));
        let c = MailboxConfig::parse("imap://u:p@127.0.0.1:1143?tls=none", poll).unwrap();
        assert_eq!(
            (c.port, c.security, c.folder.as_str()),
            (1143, Security::None, "INBOX")
        );
        let c = MailboxConfig::parse("imap://u:p@mail.example", poll).unwrap();
        assert_eq!((c.port, c.security), (143, Security::StartTls));
        for bad in [
            "pop3://u:p@h",
            "imap://h",
            "imap://u@h",
            "imap://u:p@h:x",
            "imap://u:p@h?tls=maybe",
            "imaps://u:p@h?tls=none",
            "imap://u:%zz@h",
        ] {
            assert!(MailboxConfig::parse(bad, poll).is_err(), "{bad}");
        }
    }
}
