//! The ingest's log at `info`: one line a minute with how many pushes were stored and refused,
//! rather than one line per push.
//!
//! A line per push cost about a tenth of the ingest's CPU under load (formatting, and a write to
//! stderr each time), for lines that say no more than the counters. Each stored push is still
//! logged at `debug` (`RUST_LOG=wxfleet_relay=debug`), and each refused one at `warn`.

use std::time::Duration;

use super::RelayState;
use crate::store::EventStore;

/// How often the summary is logged (when something happened).
pub const EVERY: Duration = Duration::from_secs(60);

/// Runs until aborted.
pub(super) async fn run<S: EventStore>(state: RelayState<S>) {
    let mut every = tokio::time::interval(EVERY);
    every.tick().await;
    let (mut stored_before, mut refused_before) = (state.metrics().accepted_total(), state.metrics().rejected_total());
    loop {
        every.tick().await;
        let (stored, refused) = (state.metrics().accepted_total(), state.metrics().rejected_total());
        if (stored, refused) != (stored_before, refused_before) {
            tracing::info!(
                stored = stored - stored_before,
                refused = refused - refused_before,
                stored_total = stored,
                period_s = EVERY.as_secs(),
                "pushes since the last report"
            );
        }
        (stored_before, refused_before) = (stored, refused);
    }
}
