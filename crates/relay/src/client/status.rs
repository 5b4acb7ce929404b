//! What the delivery loop is doing, for the UI (a `tokio::sync::watch` of [`RelayStatus`]).

use serde::Serialize;

use super::error::{ClientError, ErrorKind};

/// A snapshot of the delivery loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelayStatus {
    /// Connecting, connected, backing off or stopped.
    pub state: RelayState,
    /// How far this device is behind what it has seen of the log: the highest sequence number
    /// received minus the highest acked (0 when caught up).
    pub lag: i64,
    /// When the last event arrived (this device's clock, Unix milliseconds).
    pub last_event_at: Option<i64>,
    /// The relay reported that events were purged before this device got them (it was away longer
    /// than the retention). Stays set until [`Delivery::clear_gap`](super::Delivery::clear_gap), so
    /// the UI can show that a reconciliation was needed.
    pub gap: bool,
}

impl RelayStatus {
    /// The status before the loop started.
    pub fn initial() -> RelayStatus {
        RelayStatus { state: RelayState::Connecting, lag: 0, last_event_at: None, gap: false }
    }
}

/// The loop's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RelayState {
    /// Starting, or retrying after a backoff: no answer from the relay yet.
    Connecting,
    /// The last request to the relay succeeded; the loop is long-polling or handling events.
    Connected,
    /// Something failed; the loop waits until `until` and tries again.
    Backoff {
        /// When the next attempt starts (Unix milliseconds).
        until: i64,
        /// What failed.
        last_error: LastError,
    },
    /// The loop ended.
    Stopped {
        /// Why.
        reason: StopReason,
    },
}

/// The error behind a backoff, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LastError {
    /// Its class.
    pub kind: ErrorKind,
    /// Its message.
    pub message: String,
}

impl From<&ClientError> for LastError {
    fn from(error: &ClientError) -> LastError {
        LastError { kind: error.kind(), message: error.to_string() }
    }
}

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum StopReason {
    /// [`Shutdown::trigger`](super::Shutdown::trigger) (or the [`Delivery`](super::Delivery) was dropped).
    Shutdown,
    /// The relay refused the credential: it was revoked or is wrong. Retrying would only hammer it.
    Unauthorized {
        /// What the relay answered.
        message: String,
    },
    /// The configuration cannot work (a bad base URL).
    Config {
        /// What is wrong.
        message: String,
    },
}
