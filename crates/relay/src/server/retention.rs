//! The retention task: purge what is older than `retention_days`, at start and then hourly.
//!
//! A device whose cursor falls behind what was purged is told so (`gap: true`) on its next pull.

use std::time::Duration;

use super::RelayState;
use crate::store::{EventStore, StoreError};

/// How often the purge runs after the first one at start.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Purges events received more than `retention_days` before `now_ms`; returns how many.
pub async fn purge_once<S: EventStore>(store: &S, now_ms: i64, retention_days: u32) -> Result<u64, StoreError> {
    let before = now_ms - i64::from(retention_days) * 24 * 3600 * 1000;
    store.purge(before).await
}

/// Runs until aborted.
pub(super) async fn run<S: EventStore>(state: RelayState<S>) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        // The first tick completes at once: the purge at start.
        every.tick().await;
        let days = state.config().retention_days;
        match purge_once(state.store(), state.now_ms(), days).await {
            Ok(0) => tracing::debug!(retention_days = days, "retention purge: nothing to purge"),
            Ok(purged) => tracing::info!(retention_days = days, purged, "retention purge"),
            Err(e) => tracing::error!(error = %e, "retention purge failed; will retry in an hour"),
        }
    }
}
