//! The PostgreSQL store against a real server: `scripts/postgres.sh` starts one on loopback and
//! exports `WXFLEET_TEST_POSTGRES_URL` (scripts/test does this before `cargo test`). Every test gets
//! its own fresh database, so they run in parallel. In CI (`CI=true`) a missing URL fails the tests;
//! locally they say how to enable them and pass.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::NoTls;
use wxfleet_relay::store::postgres::{PgStore, SCHEMA_VERSION};
use wxfleet_relay::store::{EventStore, NewEvent, Source, StoreError};

use crate::store_suite;

/// The environment variable with the admin URL of the test server.
pub const URL_VAR: &str = "WXFLEET_TEST_POSTGRES_URL";

/// A new, empty database on the test server, as a URL; `None` (after saying so) when no test server
/// is configured outside CI.
pub async fn fresh_database(test: &str) -> Option<String> {
    let Ok(admin) = std::env::var(URL_VAR) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{URL_VAR} is not set: in CI the PostgreSQL tests must run (scripts/test starts the server with scripts/postgres.sh)");
        }
        eprintln!("skipped {test}: set {URL_VAR} (eval \"$(scripts/postgres.sh)\")");
        return None;
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!("wxt_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), test);
    let name: String = name.chars().take(63).collect();
    let (client, connection) = tokio_postgres::connect(&admin, NoTls).await.unwrap_or_else(|e| panic!("connect to {URL_VAR}: {e}"));
    let driver = tokio::spawn(connection);
    client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
    drop(client);
    let _ = driver.await;
    let mut url = url::Url::parse(&admin).expect("the test URL is a postgres:// URL");
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// A connection to `url` for looking behind the store's back.
async fn admin(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

fn event(platform: &str, body: &str, received_at: i64) -> NewEvent {
    NewEvent {
        platform: platform.to_owned(),
        source: Source::Component,
        appid: None,
        query: format!("signature=s&timestamp={received_at}&nonce=n&encrypt_type=aes&msg_signature=m"),
        body: body.to_owned(),
        received_at,
    }
}

/// The shared store suite (`store_suite.rs`), each check on a fresh database.
macro_rules! suite {
    ($($name:ident($($arg:tt)*);)*) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(url) = fresh_database(stringify!($name)).await else { return };
            let store = PgStore::connect(&url).await.unwrap();
            suite_call!(store_suite::$name, store, url, $($arg)*);
        }
    )*};
}

macro_rules! suite_call {
    ($f:path, $store:ident, $url:ident, ref) => {
        $f(&$store).await
    };
    ($f:path, $store:ident, $url:ident, arc) => {
        $f(Arc::new($store)).await
    };
    ($f:path, $store:ident, $url:ident, raw) => {
        $f(&$store, || dump(&$url)).await
    };
}

suite! {
    append_pull_order(ref);
    pull_limit(ref);
    concurrent_appends(arc);
    ack_is_monotonic(ref);
    devices_have_independent_cursors(ref);
    gap_after_purge(ref);
    log_identity_and_extent(ref);
    revoke_then_authenticate_none(ref);
    credential_not_stored_in_clear(raw);
    links_create_get_state(ref);
}

/// Everything the store keeps, as text (the "raw" view for `credential_not_stored_in_clear`).
async fn dump(url: &str) -> Vec<u8> {
    let db = admin(url).await;
    let mut bytes = Vec::new();
    for table in ["relay_events", "relay_meta", "relay_devices", "relay_authorize_links"] {
        for row in db.query(&format!("SELECT row_to_json(t)::text FROM {table} t"), &[]).await.unwrap() {
            bytes.extend(row.get::<_, String>(0).into_bytes());
        }
    }
    bytes
}

/// BYTEA keeps what TEXT could not (NUL) and what a non-UTF-8 server encoding would transcode.
#[tokio::test]
async fn bodies_are_bytea_exact_even_with_nul() {
    let Some(url) = fresh_database("bytea").await else { return };
    let store = PgStore::connect(&url).await.unwrap();
    let body = "<xml>\u{0}中文\r\n🎉 </xml>\u{0}";
    let mut e = event("p", body, 1);
    e.query = "a=%E4%B8%AD&b=&&c=1+2".into();
    store.append(e.clone()).await.unwrap();
    let got = store.pull(0, 1).await.unwrap().events.remove(0);
    assert_eq!((got.body.as_bytes(), got.query.as_str()), (body.as_bytes(), e.query.as_str()));
}

#[tokio::test]
async fn migrations_run_once_and_a_newer_database_is_refused() {
    let Some(url) = fresh_database("migrations").await else { return };
    // Several instances starting at once: one migrates, the others find it done.
    let starts = (0..4).map(|_| {
        let url = url.clone();
        async move { PgStore::connect(&url).await }
    });
    let stores: Vec<_> = futures_join_all(starts).await.into_iter().collect::<Result<_, _>>().unwrap();
    stores[0].append(event("p", "x", 1)).await.unwrap();
    let log_id = stores[0].log_id().to_owned();
    assert!(stores.iter().all(|s| s.log_id() == log_id), "instances on one database share one log id");
    drop(stores);
    let reopened = PgStore::connect(&url).await.unwrap();
    assert_eq!(reopened.latest_seq().await.unwrap(), 1, "reconnecting keeps the data");
    assert_eq!(reopened.log_id(), log_id, "and the log id");
    drop(reopened);
    let Some(other) = fresh_database("migrations_other").await else { return };
    assert_ne!(PgStore::connect(&other).await.unwrap().log_id(), log_id, "another database is another log");

    let db = admin(&url).await;
    let version: i32 = db.query_one("SELECT version FROM relay_schema_version", &[]).await.unwrap().get(0);
    assert_eq!(version, SCHEMA_VERSION);
    db.execute("UPDATE relay_schema_version SET version = $1", &[&(SCHEMA_VERSION + 1)]).await.unwrap();
    match PgStore::connect(&url).await {
        Err(StoreError::SchemaTooNew { found, supported }) => {
            assert_eq!((found, supported), (i64::from(SCHEMA_VERSION) + 1, i64::from(SCHEMA_VERSION)))
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

/// `futures::future::join_all` without the dependency.
async fn futures_join_all<F: std::future::Future + Send + 'static>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

/// Two relay instances on one database, many concurrent appends on each, and a device pulling
/// from either while they run: it must receive every event exactly once, in sequence order,
/// without a hole — the property a plain SEQUENCE would break (seq N+1 visible before N commits).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_appending_concurrently_never_make_a_puller_skip() {
    let Some(url) = fresh_database("two_instances").await else { return };
    let a = Arc::new(PgStore::connect(&url).await.unwrap());
    let b = Arc::new(PgStore::connect(&url).await.unwrap());
    const WRITERS: usize = 12;
    const EACH: usize = 25;
    let total = WRITERS * EACH;

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = if w % 2 == 0 { a.clone() } else { b.clone() };
        writers.push(tokio::spawn(async move {
            for i in 0..EACH {
                store.append(event("p", &format!("w{w}-{i}"), 1)).await.unwrap();
            }
        }));
    }

    let mut cursor = 0;
    let mut received = Vec::new();
    let mut pulls = 0u32;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while received.len() < total {
        assert!(tokio::time::Instant::now() < deadline, "only {} of {total} events arrived", received.len());
        let from = if pulls % 2 == 0 { &a } else { &b };
        pulls += 1;
        let pull = from.pull(cursor, 7).await.unwrap();
        assert!(!pull.gap);
        for e in pull.events {
            assert_eq!(e.seq, cursor + 1, "the puller skipped (or repeated) a sequence number");
            cursor = e.seq;
            received.push(e.body);
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(a.pull(cursor, 10).await.unwrap().events.is_empty(), "nothing beyond what was appended");
    let unique: BTreeSet<_> = received.iter().cloned().collect();
    let expected: BTreeSet<_> = (0..WRITERS).flat_map(|w| (0..EACH).map(move |i| format!("w{w}-{i}"))).collect();
    assert_eq!(unique, expected);
    assert_eq!(received.len(), total, "each event once");
    // Each writer's own events keep their order.
    for w in 0..WRITERS {
        let mine: Vec<_> = received.iter().filter(|b| b.starts_with(&format!("w{w}-"))).cloned().collect();
        assert_eq!(mine, (0..EACH).map(|i| format!("w{w}-{i}")).collect::<Vec<_>>());
    }
    assert!(pulls > 2, "the pulls interleaved with the appends");
}

/// The store's append lock (`APPEND_LOCK` in src/store/postgres.rs). Holding it from outside makes
/// a burst of appends queue up behind the first transaction, as a slow commit would.
const APPEND_LOCK: i64 = 0x7778_666c_6565_7401;

/// Fires `count` appends at `store` while the append lock is held elsewhere, then releases it;
/// returns each append's outcome, in firing order.
async fn burst_behind_the_lock(url: &str, store: &Arc<PgStore>, count: usize, bad: Option<usize>) -> Vec<Result<i64, StoreError>> {
    let holder = admin(url).await;
    holder.execute("SELECT pg_advisory_lock($1)", &[&APPEND_LOCK]).await.unwrap();
    let appends: Vec<_> = (0..count)
        .map(|n| {
            let store = Arc::clone(store);
            // TEXT cannot hold NUL: the server refuses that one event.
            let platform = if Some(n) == bad { "bad\0platform" } else { "p" };
            tokio::spawn(async move { store.append(event(platform, &format!("<xml>{n}</xml>"), 1)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(appends.iter().all(|a| !a.is_finished()), "nothing commits while the lock is held");
    holder.execute("SELECT pg_advisory_unlock($1)", &[&APPEND_LOCK]).await.unwrap();
    let mut results = Vec::new();
    for append in appends {
        results.push(append.await.unwrap());
    }
    results
}

/// Appends waiting together share one transaction (rows of one transaction share their `xmin`),
/// and each still gets its own sequence number, without holes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_appends_is_committed_as_a_few_groups() {
    let Some(url) = fresh_database("group_commit").await else { return };
    let store = Arc::new(PgStore::connect(&url).await.unwrap());
    let results = burst_behind_the_lock(&url, &store, 200, None).await;
    let seqs: BTreeSet<i64> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(seqs, (1..=200).collect(), "every append its own seq, no holes");
    let db = admin(&url).await;
    let transactions: i64 = db.query_one("SELECT count(DISTINCT xmin::text) FROM relay_events", &[]).await.unwrap().get(0);
    // The first append takes the lock's queue alone; the 199 behind it fit in one group.
    assert!(transactions <= 3, "200 appends in {transactions} transactions");
    let pull = store.pull(0, 1000).await.unwrap();
    assert_eq!(pull.events.len(), 200);
    assert_eq!(pull.latest_seq, 200);
    assert_eq!(store.appended().map(|rx| *rx.borrow()), Some(200), "long-polls are woken for the group");
}

/// One event the server refuses does not fail the others that were grouped with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_append_does_not_fail_its_group() {
    let Some(url) = fresh_database("group_refused").await else { return };
    let store = Arc::new(PgStore::connect(&url).await.unwrap());
    let results = burst_behind_the_lock(&url, &store, 50, Some(25)).await;
    assert!(matches!(&results[25], Err(StoreError::Postgres(_))), "{:?}", results[25]);
    let seqs: BTreeSet<i64> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(seqs, (1..=49).collect(), "the other 49 committed, without a hole where the refused one was");
    assert_eq!(store.pull(0, 100).await.unwrap().events.len(), 49);
}

/// Waits until `rx` shows at least `seq`, or fails after `within`.
async fn seen(rx: &mut tokio::sync::watch::Receiver<i64>, seq: i64, within: Duration) -> Result<(), String> {
    let outcome = tokio::time::timeout(within, rx.wait_for(|&s| s >= seq)).await.map(|r| r.is_ok());
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => Err("the store's watch closed".into()),
        Err(_) => Err(format!("not woken within {within:?} (at {})", *rx.borrow())),
    }
}

#[tokio::test]
async fn an_append_on_one_instance_wakes_long_polls_on_another() {
    let Some(url) = fresh_database("notify").await else { return };
    let a = PgStore::connect(&url).await.unwrap();
    let b = PgStore::connect(&url).await.unwrap();
    let mut on_b = b.appended().expect("the PostgreSQL store wakes across instances");
    let mut on_a = a.appended().unwrap();
    // Let B's listener connect and make its first read, so what follows is the NOTIFY (the
    // listener's own re-read comes only every 10 s).
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(*on_b.borrow(), 0);

    a.append(event("p", "one", 1)).await.unwrap();
    assert_eq!(*on_a.borrow_and_update(), 1, "the appending instance knows at once");
    seen(&mut on_b, 1, Duration::from_secs(3)).await.unwrap();
    for i in 0..5 {
        a.append(event("p", &format!("more{i}"), 1)).await.unwrap();
    }
    b.append(event("p", "from b", 1)).await.unwrap();
    seen(&mut on_b, 7, Duration::from_secs(3)).await.unwrap();
    seen(&mut on_a, 7, Duration::from_secs(3)).await.unwrap();
}

#[tokio::test]
async fn the_listener_reconnects_after_losing_its_connection() {
    let Some(url) = fresh_database("notify_reconnect").await else { return };
    let a = PgStore::connect(&url).await.unwrap();
    let b = PgStore::connect(&url).await.unwrap();
    let mut on_b = b.appended().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let db = admin(&url).await;
    let killed = db
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name LIKE '%listen%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(killed.len(), 2, "one LISTEN connection per instance");
    // Appended while nobody listens: the NOTIFY is lost; the reconnect's own read catches up.
    a.append(event("p", "while away", 1)).await.unwrap();
    seen(&mut on_b, 1, Duration::from_secs(5)).await.unwrap();
    // And NOTIFY works again on the new connection.
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.append(event("p", "back", 1)).await.unwrap();
    seen(&mut on_b, 2, Duration::from_secs(3)).await.unwrap();
}

/// Two `wxfleet-relay serve` processes on one PostgreSQL database, with the test as the load
/// balancer: a long-poll on one wakes for a push the other took; pushes alternate between them
/// (several at once), and a device pulling from either gets every push once, in order, byte-exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_relay_processes_behind_a_load_balancer() {
    use crate::harness::{add_device, config, http, open, post_push, pull, ticket_push, write_config, RelayProcess, PLATFORM};
    let Some(url) = fresh_database("two_relays").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let config_path = write_config(dir.path(), &config(&url, "https://relay.example.com"));
    let relays = [RelayProcess::start(&config_path), RelayProcess::start(&config_path)];
    let (_, credential) = add_device(&config_path, "front desk");
    let http = http();

    // A device waiting on relay 1 is woken by a push relay 0 took (LISTEN/NOTIFY), well before its wait ends.
    let waiting = {
        let (http, base, credential) = (http.clone(), relays[1].base.clone(), credential.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            (pull(&http, &base, &credential, 0, 20, 10).await, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = ticket_push(0);
    assert_eq!(post_push(&http, &format!("{}/wx/{PLATFORM}/component", relays[0].base), &first).await, (200, "success".to_owned()));
    let (woken, waited) = waiting.await.unwrap();
    assert_eq!(woken["events"][0]["body"], first.body.as_str());
    assert!(waited < Duration::from_secs(5), "the long-poll on the other instance waited {waited:?}");

    // Pushes spread over both instances, eight at a time.
    const PUSHES: u64 = 48;
    let mut sending = tokio::task::JoinSet::new();
    for n in 1..=PUSHES {
        let (http, url) = (http.clone(), format!("{}/wx/{PLATFORM}/component", relays[(n % 2) as usize].base));
        sending.spawn(async move { post_push(&http, &url, &ticket_push(n)).await });
        if sending.len() >= 8 {
            assert_eq!(sending.join_next().await.unwrap().unwrap(), (200, "success".to_owned()));
        }
    }
    while let Some(answer) = sending.join_next().await {
        assert_eq!(answer.unwrap(), (200, "success".to_owned()));
    }

    let mut cursor = 0;
    let mut tickets = BTreeSet::new();
    for turn in 0.. {
        let batch = pull(&http, &relays[turn % 2].base, &credential, cursor, 0, 5).await;
        let events = batch["events"].as_array().unwrap();
        if events.is_empty() {
            break;
        }
        for event in events {
            assert_eq!(event["seq"].as_i64().unwrap(), cursor + 1, "no hole, no repeat");
            cursor += 1;
            let opened = open(event["query"].as_str().unwrap(), event["body"].as_str().unwrap());
            let wechat::xml::Event::ComponentVerifyTicket(ticket) = opened else { panic!("not a ticket: {opened:?}") };
            assert!(tickets.insert(ticket.component_verify_ticket));
        }
    }
    assert_eq!(tickets.len() as u64, PUSHES + 1, "every push that got `success`, once");
}
