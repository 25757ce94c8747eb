//! The browser's files under `/pkg` (the WebAssembly cut by route, its JavaScript glue and
//! loader, the stylesheet) and how every response is compressed.
//!
//! The build puts one build's files in a folder named after their content,
//! `pkg/<16 hex digits>/` (`build_site` in scripts/tools.sh), and writes that name to
//! `pkg/build`; the server reads it once at start ([`build_dir`]) and the pages link the
//! files inside it. A path through such a folder (or a file name holding such a hash) never
//! changes content, so it is sent as `immutable` for a year: a phone that has Tandem's files
//! does not ask for them again until a deploy changes the folder, and then it asks for the
//! new addresses. Anything else under `/pkg` (a build without the `build` file) goes out
//! `no-cache`: kept, but asked again each time, `304 Not Modified` while it is the same.
//!
//! The release build writes each of those files beside a brotli (`.br`) and a gzip (`.gz`)
//! copy made at build time at the highest settings; the server sends the copy the browser
//! accepts, with its `Content-Encoding`, and never compresses them again per request. A
//! debug build has no copies: its glue and stylesheet are compressed per request like a
//! page, its WebAssembly goes out as it is.
//!
//! Everything else the server writes (pages, server functions, REST) is compressed as it
//! is sent when the client asks for it, except the WebAssembly and what is already
//! compressed.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::Path;
use std::sync::OnceLock;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The folder the build put this build's browser files in (`<16 hex digits>`, from
/// `site_root/pkg_dir/build`), when it wrote one and the folder is there.
pub fn build_dir(site_root: &str, pkg_dir: &str) -> Option<String> {
    let pkg = Path::new(site_root).join(pkg_dir);
    std::fs::read_to_string(pkg.join("build"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| is_content_hash(s) && pkg.join(s).is_dir())
}

/// The addresses of this build's browser files, remembered once at start.
#[derive(Debug, Clone)]
pub struct BuildFiles {
    /// The build's folder name (`tandem` for a build without one): names the service
    /// worker's caches, so a deploy empties them.
    pub version: String,
    /// `/pkg/<build>/tandem.css`, `.js`, `.wasm`.
    pub stylesheet: String,
    pub script: String,
    pub wasm: String,
    /// The loader of the lazily loaded pages' files, which the glue imports on every page
    /// (`/pkg/<build>/__wasm_split.….js`), when the build split the WebAssembly.
    pub loader: Option<String>,
}

static BUILD: OnceLock<BuildFiles> = OnceLock::new();

/// The loader's file name, as the splitter writes it and Leptos links it.
pub const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// Remembers the browser files' addresses for what is rendered without Leptos (the public
/// survey and help pages, the offline page, the service worker); set once at start, from
/// the same options the shell uses (`site_pkg_dir` is `pkg/<build>` by then).
pub fn remember_build(options: &leptos::config::LeptosOptions) {
    let pkg_dir = options.site_pkg_dir.to_string();
    let version = split_pkg_dir(&pkg_dir).1.unwrap_or("tandem").to_string();
    let loader = Path::new(options.site_root.as_ref())
        .join(&pkg_dir)
        .join(SPLIT_LOADER)
        .is_file()
        .then(|| format!("/{pkg_dir}/{SPLIT_LOADER}"));
    let _ = BUILD.set(BuildFiles {
        version,
        stylesheet: app::asset_href(options, "css"),
        script: app::asset_href(options, "js"),
        wasm: app::asset_href(options, "wasm"),
        loader,
    });
}

/// This build's browser files (`tandem` unnamed before [`remember_build`]).
pub fn build_files() -> &'static BuildFiles {
    BUILD.get_or_init(|| BuildFiles {
        version: "tandem".into(),
        stylesheet: "/pkg/tandem.css".into(),
        script: "/pkg/tandem.js".into(),
        wasm: "/pkg/tandem.wasm".into(),
        loader: None,
    })
}

/// The stylesheet's address for the pages rendered without Leptos.
pub fn stylesheet_href() -> &'static str {
    &build_files().stylesheet
}

/// Sixteen lower-case hex digits: the hash the build names a folder or file with.
fn is_content_hash(part: &str) -> bool {
    part.len() == 16
        && part
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A path the build made from content: through a `<hash>/` folder, or a file named
/// `name.<hash>.ext` (with a compressed copy's `.br`/`.gz` after it).
pub fn is_content_named(path: &str) -> bool {
    path.split(['/', '.']).any(is_content_hash)
}

/// The served folder of a `site_pkg_dir` that may name the build's folder: `pkg` of
/// `pkg/<build>`.
pub fn pkg_root(site_pkg_dir: &str) -> &str {
    split_pkg_dir(site_pkg_dir).0
}

/// `pkg/<build>` (as startup sets `site_pkg_dir`) as its served folder and the build's
/// folder name; a `site_pkg_dir` without a build folder is itself, with no name.
fn split_pkg_dir(site_pkg_dir: &str) -> (&str, Option<&str>) {
    match site_pkg_dir.rsplit_once('/') {
        Some((root, build)) if is_content_hash(build) => (root, Some(build)),
        _ => (site_pkg_dir, None),
    }
}

/// `/pkg/…` from `site_root/pkg`, the precompressed copy when there is one; content-named
/// files cached for a year, the rest asked again each time.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &str, pkg_dir: &str) -> Router<S> {
    let dir = Path::new(site_root).join(pkg_dir);
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new().nest_service(
        &format!("/{pkg_dir}"),
        tower::ServiceBuilder::new()
            .layer(axum::middleware::from_fn(cache_lifetime))
            // The body depends on Accept-Encoding: a shared cache must not give one
            // browser's brotli to another that cannot read it.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
            .service(files),
    )
}

/// `Cache-Control` by the name asked for: a year and `immutable` for a content-named file
/// that was found, `no-cache` for everything else.
async fn cache_lifetime(req: Request, next: Next) -> Response {
    let named = is_content_named(req.uri().path());
    let mut res = next.run(req).await;
    let value = if named && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Compression of the responses made per request. The WebAssembly is left out: its copies
/// are made at build time, and a debug build's (tens of megabytes) would cost seconds of a
/// core on every load if it were compressed here.
pub fn compression() -> CompressionLayer<impl Predicate> {
    // brotli and gzip (the two built in), at their fastest settings: at tower-http's
    // default a desk page cost 1.8 times the CPU with brotli (docs/benchmarks.md); the
    // fastest still shrinks a page several times, and the static files are done better
    // once, at build time.
    CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Fastest)
        .compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/wasm")),
        )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    /// A site folder of its own, removed after the test.
    struct Site(std::path::PathBuf);
    impl Site {
        fn root(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }
    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn site(name: &str) -> Site {
        let dir =
            Site(std::env::temp_dir().join(format!("tandem-assets-{name}-{}", std::process::id())));
        let pkg = dir.0.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("tandem.wasm"), b"\0asm plain").unwrap();
        std::fs::write(pkg.join("tandem.wasm.br"), b"brotli bytes").unwrap();
        std::fs::write(pkg.join("tandem.wasm.gz"), b"gzip bytes").unwrap();
        std::fs::write(pkg.join("tandem.css"), b"body{}").unwrap();
        let build = pkg.join("0123456789abcdef");
        std::fs::create_dir_all(&build).unwrap();
        std::fs::write(build.join("tandem.css"), b"body{}").unwrap();
        std::fs::write(build.join("split_Queue_1.wasm"), b"\0asm route").unwrap();
        std::fs::write(pkg.join("build"), b"0123456789abcdef\n").unwrap();
        dir
    }

    async fn get(
        app: Router,
        path: &str,
        accept: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let req = Request::get(path)
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        (parts.status, parts.headers, bytes)
    }

    #[tokio::test]
    async fn the_wasm_goes_out_as_the_copy_the_browser_accepts() {
        let dir = site("copies");
        let app = || router::<()>(dir.root(), "pkg");
        let (status, headers, body) = get(app(), "/pkg/tandem.wasm", "gzip, deflate, br").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert_eq!(headers[header::VARY], "accept-encoding");
        assert_eq!(body, b"brotli bytes");
        let (_, headers, body) = get(app(), "/pkg/tandem.wasm", "gzip").await;
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(body, b"gzip bytes");
        let (_, headers, body) = get(app(), "/pkg/tandem.wasm", "identity").await;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, b"\0asm plain");
        // No copy: the file as it is.
        let (status, headers, body) = get(app(), "/pkg/tandem.css", "br").await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, b"body{}");
        let (status, _, _) = get(app(), "/pkg/missing.js", "br").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_content_named_file_is_kept_for_a_year() {
        let dir = site("named");
        let app = || router::<()>(dir.root(), "pkg");
        assert_eq!(
            build_dir(dir.root(), "pkg").as_deref(),
            Some("0123456789abcdef")
        );
        assert_eq!(build_dir(dir.root(), "elsewhere"), None);
        assert_eq!(pkg_root("pkg/0123456789abcdef"), "pkg");
        assert_eq!(pkg_root("pkg"), "pkg");
        for path in [
            "/pkg/0123456789abcdef/tandem.css",
            "/pkg/0123456789abcdef/split_Queue_1.wasm",
        ] {
            let (status, headers, _) = get(app(), path, "br").await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(
                headers[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
        }
        // A content name that is not there is not cached: the next deploy may make it.
        let (status, headers, _) = get(app(), "/pkg/fedcba9876543210/tandem.css", "br").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert!(is_content_named("tandem.0123456789abcdef.wasm.br"));
        assert!(is_content_named("/pkg/0123456789abcdef/chunk_3.wasm"));
        assert!(!is_content_named("/pkg/tandem.wasm"));
        assert!(!is_content_named("tandem.0123456789ABCDEF.css"));
    }

    #[tokio::test]
    async fn an_unchanged_file_is_not_sent_again() {
        let dir = site("unchanged");
        let app = router::<()>(dir.root(), "pkg");
        let (_, headers, _) = get(app.clone(), "/pkg/tandem.css", "br").await;
        let modified = headers[header::LAST_MODIFIED].clone();
        let req = Request::get("/pkg/tandem.css")
            .header(header::IF_MODIFIED_SINCE, modified)
            .body(Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    }

    #[tokio::test]
    async fn pages_are_compressed_and_the_wasm_is_not() {
        let page = "<p>工单</p>".repeat(200);
        let app = Router::new()
            .route(
                "/page",
                axum::routing::get(move || {
                    let page = page.clone();
                    async move { axum::response::Html(page) }
                }),
            )
            .route(
                "/raw.wasm",
                axum::routing::get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/wasm")],
                        vec![0u8; 4096],
                    )
                }),
            )
            .layer(compression());
        let (_, headers, body) = get(app.clone(), "/page", "gzip, br").await;
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert!(body.len() < 200, "{} bytes", body.len());
        let (_, headers, body) = get(app, "/raw.wasm", "gzip, br").await;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body.len(), 4096);
    }
}
