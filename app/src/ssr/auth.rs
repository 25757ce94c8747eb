//! Who is acting: the viewer every service call takes, and the secrets that identify them.
use crate::model::Role;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The acting user, resolved from a session cookie or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
    pub team_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub locale: String,
    /// Away from the desk (ticket routing passes them by), as of this request.
    pub away: bool,
    /// The client address, for the audit trail.
    pub ip: Option<String>,
    /// The SHA-256 of the session or API token this request came with: a socket opened
    /// with it closes when it ends.
    pub credential: Option<String>,
    /// What an API token may do (`customers:read`, `*:write`…); None for a session.
    pub token_scopes: Option<Vec<String>>,
}

/// Argon2id with 19 MiB of memory and 2 iterations (OWASP's minimum for argon2id).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that unknown and known
/// emails take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user, no such password").unwrap_or_default())
}

/// `N` random bytes from the operating system, as URL-safe base64: secrets (session and
/// API tokens, 32), page nonces (16), request ids (12).
pub fn random_text<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new random secret of 256 bits, URL-safe.
pub fn new_token() -> String {
    random_text::<32>()
}

/// Tokens are stored only as their SHA-256, so a leaked table opens no sessions. Every
/// authenticated request hashes its credential, so the hex is written in one buffer.
pub fn token_hash(token: &str) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

pub const SESSION_COOKIE: &str = "tandem_session";
pub const LANG_COOKIE: &str = "tandem_lang";
/// Marks a browser that has signed in before (see `domain::signin`); HttpOnly, random,
/// stored hashed, and worth nothing without the password.
pub const DEVICE_COOKIE: &str = "tandem_device";

/// Reads one cookie from a request's headers.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The Set-Cookie value of a session cookie; `secure` when served over HTTPS.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn device_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let phc = hash_password("tandem-demo").unwrap_or_default();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("tandem-demo", &phc));
        assert!(!verify_password("tandem-demO", &phc));
        assert!(!verify_password("tandem-demo", "not a hash"));
    }

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            http::HeaderValue::from_static("a=1; tandem_session=xyz; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz".to_string()));
        assert_eq!(cookie(&h, "c"), None);
    }
}
