//! The event inbox: the relay client feeds raw pushes in; each is stored, opened (verified,
//! decrypted, parsed), de-duplicated by WeChat's keys and dispatched to idempotent handlers, then
//! acked.
//!
//! ```text
//!  relay ──pull──▶ intake: a batch's raw events + cursor (one transaction) ──▶ dispatch ──▶ handler ──▶ row: handled
//!    ▲                     │ did not open: kept with the step          │ error: row keeps it,
//!    └──────── ack ◀───────┴───────────────────────────────────────────┘ retry timer tries again
//! ```
//!
//! * [`intake`] — the relay loop's [`EventHandler`](wxfleet_relay::client::EventHandler) and
//!   [`CursorStore`](wxfleet_relay::client::CursorStore), both in the workspace database;
//!   [`batch`] — a pulled batch committed at once, its newest ticket applied first.
//! * [`open`] — the decrypt pipeline, and the callback diagnostics ([`Fleet::diagnose_push`]).
//! * [`dispatch`] — the handlers, and how a failure is kept and retried.
//! * [`items`] — listing, detail and retry for the UI and the CLI.
//!
//! Why handler errors are retried here rather than by withholding the ack: the relay hands events
//! over in order and stops at one that is not acked, so one push whose `api_query_auth` keeps timing
//! out would hold every ticket behind it until the component token dies. Stored first, acked, and
//! retried on a timer, a stuck event delays nothing but itself, and a crash between the commit and
//! the handler leaves a `pending` row that the timer picks up.

mod batch;
mod dispatch;
mod health;
mod intake;
mod items;
mod open;
mod rearm;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use wxfleet_relay::client::{Delivery, DeliveryOptions, RelayClient, RelayState, RelayStatus, StopReason};

pub use dispatch::{retry_delay_ms, MAX_ATTEMPTS};
pub use health::RelayCheck;
pub use items::{InboxFilter, InboxItem, InboxItemDetail, InboxState};
pub use open::PushDiagnosis;

use crate::error::Result;
use crate::platforms::secret;
use crate::{Fleet, FleetEvent};

/// How often each platform's retry timer looks for due events.
const RETRY_TICK: Duration = Duration::from_secs(1);
/// Due events handled per tick (the rest on the next).
const RETRY_BATCH: u32 = 20;

/// The delivery loops running in this process, and the inbox rows being handled right now.
#[derive(Default)]
pub struct InboxRuntime {
    running: Mutex<HashMap<String, Running>>,
    claims: Mutex<HashSet<i64>>,
}

/// One platform's inbox: the relay loop, its status forwarder and the retry timer.
struct Running {
    delivery: Delivery,
    status: watch::Receiver<RelayStatus>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// While held, no other task handles the inbox row.
pub(crate) struct Claim<'a> {
    runtime: &'a InboxRuntime,
    id: i64,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.runtime.claims.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.id);
    }
}

impl InboxRuntime {
    /// Claims row `id`; `None` when another task is handling it.
    pub(crate) fn claim(&self, id: i64) -> Option<Claim<'_>> {
        self.claims.lock().unwrap_or_else(|p| p.into_inner()).insert(id).then_some(Claim { runtime: self, id })
    }

    fn take(&self, platform: &str) -> Option<Running> {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).remove(platform)
    }

    fn put(&self, platform: &str, running: Running) -> Option<Running> {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(platform.to_owned(), running)
    }

    fn status(&self, platform: &str) -> Option<RelayStatus> {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).get(platform).map(|r| r.status.borrow().clone())
    }
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let reason = self.delivery.stop().await;
        tracing::debug!(?reason, "relay delivery stopped");
        for task in self.tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Fleet {
    /// Starts pulling the platform's pushes from its relay into the inbox (no-op without a relay);
    /// restarts the loop when it runs already (after the platform's relay settings changed).
    pub async fn start_inbox(&self, component_appid: &str) -> Result<()> {
        let platform = self.platform(component_appid).await?;
        let (Some(relay_url), Some(relay_platform)) = (platform.relay_url.clone(), platform.relay_platform.clone()) else {
            tracing::info!(platform = component_appid, "no relay configured: pushes are not received");
            return Ok(());
        };
        let credential = self.platform_secret(secret::relay_credential(component_appid)).await?;
        let client = RelayClient::new(&relay_url, credential.expose())?.with_timeout(self.http_timeout());

        // Rows a previous process stored but did not get to handle: due now.
        let (platform_, now) = (component_appid.to_owned(), self.now_ms());
        self.store()
            .write(move |tx| {
                tx.execute(
                    "UPDATE inbox SET next_attempt_at = ?2 WHERE component_appid = ?1 AND state = 'pending' AND next_attempt_at > ?2",
                    rusqlite::params![platform_, now],
                )?;
                Ok(())
            })
            .await?;

        let (stop, stopped) = watch::channel(false);
        let pending = batch::Pending::default();
        let intake = intake::Intake {
            fleet: self.clone(),
            platform: component_appid.to_owned(),
            relay_platform,
            pending: pending.clone(),
            stopped: stopped.clone(),
        };
        let cursor = intake::SqliteCursor { fleet: self.clone(), platform: component_appid.to_owned(), pending, stopped: stopped.clone() };
        let clock = self.clock().clone();
        let options = DeliveryOptions { clock: Arc::new(move || clock.now_ms()), ..DeliveryOptions::default() };
        let delivery = client.deliver(cursor, intake, options);
        let status = delivery.status();
        let tasks = vec![
            tokio::spawn(forward_status(self.clone(), component_appid.to_owned(), delivery.status())),
            tokio::spawn(retry_timer(self.clone(), component_appid.to_owned(), stopped)),
        ];
        tracing::info!(platform = component_appid, relay = %relay_url, "inbox started");
        if let Some(previous) = self.inbox_runtime().put(component_appid, Running { delivery, status, stop, tasks }) {
            previous.stop().await;
        }
        Ok(())
    }

    /// Stops pulling the platform's pushes (what was stored stays; an event being handled finishes
    /// first). No-op when not running.
    pub async fn stop_inbox(&self, component_appid: &str) -> Result<()> {
        if let Some(running) = self.inbox_runtime().take(component_appid) {
            running.stop().await;
            tracing::info!(platform = component_appid, "inbox stopped");
        }
        Ok(())
    }

    /// The relay connection of the platform's inbox (`None` when not running).
    pub fn relay_status(&self, component_appid: &str) -> Option<RelayStatus> {
        self.inbox_runtime().status(component_appid)
    }
}

/// Tells the front ends how the platform's relay connection is doing.
async fn forward_status(fleet: Fleet, platform: String, mut status: watch::Receiver<RelayStatus>) {
    loop {
        let (state, error) = describe(&status.borrow_and_update());
        fleet.emit(FleetEvent::RelayStatus { platform: platform.clone(), state: state.to_owned(), error });
        if state == "stopped" || status.changed().await.is_err() {
            break;
        }
    }
}

fn describe(status: &RelayStatus) -> (&'static str, Option<String>) {
    match &status.state {
        RelayState::Connecting => ("connecting", None),
        RelayState::Connected => ("connected", None),
        RelayState::Backoff { last_error, .. } => ("backing_off", Some(last_error.message.clone())),
        RelayState::Stopped { reason } => match reason {
            StopReason::Shutdown => ("stopped", None),
            StopReason::Unauthorized { message } | StopReason::Config { message } => ("stopped", Some(message.clone())),
        },
    }
}

/// Hands due `pending` and `retrying` rows of the platform to their handlers again.
async fn retry_timer(fleet: Fleet, platform: String, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(RETRY_TICK) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        let (platform_, now) = (platform.clone(), fleet.now_ms());
        let due = fleet
            .store()
            .read(move |conn| {
                // `+component_appid`: the partial index of due rows, not a scan of the platform's history.
                let mut stmt = conn.prepare(
                    "SELECT id FROM inbox WHERE +component_appid = ?1 AND state IN ('pending', 'retrying') AND next_attempt_at <= ?2
                     ORDER BY next_attempt_at, id LIMIT ?3",
                )?;
                let ids = stmt.query_map(rusqlite::params![platform_, now, RETRY_BATCH], |r| r.get::<_, i64>(0))?;
                Ok(ids.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .await;
        let due = match due {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(platform = %platform, error = %e, "could not read the inbox's due events");
                continue;
            }
        };
        for id in due {
            if *stopped.borrow() {
                return;
            }
            if let Err(e) = fleet.redo(id, false).await {
                tracing::warn!(platform = %platform, inbox_id = id, error = %e, "retrying an inbox event failed");
            }
        }
    }
}
