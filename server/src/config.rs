//! Settings read from the environment and the command line.
use app::ssr::services::mailbox::MailboxConfig;
use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tandem.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    /// Mark cookies Secure and send HSTS; set when Tandem is served over HTTPS.
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`TANDEM_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Bearer token for `/metrics` from other hosts (`TANDEM_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// Mail to customers: the SMTP server's URL and the From address
    /// (`TANDEM_SMTP_URL`, `TANDEM_MAIL_FROM`).
    pub mail: Option<MailConfig>,
    /// Where customers reach Tandem (`TANDEM_PUBLIC_URL`), for links in emails.
    pub public_url: Option<String>,
    /// The support mailbox read over IMAP (`TANDEM_IMAP_URL`, `TANDEM_IMAP_POLL_SECONDS`).
    pub mailbox: Option<MailboxConfig>,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp_url: String,
    pub from: String,
}

impl Config {
    /// A configuration with nothing but where to listen and what to open.
    pub fn new(database_url: String, addr: SocketAddr) -> Config {
        Config {
            database_url,
            addr,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            mail: None,
            public_url: None,
            mailbox: None,
        }
    }

    /// Reads `TANDEM_SMTP_URL` and `TANDEM_MAIL_FROM` (both, or neither), and the support
    /// mailbox's `TANDEM_IMAP_URL` with `TANDEM_IMAP_POLL_SECONDS` (default 60: how often
    /// a server without IDLE is looked at).
    pub fn with_mail_from_env(mut self) -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        self.mail = match (var("TANDEM_SMTP_URL"), var("TANDEM_MAIL_FROM")) {
            (Some(smtp_url), Some(from)) => Some(MailConfig { smtp_url, from }),
            (None, None) => None,
            _ => return Err("set TANDEM_SMTP_URL and TANDEM_MAIL_FROM together".into()),
        };
        self.public_url = var("TANDEM_PUBLIC_URL");
        let poll = match var("TANDEM_IMAP_POLL_SECONDS") {
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or("TANDEM_IMAP_POLL_SECONDS: a number of seconds from 1 to 3600")?,
            None => 60,
        };
        self.mailbox = var("TANDEM_IMAP_URL")
            .map(|url| MailboxConfig::parse(&url, std::time::Duration::from_secs(poll)))
            .transpose()?;
        Ok(self)
    }

    /// Reads `TANDEM_TRUSTED_PROXIES` and `TANDEM_METRICS_TOKEN`.
    pub fn with_network_from_env(mut self) -> Result<Config, String> {
        if let Ok(list) = std::env::var("TANDEM_TRUSTED_PROXIES") {
            self.trusted_proxies = crate::security::SecurityPolicy::parse_proxies(&list)?;
        }
        self.metrics_token = std::env::var("TANDEM_METRICS_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty());
        Ok(self)
    }
}

/// Hides the password of a database URL in logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact_url("postgres://tandem:s3cret@db:5432/crm"),
            "postgres://tandem:***@db:5432/crm"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("sqlite://data/tandem.db"),
            "sqlite://data/tandem.db"
        );
    }
}
