//! Tandem on the phone as an installed app: the service worker (`/sw.js`) and the page it
//! shows without signal (`/offline`).
//!
//! The worker is written for this build: it names its caches after the build's folder and
//! keeps the build's content-named files, so a deploy is a new worker, which empties the
//! previous build's caches when it takes over — a page never runs an old WebAssembly
//! against a new server, and an old page kept for offline reading goes with its files.
//! What it does with each request is in `service_worker.js`.
use crate::assets::build_files;
use crate::public_page::{esc, page};
use app::ssr::context::lang_of;
use app::ssr::security::WORKER_POLICY;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const WORKER: &str = include_str!("service_worker.js");

const OFFLINE_TITLE: (&str, &str) = ("Offline", "离线");

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/offline", get(offline))
}

/// The worker's script for this build: its version and the files it keeps from the start.
pub fn worker_script() -> String {
    let files = build_files();
    let mut shell = vec![
        "/offline",
        "/pwa.js",
        "/outbox.js",
        "/manifest.webmanifest",
        "/favicon.svg",
        "/icons/icon-192.png",
        &files.stylesheet,
        &files.script,
        &files.wasm,
    ];
    // The lazily loaded pages' loader is imported by the glue on every page; the pages'
    // own files are kept as they are first used (service_worker.js).
    shell.extend(files.loader.as_deref());
    WORKER
        .replace(
            "\"{{VERSION}}\"",
            &serde_json::json!(files.version).to_string(),
        )
        .replace("\"{{SHELL}}\"", &serde_json::json!(shell).to_string())
}

/// Asked again on every visit (the browser compares it byte for byte to find a deploy);
/// its own policy lets it fetch from Tandem and nothing else.
async fn service_worker() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(WORKER_POLICY),
            ),
        ],
        worker_script(),
    )
        .into_response()
}

/// What a page that is not kept shows without signal: the pages kept on this device
/// (listed by `/pwa.js` from the worker's cache), in the reader's language.
async fn offline(headers: HeaderMap) -> Response {
    let lang = lang_of(&headers, None);
    let main = format!(
        r#"<h1>{title}</h1>
<p>{said}</p>
<h2>{kept}</h2>
<ul class="kept-pages" id="kept-pages" data-testid="kept-pages"></ul>
<p class="muted" id="nothing-kept" hidden>{nothing}</p>
<p><a class="button" href="/today">{again}</a></p>
<script src="/pwa.js" defer></script>"#,
        title = esc(lang.t("No signal", "没有网络")),
        said = esc(lang.t(
            "This page was not kept on this device. The pages you opened recently are, as they were when you last saw them.",
            "此页面未保存在本设备上。您最近打开过的页面已保存，显示的是您上次查看时的内容。"
        )),
        kept = esc(lang.t("Kept on this device", "本设备上保存的页面")),
        nothing = esc(lang.t(
            "Nothing is kept yet: pages are kept once you have opened them with a signal.",
            "尚未保存任何页面：在有网络时打开过的页面才会被保存。"
        )),
        again = esc(lang.t("Try again", "重试")),
    );
    let mut res = page(lang, OFFLINE_TITLE, StatusCode::OK, &main);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_is_written_for_its_build() {
        let script = worker_script();
        assert!(!script.contains("{{"), "every placeholder is filled");
        assert!(script.contains(&build_files().wasm));
        assert!(script.contains(&format!("const VERSION = \"{}\"", build_files().version)));
    }
}
