//! Running the relay on a socket: plain HTTP or built-in TLS, the retention task beside it, and a
//! graceful shutdown (stop accepting, answer waiting long-polls at once, finish in-flight requests).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum_server::Handle;

use super::{activity, retention, service, tls, RelayState};
use crate::store::EventStore;

/// How long in-flight requests get to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Where the server ended up listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Started {
    /// The bound address (the real port when `listen` asked for port 0).
    pub addr: SocketAddr,
    /// Whether it speaks TLS itself.
    pub tls: bool,
}

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The certificate or key did not load.
    #[error("{0}")]
    Tls(std::io::Error),
    /// Binding or serving failed.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// The `listen` address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Serves `state` on `config.listen` until `shutdown` resolves, then shuts down gracefully.
/// `started` is called once the socket is bound.
pub async fn serve<S: EventStore>(
    state: RelayState<S>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    started: impl FnOnce(Started) + Send + 'static,
) -> Result<(), ServeError> {
    let addr = state.config().listen;
    let tls_files = state.config().tls.clone();
    let tls_config = match &tls_files {
        Some(files) => Some(tls::load(files).await.map_err(ServeError::Tls)?),
        None => None,
    };
    let handle: Handle<SocketAddr> = Handle::new();
    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service(service(state.clone()));

    let retention = tokio::spawn(retention::run(state.clone()));
    let activity = tokio::spawn(activity::run(state.clone()));
    let stopper = {
        let (handle, state) = (handle.clone(), state.clone());
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            state.begin_shutdown();
            handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
        })
    };
    let announcer = {
        let (handle, tls) = (handle.clone(), tls_files.is_some());
        tokio::spawn(async move {
            if let Some(addr) = handle.listening().await {
                started(Started { addr, tls });
            }
        })
    };

    let served = match (tls_files, tls_config) {
        (Some(files), Some(config)) => {
            let reloader = tokio::spawn(tls::reload_on_hangup(files, config.clone()));
            let served = axum_server::bind_rustls(addr, config).handle(handle).serve(app).await;
            reloader.abort();
            served
        }
        _ => axum_server::bind(addr).handle(handle).serve(app).await,
    };
    retention.abort();
    activity.abort();
    stopper.abort();
    announcer.abort();
    served.map_err(|source| ServeError::Io { addr, source })
}
