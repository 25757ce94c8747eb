//! The Content-Security-Policy of pages and of every other response. Each request gets a
//! nonce at the door ([`PageNonce`], made by the server's security middleware); a page's
//! inline scripts (Leptos's hydration bootstrap and streamed resources) carry it, and the
//! same middleware sends the policy naming it on every HTML response, so `script-src`
//! needs neither `'unsafe-inline'` nor hosts. `'wasm-unsafe-eval'` lets the page compile
//! its own WebAssembly and nothing else.
use leptos::prelude::{provide_context, use_context};

/// The policy of a rendered page, for the nonce on its inline scripts.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The service worker's own policy: it fetches from Tandem and loads Tandem's outbox
/// script, nothing else.
pub const WORKER_POLICY: &str = "default-src 'none'; connect-src 'self'; script-src 'self'";

/// Everything that is not a page (JSON, files, redirects) loads and runs nothing.
pub const API_POLICY: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// This request's script nonce, put in the request's extensions before it is routed.
#[derive(Debug, Clone)]
pub struct PageNonce(pub String);

impl PageNonce {
    /// 128 random bits, URL-safe base64 (a valid CSP nonce value).
    pub fn new() -> Self {
        PageNonce(crate::ssr::auth::random_text::<16>())
    }
}

impl Default for PageNonce {
    fn default() -> Self {
        Self::new()
    }
}

/// Makes Leptos write the request's own nonce on the scripts it renders (replacing the one
/// Leptos made for the render), so the header and the page cannot disagree. Called in
/// the context of every rendered page, the not-found page included.
pub fn provide_page_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_run_only_from_this_site_or_with_the_nonce() {
        let p = page_policy("abc123");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        for directive in [
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(directive), "{directive}");
        }
    }
}
