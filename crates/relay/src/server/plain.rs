//! Plain HTTP/1.1 on a socket, served by hyper directly: one task per connection, and one signal
//! that tells every connection to finish its request in flight and close.
//!
//! Without TLS the relay does not need a server framework around hyper: the ingest answers tens of
//! thousands of pushes a second, and every layer between the socket and the service is paid for
//! on each of them. What a framework would add is the graceful shutdown, which is this file.

use std::future::Future;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::front::Front;
use super::listen::SHUTDOWN_GRACE;
use crate::store::EventStore;

/// Serves `service` on `listener` until `shutdown` resolves; then stops accepting, lets each
/// connection finish the request it is answering (at most [`SHUTDOWN_GRACE`]) and closes the rest.
pub(super) async fn serve<S: EventStore>(listener: TcpListener, service: Front<S>, shutdown: impl Future<Output = ()>) {
    let (stopping, stop) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            // Reaps finished connections, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, service.clone(), stop.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    stopping.send_replace(true);
    let finished = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, finished).await.is_err() {
        tracing::warn!(open = connections.len(), "closing connections still busy after the shutdown grace period");
    }
    // Dropping the set aborts whatever is left.
}

async fn connection<S: EventStore>(stream: TcpStream, service: Front<S>, mut stop: watch::Receiver<bool>) {
    // Each answer is one write that the client waits for: send it now, not after a delayed ACK.
    let _ = stream.set_nodelay(true);
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service).with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
