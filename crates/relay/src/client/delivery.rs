//! The delivery loop: long-poll the relay, hand each event to the handler, save the cursor, ack.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::api::{AckOutcome, RelayClient};
use super::backoff::{Backoff, Clock, EqualJitter, Jitter, SystemClock};
use super::cursor::CursorStore;
use super::error::ClientError;
use super::handler::{EventHandler, Gap};
use super::status::{LastError, RelayState, RelayStatus, StopReason};

/// How the loop polls and retries. `Default` is what the desktop uses.
#[derive(Clone)]
pub struct DeliveryOptions {
    /// How long one long-poll waits for an event (whole seconds; 25 s, below common proxies' idle
    /// timeouts). The request may take 10 s longer before it counts as failed.
    pub wait: Duration,
    /// The most events per pull.
    pub limit: usize,
    /// The backoff after failures (the relay, the handler or the cursor store).
    pub backoff: Backoff,
    /// How backoff delays are spread.
    pub jitter: Arc<dyn Jitter>,
    /// The clock for `last_event_at` and the backoff's `until`.
    pub clock: Arc<dyn Clock>,
    /// The least time between the starts of two pulls when the first returned nothing, so a relay
    /// (or a proxy in front of it) that answers long-polls at once is not polled in a tight loop.
    pub empty_poll_pause: Duration,
}

impl Default for DeliveryOptions {
    fn default() -> DeliveryOptions {
        DeliveryOptions {
            wait: Duration::from_secs(25),
            limit: 100,
            backoff: Backoff::default(),
            jitter: Arc::new(EqualJitter),
            clock: Arc::new(SystemClock),
            empty_poll_pause: Duration::from_secs(1),
        }
    }
}

impl fmt::Debug for DeliveryOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryOptions")
            .field("wait", &self.wait)
            .field("limit", &self.limit)
            .field("backoff", &self.backoff)
            .field("empty_poll_pause", &self.empty_poll_pause)
            .finish_non_exhaustive()
    }
}

/// Stops a running [`Delivery`]; cheap to clone and hand to whoever decides (tray menu, app exit).
#[derive(Debug, Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Shutdown {
    /// Asks the loop to stop: a long-poll or backoff in progress ends at once; an event the handler
    /// is processing is finished first, then the cursor is saved and acked, and the loop ends.
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}

/// A running delivery loop. Dropping it stops the loop (as [`Shutdown::trigger`]).
#[derive(Debug)]
pub struct Delivery {
    status: Arc<watch::Sender<RelayStatus>>,
    shutdown: Shutdown,
    task: Option<JoinHandle<StopReason>>,
}

impl Delivery {
    /// The status stream for the UI.
    pub fn status(&self) -> watch::Receiver<RelayStatus> {
        self.status.subscribe()
    }

    /// A handle that stops the loop.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Clears [`RelayStatus::gap`] once the UI has shown it (the reconciliation itself is the
    /// handler's [`on_gap`](EventHandler::on_gap)).
    pub fn clear_gap(&self) {
        self.status.send_if_modified(|status| std::mem::replace(&mut status.gap, false));
    }

    /// Stops the loop and waits until it ended.
    pub async fn stop(mut self) -> StopReason {
        self.shutdown.trigger();
        self.join().await
    }

    /// Waits until the loop ends by itself (an unauthorized credential) or through a [`Shutdown`].
    pub async fn finished(mut self) -> StopReason {
        self.join().await
    }

    async fn join(&mut self) -> StopReason {
        let Some(task) = self.task.take() else { return StopReason::Shutdown };
        match task.await {
            Ok(reason) => reason,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => StopReason::Shutdown,
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

impl RelayClient {
    /// Starts the delivery loop on the current Tokio runtime: loads the cursor, long-polls for
    /// events after it, hands each to `handler` in order, saves the cursor and acks the highest
    /// handled sequence after each batch. Failures back off (with jitter, capped) and retry; an
    /// unauthorized credential stops the loop ([`StopReason::Unauthorized`]).
    pub fn deliver<C: CursorStore, H: EventHandler>(&self, cursor: C, handler: H, options: DeliveryOptions) -> Delivery {
        let status = Arc::new(watch::Sender::new(RelayStatus::initial()));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let run = Run {
            client: self.clone(),
            cursor_store: cursor,
            handler,
            options,
            status: status.clone(),
            shutdown: shutdown_rx,
            position: None,
            log_id: None,
            pending_reset: None,
            latest: 0,
            attempt: 0,
            gap_reported: None,
        };
        let task = tokio::spawn(run.run());
        Delivery { status, shutdown: Shutdown(Arc::new(shutdown_tx)), task: Some(task) }
    }
}

/// Where the device is: `handled` ≥ `saved` ≥ `acked`.
#[derive(Debug, Clone, Copy)]
struct Position {
    /// The highest contiguous sequence the handler finished.
    handled: i64,
    /// What the cursor store holds.
    saved: i64,
    /// What the relay was told (`None` until the first ack of this run).
    acked: Option<i64>,
}

enum Flow {
    Continue,
    Stop,
}

struct Run<C, H> {
    client: RelayClient,
    cursor_store: C,
    handler: H,
    options: DeliveryOptions,
    status: Arc<watch::Sender<RelayStatus>>,
    shutdown: watch::Receiver<bool>,
    position: Option<Position>,
    /// The relay log the cursor counts in, once known (from the cursor store, or the first pull).
    log_id: Option<String>,
    /// An ack found the cursor outside the relay's log (`Some(its log id)`): start again from 0.
    pending_reset: Option<String>,
    /// The highest sequence seen from the relay.
    latest: i64,
    /// Consecutive failures.
    attempt: u32,
    /// The cursor at which the handler last took a gap (so it is told once, not on every pull).
    gap_reported: Option<i64>,
}

impl<C: CursorStore, H: EventHandler> Run<C, H> {
    async fn run(mut self) -> StopReason {
        let reason = loop {
            match self.step().await {
                Ok(Flow::Continue) => self.attempt = 0,
                Ok(Flow::Stop) => break StopReason::Shutdown,
                Err(ClientError::Unauthorized { status }) => {
                    let message = ClientError::Unauthorized { status }.to_string();
                    tracing::warn!(status, "relay refused the device credential; delivery stopped");
                    break StopReason::Unauthorized { message };
                }
                Err(error @ ClientError::BaseUrl(_)) => break StopReason::Config { message: error.to_string() },
                Err(error) => {
                    // What the handler finished before the failure stays finished.
                    let _ = self.save_cursor().await;
                    self.attempt = self.attempt.saturating_add(1);
                    let delay = self.options.jitter.apply(self.options.backoff.delay(self.attempt));
                    let until = self.options.clock.now_ms().saturating_add(delay.as_millis() as i64);
                    tracing::info!(kind = ?error.kind(), attempt = self.attempt, delay_ms = delay.as_millis() as u64, error = %error, "relay delivery backing off");
                    let last_error = LastError::from(&error);
                    self.set_state(RelayState::Backoff { until, last_error });
                    if !self.sleep(delay).await {
                        break StopReason::Shutdown;
                    }
                    self.set_state(RelayState::Connecting);
                }
            }
        };
        if reason == StopReason::Shutdown {
            self.final_flush().await;
        }
        self.set_state(RelayState::Stopped { reason: reason.clone() });
        reason
    }

    /// One round: flush, long-poll, hand the events over, flush.
    async fn step(&mut self) -> Result<Flow, ClientError> {
        if self.position.is_none() {
            let saved = self.cursor_store.load().await?;
            self.log_id = self.cursor_store.load_log_id().await?;
            self.latest = self.latest.max(saved);
            self.position = Some(Position { handled: saved, saved, acked: None });
        }
        self.flush().await?;
        if let Some(log_id) = self.pending_reset.take() {
            self.restart_log(log_id).await?;
        }
        let after = self.handled();

        let started = Instant::now();
        let mut shutdown = self.shutdown.clone();
        let pull = tokio::select! {
            pull = self.client.pull_in_log(self.log_id.as_deref(), after, self.options.wait, self.options.limit) => pull?,
            _ = shutdown.wait_for(|stop| *stop) => return Ok(Flow::Stop),
        };
        if pull.reset {
            let log_id = pull.log_id.clone().ok_or_else(|| ClientError::Protocol("a reset without the relay's log id".to_owned()))?;
            self.restart_log(log_id).await?;
        } else if let (None, Some(log_id)) = (&self.log_id, &pull.log_id) {
            // The first answer names the log this cursor counts in from now on.
            self.cursor_store.save_log_id(log_id).await?;
            self.log_id = Some(log_id.clone());
        }
        let now = self.options.clock.now_ms();
        if let Some(last) = pull.events.last() {
            self.latest = self.latest.max(last.seq);
        }
        self.status.send_modify(|status| {
            status.state = RelayState::Connected;
            if !pull.events.is_empty() {
                status.last_event_at = Some(now);
            }
            status.gap |= pull.gap;
        });
        self.publish_lag();

        // (A reset's gap was reported by `restart_log`.)
        if pull.gap && !pull.reset {
            if self.gap_reported != Some(after) {
                tracing::warn!(after, purged_through = pull.purged_through, "relay reports purged events after this device's cursor");
                self.handler.on_gap(Gap { after }).await?;
                self.gap_reported = Some(after);
            }
            // Taken care of: continue from the purge point, so the next pull is an ordinary long-poll
            // instead of the same gap again (the flush below saves and acks it).
            if let (Some(purged), Some(position)) = (pull.purged_through, &mut self.position) {
                position.handled = position.handled.max(purged);
            }
        }

        // A relay older than `purged_through` answers a gap with nothing after it at once, again and again.
        let (empty, repeating_gap) = (pull.events.is_empty(), pull.gap && !pull.reset && pull.purged_through.is_none());
        for event in pull.events {
            if self.stopping() {
                return Ok(Flow::Stop);
            }
            let seq = event.seq;
            self.handler.handle(event).await?;
            if let Some(position) = &mut self.position {
                position.handled = seq;
            }
        }
        self.flush().await?;

        if empty {
            // The handler has been told of a repeating gap, so poll at the long-poll's pace until events come.
            let least = if repeating_gap { self.options.wait.max(self.options.empty_poll_pause) } else { self.options.empty_poll_pause };
            let pause = least.saturating_sub(started.elapsed());
            if !pause.is_zero() && !self.sleep(pause).await {
                return Ok(Flow::Stop);
            }
        }
        Ok(if self.stopping() { Flow::Stop } else { Flow::Continue })
    }

    /// The relay's log is not the one the cursor counts in (its database was wiped or replaced):
    /// tell the handler (what was not yet delivered of the old log is lost), then start again from
    /// 0 in `log_id`. Saves 0 before the new id, so a crash in between finds the old id and resets
    /// again rather than skipping the new log's start.
    async fn restart_log(&mut self, log_id: String) -> Result<(), ClientError> {
        let after = self.handled();
        tracing::warn!(after, old_log = ?self.log_id, new_log = %log_id, "the relay's log is not this cursor's (wiped or replaced database): starting again from 0");
        self.status.send_modify(|status| status.gap = true);
        self.handler.on_gap(Gap { after }).await?;
        self.cursor_store.save(0).await?;
        self.cursor_store.save_log_id(&log_id).await?;
        self.log_id = Some(log_id);
        self.position = Some(Position { handled: 0, saved: 0, acked: None });
        self.latest = 0;
        self.gap_reported = None;
        self.publish_lag();
        Ok(())
    }

    fn handled(&self) -> i64 {
        self.position.map_or(0, |p| p.handled)
    }

    /// Saves the cursor, then acks it to the relay, if either is behind what the handler finished.
    async fn flush(&mut self) -> Result<(), ClientError> {
        self.save_cursor().await?;
        let Some(position) = self.position else { return Ok(()) };
        if position.acked.is_none_or(|acked| acked < position.saved) && position.saved > 0 {
            if let AckOutcome::Reset { log_id } = self.client.ack_in_log(self.log_id.as_deref(), position.saved).await? {
                // Nothing acked; the next step starts the new log.
                self.pending_reset = Some(log_id);
                return Ok(());
            }
            if let Some(p) = &mut self.position {
                p.acked = Some(position.saved);
            }
            self.status.send_if_modified(|status| std::mem::replace(&mut status.state, RelayState::Connected) != RelayState::Connected);
            self.publish_lag();
        }
        Ok(())
    }

    async fn save_cursor(&mut self) -> Result<(), ClientError> {
        let Some(position) = self.position else { return Ok(()) };
        if position.handled > position.saved {
            self.cursor_store.save(position.handled).await?;
            if let Some(p) = &mut self.position {
                p.saved = position.handled;
            }
        }
        Ok(())
    }

    /// On shutdown: keep what was handled, and tell the relay if it answers quickly.
    async fn final_flush(&mut self) {
        if let Err(error) = self.save_cursor().await {
            tracing::warn!(%error, "could not save the relay cursor at shutdown; events will be delivered again");
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), self.flush()).await;
    }

    fn publish_lag(&self) {
        let acked = self.position.and_then(|p| p.acked).unwrap_or_else(|| self.position.map_or(0, |p| p.saved));
        let lag = (self.latest - acked).max(0);
        self.status.send_if_modified(|status| std::mem::replace(&mut status.lag, lag) != lag);
    }

    fn set_state(&self, state: RelayState) {
        self.status.send_if_modified(|status| {
            let changed = status.state != state;
            status.state = state;
            changed
        });
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow() || self.shutdown.has_changed().is_err()
    }

    /// Sleeps unless shut down first; false when shut down.
    async fn sleep(&self, delay: Duration) -> bool {
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            () = tokio::time::sleep(delay) => !self.stopping(),
            _ = shutdown.wait_for(|stop| *stop) => false,
        }
    }
}
