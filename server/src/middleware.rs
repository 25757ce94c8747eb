//! Request middleware: who is asking (session cookie or API token), page sign-in guard,
//! and request metrics.
use crate::startup::ServerState;
use app::ssr::auth::{cookie, SESSION_COOKIE};
use app::ssr::services;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use std::time::Instant;

/// The client's address as the connection reports it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || matches!(
            path,
            "/healthz"
                | "/readyz"
                | "/metrics"
                | "/favicon.svg"
                | "/favicon.ico"
                | "/manifest.webmanifest"
                | "/robots.txt"
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
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
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
    if let Some(mut v) = viewer {
        v.ip = Some(ip.clone());
        req.extensions_mut().insert(v);
    }
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
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
