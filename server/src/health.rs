//! `/healthz` (the process is up), `/readyz` (the database answers), `/metrics` (Prometheus).
use crate::startup::ServerState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};
use std::time::Duration;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("tandem".into()), None).unwrap_or_default();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .unwrap_or_else(|_| unreachable_metric());
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route", "method"],
        )
        .unwrap_or_else(|_| unreachable_histogram());
        let _ = registry.register(Box::new(requests.clone()));
        let _ = registry.register(Box::new(latency.clone()));
        Metrics {
            registry,
            requests,
            latency,
        }
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

// The metric definitions above are constants; these fallbacks only satisfy the types.
fn unreachable_metric() -> IntCounterVec {
    IntCounterVec::new(Opts::new("unused_total", "unused"), &["route"])
        .unwrap_or_else(|_| std::process::abort())
}
fn unreachable_histogram() -> HistogramVec {
    HistogramVec::new(HistogramOpts::new("unused_seconds", "unused"), &["route"])
        .unwrap_or_else(|_| std::process::abort())
}

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn readyz(State(state): State<ServerState>) -> impl IntoResponse {
    let probe = app::ssr::store::db::ping(&state.app.db);
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timed out"),
    }
}

/// Served to loopback or to the holder of `TANDEM_METRICS_TOKEN`; route names and
/// volumes are the operator's business, not a visitor's.
async fn metrics(
    State(state): State<ServerState>,
    axum::Extension(client): axum::Extension<crate::security::ClientIp>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    if !crate::security::may_read_metrics(&state.security, &client.0, &headers) {
        return crate::rest::error::problem(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Metrics are served to this machine, or with the metrics token.",
        );
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
