//! `/metrics`: this process's counters in Prometheus' text format, for a scraper that holds the
//! operator's metrics token; and the count and duration of every answer the site gives.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// Renders the process's metrics (the binary owns the recorder; the site only shows it).
pub type RenderMetrics = Arc<dyn Fn() -> String + Send + Sync>;

/// Who may read `/metrics`, and how it is rendered.
#[derive(Clone)]
pub(crate) struct MetricsAccess {
    /// The SHA-256 of the token, so that comparing takes the same time however much matches.
    token_key: String,
    render: RenderMetrics,
}

impl MetricsAccess {
    pub(crate) fn new(token: &str, render: RenderMetrics) -> Self {
        Self { token_key: tidings_accounts::session_key(token), render }
    }
}

impl std::fmt::Debug for MetricsAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsAccess").finish_non_exhaustive()
    }
}

/// `GET /metrics` with `Authorization: Bearer TOKEN`.
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match &state.metrics {
        Some(access) => answer(access, &headers),
        None => (
            StatusCode::NOT_FOUND,
            "Metrics are off: start Tidings with --metrics-token (or TIDINGS_METRICS_TOKEN) to serve them.\n",
        )
            .into_response(),
    }
}

/// `/metrics` alone, for a process that serves no site (`tidings worker`).
pub fn metrics_router(token: &str, render: RenderMetrics) -> Router {
    let access = MetricsAccess::new(token, render);
    Router::new().route("/metrics", get(move |headers: HeaderMap| async move { answer(&access, &headers) }))
}

fn answer(access: &MetricsAccess, headers: &HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if tidings_accounts::session_key(given.trim()) != access.token_key {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Send the metrics token as `Authorization: Bearer TOKEN`.\n",
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        (access.render)(),
    )
        .into_response()
}

/// Counts each answer by its status class and records how long it took.
pub(crate) async fn count(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let class = match response.status().as_u16() {
        0..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::counter!("tidings_http_requests_total", "status" => class).increment(1);
    metrics::histogram!("tidings_http_request_duration_seconds").record(started.elapsed().as_secs_f64());
    response
}
