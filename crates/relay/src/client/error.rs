//! What can go wrong talking to the relay, classified by what the loop does about it.

use serde::Serialize;

use super::cursor::CursorError;
use super::handler::HandlerError;

/// A failed relay call or delivery step.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The relay refused the credential (HTTP 401/403): revoked or wrong. The loop stops instead of
    /// retrying — a new credential is needed (`wxfleet-relay device add`).
    #[error("the relay refused this device's credential (HTTP {status}): revoked or wrong")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
    },
    /// The relay could not be reached, the connection broke, or the request timed out.
    #[error("relay unreachable: {0}")]
    Network(#[source] reqwest::Error),
    /// The relay answered 5xx, 408 or 429: it is there but cannot serve now.
    #[error("relay answered HTTP {status}: {body}")]
    Unavailable {
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
    /// The relay answered something this client does not understand (another 4xx, a body that is
    /// not the expected JSON, sequence numbers out of order): a version mismatch or a wrong base URL.
    #[error("unexpected answer from the relay: {0}")]
    Protocol(String),
    /// The relay's base URL cannot be used.
    #[error("invalid relay base URL: {0}")]
    BaseUrl(String),
    /// The caller's handler could not process an event (it is retried after a backoff).
    #[error("event handler failed: {0}")]
    Handler(#[from] HandlerError),
    /// The caller's cursor store failed.
    #[error("cursor store failed: {0}")]
    Cursor(#[from] CursorError),
}

/// The class of a [`ClientError`]: what the loop does about it, and what the UI can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Revoked or wrong credential: stop.
    Unauthorized,
    /// Network or server trouble: back off and retry.
    Transient,
    /// An answer this client does not understand: back off (capped) and retry — the relay may be
    /// mid-upgrade or behind a misconfigured proxy — and show it.
    Protocol,
    /// A bad base URL: nothing to retry.
    Config,
    /// The caller's handler failed: back off, then hand the same event over again.
    Handler,
    /// The caller's cursor store failed: back off and retry.
    Cursor,
}

impl ClientError {
    /// Which class this error is in.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::Unauthorized { .. } => ErrorKind::Unauthorized,
            ClientError::Network(_) | ClientError::Unavailable { .. } => ErrorKind::Transient,
            ClientError::Protocol(_) => ErrorKind::Protocol,
            ClientError::BaseUrl(_) => ErrorKind::Config,
            ClientError::Handler(_) => ErrorKind::Handler,
            ClientError::Cursor(_) => ErrorKind::Cursor,
        }
    }

    /// True when retrying cannot help, so the loop stops.
    pub fn is_fatal(&self) -> bool {
        matches!(self.kind(), ErrorKind::Unauthorized | ErrorKind::Config)
    }
}
