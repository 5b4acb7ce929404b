//! The desktop's relay client against a real relay: in-process (`server::serve` on a loopback
//! socket with a SQLite store) for most flows, and the `wxfleet-relay` binary, killed with SIGKILL
//! and restarted, where the test is about surviving the relay's death.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use wechat::crypto::MsgCrypt;
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Event};
use wxfleet_relay::client::{
    authorize_entry_url, AckOutcome, AuthorizeLinkRequest, Backoff, ClientError, Credential, CursorError, CursorStore, Delivery,
    DeliveryOptions, EqualJitter, ErrorKind, EventHandler, Gap, HandlerError, Jitter, LinkMode, MemoryCursor, NoJitter, RelayClient,
    RelayState, RelayStatus, StopReason,
};
use wxfleet_relay::server::{self, system_clock};
use wxfleet_relay::store::credential::credential_hash;
use wxfleet_relay::store::{EventStore, Source, Store, StoredEvent};
use wxfleet_relay::RelayConfig;

const PLATFORM: &str = "demo";
const COMPONENT_APPID: &str = "wx0000000000000001";
const TOKEN: &str = "relay-client-test-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const PUBLIC_URL: &str = "https://relay.example.com/base";
/// The injected clock: every status stamp reads this.
const NOW_MS: i64 = 1_763_700_000_000;

// ---------------------------------------------------------------- the relay under test

/// A relay served in-process on a loopback socket, with one enrolled device.
struct Relay {
    addr: SocketAddr,
    store: Arc<Store>,
    config_path: PathBuf,
    credential: String,
    device: i64,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

fn write_config(dir: &Path, listen: &str) -> PathBuf {
    let path = dir.join("relay.toml");
    let db = dir.join("relay.db");
    let text = format!(
        "listen = \"{listen}\"\npublic_url = \"{PUBLIC_URL}\"\nstore = \"sqlite:{}\"\nretention_days = 7\n\n\
         [[platform]]\nid = \"{PLATFORM}\"\ncomponent_appid = \"{COMPONENT_APPID}\"\ntoken = \"{TOKEN}\"\n",
        db.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

impl Relay {
    async fn start() -> Relay {
        let dir = tempfile::tempdir().unwrap();
        let config_path = write_config(dir.path(), "127.0.0.1:0");
        let config = RelayConfig::load(&config_path, |_| None).unwrap();
        let store = Arc::new(Store::open(&config.store).await.unwrap());
        let device = store.add_device("test desktop", NOW_MS).await.unwrap();
        let mut relay = Relay {
            addr: "127.0.0.1:0".parse().unwrap(),
            store,
            config_path,
            credential: device.credential,
            device: device.id,
            stop: None,
            task: None,
            _dir: dir,
        };
        relay.serve().await;
        relay
    }

    /// Serves on `self.addr` (the port it had before, after a restart).
    async fn serve(&mut self) {
        let mut config = RelayConfig::load(&self.config_path, |_| None).unwrap();
        config.listen = self.addr;
        let state = server::RelayState::new(config, self.store.clone(), system_clock());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (addr_tx, addr_rx) = oneshot::channel();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stop_rx.await;
            };
            server::serve(state, shutdown, move |started| {
                let _ = addr_tx.send(started.addr);
            })
            .await
            .unwrap();
        });
        self.addr = tokio::time::timeout(Duration::from_secs(10), addr_rx).await.unwrap().unwrap();
        self.stop = Some(stop_tx);
        self.task = Some(task);
    }

    /// Shuts the server down (waiting long-polls are answered at once) and waits until it is gone.
    async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(15), task).await.unwrap().unwrap();
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn client(&self) -> RelayClient {
        RelayClient::new(&self.base_url(), &self.credential).unwrap()
    }

    /// Wipes the database under the relay: the server stops, the files go, a fresh store (a new
    /// log, seq from 1) takes their place with this device enrolled again under the same
    /// credential (as an operator restoring the enrolments would), and the server comes back on the
    /// same port.
    async fn wipe(&mut self) {
        self.shut_down().await;
        let db = self._dir.path().join("relay.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let config = RelayConfig::load(&self.config_path, |_| None).unwrap();
        self.store = Arc::new(Store::open(&config.store).await.unwrap());
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "INSERT INTO devices (name, credential_sha256, created_at) VALUES ('test desktop', ?1, ?2)",
            rusqlite::params![credential_hash(&self.credential), NOW_MS],
        )
        .unwrap();
        self.device = conn.last_insert_rowid();
        self.serve().await;
    }

    async fn acked(&self) -> i64 {
        let devices = self.store.list_devices().await.unwrap();
        devices.iter().find(|d| d.id == self.device).unwrap().acked_seq
    }
}

// ---------------------------------------------------------------- pushes, as WeChat sends them

/// Signed ticket pushes, as WeChat would send them to the authorization-event URL.
struct Pusher {
    crypt: MsgCrypt,
    http: reqwest::Client,
    sent: u32,
}

impl Pusher {
    fn new() -> Pusher {
        Pusher { crypt: MsgCrypt::new(TOKEN, AES_KEY, COMPONENT_APPID).unwrap(), http: reqwest::Client::new(), sent: 0 }
    }

    /// Pushes `n` tickets and returns the bodies, in order; each must be answered `success`.
    async fn push(&mut self, base_url: &str, n: u32) -> Vec<String> {
        let mut bodies = Vec::new();
        for _ in 0..n {
            self.sent += 1;
            let i = self.sent;
            let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
                header: ComponentHeader { app_id: COMPONENT_APPID.to_owned(), create_time: 1_763_700_000 + i64::from(i) },
                component_verify_ticket: format!("ticket@@@{i}"),
            });
            let mut random = [7u8; 16];
            random[..4].copy_from_slice(&i.to_be_bytes());
            let sealed = self.crypt.seal_push(
                &Addressee::AppId(COMPONENT_APPID.to_owned()),
                &event.to_xml(),
                &(1_763_700_000 + i).to_string(),
                &format!("nonce{i}"),
                None,
                random,
            );
            let url = format!("{base_url}/wx/{PLATFORM}/component?{}", sealed.query_string);
            let response = self.http.post(url).body(sealed.body.clone()).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.text().await.unwrap(), "success");
            bodies.push(sealed.body);
        }
        bodies
    }
}

// ---------------------------------------------------------------- the caller's side

/// Records what it is handed; fails chosen events a number of times; can hold at one event.
#[derive(Default)]
struct Recorder {
    /// Events handled successfully, in order.
    handled: Mutex<Vec<StoredEvent>>,
    /// Every call, failures included.
    calls: Mutex<Vec<i64>>,
    /// seq → how many more times to fail it.
    failures: Mutex<HashMap<i64, u32>>,
    gaps: Mutex<Vec<Gap>>,
    /// Hold at this seq until `gate` opens.
    hold_at: Option<i64>,
    gate: Option<watch::Sender<bool>>,
}

impl Recorder {
    fn failing(seq: i64, times: u32) -> Recorder {
        Recorder { failures: Mutex::new(HashMap::from([(seq, times)])), ..Recorder::default() }
    }

    fn holding_at(seq: i64) -> Recorder {
        Recorder { hold_at: Some(seq), gate: Some(watch::Sender::new(false)), ..Recorder::default() }
    }

    fn open_gate(&self) {
        self.gate.as_ref().unwrap().send_replace(true);
    }

    fn handled_seqs(&self) -> Vec<i64> {
        self.handled.lock().unwrap().iter().map(|e| e.seq).collect()
    }

    fn calls(&self) -> Vec<i64> {
        self.calls.lock().unwrap().clone()
    }
}

impl EventHandler for Recorder {
    async fn handle(&self, event: StoredEvent) -> Result<(), HandlerError> {
        self.calls.lock().unwrap().push(event.seq);
        if let Some(left) = self.failures.lock().unwrap().get_mut(&event.seq).filter(|left| **left > 0) {
            *left -= 1;
            return Err(HandlerError::new("disk full"));
        }
        if self.hold_at == Some(event.seq) {
            let mut gate = self.gate.as_ref().unwrap().subscribe();
            let _ = gate.wait_for(|open| *open).await;
        }
        self.handled.lock().unwrap().push(event);
        Ok(())
    }

    async fn on_gap(&self, gap: Gap) -> Result<(), HandlerError> {
        self.gaps.lock().unwrap().push(gap);
        Ok(())
    }
}

/// Fast retries, a 1 s long-poll, no jitter, a fixed clock.
fn options() -> DeliveryOptions {
    DeliveryOptions {
        wait: Duration::from_secs(1),
        limit: 7,
        backoff: Backoff { initial: Duration::from_millis(50), max: Duration::from_millis(400), factor: 2.0 },
        jitter: Arc::new(NoJitter),
        clock: Arc::new(|| NOW_MS),
        empty_poll_pause: Duration::from_millis(100),
    }
}

/// Every state the status stream shows, in order (consecutive duplicates merged).
fn record_states(delivery: &Delivery) -> Arc<Mutex<Vec<RelayState>>> {
    let states = Arc::new(Mutex::new(vec![delivery.status().borrow().state.clone()]));
    let mut rx = delivery.status();
    let seen = states.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let state = rx.borrow_and_update().state.clone();
            let mut seen = seen.lock().unwrap();
            if seen.last() != Some(&state) {
                seen.push(state);
            }
        }
    });
    states
}

async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn status_until(delivery: &Delivery, what: &str, done: impl FnMut(&RelayStatus) -> bool) -> RelayStatus {
    let mut rx = delivery.status();
    let status = tokio::time::timeout(Duration::from_secs(20), rx.wait_for(done))
        .await
        .unwrap_or_else(|_| panic!("timed out waiting until {what}; status: {:?}", delivery.status().borrow()));
    // The binding is needed: as a tail expression the watch guard would outlive `rx` (edition 2021).
    #[allow(clippy::let_and_return)]
    let status = status.unwrap().clone();
    status
}

// ---------------------------------------------------------------- delivery

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receives_everything_in_order_and_acks() {
    let relay = Relay::start().await;
    let bodies = Pusher::new().push(&relay.base_url(), 25).await;

    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    eventually("25 events are saved", || cursor.get() == 25).await;
    let status = status_until(&delivery, "the relay has the ack", |s| s.lag == 0 && s.state == RelayState::Connected).await;

    let handled = handler.handled.lock().unwrap().clone();
    assert_eq!(handled.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=25).collect::<Vec<_>>());
    assert_eq!(handled.iter().map(|e| e.body.clone()).collect::<Vec<_>>(), bodies, "bodies byte-exact");
    assert!(handled.iter().all(|e| e.source == Source::Component && e.platform == PLATFORM && e.query.contains("msg_signature=")));
    assert_eq!(handler.calls().len(), 25, "each event handed over once");
    assert_eq!(relay.acked().await, 25);
    assert_eq!(status.last_event_at, Some(NOW_MS), "stamped with the injected clock");
    assert!(!status.gap);

    // More events reach a device that is waiting in a long-poll.
    let more = Pusher { sent: 25, ..Pusher::new() }.push(&relay.base_url(), 3).await;
    eventually("28 events are saved", || cursor.get() == 28).await;
    assert_eq!(handler.handled.lock().unwrap()[25..].iter().map(|e| e.body.clone()).collect::<Vec<_>>(), more);
    eventually_acked(&relay, 28).await;
    assert_eq!(delivery.stop().await, StopReason::Shutdown);
}

async fn eventually_acked(relay: &Relay, seq: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while relay.acked().await != seq {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for the relay to have ack {seq}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_client_continues_from_its_persisted_cursor() {
    let relay = Relay::start().await;
    let mut pusher = Pusher::new();
    pusher.push(&relay.base_url(), 5).await;
    let cursor = Arc::new(MemoryCursor::default());

    let first = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), first.clone(), options());
    eventually("5 events are saved", || cursor.get() == 5).await;
    assert_eq!(delivery.stop().await, StopReason::Shutdown);

    pusher.push(&relay.base_url(), 4).await;
    let second = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), second.clone(), options());
    eventually("9 events are saved", || cursor.get() == 9).await;
    assert_eq!(second.calls(), vec![6, 7, 8, 9], "nothing handed over twice, nothing skipped");
    eventually_acked(&relay, 9).await;
    delivery.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_is_not_acked_and_the_event_is_retried() {
    let relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 6).await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::failing(3, 2));
    let mut slow = options();
    // Long enough to look at the relay between the failure and the retry.
    slow.backoff = Backoff { initial: Duration::from_millis(700), max: Duration::from_millis(700), factor: 1.0 };
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), slow);

    let status = status_until(&delivery, "the handler failed", |s| matches!(s.state, RelayState::Backoff { .. })).await;
    let RelayState::Backoff { until, last_error } = status.state else { unreachable!() };
    assert_eq!(last_error.kind, ErrorKind::Handler);
    assert!(last_error.message.contains("disk full"), "{}", last_error.message);
    assert_eq!(until, NOW_MS + 700, "the injected clock plus the un-jittered backoff");
    assert_eq!(cursor.get(), 2, "the events before the failure are kept");
    assert_eq!(handler.handled_seqs(), vec![1, 2]);
    assert!(relay.acked().await <= 2, "the failed event is not acked");

    eventually("all 6 are saved", || cursor.get() == 6).await;
    eventually_acked(&relay, 6).await;
    assert_eq!(handler.calls(), vec![1, 2, 3, 3, 3, 4, 5, 6], "3 failed twice, then succeeded; nothing after it ran before");
    assert_eq!(handler.handled_seqs(), (1..=6).collect::<Vec<_>>(), "in order, none skipped");
    delivery.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_connecting_connected_backoff_and_stopped_across_a_relay_restart() {
    let mut relay = Relay::start().await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    let states = record_states(&delivery);
    status_until(&delivery, "connected", |s| s.state == RelayState::Connected).await;

    relay.shut_down().await;
    let status = status_until(&delivery, "backing off", |s| matches!(s.state, RelayState::Backoff { .. })).await;
    let RelayState::Backoff { until, last_error } = status.state else { unreachable!() };
    assert_eq!(last_error.kind, ErrorKind::Transient, "{}", last_error.message);
    assert_eq!((until - NOW_MS) % 50, 0, "a multiple of the initial backoff without jitter: {}", until - NOW_MS);
    assert!(until - NOW_MS <= 400, "capped");

    relay.serve().await;
    let bodies = Pusher::new().push(&relay.base_url(), 3).await;
    eventually("3 events are saved", || cursor.get() == 3).await;
    assert_eq!(handler.handled.lock().unwrap().iter().map(|e| e.body.clone()).collect::<Vec<_>>(), bodies);
    assert_eq!(delivery.stop().await, StopReason::Shutdown);
    tokio::time::sleep(Duration::from_millis(50)).await;

    let states = states.lock().unwrap().clone();
    let names: Vec<&str> = states
        .iter()
        .map(|s| match s {
            RelayState::Connecting => "connecting",
            RelayState::Connected => "connected",
            RelayState::Backoff { .. } => "backoff",
            RelayState::Stopped { .. } => "stopped",
        })
        .collect();
    // A watch channel keeps only the latest value, so a recorder can miss a state that lasted an
    // instant (the first `connected` was already awaited above with `status_until`). What it must
    // see: it starts connecting, backs off after the restart, reconnects, and stops last.
    assert_eq!(names.first(), Some(&"connecting"), "{names:?}");
    assert_eq!(names.last(), Some(&"stopped"), "{names:?}");
    let backoff = names.iter().position(|n| *n == "backoff").expect("backoff");
    let reconnected = names.iter().rposition(|n| *n == "connected").expect("connected again");
    assert!(backoff < reconnected, "{names:?}");
    assert!(names[backoff..reconnected].contains(&"connecting"), "retries announce themselves: {names:?}");
    assert_eq!(states.last(), Some(&RelayState::Stopped { reason: StopReason::Shutdown }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_credential_stops_the_loop() {
    let relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 2).await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    eventually("2 events are saved", || cursor.get() == 2).await;

    assert!(relay.store.revoke_device(relay.device, NOW_MS).await.unwrap());
    let status = status_until(&delivery, "stopped", |s| matches!(s.state, RelayState::Stopped { .. })).await;
    let RelayState::Stopped { reason: StopReason::Unauthorized { message } } = status.state else {
        panic!("expected unauthorized, got {:?}", status.state)
    };
    assert!(message.contains("401"), "{message}");
    assert!(matches!(delivery.finished().await, StopReason::Unauthorized { .. }));
    Pusher { sent: 2, ..Pusher::new() }.push(&relay.base_url(), 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(handler.calls(), vec![1, 2], "nothing more is pulled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_is_surfaced_and_handed_to_the_handler_once() {
    let relay = Relay::start().await;
    let mut pusher = Pusher::new();
    pusher.push(&relay.base_url(), 3).await;
    // The device was away longer than the retention: everything so far is purged.
    assert_eq!(relay.store.purge(i64::MAX).await.unwrap(), 3);

    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::default());
    let mut opts = options();
    opts.wait = Duration::from_secs(2);
    // The clock is read once per answered pull: it counts them.
    let pulls = Arc::new(AtomicUsize::new(0));
    let counter = pulls.clone();
    opts.clock = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        NOW_MS
    });
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), opts);
    let status = status_until(&delivery, "the gap shows", |s| s.gap).await;
    assert_eq!(status.state, RelayState::Connected);
    eventually("the handler hears of the gap", || !handler.gaps.lock().unwrap().is_empty()).await;
    // Taken care of, the gap is behind the device: its cursor moves to the purge point (saved and
    // acked), so the next pull is an ordinary long-poll, not the same gap again.
    eventually("the cursor is at the purge point", || cursor.get() == 3).await;
    eventually_acked(&relay, 3).await;
    let before = pulls.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(pulls.load(Ordering::SeqCst) - before <= 1, "pulls in 1.5 s: {}", pulls.load(Ordering::SeqCst) - before);
    assert_eq!(*handler.gaps.lock().unwrap(), vec![Gap { after: 0 }]);

    let bodies = pusher.push(&relay.base_url(), 2).await;
    eventually("the new events are saved", || cursor.get() == 5).await;
    assert_eq!(handler.handled_seqs(), vec![4, 5]);
    assert_eq!(handler.handled.lock().unwrap().iter().map(|e| e.body.clone()).collect::<Vec<_>>(), bodies);
    assert_eq!(handler.gaps.lock().unwrap().len(), 1);
    assert!(delivery.status().borrow().gap, "stays shown until the UI clears it");
    delivery.clear_gap();
    assert!(!delivery.status().borrow().gap);
    delivery.stop().await;

    // Nor is it reported again after a restart (the in-memory guard is gone; the cursor is past it).
    let again = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), again.clone(), options());
    let more = Pusher { sent: 5, ..Pusher::new() }.push(&relay.base_url(), 1).await;
    eventually("the next event is saved", || cursor.get() == 6).await;
    assert_eq!(again.handled.lock().unwrap().iter().map(|e| e.body.clone()).collect::<Vec<_>>(), more);
    assert!(again.gaps.lock().unwrap().is_empty());
    assert!(!delivery.status().borrow().gap);
    delivery.stop().await;
}

// ---------------------------------------------------------------- a wiped or replaced relay database

fn seqs_and_bodies(events: &[StoredEvent]) -> (Vec<i64>, Vec<String>) {
    (events.iter().map(|e| e.seq).collect(), events.iter().map(|e| e.body.clone()).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_wiped_under_a_running_client_restarts_it_from_zero_with_a_gap() {
    let mut relay = Relay::start().await;
    let old_bodies = Pusher::new().push(&relay.base_url(), 5).await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    eventually("5 events are saved", || cursor.get() == 5).await;
    let old_log = relay.store.log_id().to_owned();
    eventually("the relay's log id is saved", || cursor.log_id().as_deref() == Some(old_log.as_str())).await;

    relay.wipe().await;
    let new_log = relay.store.log_id().to_owned();
    assert_ne!(new_log, old_log);
    // More events than the device's cursor (5): only the log id tells the logs apart.
    let new_bodies = Pusher { sent: 100, ..Pusher::new() }.push(&relay.base_url(), 8).await;
    eventually("the new log is saved", || cursor.get() == 8 && cursor.log_id().as_deref() == Some(new_log.as_str())).await;
    eventually_acked(&relay, 8).await;

    assert_eq!(*handler.gaps.lock().unwrap(), vec![Gap { after: 5 }], "told once, with the cursor in the old log");
    let handled = handler.handled.lock().unwrap().clone();
    assert_eq!(seqs_and_bodies(&handled[..5]), ((1..=5).collect(), old_bodies));
    assert_eq!(seqs_and_bodies(&handled[5..]), ((1..=8).collect(), new_bodies), "the new log from its start, nothing skipped");
    let status = status_until(&delivery, "caught up in the new log", |s| s.lag == 0).await;
    assert!(status.gap, "the UI shows that a reconciliation was needed");
    delivery.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_restarted_against_a_wiped_relay_notices_by_its_saved_log_id() {
    let mut relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 5).await;
    let cursor = Arc::new(MemoryCursor::default());
    let delivery = relay.client().deliver(cursor.clone(), Recorder::default(), options());
    eventually("5 events are saved", || cursor.get() == 5).await;
    eventually_acked(&relay, 5).await;
    delivery.stop().await;
    let old_log = cursor.log_id().expect("the log id is saved with the cursor");

    // Wiped while the desktop was closed; by the time it starts, the new log is past its cursor.
    relay.wipe().await;
    let bodies = Pusher { sent: 100, ..Pusher::new() }.push(&relay.base_url(), 8).await;
    let restarted = Arc::new(MemoryCursor::in_log(cursor.get(), &old_log));
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(restarted.clone(), handler.clone(), options());
    eventually("the new log is saved", || restarted.get() == 8).await;
    eventually_acked(&relay, 8).await;
    assert_eq!(*handler.gaps.lock().unwrap(), vec![Gap { after: 5 }]);
    assert_eq!(seqs_and_bodies(&handler.handled.lock().unwrap()), ((1..=8).collect(), bodies));
    assert_eq!(restarted.log_id().as_deref(), Some(relay.store.log_id()));
    delivery.stop().await;

    // Started once more: nothing to redo.
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(restarted.clone(), handler.clone(), options());
    status_until(&delivery, "connected", |s| s.state == RelayState::Connected).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(handler.calls().is_empty() && handler.gaps.lock().unwrap().is_empty());
    delivery.stop().await;
}

/// A cursor store that keeps no log id (the trait's defaults): a wiped relay is still noticed
/// when its log is shorter than the cursor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_store_without_log_ids_still_notices_a_log_shorter_than_its_cursor() {
    struct SeqOnly(MemoryCursor);
    impl CursorStore for SeqOnly {
        async fn load(&self) -> Result<i64, CursorError> {
            self.0.load().await
        }
        async fn save(&self, seq: i64) -> Result<(), CursorError> {
            self.0.save(seq).await
        }
    }
    let relay = Relay::start().await;
    let bodies = Pusher::new().push(&relay.base_url(), 3).await;
    let cursor = Arc::new(SeqOnly(MemoryCursor::new(20)));
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    eventually("the relay's 3 events are saved", || cursor.0.get() == 3).await;
    assert_eq!(*handler.gaps.lock().unwrap(), vec![Gap { after: 20 }]);
    assert_eq!(seqs_and_bodies(&handler.handled.lock().unwrap()), ((1..=3).collect(), bodies));
    eventually_acked(&relay, 3).await;
    delivery.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_a_waiting_long_poll_promptly() {
    let relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 1).await;
    let cursor = Arc::new(MemoryCursor::default());
    let mut opts = options();
    opts.wait = Duration::from_secs(25);
    let delivery = relay.client().deliver(cursor.clone(), Recorder::default(), opts);
    eventually("the event is saved", || cursor.get() == 1).await;
    eventually_acked(&relay, 1).await;
    // Now in a 25 s long-poll.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let status = delivery.status();
    assert_eq!(delivery.stop().await, StopReason::Shutdown);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(status.borrow().state, RelayState::Stopped { reason: StopReason::Shutdown });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_a_backoff_keeps_what_was_handled() {
    let relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 3).await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::failing(3, u32::MAX));
    let mut opts = options();
    opts.backoff = Backoff { initial: Duration::from_secs(30), max: Duration::from_secs(30), factor: 2.0 };
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), opts);
    status_until(&delivery, "backing off", |s| matches!(s.state, RelayState::Backoff { .. })).await;
    let started = std::time::Instant::now();
    delivery.stop().await;
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert_eq!(cursor.get(), 2);
    assert_eq!(relay.acked().await, 2, "acked on the way out");
}

// ---------------------------------------------------------------- single calls

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_and_ack_directly() {
    let relay = Relay::start().await;
    let bodies = Pusher::new().push(&relay.base_url(), 3).await;
    let client = relay.client();
    let pull = client.pull(1, Duration::ZERO, 10).await.unwrap();
    assert!(!pull.gap);
    assert_eq!(pull.events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(pull.events[1].body, bodies[2]);
    client.ack(3).await.unwrap();
    assert_eq!(relay.acked().await, 3);

    // An ack beyond the end of the log: the cursor is not in this log. `ack` calls it a protocol
    // error; `ack_in_log` tells the reset apart.
    let error = client.ack(99).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol, "{error}");
    let log_id = relay.store.log_id().to_owned();
    assert_eq!(client.ack_in_log(None, 99).await.unwrap(), AckOutcome::Reset { log_id: log_id.clone() });
    assert_eq!(client.ack_in_log(Some("another"), 2).await.unwrap(), AckOutcome::Reset { log_id: log_id.clone() });
    assert_eq!(client.ack_in_log(Some(&log_id), 3).await.unwrap(), AckOutcome::Acked);

    // Pulls name the log; a cursor in another one is reset to the events from 0.
    let pull = client.pull_in_log(Some(&log_id), 2, Duration::ZERO, 10).await.unwrap();
    assert_eq!((pull.log_id.as_deref(), pull.reset, pull.events.len()), (Some(log_id.as_str()), false, 1));
    let pull = client.pull_in_log(Some("another"), 2, Duration::ZERO, 10).await.unwrap();
    assert_eq!((pull.reset, pull.gap), (true, true));
    assert_eq!(pull.events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_credential_is_unauthorized_and_fatal() {
    let relay = Relay::start().await;
    let client = RelayClient::new(&relay.base_url(), "wxr_not-a-real-credential").unwrap();
    let error = client.pull(0, Duration::ZERO, 10).await.unwrap_err();
    assert!(matches!(error, ClientError::Unauthorized { status: 401 }), "{error:?}");
    assert!(error.is_fatal());

    let delivery = client.deliver(MemoryCursor::default(), Recorder::default(), options());
    assert!(matches!(delivery.finished().await, StopReason::Unauthorized { .. }));
}

#[tokio::test]
async fn an_unreachable_relay_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = RelayClient::new(&format!("http://{addr}"), "wxr_x").unwrap();
    let error = client.pull(0, Duration::ZERO, 10).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient, "{error:?}");
    assert!(!error.is_fatal());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_authorize_link_returns_the_entry_url() {
    let relay = Relay::start().await;
    let client = relay.client();
    let request = AuthorizeLinkRequest {
        platform: PLATFORM.to_owned(),
        pre_auth_code: "preauthcode@@@abc".to_owned(),
        mode: LinkMode::Pc,
        auth_type: Some(2),
        biz_appid: None,
        consent_origin: Some("http://127.0.0.1:9".to_owned()),
        expires_in: 1800,
    };
    let link = client.create_authorize_link(&request).await.unwrap();
    assert_eq!(link.url, authorize_entry_url(PUBLIC_URL, &link.id).unwrap().as_str());
    assert_eq!(relay.store.link(&link.id).await.unwrap().unwrap().pre_auth_code, "preauthcode@@@abc");

    // The page is served on the relay under the same path.
    let page = reqwest::get(format!("{}/authorize/{}", relay.base_url(), link.id)).await.unwrap();
    assert_eq!(page.status(), 200);

    let unknown = AuthorizeLinkRequest { platform: "nope".to_owned(), ..request };
    let error = client.create_authorize_link(&unknown).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol, "{error}");
}

// ---------------------------------------------------------------- pure helpers

#[test]
fn entry_urls() {
    let url = |base: &str, id: &str| authorize_entry_url(base, id).map(|u| u.to_string());
    assert_eq!(url("https://relay.example.com", "AbC_-9").unwrap(), "https://relay.example.com/authorize/AbC_-9");
    assert_eq!(url("https://relay.example.com/", "x").unwrap(), "https://relay.example.com/authorize/x");
    assert_eq!(url("https://example.com/relay/", "x").unwrap(), "https://example.com/relay/authorize/x");
    assert_eq!(url("http://127.0.0.1:8080/a/b", "x").unwrap(), "http://127.0.0.1:8080/a/b/authorize/x");
    assert_eq!(url("https://relay.example.com", "a/b?c").unwrap(), "https://relay.example.com/authorize/a%2Fb%3Fc");
    assert!(url("relay.example.com", "x").is_err());
    assert!(url("mailto:ops@example.com", "x").is_err());
    assert!(url("https://relay.example.com", "").is_err());
}

#[test]
fn backoff_doubles_and_is_capped() {
    let backoff = Backoff { initial: Duration::from_millis(100), max: Duration::from_secs(1), factor: 2.0 };
    let delays: Vec<u128> = (1..=6).map(|n| backoff.delay(n).as_millis()).collect();
    assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
    assert_eq!(backoff.delay(u32::MAX), Duration::from_secs(1));
    assert_eq!(Backoff::default().delay(1), Duration::from_secs(1));
    assert_eq!(Backoff::default().delay(100), Duration::from_secs(60));
}

#[test]
fn equal_jitter_stays_between_half_and_the_whole_delay() {
    let delay = Duration::from_millis(800);
    let samples: Vec<Duration> = (0..200).map(|_| EqualJitter.apply(delay)).collect();
    assert!(samples.iter().all(|d| *d >= delay / 2 && *d <= delay));
    assert!(samples.iter().any(|d| *d != samples[0]), "it does vary");
    assert_eq!(EqualJitter.apply(Duration::ZERO), Duration::ZERO);
    let fixed = |d: Duration| d / 4;
    assert_eq!(fixed.apply(delay), Duration::from_millis(200), "a closure is a Jitter");
}

#[test]
fn a_credential_is_not_debug_printed() {
    let credential = Credential::new("wxr_SECRETSECRETSECRETSECRETSECRET");
    let shown = format!("{credential:?}");
    assert!(!shown.contains("SECRETSECRET"), "{shown}");
    let client = RelayClient::new("https://relay.example.com", "wxr_SECRETSECRETSECRETSECRETSECRET").unwrap();
    assert!(!format!("{client:?}").contains("SECRETSECRET"));
    assert!(matches!(RelayClient::new("not a url", "x"), Err(ClientError::BaseUrl(_))));
}

#[test]
fn status_serializes_for_the_ui() {
    let status = RelayStatus {
        state: RelayState::Backoff {
            until: 5,
            last_error: wxfleet_relay::client::LastError { kind: ErrorKind::Transient, message: "down".to_owned() },
        },
        lag: 3,
        last_event_at: None,
        gap: false,
    };
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        serde_json::json!({"state": {"state": "backoff", "until": 5, "last_error": {"kind": "transient", "message": "down"}}, "lag": 3, "last_event_at": null, "gap": false})
    );
}

// ---------------------------------------------------------------- the binary, killed

/// `wxfleet-relay serve` as a child process.
struct RelayProcess {
    child: Child,
    addr: SocketAddr,
}

impl RelayProcess {
    fn start(config: &Path) -> RelayProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wxfleet-relay"))
            .args(["serve", "--config"])
            .arg(config)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let started: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("start line {line:?}: {e}"));
        let addr = started["listen"].as_str().unwrap().parse().unwrap();
        RelayProcess { child, addr }
    }

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, connections just break.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn device_add(config: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wxfleet-relay"))
        .args(["device", "add", "--name", "killed-relay test", "--json", "--config"])
        .arg(config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    added["credential"].as_str().unwrap().to_owned()
}

fn device_acked(config: &Path) -> i64 {
    let out =
        Command::new(env!("CARGO_BIN_EXE_wxfleet-relay")).args(["device", "list", "--json", "--config"]).arg(config).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let devices: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    devices[0]["acked_seq"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_killed_mid_stream_then_restarted_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "127.0.0.1:0");
    let credential = device_add(&config);
    let relay = RelayProcess::start(&config);
    let addr = relay.addr;
    let base = format!("http://{addr}");
    // Restarts come back on the same port, as a relay behind a fixed address does.
    let config = write_config(dir.path(), &addr.to_string());

    let mut pusher = Pusher::new();
    let mut bodies = pusher.push(&base, 10).await;
    let cursor = Arc::new(MemoryCursor::default());
    let handler = Arc::new(Recorder::holding_at(5));
    let client = RelayClient::new(&base, &credential).unwrap();
    let mut opts = options();
    opts.limit = 100;
    let delivery = client.deliver(cursor.clone(), handler.clone(), opts);
    let states = record_states(&delivery);

    // The handler is busy with event 5 of the batch of 10 when the relay dies.
    eventually("event 5 is being handled", || handler.calls().contains(&5)).await;
    relay.kill();
    handler.open_gate();
    eventually("the batch is saved", || cursor.get() == 10).await;
    let status = status_until(&delivery, "backing off", |s| matches!(s.state, RelayState::Backoff { .. })).await;
    let RelayState::Backoff { last_error, .. } = &status.state else { unreachable!() };
    assert_eq!(last_error.kind, ErrorKind::Transient, "{}", last_error.message);
    assert_eq!(status.lag, 10, "handled but not acked while the relay is gone");

    // Restarted: the client acks what it kept and continues after its cursor.
    let relay = RelayProcess::start(&config);
    assert_eq!(relay.addr, addr);
    bodies.extend(pusher.push(&base, 10).await);
    eventually("20 events are saved", || cursor.get() == 20).await;

    // Killed again while the client waits in a long-poll, restarted, more events.
    status_until(&delivery, "caught up", |s| s.lag == 0).await;
    relay.kill();
    status_until(&delivery, "backing off again", |s| matches!(s.state, RelayState::Backoff { .. })).await;
    let relay = RelayProcess::start(&config);
    bodies.extend(pusher.push(&base, 5).await);
    eventually("25 events are saved", || cursor.get() == 25).await;
    status_until(&delivery, "caught up", |s| s.lag == 0 && s.state == RelayState::Connected).await;

    assert_eq!(handler.handled_seqs(), (1..=25).collect::<Vec<_>>(), "every event once, in order");
    assert_eq!(handler.handled.lock().unwrap().iter().map(|e| e.body.clone()).collect::<Vec<_>>(), bodies);
    assert_eq!(delivery.stop().await, StopReason::Shutdown);
    assert_eq!(device_acked(&config), 25);
    drop(relay);

    let states = states.lock().unwrap().clone();
    let backoffs = states.iter().filter(|s| matches!(s, RelayState::Backoff { .. })).count();
    assert!(backoffs >= 2, "{states:?}");
}

/// A cursor store that fails (a locked database): retried after a backoff; the handler's work is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_store_that_fails_is_retried_without_redelivery() {
    struct Flaky {
        saved: MemoryCursor,
        failures: Mutex<u32>,
    }
    impl CursorStore for Flaky {
        async fn load(&self) -> Result<i64, wxfleet_relay::client::CursorError> {
            self.saved.load().await
        }
        async fn save(&self, seq: i64) -> Result<(), wxfleet_relay::client::CursorError> {
            let fail = {
                let mut failures = self.failures.lock().unwrap();
                let fail = *failures > 0;
                *failures = failures.saturating_sub(1);
                fail
            };
            if fail {
                return Err(wxfleet_relay::client::CursorError::new("database is locked"));
            }
            self.saved.save(seq).await
        }
    }
    let relay = Relay::start().await;
    Pusher::new().push(&relay.base_url(), 4).await;
    let cursor = Arc::new(Flaky { saved: MemoryCursor::default(), failures: Mutex::new(3) });
    let handler = Arc::new(Recorder::default());
    let delivery = relay.client().deliver(cursor.clone(), handler.clone(), options());
    eventually("4 events are saved", || cursor.saved.get() == 4).await;
    eventually_acked(&relay, 4).await;
    assert_eq!(handler.calls(), vec![1, 2, 3, 4], "the handler's work is not repeated");
    delivery.stop().await;
}
