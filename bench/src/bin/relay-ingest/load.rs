//! The two load shapes: a fixed rate (open loop: each push has a scheduled send time, and its
//! latency counts from then, so a slow server cannot hide its queue by slowing the generator down),
//! and unthrottled (every connection sends back to back).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::conn::Conn;

/// Requests each connection sends before the clock starts (connections set up, caches warm).
const WARMUP_PER_CONNECTION: usize = 5;
/// Timers fire late by up to a millisecond: wake this much early and send on time.
const TIMER_SLACK: Duration = Duration::from_millis(1);

/// What one run measured.
pub struct Outcome {
    /// Pushes answered `success`.
    pub ok: usize,
    /// Pushes answered otherwise, or not at all.
    pub errors: usize,
    /// The first error, to show.
    pub first_error: Option<String>,
    /// From the start to the last answer.
    pub elapsed: Duration,
    /// Per answered push, microseconds.
    pub latencies_us: Vec<u32>,
}

struct Worker {
    latencies_us: Vec<u32>,
    errors: usize,
    first_error: Option<String>,
    last_answer: Option<Instant>,
}

impl Worker {
    fn new(capacity: usize) -> Worker {
        Worker { latencies_us: Vec::with_capacity(capacity), errors: 0, first_error: None, last_answer: None }
    }

    fn record(&mut self, result: Result<(), String>, from: Instant) {
        let now = Instant::now();
        self.last_answer = Some(now);
        match result {
            Ok(()) => self.latencies_us.push(now.duration_since(from).as_micros().min(u32::MAX as u128) as u32),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }
}

async fn connect_all(addr: SocketAddr, connections: usize, requests: &[Vec<u8>]) -> Result<Vec<Conn>, String> {
    let mut conns = Vec::with_capacity(connections);
    for c in 0..connections {
        let mut conn = Conn::connect(addr).await.map_err(|e| format!("connect {addr}: {e}"))?;
        for w in 0..WARMUP_PER_CONNECTION {
            conn.exchange(&requests[(c * WARMUP_PER_CONNECTION + w) % requests.len()]).await.map_err(|e| format!("warm-up: {e}"))?;
        }
        conns.push(conn);
    }
    Ok(conns)
}

fn collect(workers: Vec<Worker>, start: Instant) -> Outcome {
    let mut outcome = Outcome { ok: 0, errors: 0, first_error: None, elapsed: Duration::ZERO, latencies_us: Vec::new() };
    for w in workers {
        outcome.ok += w.latencies_us.len();
        outcome.errors += w.errors;
        if outcome.first_error.is_none() {
            outcome.first_error = w.first_error;
        }
        if let Some(last) = w.last_answer {
            outcome.elapsed = outcome.elapsed.max(last.duration_since(start));
        }
        outcome.latencies_us.extend(w.latencies_us);
    }
    outcome
}

/// `rate` pushes per second for `duration` (so `rate × duration` pushes), open loop, spread over
/// `connections` keep-alive connections. Push `i` is due at `start + i/rate`; its latency runs from
/// then (or from when it was sent, if a timer sent it a little early) to the answer.
pub async fn fixed_rate(
    addr: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    rate: u32,
    duration: Duration,
    connections: usize,
) -> Result<Outcome, String> {
    let count = (f64::from(rate) * duration.as_secs_f64()).round() as usize;
    let conns = connect_all(addr, connections, &requests).await?;
    let next = Arc::new(AtomicUsize::new(0));
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = Instant::now() + Duration::from_millis(20);
    // Bounded in time too: what is not sent by then counts as failed.
    let give_up = start + duration + Duration::from_secs(10);
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (next, requests) = (next.clone(), requests.clone());
        tasks.push(tokio::spawn(async move {
            let mut worker = Worker::new(count / connections + 1);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let due = start + interval.mul_f64(i as f64);
                let wake = due.checked_sub(TIMER_SLACK).unwrap_or(due);
                if wake > Instant::now() {
                    tokio::time::sleep_until(wake).await;
                }
                if Instant::now() > give_up {
                    worker.record(Err("not sent within the run's time bound".to_owned()), due);
                    continue;
                }
                let sent = Instant::now();
                let result = conn.exchange(&requests[i % requests.len()]).await;
                worker.record(result, sent.min(due));
            }
            worker
        }));
    }
    let mut workers = Vec::new();
    for task in tasks {
        workers.push(task.await.map_err(|e| e.to_string())?);
    }
    Ok(collect(workers, start))
}

/// As fast as the server answers: every connection sends its next push as soon as the last one
/// was answered, for `duration`.
pub async fn unthrottled(addr: SocketAddr, requests: Arc<Vec<Vec<u8>>>, duration: Duration, connections: usize) -> Result<Outcome, String> {
    let conns = connect_all(addr, connections, &requests).await?;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (next, requests) = (next.clone(), requests.clone());
        tasks.push(tokio::spawn(async move {
            let mut worker = Worker::new(4096);
            while Instant::now() < end {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let result = conn.exchange(&requests[i % requests.len()]).await;
                worker.record(result, sent);
            }
            worker
        }));
    }
    let mut workers = Vec::new();
    for task in tasks {
        workers.push(task.await.map_err(|e| e.to_string())?);
    }
    Ok(collect(workers, start))
}
