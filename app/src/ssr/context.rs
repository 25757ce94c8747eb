//! Shared server state and the request context server functions read.
use super::auth::Viewer;
use super::clock::Clock;
use super::store::db::Db;
use crate::error::{AppError, AppResult};
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::sync::Arc;

/// Sign-in policy; defaults are what a company would choose.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    pub session_ttl_hours: i64,
    /// How failed sign-ins slow down further tries (see `domain::signin`).
    pub throttle: crate::domain::signin::SignInThrottle,
    /// How long a browser stays a known device after its last sign-in.
    pub device_ttl_days: i64,
    /// Mark cookies Secure (when served over HTTPS).
    pub secure_cookies: bool,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            session_ttl_hours: 24 * 14,
            throttle: Default::default(),
            device_ttl_days: 180,
            secure_cookies: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub auth: AuthPolicy,
    pub leptos_options: LeptosOptions,
    /// Open websockets on this instance and the engine's lock.
    pub hub: Arc<super::hub::Hub>,
    /// The SMTP server mail to customers goes out through; None: mail waits in its queue.
    pub mail: Option<Arc<super::services::mail_out::Mailer>>,
    /// Where customers reach Tandem from outside (survey links in emails), without a
    /// trailing slash: `TANDEM_PUBLIC_URL`, else the address it serves on.
    pub public_url: String,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, inside a server function or while rendering.
pub fn app_state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The signed-in user of the current request, put there by the session middleware.
pub fn current_viewer() -> AppResult<Viewer> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .ok_or(AppError::Unauthenticated)
}

/// The language of the current request (see `crate::request_lang`).
pub fn request_lang() -> crate::i18n::Lang {
    match use_context::<http::request::Parts>() {
        Some(parts) => lang_of(&parts.headers, parts.extensions.get::<Viewer>()),
        None => crate::i18n::Lang::default(),
    }
}

/// A request's language: the `tandem_lang` cookie, else the signed-in user's, else the
/// browser's `Accept-Language`, else the default.
pub fn lang_of(headers: &http::HeaderMap, viewer: Option<&Viewer>) -> crate::i18n::Lang {
    use crate::i18n::Lang;
    super::auth::cookie(headers, super::auth::LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| viewer.and_then(|v| Lang::parse(&v.locale)))
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}
