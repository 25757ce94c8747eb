//! Request middleware: who is asking (session cookie or API token), page sign-in guard,
//! and request metrics.
use crate::startup::ServerState;
use app::ssr::auth::{cookie, SESSION_COOKIE};
use app::ssr::services;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::time::Instant;

pub use crate::security::ClientIp;

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || matches!(
            path,
            "/healthz"
                | "/readyz"
                | "/metrics"
                | "/favicon.svg"
                | "/favicon.ico"
                | "/manifest.webmanifest"
                | "/robots.txt"
                | "/sw.js"
                | "/pwa.js"
                | "/outbox.js"
                | "/offline"
        )
}

/// Pages that need a signed-in user; anonymous visitors are sent to the sign-in page.
fn is_private_page(path: &str) -> bool {
    [
        "/today",
        "/queue",
        "/dashboard",
        "/admin",
        "/customers",
        "/pipeline",
        "/tasks",
        "/leads",
        "/alerts",
        "/deals",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

pub async fn resolve_viewer(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    // Resolved by `security::client_address`, which runs first.
    let ip = req
        .extensions()
        .get::<ClientIp>()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| "unknown".into());
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let resolved = match bearer {
        Some(token) => services::auth::viewer_for_api_token(&state.app, &token).await,
        None => match cookie(req.headers(), SESSION_COOKIE) {
            Some(token) => services::auth::viewer_for_session(&state.app, &token).await,
            None => Ok(None),
        },
    };
    let viewer = match resolved {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "could not resolve the session");
            return crate::rest::error::problem(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "The database is not answering; try again shortly.",
            );
        }
    };
    if viewer.is_none() && req.method() == axum::http::Method::GET && is_private_page(&path) {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        return Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
    }
    if let Some(scopes) = viewer.as_ref().and_then(|v| v.token_scopes.as_ref()) {
        if let Some(refusal) = token_refusal(scopes, req.method(), &path) {
            return refusal;
        }
    }
    if let Some(mut v) = viewer {
        v.ip = Some(ip.clone());
        req.extensions_mut().insert(v);
    }
    next.run(req).await
}

/// An API token works on the REST API (and the alert socket) within its scopes only;
/// pages and server functions are for people signed in with a session.
fn token_refusal(scopes: &[String], method: &axum::http::Method, path: &str) -> Option<Response> {
    use app::domain::scope::{token_allows, token_domain_of};
    use axum::http::{Method, StatusCode};
    let (domain, write) = if path == "/ws" {
        (Some("alerts"), false)
    } else if path.starts_with("/api/v1/") {
        (
            token_domain_of(path),
            !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS),
        )
    } else {
        return Some(crate::rest::error::problem(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated",
            "API tokens work on /api/v1 only; pages need a signed-in session.",
        ));
    };
    match domain {
        Some(d) if !token_allows(scopes, d, write) => Some(crate::rest::error::problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            &format!(
                "This token may not {} {d}; its scopes are {}.",
                if write { "change" } else { "read" },
                scopes.join(", ")
            ),
        )),
        _ => None,
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn record_metrics(
    State(state): State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| {
            if req.uri().path().starts_with("/pkg/") {
                "/pkg/*".into()
            } else {
                "other".into()
            }
        });
    let method = req.method().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .latency
        .with_label_values(&[&route, &method])
        .observe(started.elapsed().as_secs_f64());
    state
        .metrics
        .requests
        .with_label_values(&[&route, &method, resp.status().as_str()])
        .inc();
    resp
}

/// A page's query holding the NUL character (which no database stores in text) is a bad
/// request before any page reads it; REST and the server functions name the field instead.
pub async fn refuse_nul_in_page_queries(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let page = !path.starts_with("/api/") && !path.starts_with("/sfn/");
    let nul = req
        .uri()
        .query()
        .and_then(|q| app::error::nul_in_form(q.as_bytes()));
    match (page, nul) {
        (true, Some(field)) => (
            axum::http::StatusCode::BAD_REQUEST,
            format!("{field}: {}", app::error::NUL_MESSAGE),
        )
            .into_response(),
        _ => next.run(req).await,
    }
}
