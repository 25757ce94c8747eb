//! Plain HTML form endpoints (sign in, sign out, language) and `/`: they work before the
//! WASM arrives and answer with redirects, as browsers expect from a form post.
use crate::middleware::{urlencode, ClientIp};
use crate::rest::extract::parse_urlencoded;
use crate::startup::ServerState;
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::{clear_session_cookie, cookie, Viewer, LANG_COOKIE, SESSION_COOKIE};
use app::ssr::services;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::Deserialize;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/", get(home))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/lang", post(set_lang))
}

/// `/` sends each role to its home, and strangers to the sign-in page.
async fn home(viewer: Option<Extension<Viewer>>) -> Redirect {
    match viewer {
        Some(Extension(v)) => Redirect::to(v.role.home_path()),
        None => Redirect::to("/login"),
    }
}

/// Only local paths are followed after sign-in (no open redirects). Browsers drop tabs
/// and line breaks from URLs (`/\t/evil.example` becomes `//evil.example`) and read `\` as
/// `/`, so a path holding any of them, or any other control or space character, is
/// refused rather than cleaned. What is followed is percent-encoded to plain ASCII, so it
/// always makes a valid `Location` header.
fn safe_next(next: &str) -> Option<String> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    local.then(|| {
        next.bytes()
            .map(|b| {
                if b.is_ascii() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    })
}

#[derive(Deserialize, Default)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<ServerState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match parse_urlencoded(&body) {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let result =
        crate::rest::auth::sign_in(&state, &ip, &headers, &form.email, &form.password).await;
    match result {
        Ok(signed_in) => {
            let to = safe_next(&form.next)
                .unwrap_or_else(|| signed_in.user.role.home_path().to_string());
            let [session, device] = signed_in.cookies(state.app.auth.secure_cookies);
            (
                AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, device)]),
                Redirect::to(&to),
            )
                .into_response()
        }
        Err(e) => {
            let code = match e {
                AppError::RateLimited(_) => "rate_limited",
                AppError::Validation(_) => "required",
                AppError::Unauthenticated => "invalid",
                _ => "unavailable",
            };
            let mut to = format!("/login?error={code}&email={}", urlencode(form.email.trim()));
            if safe_next(&form.next).is_some() {
                to.push_str(&format!("&next={}", urlencode(&form.next)));
            }
            Redirect::to(&to).into_response()
        }
    }
}

async fn logout(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = services::auth::logout(&state.app, &token).await {
            tracing::warn!(error = %e, "logout could not delete the session");
        }
    }
    (
        [(header::SET_COOKIE, clear_session_cookie())],
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Deserialize, Default)]
struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// Remembers the language in a cookie and, for a signed-in user, in their profile.
async fn set_lang(
    State(state): State<ServerState>,
    viewer: Option<Extension<Viewer>>,
    body: Bytes,
) -> Response {
    let form: LangForm = match parse_urlencoded(&body) {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    if let Some(Extension(v)) = viewer {
        if let Err(e) = services::users::set_own_locale(&state.app, &v, lang.code()).await {
            tracing::warn!(error = %e, "could not store the language");
        }
    }
    let back = safe_next(&form.back).unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/customers/3").as_deref(), Some("/customers/3"));
        assert_eq!(
            safe_next("/customers?q=恒远").as_deref(),
            Some("/customers?q=%E6%81%92%E8%BF%9C")
        );
        assert_eq!(safe_next("/\t/evil.example/x"), None);
        assert_eq!(safe_next("/\n/evil.example"), None);
        assert_eq!(safe_next("/x\r\nSet-Cookie: a=b"), None);
        assert_eq!(safe_next("/ /evil.example"), None);
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next(""), None);
    }
}
