//! How long to wait before retrying, and the clock the status is stamped with — both injectable,
//! so tests decide the randomness and the time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Exponential backoff: `initial · factor^(attempt−1)`, capped at `max`, then jittered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub initial: Duration,
    /// The longest delay (before jitter).
    pub max: Duration,
    /// The growth per consecutive failure.
    pub factor: f64,
}

impl Default for Backoff {
    /// 1 s, 2 s, 4 s … up to 60 s: a relay that is down for maintenance is not hammered, and one
    /// that restarts is reached again within seconds.
    fn default() -> Backoff {
        Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(60), factor: 2.0 }
    }
}

impl Backoff {
    /// The un-jittered delay after `attempt` consecutive failures (1 = the first).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let secs = self.initial.as_secs_f64() * self.factor.max(1.0).powi(exponent);
        if secs.is_finite() && secs < self.max.as_secs_f64() {
            Duration::from_secs_f64(secs)
        } else {
            self.max
        }
    }
}

/// Spreads retries so that many desktops reconnecting after a relay restart do not arrive at once.
pub trait Jitter: Send + Sync + 'static {
    /// The delay to actually wait, given the computed one.
    fn apply(&self, delay: Duration) -> Duration;
}

impl<F: Fn(Duration) -> Duration + Send + Sync + 'static> Jitter for F {
    fn apply(&self, delay: Duration) -> Duration {
        self(delay)
    }
}

/// "Equal jitter": uniformly random in `[delay/2, delay]` — never shorter than half the backoff, so
/// the cap still protects the relay.
#[derive(Debug, Clone, Copy, Default)]
pub struct EqualJitter;

impl Jitter for EqualJitter {
    fn apply(&self, delay: Duration) -> Duration {
        let half = delay / 2;
        let spread = (delay - half).as_nanos().min(u64::MAX as u128) as u64;
        half + Duration::from_nanos(if spread == 0 { 0 } else { rand::random_range(0..=spread) })
    }
}

/// No jitter: the delay as computed (tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn apply(&self, delay: Duration) -> Duration {
        delay
    }
}

/// Wall-clock time for the status (`last_event_at`, backoff `until`), in Unix milliseconds.
pub trait Clock: Send + Sync + 'static {
    /// Now, Unix milliseconds.
    fn now_ms(&self) -> i64;
}

impl<F: Fn() -> i64 + Send + Sync + 'static> Clock for F {
    fn now_ms(&self) -> i64 {
        self()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}
