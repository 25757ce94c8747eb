//! Building the application: state, routes, layers, listener. Tests build it on port 0.
use crate::config::Config;
use app::ssr::clock::Clock;
use app::ssr::context::{AppState, AuthPolicy};
use app::ssr::services::mail_out::Mailer;
use app::ssr::services::mailbox::MailboxConfig;
use app::ssr::store::db::Db;
use axum::extract::FromRef;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The axum state: the app's shared state plus server-only parts.
#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub metrics: crate::health::Metrics,
    pub security: Arc<crate::security::SecurityPolicy>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.app.leptos_options.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(s: &ServerState) -> Self {
        s.app.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: ServerState,
    mailbox: Option<MailboxConfig>,
}

/// Leptos options from cargo-leptos's environment, with Tandem's defaults when the binary
/// is started directly.
pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    // cargo-leptos sets LEPTOS_* variables; started directly, Tandem uses the same layout.
    let mut options = if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        leptos::config::get_configuration(None)
            .map(|c| c.leptos_options)
            .ok()
    } else {
        None
    }
    .unwrap_or_else(|| {
        LeptosOptions::builder()
            .output_name("tandem")
            .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
            .build()
    });
    options.site_addr = addr;
    // The browser's files in this build's folder (pkg/<hash>): the hydration script loads
    // `<pkg>/tandem.js` and `.wasm` and the lazily loaded pages' files beside them, the
    // shell links `<pkg>/tandem.css`. `/pkg` itself is served whole (assets::router).
    if let Some(build) = crate::assets::build_dir(&options.site_root, &options.site_pkg_dir) {
        options.site_pkg_dir = format!("{}/{build}", options.site_pkg_dir).into();
    }
    crate::assets::remember_build(&options);
    options
}

impl Application {
    pub async fn build(
        config: Config,
        db: Db,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let auth = AuthPolicy {
            secure_cookies: config.secure_cookies,
            ..AuthPolicy::default()
        };
        let mail = match &config.mail {
            Some(m) => Some(Arc::new(
                Mailer::new(&m.smtp_url, &m.from).map_err(std::io::Error::other)?,
            )),
            None => None,
        };
        let app_state = AppState {
            db,
            clock,
            auth,
            leptos_options: leptos_options(addr),
            hub: app::ssr::hub::Hub::new(),
            mail,
            public_url: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}"))
                .trim_end_matches('/')
                .to_string(),
        };
        let state = ServerState {
            app: app_state,
            metrics: crate::health::Metrics::new(),
            security: Arc::new(crate::security::SecurityPolicy {
                trusted_proxies: config.trusted_proxies.clone(),
                metrics_token: config.metrics_token.clone(),
                hsts: config.secure_cookies,
            }),
        };
        let router = router(state.clone());
        // Pushing alerts to the sockets open here, and hearing about other instances'.
        tokio::spawn(app::ssr::services::alerts::dispatch(
            state.app.clone(),
            Duration::from_millis(500),
        ));
        tokio::spawn(app::ssr::services::alerts::listen(state.app.clone()));
        Ok(Application {
            listener,
            router,
            state,
            mailbox: config.mailbox.clone(),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// Runs the alert engine every second (on PostgreSQL, on one instance at a time), the
    /// mail sender every five, the support mailbox's reader when there is one, and the
    /// planner's statistics every hour.
    pub fn start_scheduler(&self) {
        tokio::spawn(refresh_statistics_hourly(self.state.app.db.clone()));
        tokio::spawn(app::ssr::services::alerts::schedule(
            self.state.app.clone(),
            Duration::from_secs(1),
        ));
        tokio::spawn(app::ssr::services::mail_out::run(
            self.state.app.clone(),
            Duration::from_secs(5),
        ));
        if let Some(cfg) = self.mailbox.clone() {
            tokio::spawn(app::ssr::services::mailbox::run(
                self.state.app.clone(),
                cfg,
            ));
        }
    }

    /// Serves until SIGINT/SIGTERM, then finishes requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(
            no_delay(self.listener),
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        self.state.app.db.close().await;
        Ok(())
    }

    /// Serves in the background (tests).
    pub fn spawn(self) -> (SocketAddr, ServerState, tokio::task::JoinHandle<()>) {
        let addr = self.addr();
        let state = self.state.clone();
        let handle = tokio::spawn(async move {
            let _ = axum::serve(
                no_delay(self.listener),
                self.router
                    .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        (addr, state, handle)
    }
}

/// Each connection sends what is written at once (`TCP_NODELAY`). A streamed page goes
/// out in several writes; with Nagle's algorithm a write after the first waits for the
/// browser to acknowledge it, and browsers delay acknowledgements by up to 40 ms — which
/// added 40 ms to one in ten queue pages even on an idle server.
fn no_delay(
    listener: TcpListener,
) -> axum::serve::TapIo<TcpListener, impl FnMut(&mut tokio::net::TcpStream) + Send + 'static> {
    use axum::serve::ListenerExt;
    listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY on a connection");
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Leptos's route list, generated once per process. Generating it suppresses resource
/// loading process-wide (leptos_server's `SuppressResourceLoad`, a global flag), and a
/// resource first polled meanwhile waits forever (leptos-rs/leptos#4773): a page being
/// rendered by another Tandem app in the same process (the integration tests run many)
/// would never finish. Generated once, before any of this process's apps serve a page, no
/// render can meet the flag.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(state: ServerState) -> Router {
    let leptos_options = state.app.leptos_options.clone();
    let routes = route_list();
    let app_state = state.app.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(app_state.clone());
                app::ssr::security::provide_page_nonce();
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(app::ssr::security::provide_page_nonce, app::shell));

    Router::new()
        .merge(crate::health::router())
        .merge(crate::forms::router())
        .merge(crate::survey_page::router())
        .merge(crate::help_page::router())
        .merge(crate::pwa::router())
        .merge(crate::assets::router(
            &leptos_options.site_root,
            crate::assets::pkg_root(&leptos_options.site_pkg_dir),
        ))
        .nest("/api/v1", crate::rest::router())
        .route("/ws", axum::routing::get(crate::ws::upgrade))
        .route(
            "/api/openapi.json",
            axum::routing::get(crate::openapi::spec),
        )
        .merge(pages)
        // Innermost first: who is asking, after the cross-site guard and the address.
        .layer(axum::middleware::from_fn(crate::sfn::door))
        .layer(axum::middleware::from_fn(
            crate::middleware::refuse_nul_in_page_queries,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::middleware::resolve_viewer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::cross_site_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::client_address,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::middleware::record_metrics,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(crate::rest::error::panic_response))
        .layer(crate::assets::compression())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::security_headers,
        ))
        .layer(axum::middleware::from_fn(crate::security::request_id))
        .with_state(state)
}

/// The planner's statistics kept up to date as the data grows (`migrate` refreshed them at
/// start).
async fn refresh_statistics_hourly(db: Db) {
    let hour = Duration::from_secs(3600);
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
    loop {
        every.tick().await;
        if let Err(error) = db.refresh_statistics().await {
            tracing::warn!(%error, "refreshing the planner's statistics failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_connection_is_accepted_with_no_delay() -> std::io::Result<()> {
        use axum::serve::Listener;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let mut listener = no_delay(listener);
        let (accepted, client) =
            tokio::join!(listener.accept(), tokio::net::TcpStream::connect(addr));
        client?;
        assert!(accepted.0.nodelay()?);
        Ok(())
    }
}
