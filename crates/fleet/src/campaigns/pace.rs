//! A per-second rate for WeChat calls: each call takes the next free slot, `1/rate` after the last.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces calls at most `rate` per second (no limit without a rate).
#[derive(Debug)]
pub struct Pace {
    interval: Option<Duration>,
    next: Mutex<Option<Instant>>,
}

impl Pace {
    /// At most `rate_per_sec` calls a second; `None` for no limit.
    pub fn new(rate_per_sec: Option<f64>) -> Pace {
        let interval = rate_per_sec.filter(|r| r.is_finite() && *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
        Pace { interval, next: Mutex::new(None) }
    }

    /// Waits for this call's slot.
    pub async fn wait(&self) {
        let Some(interval) = self.interval else { return };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_are_spaced() {
        let pace = Pace::new(Some(100.0));
        let start = Instant::now();
        for _ in 0..5 {
            pace.wait().await;
        }
        // The first call goes at once, the next four 10 ms apart.
        assert!(start.elapsed() >= Duration::from_millis(40), "{:?}", start.elapsed());
        let free = Pace::new(None);
        let start = Instant::now();
        for _ in 0..1000 {
            free.wait().await;
        }
        assert!(start.elapsed() < Duration::from_millis(40));
    }
}
