//! `GET /healthz` (the store answers) and `GET /metrics` (Prometheus text).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::RelayState;
use crate::store::EventStore;

/// 200 `ok` when the store answers a read, 503 otherwise.
pub(super) async fn healthz<S: EventStore>(State(state): State<RelayState<S>>) -> Response {
    match state.store().latest_seq().await {
        Ok(_) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: store unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "store unreachable").into_response()
        }
    }
}

/// The exposition: push counters, ingest latency, and per-device backlog and last-seen.
pub(super) async fn metrics<S: EventStore>(State(state): State<RelayState<S>>) -> Response {
    let (devices, latest) = match (state.store().list_devices().await, state.store().latest_seq().await) {
        (Ok(devices), Ok(latest)) => (devices, latest),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "metrics: store unreachable");
            return (StatusCode::SERVICE_UNAVAILABLE, "store unreachable").into_response();
        }
    };
    let mut text = state.metrics().render(&devices, latest);
    if let Some(proxy) = state.proxy_metrics() {
        super::metrics::render_proxy(&mut text, proxy.snapshot());
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
