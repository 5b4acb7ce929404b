//! The simulator's virtual clock: real time plus an offset that tests and the admin API advance.
//! Everything in [`crate::world`] takes `now` from here, so a 12-hour ticket expiry or a 7-day
//! retention is tested in milliseconds.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds as the simulator sees them.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    offset_secs: Arc<AtomicI64>,
}

impl SimClock {
    /// Virtual now, in Unix seconds.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        real + self.offset_secs.load(Ordering::SeqCst)
    }

    /// Moves virtual time forward by `secs` (never backward: WeChat's time does not go back).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs.max(0), Ordering::SeqCst);
    }

    /// How far virtual time is ahead of real time.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }
}
