//! Built-in TLS: rustls (ring provider) from PEM files, reloaded on SIGHUP so a renewed
//! certificate takes effect without a restart.

use axum_server::tls_rustls::RustlsConfig;

use crate::config::TlsConfig;

/// Reads the certificate chain and key named by `[tls]`.
pub(super) async fn load(tls: &TlsConfig) -> std::io::Result<RustlsConfig> {
    // The process-wide provider; installing twice (tests, restarts in-process) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("TLS certificate {} / key {}: {e}", tls.cert.display(), tls.key.display())))
}

/// Reloads the files on every SIGHUP; keeps the old ones when the new ones do not load.
#[cfg(unix)]
pub(super) async fn reload_on_hangup(tls: TlsConfig, config: RustlsConfig) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else { return };
    while hangups.recv().await.is_some() {
        match config.reload_from_pem_file(&tls.cert, &tls.key).await {
            Ok(()) => tracing::info!(cert = %tls.cert.display(), "TLS certificate reloaded"),
            Err(e) => tracing::error!(error = %e, cert = %tls.cert.display(), "TLS reload failed; keeping the previous certificate"),
        }
    }
}

/// No SIGHUP elsewhere.
#[cfg(not(unix))]
pub(super) async fn reload_on_hangup(_tls: TlsConfig, _config: RustlsConfig) {}
