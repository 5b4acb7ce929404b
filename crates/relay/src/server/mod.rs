//! The relay's HTTP surface.
//!
//! | route | who | what |
//! |---|---|---|
//! | `POST /wx/{platform}/component` | WeChat | authorization-event URL: verify, store, `success` |
//! | `POST /wx/{platform}/app/{appid}` | WeChat | message-and-event URL (`/wx/{platform}/app/$APPID$` in the console) |
//! | `GET /v1/events?after=&wait=&limit=` | devices | long-poll the log |
//! | `POST /v1/ack` | devices | move this device's cursor |
//! | `POST /v1/authorize-links` | devices | a one-time authorization entry link |
//! | `GET /authorize/{id}` | merchants | the entry page, on the relay's domain, leading to WeChat's consent page |
//! | `GET /authorized?link=…` | merchants | WeChat's `redirect_uri`: the `auth_code` becomes an event |
//! | `GET /healthz`, `GET /metrics` | operators | store reachable; Prometheus text |
//!
//! [`router`] builds the whole surface around a [`RelayState`] (any [`EventStore`]); [`serve`]
//! runs it on a socket (plain or built-in TLS) with the retention task and graceful shutdown.

mod activity;
mod authorize;
mod bearer;
mod devices;
mod front;
mod health;
mod ingest;
mod listen;
pub mod metrics;
mod pages;
mod plain;
mod retention;
mod tls;

use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::routing::{get, post};
use axum::Router;
use tokio::sync::watch;

use crate::config::RelayConfig;
use crate::proxy::ProxyMetrics;
use crate::store::EventStore;
pub use listen::{serve, ServeError, Started};
pub use metrics::Metrics;
pub use retention::purge_once;

/// The largest push body accepted (WeChat's are a few KiB); larger answers 413.
pub const MAX_PUSH_BYTES: usize = 64 * 1024;
/// The longest a long-poll waits, whatever `wait` asks (below common proxy and NAT idle timeouts).
pub const MAX_WAIT_SECS: u64 = 25;
/// Events per pull unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_LIMIT: usize = 100;
/// See [`DEFAULT_LIMIT`].
pub const MAX_LIMIT: usize = 1000;

/// The current time in Unix milliseconds. Passed in, so tests can move it.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0))
}

/// What every handler shares: the configuration, the store, the clock, the metrics, and the
/// signals that wake long-polls (an append here, or shutdown).
pub struct RelayState<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for RelayState<S> {
    fn clone(&self) -> Self {
        RelayState { inner: Arc::clone(&self.inner) }
    }
}

struct Inner<S> {
    config: RelayConfig,
    store: Arc<S>,
    clock: Clock,
    metrics: Metrics,
    appended: watch::Sender<i64>,
    shutdown: watch::Sender<bool>,
    proxy: OnceLock<Arc<ProxyMetrics>>,
}

impl<S: EventStore> RelayState<S> {
    /// The state for `config` on `store`, reading the time from `clock`.
    pub fn new(config: RelayConfig, store: Arc<S>, clock: Clock) -> RelayState<S> {
        RelayState {
            inner: Arc::new(Inner {
                config,
                store,
                clock,
                metrics: Metrics::default(),
                appended: watch::Sender::new(0),
                shutdown: watch::Sender::new(false),
                proxy: OnceLock::new(),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RelayConfig {
        &self.inner.config
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.inner.store
    }

    /// The counters and histograms `/metrics` shows.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Shows the egress proxy's counters on `/metrics` (once; later calls are ignored).
    pub fn attach_proxy_metrics(&self, metrics: Arc<ProxyMetrics>) {
        let _ = self.inner.proxy.set(metrics);
    }

    /// The egress proxy's counters, when it runs.
    pub fn proxy_metrics(&self) -> Option<&ProxyMetrics> {
        self.inner.proxy.get().map(Arc::as_ref)
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        (self.inner.clock)()
    }

    /// Answers every waiting long-poll now (with what it has) and makes new ones return at once,
    /// so a graceful shutdown is not held up for 25 s.
    pub fn begin_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// Wakes long-polls: `seq` was just appended by this process.
    fn announce(&self, seq: i64) {
        self.inner.appended.send_if_modified(|latest| {
            let newer = seq > *latest;
            if newer {
                *latest = seq;
            }
            newer
        });
    }
}

/// The relay's routes around `state`. WeChat's pushes are taken before the routing ([`front`]).
pub fn router<S: EventStore>(state: RelayState<S>) -> Router {
    Router::new().fallback_service(service(state))
}

/// What [`serve`] runs: the push fast path in front of the routes.
fn service<S: EventStore>(state: RelayState<S>) -> front::Front<S> {
    front::Front::new(state.clone(), routes(state))
}

fn routes<S: EventStore>(state: RelayState<S>) -> Router {
    Router::new()
        .route("/wx/{platform}/component", post(ingest::component::<S>))
        .route("/wx/{platform}/app/{appid}", post(ingest::app::<S>))
        .route("/v1/events", get(devices::events::<S>))
        .route("/v1/ack", post(devices::ack::<S>))
        .route("/v1/authorize-links", post(devices::create_link::<S>))
        .route("/authorize/{id}", get(authorize::entry::<S>))
        .route("/authorized", get(authorize::redirect::<S>))
        .route("/healthz", get(health::healthz::<S>))
        .route("/metrics", get(health::metrics::<S>))
        // The ingest reads its body with its own limit (to count and log a 413); the device API's
        // JSON bodies are tiny.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .with_state(state)
}
