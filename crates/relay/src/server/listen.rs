//! Running the relay on a socket: plain HTTP or built-in TLS, the retention task beside it, and a
//! graceful shutdown (stop accepting, answer waiting long-polls at once, finish in-flight requests).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum_server::Handle;

use tokio::net::TcpListener;

use super::{activity, plain, retention, service, tls, RelayState};
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

/// Serves `state` on `config.listen` (with TLS through axum-server, plain through [`plain`]) until `shutdown` resolves, then shuts down gracefully.
/// `started` is called once the socket is bound.
pub async fn serve<S: EventStore>(
    state: RelayState<S>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    started: impl FnOnce(Started) + Send + 'static,
) -> Result<(), ServeError> {
    let addr = state.config().listen;
    let Some(files) = state.config().tls.clone() else {
        return serve_plain(state, addr, shutdown, started).await;
    };
    let tls_config = tls::load(&files).await.map_err(ServeError::Tls)?;
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
        let handle = handle.clone();
        tokio::spawn(async move {
            if let Some(addr) = handle.listening().await {
                started(Started { addr, tls: true });
            }
        })
    };

    let reloader = tokio::spawn(tls::reload_on_hangup(files, tls_config.clone()));
    let served = axum_server::bind_rustls(addr, tls_config).handle(handle).serve(app).await;
    reloader.abort();
    retention.abort();
    activity.abort();
    stopper.abort();
    announcer.abort();
    served.map_err(|source| ServeError::Io { addr, source })
}

/// [`serve`] without TLS: hyper on the socket directly ([`plain`]).
async fn serve_plain<S: EventStore>(
    state: RelayState<S>,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
    started: impl FnOnce(Started) + Send + 'static,
) -> Result<(), ServeError> {
    let io_error = |source| ServeError::Io { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(io_error)?;
    started(Started { addr: listener.local_addr().map_err(io_error)?, tls: false });
    let retention = tokio::spawn(retention::run(state.clone()));
    let activity = tokio::spawn(activity::run(state.clone()));
    let stopping = {
        let state = state.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            state.begin_shutdown();
        }
    };
    plain::serve(listener, service(state), stopping).await;
    retention.abort();
    activity.abort();
    Ok(())
}
