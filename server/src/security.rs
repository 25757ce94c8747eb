//! Guards at the door, for every request: a request id in every log line and response, the
//! client's address (trusting `X-Forwarded-For` only from configured proxies), refusing
//! state-changing requests from other sites, and the security headers on every response.
//! Every response's Content-Security-Policy is set here: an HTML page's names the nonce
//! made for its request (which Leptos writes on the page's scripts,
//! `app::ssr::security::provide_page_nonce`); anything else gets the strict default.
use crate::startup::ServerState;
use app::ssr::security::{page_policy, PageNonce, API_POLICY};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the operator configured about the network Tandem sits in.
#[derive(Debug, Clone, Default)]
pub struct SecurityPolicy {
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Host` are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// A bearer token that may read `/metrics` from anywhere (loopback may without it).
    pub metrics_token: Option<String>,
    /// Send `Strict-Transport-Security` (when Tandem is served over HTTPS).
    pub hsts: bool,
}

impl SecurityPolicy {
    /// Parses `TANDEM_TRUSTED_PROXIES`: addresses or networks, comma separated.
    pub fn parse_proxies(list: &str) -> Result<Vec<IpNet>, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("TANDEM_TRUSTED_PROXIES: {s:?} is not an address or a network")
                    })
            })
            .collect()
    }

    fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// right-most address in `X-Forwarded-For` that is not itself a trusted proxy (each
    /// proxy appends what it saw, so addresses to the left of it are the client's claims).
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.is_trusted_proxy(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .collect();
        forwarded
            .iter()
            .rev()
            .find(|ip| !self.is_trusted_proxy(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer)
    }

    /// The host the browser addressed: `Host`, or `X-Forwarded-Host` from a trusted proxy.
    fn public_hosts<'a>(&self, peer: IpAddr, headers: &'a HeaderMap) -> Vec<&'a str> {
        let mut hosts: Vec<&str> = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .into_iter()
            .collect();
        if self.is_trusted_proxy(peer) {
            hosts.extend(
                headers
                    .get("x-forwarded-host")
                    .and_then(|h| h.to_str().ok())
                    .map(|h| h.split(',').next().unwrap_or(h).trim()),
            );
        }
        hosts
    }

    /// Whether a browser's `Origin` is this site.
    pub fn is_same_origin(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
            return false;
        };
        let Some((_, host)) = origin.split_once("://") else {
            return false;
        };
        let host = host.trim_end_matches('/');
        self.public_hosts(peer, headers)
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }

    /// A request that changes something and that a browser sent from another site's page.
    /// Non-browsers (no `Origin`, no `Sec-Fetch-Site`) and API tokens (which a cross-site
    /// page cannot attach) are not affected; neither is the public lead form, which a
    /// company's website posts to by design and which carries no cookie.
    pub fn is_cross_site_write(
        &self,
        method: &Method,
        path: &str,
        peer: IpAddr,
        headers: &HeaderMap,
    ) -> bool {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return false;
        }
        if path.starts_with("/api/v1/public/") || headers.contains_key(header::AUTHORIZATION) {
            return false;
        }
        if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            if !matches!(site, "same-origin" | "none") {
                return true;
            }
        }
        match headers.get(header::ORIGIN) {
            None => false,
            Some(_) => !self.is_same_origin(peer, headers),
        }
    }
}

/// The client address as the rest of Tandem sees it (sign-in throttling, audit).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// The connection's own peer, before any proxy header is considered.
fn peer(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// A request id from a proxy is kept if it is short and plain; otherwise a new one.
fn request_id_of(headers: &HeaderMap) -> String {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        })
        .map(str::to_string)
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut bytes = [0u8; 12];
            rand::thread_rng().fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        })
}

/// Gives the request an id, carried by every log line made while serving it (a span
/// field) and sent back as `X-Request-Id`.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = request_id_of(req.headers());
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID, v);
    }
    let span = tracing::info_span!("request", request_id = %id);
    let mut resp = next.run(req).instrument(span).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    resp
}

/// Resolves the client's address once, for every route.
pub async fn client_address(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = state.security.client_address(peer(&req), req.headers());
    req.extensions_mut().insert(ClientIp(ip.to_string()));
    next.run(req).await
}

/// Refuses a state-changing request sent by a browser from another site (login CSRF,
/// forged server-function and form posts).
pub async fn cross_site_guard(
    State(state): State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    if state
        .security
        .is_cross_site_write(req.method(), req.uri().path(), peer(&req), req.headers())
    {
        tracing::warn!(path = ?req.uri().path(), "cross-site request refused");
        return crate::rest::error::problem(
            StatusCode::FORBIDDEN,
            "Cross-site request refused",
            "This request came from another site's page; Tandem accepts changes only from its own pages.",
        );
    }
    next.run(req).await
}

/// The policy for a response: a page's names its request's nonce; the rest run nothing.
fn content_security_policy(headers: &HeaderMap, nonce: &PageNonce) -> HeaderValue {
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"));
    if is_page {
        if let Ok(v) = HeaderValue::from_str(&page_policy(&nonce.0)) {
            return v;
        }
    }
    HeaderValue::from_static(API_POLICY)
}

/// The headers every response carries. The request's script nonce is made here, before
/// routing, so the page rendered for it and its policy share one value.
pub async fn security_headers(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = PageNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // A response that chose its own policy (the service worker's) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = content_security_policy(h, &nonce);
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)",
        ),
    );
    if state.security.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// `/metrics` is for the operator: loopback, or anyone holding the metrics token.
pub fn may_read_metrics(policy: &SecurityPolicy, client: &str, headers: &HeaderMap) -> bool {
    let token_ok = policy.metrics_token.as_deref().is_some_and(|want| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|got| constant_time_eq(got.trim().as_bytes(), want.as_bytes()))
    });
    token_ok || client.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // Comparing digests keeps the time independent of where the strings differ.
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn html_gets_the_page_policy_with_the_requests_nonce_and_the_rest_runs_nothing() {
        let nonce = PageNonce("n0nce".into());
        let page = content_security_policy(
            &headers(&[("content-type", "text/html; charset=utf-8")]),
            &nonce,
        );
        assert!(page.to_str().unwrap_or_default().contains("'nonce-n0nce'"));
        for other in [&[("content-type", "application/json")][..], &[]] {
            assert_eq!(content_security_policy(&headers(other), &nonce), API_POLICY);
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let policy = SecurityPolicy {
            trusted_proxies: SecurityPolicy::parse_proxies("10.0.0.0/8, 192.168.1.5")
                .unwrap_or_default(),
            ..Default::default()
        };
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        // From an untrusted peer the header is the client's own claim: ignored.
        assert_eq!(
            policy.client_address(ip("198.51.100.1"), &h),
            ip("198.51.100.1")
        );
        // From a trusted proxy: the right-most address the proxy saw, not the spoofed one.
        assert_eq!(policy.client_address(ip("10.1.2.3"), &h), ip("203.0.113.9"));
        // Chained trusted proxies are skipped.
        let chained = headers(&[("x-forwarded-for", "203.0.113.9, 10.2.2.2")]);
        assert_eq!(
            policy.client_address(ip("192.168.1.5"), &chained),
            ip("203.0.113.9")
        );
        assert!(SecurityPolicy::parse_proxies("not-an-ip").is_err());
    }

    #[test]
    fn cross_site_writes_are_told_apart() {
        let p = SecurityPolicy::default();
        let peer = ip("127.0.0.1");
        let post = Method::POST;
        let own = headers(&[("host", "crm.example"), ("origin", "https://crm.example")]);
        assert!(!p.is_cross_site_write(&post, "/sfn/claim_customer", peer, &own));
        let evil = headers(&[("host", "crm.example"), ("origin", "https://evil.example")]);
        assert!(p.is_cross_site_write(&post, "/auth/login", peer, &evil));
        let null = headers(&[("host", "crm.example"), ("origin", "null")]);
        assert!(p.is_cross_site_write(&post, "/auth/logout", peer, &null));
        let fetch_site = headers(&[("host", "crm.example"), ("sec-fetch-site", "cross-site")]);
        assert!(p.is_cross_site_write(&post, "/api/v1/customers", peer, &fetch_site));
        let sibling = headers(&[("host", "crm.example"), ("sec-fetch-site", "same-site")]);
        assert!(p.is_cross_site_write(&post, "/api/v1/customers", peer, &sibling));
        // Reads, scripts without a browser, tokens and the public lead form pass.
        assert!(!p.is_cross_site_write(&Method::GET, "/customers", peer, &evil));
        assert!(!p.is_cross_site_write(
            &post,
            "/api/v1/customers",
            peer,
            &headers(&[("host", "crm.example")])
        ));
        assert!(!p.is_cross_site_write(&post, "/api/v1/public/leads", peer, &evil));
        let token = headers(&[
            ("origin", "https://evil.example"),
            ("authorization", "Bearer tdm_x"),
        ]);
        assert!(!p.is_cross_site_write(&post, "/api/v1/customers", peer, &token));
    }

    #[test]
    fn metrics_need_loopback_or_the_token() {
        let p = SecurityPolicy {
            metrics_token: Some("s3cret".into()),
            ..Default::default()
        };
        assert!(may_read_metrics(&p, "127.0.0.1", &HeaderMap::new()));
        assert!(may_read_metrics(&p, "::1", &HeaderMap::new()));
        assert!(!may_read_metrics(&p, "203.0.113.9", &HeaderMap::new()));
        assert!(may_read_metrics(
            &p,
            "203.0.113.9",
            &headers(&[("authorization", "Bearer s3cret")])
        ));
        assert!(!may_read_metrics(
            &p,
            "203.0.113.9",
            &headers(&[("authorization", "Bearer s3cre")])
        ));
    }

    #[test]
    fn request_ids_from_outside_are_kept_only_when_plain() {
        assert_eq!(
            request_id_of(&headers(&[("x-request-id", "abc-123")])),
            "abc-123"
        );
        let forged = request_id_of(&headers(&[("x-request-id", "a b\"c")]));
        assert_eq!(forged.len(), 24);
    }
}
