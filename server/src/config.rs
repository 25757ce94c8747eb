//! Settings read from the environment and the command line.
use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tandem.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    /// Mark cookies Secure; set when Tandem is served over HTTPS.
    pub secure_cookies: bool,
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
