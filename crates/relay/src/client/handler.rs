//! Where delivered events go: the caller's handler.

use std::future::Future;

use crate::store::StoredEvent;

/// Why the handler could not process an event; the loop backs off and hands it over again.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(Box<dyn std::error::Error + Send + Sync>);

impl HandlerError {
    /// Wraps any error (or a message: `HandlerError::new("disk full")`).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> HandlerError {
        HandlerError(error.into())
    }
}

/// The relay reported that events after the cursor were lost to this device: purged before it got
/// them (it was away longer than the relay's retention), or in a log the relay no longer has (its
/// database was wiped or replaced; the loop then starts again from 0 in the new log). What was lost
/// must be reconciled through WeChat's query APIs (`api_get_authorizer_list`,
/// `get_latest_auditstatus`, a fresh ticket push).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// The cursor when it was reported: events after this one may be missing.
    pub after: i64,
}

/// Processes delivered events. Called from one task, in sequence order, one event at a time.
///
/// Return `Ok` only once the event is durably processed (committed to the caller's database): the
/// loop then moves the cursor past it and acks it to the relay. An `Err` stops at that event; it is
/// handed over again after a backoff, never skipped. Events can arrive twice (after a crash before
/// the cursor was saved); remove duplicates by WeChat's own keys.
pub trait EventHandler: Send + Sync + 'static {
    /// Processes one event.
    fn handle(&self, event: StoredEvent) -> impl Future<Output = Result<(), HandlerError>> + Send;

    /// Called once per reported gap, before the events of the pull that reported it. `Ok` means the
    /// reconciliation has been taken care of (done or durably scheduled): the cursor then moves
    /// past the gap (to the relay's purge point, or to 0 of a new log). `Err` retries the pull
    /// after a backoff, and the gap is reported again.
    fn on_gap(&self, gap: Gap) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let _ = gap;
        async { Ok(()) }
    }
}

impl<T: EventHandler> EventHandler for std::sync::Arc<T> {
    fn handle(&self, event: StoredEvent) -> impl Future<Output = Result<(), HandlerError>> + Send {
        (**self).handle(event)
    }

    fn on_gap(&self, gap: Gap) -> impl Future<Output = Result<(), HandlerError>> + Send {
        (**self).on_gap(gap)
    }
}
