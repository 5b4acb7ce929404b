//! The store test suite: what every [`EventStore`] must do, as `pub async fn`s taking any store.
//!
//! Each function expects a FRESH, empty store. They run here against SQLite (the `sqlite_*` tests
//! at the bottom); the PostgreSQL tests (`postgres.rs`) call the very same functions against a
//! real PostgreSQL server, so both stores are held to one contract.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

use wxfleet_relay::store::sqlite::SqliteStore;
use wxfleet_relay::store::{AuthorizeLink, EventStore, NewEvent, Source, StoreError};

fn event(n: i64, source: Source, body: &str) -> NewEvent {
    NewEvent {
        platform: if n % 2 == 0 { "p-even".to_owned() } else { "p_odd".to_owned() },
        source,
        appid: (source == Source::App).then(|| format!("wx{n:016}")),
        query: format!("signature=s{n}&timestamp=17000000{n:02}&nonce=n%2B{n}&encrypt_type=aes&msg_signature=m{n}"),
        body: body.to_owned(),
        received_at: 1_000 * n,
    }
}

/// Bodies that must come back byte-exact: CDATA ends, CR LF, tabs, non-ASCII, trailing spaces.
const BODIES: [&str; 5] = [
    "<xml><AppId><![CDATA[wx0000000000c0ffee]]></AppId><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>",
    "<xml>\r\n\t<ToUserName><![CDATA[gh_1]]></ToUserName>\r\n</xml>\r\n",
    "<xml><A>中文 ü ]]&gt; \u{1F600}</A></xml>  ",
    "",
    "{\"link\":\"AbC\",\"state\":\"done\"}",
];

/// Appends keep every field byte-exact and come back in strictly increasing `seq`, from any cursor.
pub async fn append_pull_order<S: EventStore>(store: &S) {
    assert_eq!(store.latest_seq().await.unwrap(), 0, "a fresh store is empty");
    let sources = [Source::Component, Source::App, Source::App, Source::Authorize, Source::Component];
    let mut sent = Vec::new();
    let mut seqs = Vec::new();
    for (i, (body, source)) in BODIES.iter().zip(sources).enumerate() {
        let e = event(i as i64 + 1, source, body);
        seqs.push(store.append(e.clone()).await.unwrap());
        sent.push(e);
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "seq strictly increasing: {seqs:?}");
    assert_eq!(store.latest_seq().await.unwrap(), *seqs.last().unwrap());

    let pull = store.pull(0, 100).await.unwrap();
    assert!(!pull.gap);
    assert_eq!(pull.events.len(), 5);
    for ((got, want), seq) in pull.events.iter().zip(&sent).zip(&seqs) {
        assert_eq!(got.seq, *seq);
        assert_eq!(got.platform, want.platform);
        assert_eq!(got.source, want.source);
        assert_eq!(got.appid, want.appid);
        assert_eq!(got.query, want.query);
        assert_eq!(got.body.as_bytes(), want.body.as_bytes());
        assert_eq!(got.received_at, want.received_at);
    }
    let tail = store.pull(seqs[2], 100).await.unwrap();
    assert_eq!(tail.events.iter().map(|e| e.seq).collect::<Vec<_>>(), &seqs[3..]);
    assert!(store.pull(seqs[4], 100).await.unwrap().events.is_empty());
}

/// `limit` caps a pull; pulling on from the last seq continues without skipping or repeating.
pub async fn pull_limit<S: EventStore>(store: &S) {
    for n in 1..=10 {
        store.append(event(n, Source::Component, &format!("<xml>{n}</xml>"))).await.unwrap();
    }
    let mut after = 0;
    let mut bodies = Vec::new();
    for expected in [3, 3, 3, 1, 0] {
        let pull = store.pull(after, 3).await.unwrap();
        assert_eq!(pull.events.len(), expected);
        if let Some(last) = pull.events.last() {
            after = last.seq;
        }
        bodies.extend(pull.events.into_iter().map(|e| e.body));
    }
    assert_eq!(bodies, (1..=10).map(|n| format!("<xml>{n}</xml>")).collect::<Vec<_>>());
    assert_eq!(store.pull(0, 1).await.unwrap().events.len(), 1);
}

/// Many appends at once (a burst of pushes): every one gets its own seq, and the log holds each once.
pub async fn concurrent_appends<S: EventStore>(store: Arc<S>) {
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { (n, store.append(event(n, Source::App, &format!("<xml>{n}</xml>"))).await.unwrap()) })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    let mut answered = std::collections::BTreeMap::new();
    for task in tasks {
        let (n, seq) = task.await.unwrap();
        assert!(seqs.insert(seq), "seq {seq} handed out twice");
        answered.insert(seq, format!("<xml>{n}</xml>"));
    }
    let pull = store.pull(0, 1000).await.unwrap();
    assert_eq!(pull.events.iter().map(|e| e.seq).collect::<BTreeSet<_>>(), seqs);
    // Appends committed together (one group, one multi-row insert) each learn their own seq.
    for e in &pull.events {
        assert_eq!(Some(&e.body), answered.get(&e.seq), "append answered seq {} but that seq holds another event", e.seq);
    }
    assert!(pull.events.windows(2).all(|w| w[0].seq < w[1].seq));
    let bodies: BTreeSet<_> = pull.events.iter().map(|e| e.body.clone()).collect();
    assert_eq!(bodies.len(), 200);
}

/// Acks move a device's cursor forward only.
pub async fn ack_is_monotonic<S: EventStore>(store: &S) {
    for n in 1..=6 {
        store.append(event(n, Source::Component, "<xml/>")).await.unwrap();
    }
    let device = store.add_device("front desk", 10).await.unwrap();
    assert_eq!(acked(store, device.id).await, 0);
    store.ack(device.id, 5).await.unwrap();
    assert_eq!(acked(store, device.id).await, 5);
    store.ack(device.id, 3).await.unwrap();
    assert_eq!(acked(store, device.id).await, 5, "an older ack must not move the cursor back");
    store.ack(device.id, 6).await.unwrap();
    assert_eq!(acked(store, device.id).await, 6);
}

async fn acked<S: EventStore>(store: &S, id: i64) -> i64 {
    store.list_devices().await.unwrap().into_iter().find(|d| d.id == id).expect("device listed").acked_seq
}

/// Two devices have independent cursors, and both can read everything.
pub async fn devices_have_independent_cursors<S: EventStore>(store: &S) {
    for n in 1..=4 {
        store.append(event(n, Source::App, "<xml/>")).await.unwrap();
    }
    let a = store.add_device("a", 1).await.unwrap();
    let b = store.add_device("b", 2).await.unwrap();
    assert_ne!(a.id, b.id);
    assert_ne!(a.credential, b.credential);
    store.ack(a.id, 4).await.unwrap();
    assert_eq!(acked(store, a.id).await, 4);
    assert_eq!(acked(store, b.id).await, 0, "b's cursor is untouched by a's ack");
    // Pulling is by cursor, not by device: b still gets everything.
    assert_eq!(store.pull(0, 100).await.unwrap().events.len(), 4);
    let listed = store.list_devices().await.unwrap();
    assert_eq!(listed.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(listed[0].created_at, 1);
}

/// A purge removes what is older than the limit; a cursor below what was purged sees `gap`;
/// sequence numbers are never reused, even when everything was purged.
pub async fn gap_after_purge<S: EventStore>(store: &S) {
    let s1 = store.append(event(1, Source::Component, "<xml>1</xml>")).await.unwrap();
    let s2 = store.append(event(2, Source::Component, "<xml>2</xml>")).await.unwrap();
    let s3 = store.append(event(3, Source::Component, "<xml>3</xml>")).await.unwrap();
    assert_eq!(store.purge(500).await.unwrap(), 0, "nothing that old");
    assert!(!store.pull(0, 10).await.unwrap().gap);

    assert_eq!(store.purge(2_500).await.unwrap(), 2, "events received at 1000 and 2000 are purged");
    let from_start = store.pull(0, 10).await.unwrap();
    assert!(from_start.gap, "a device at 0 missed purged events");
    assert_eq!(from_start.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [s3], "what remains still comes");
    assert!(store.pull(s1, 10).await.unwrap().gap, "seq {s2} was purged after cursor {s1}");
    let caught_up = store.pull(s2, 10).await.unwrap();
    assert!(!caught_up.gap, "nothing after {s2} was purged");
    assert_eq!(caught_up.events.len(), 1);

    assert_eq!(store.purge(i64::MAX).await.unwrap(), 1);
    assert_eq!(store.latest_seq().await.unwrap(), s3, "latest_seq survives a purge");
    assert!(store.pull(s2, 10).await.unwrap().gap);
    assert!(!store.pull(s3, 10).await.unwrap().gap);
    let s4 = store.append(event(4, Source::App, "<xml>4</xml>")).await.unwrap();
    assert!(s4 > s3, "seq {s4} reused after a purge (latest was {s3})");
}

/// The log has an id, the same in every pull and across purges, and every pull tells where the log
/// ends and where it was purged to (from the same snapshot as its events).
pub async fn log_identity_and_extent<S: EventStore>(store: &S) {
    let id = store.log_id().to_owned();
    assert!(id.len() >= 22 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{id:?}");
    let empty = store.pull(0, 10).await.unwrap();
    assert_eq!((empty.log_id.as_str(), empty.latest_seq, empty.purged_through), (id.as_str(), 0, 0));
    let s1 = store.append(event(1, Source::Component, "<xml>1</xml>")).await.unwrap();
    let s2 = store.append(event(2, Source::Component, "<xml>2</xml>")).await.unwrap();
    let pull = store.pull(0, 1).await.unwrap();
    assert_eq!((pull.events.len(), pull.latest_seq, pull.purged_through), (1, s2, 0), "latest_seq is the log's end, not the page's");
    assert_eq!(store.purge(1_500).await.unwrap(), 1);
    let pull = store.pull(s2, 10).await.unwrap();
    assert_eq!((pull.log_id.as_str(), pull.latest_seq, pull.purged_through, pull.gap), (id.as_str(), s2, s1, false));
    assert_eq!(store.log_id(), id, "the id does not change");
}

/// A credential authenticates its device (and records `last_seen`) until revoked; unknown ones never.
pub async fn revoke_then_authenticate_none<S: EventStore>(store: &S) {
    let device = store.add_device("laptop", 1_000).await.unwrap();
    assert!(device.credential.starts_with("wxr_") && device.credential.len() >= 4 + 43, "{}", device.credential.len());
    assert_eq!(store.authenticate(&device.credential, 2_000).await.unwrap(), Some(device.id));
    let info = store.list_devices().await.unwrap().into_iter().find(|d| d.id == device.id).unwrap();
    assert_eq!(info.last_seen, Some(2_000));
    assert_eq!(info.revoked_at, None);
    assert_eq!(store.authenticate("wxr_not-a-credential", 2_000).await.unwrap(), None);
    assert_eq!(store.authenticate("", 2_000).await.unwrap(), None);

    assert!(store.revoke_device(device.id, 3_000).await.unwrap());
    assert_eq!(store.authenticate(&device.credential, 4_000).await.unwrap(), None, "revoked credentials do not authenticate");
    let info = store.list_devices().await.unwrap().into_iter().find(|d| d.id == device.id).unwrap();
    assert_eq!(info.revoked_at, Some(3_000));
    assert_eq!(info.last_seen, Some(2_000), "a refused attempt is not contact");
    assert!(!store.revoke_device(device.id + 1000, 3_000).await.unwrap(), "no such device");
}

/// Only a hash of the credential is stored: `raw` returns everything the store keeps on disk
/// (called after enrolment), and the credential — nor its base64 part — must not be in it.
pub async fn credential_not_stored_in_clear<S, F, Fut>(store: &S, raw: F)
where
    S: EventStore,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Vec<u8>>,
{
    let device = store.add_device("front desk", 1).await.unwrap();
    assert_eq!(store.authenticate(&device.credential, 2).await.unwrap(), Some(device.id));
    let bytes = raw().await;
    assert!(contains(&bytes, b"front desk"), "the raw dump must include the devices table (else this test proves nothing)");
    assert!(!contains(&bytes, device.credential.as_bytes()), "the credential is stored in clear");
    assert!(!contains(&bytes, &device.credential.as_bytes()["wxr_".len()..]), "the credential's secret part is stored in clear");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn link(id: &str, expires_at: i64) -> AuthorizeLink {
    AuthorizeLink {
        id: id.to_owned(),
        platform: "demo".to_owned(),
        pre_auth_code: "preauthcode@@@xyz".to_owned(),
        mode: "mobile".to_owned(),
        auth_type: Some(2),
        biz_appid: None,
        consent_origin: Some("http://127.0.0.1:9/".to_owned()),
        created_at: 1_000,
        expires_at,
        state: "pending".to_owned(),
    }
}

/// Links are stored whole, found by id, and change state.
pub async fn links_create_get_state<S: EventStore>(store: &S) {
    let a = link("AbCdEf-_0123456789abcd", 601_000);
    let mut b = link("other", 2_000);
    b.mode = "pc".to_owned();
    b.auth_type = None;
    b.biz_appid = Some("wx1234567890abcdef".to_owned());
    b.consent_origin = None;
    store.create_link(a.clone()).await.unwrap();
    store.create_link(b.clone()).await.unwrap();
    assert_eq!(store.link(&a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.link(&b.id).await.unwrap(), Some(b.clone()));
    assert_eq!(store.link("nope").await.unwrap(), None);
    store.set_link_state(&a.id, "done").await.unwrap();
    assert_eq!(store.link(&a.id).await.unwrap().unwrap().state, "done");
    assert_eq!(store.link(&b.id).await.unwrap().unwrap().state, "pending");
    assert!(store.create_link(a.clone()).await.is_err(), "ids are unique");
}

// ---- SQLite ----------------------------------------------------------------------------------

fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (SqliteStore::open(dir.path().join("relay.db")).unwrap(), dir)
}

#[tokio::test]
async fn sqlite_append_pull_order() {
    let (store, _dir) = sqlite();
    append_pull_order(&store).await;
}

#[tokio::test]
async fn sqlite_pull_limit() {
    let (store, _dir) = sqlite();
    pull_limit(&store).await;
}

#[tokio::test]
async fn sqlite_concurrent_appends() {
    let (store, _dir) = sqlite();
    concurrent_appends(Arc::new(store)).await;
}

#[tokio::test]
async fn sqlite_ack_is_monotonic() {
    let (store, _dir) = sqlite();
    ack_is_monotonic(&store).await;
}

#[tokio::test]
async fn sqlite_devices_have_independent_cursors() {
    let (store, _dir) = sqlite();
    devices_have_independent_cursors(&store).await;
}

#[tokio::test]
async fn sqlite_gap_after_purge() {
    let (store, _dir) = sqlite();
    gap_after_purge(&store).await;
}

#[tokio::test]
async fn sqlite_log_identity_and_extent() {
    let (store, _dir) = sqlite();
    log_identity_and_extent(&store).await;
}

#[tokio::test]
async fn sqlite_revoke_then_authenticate_none() {
    let (store, _dir) = sqlite();
    revoke_then_authenticate_none(&store).await;
}

#[tokio::test]
async fn sqlite_credential_not_stored_in_clear() {
    let (store, dir) = sqlite();
    // The main file and the WAL (where recent commits live until a checkpoint).
    let raw = || async {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        bytes
    };
    credential_not_stored_in_clear(&store, raw).await;
}

#[tokio::test]
async fn sqlite_links_create_get_state() {
    let (store, _dir) = sqlite();
    links_create_get_state(&store).await;
}

#[tokio::test]
async fn sqlite_data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.db");
    let store = SqliteStore::open(&path).unwrap();
    let seq = store.append(event(1, Source::App, "<xml>kept</xml>")).await.unwrap();
    let device = store.add_device("d", 1).await.unwrap();
    let log_id = store.log_id().to_owned();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.pull(0, 10).await.unwrap().events[0].seq, seq);
    assert_eq!(store.authenticate(&device.credential, 2).await.unwrap(), Some(device.id));
    assert_eq!(store.log_id(), log_id, "the same file, the same log");

    // A wiped database is another log, though its seqs start again at 1.
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("relay.db{suffix}")));
    }
    let wiped = SqliteStore::open(&path).unwrap();
    assert_ne!(wiped.log_id(), log_id);
    assert_eq!(wiped.append(event(2, Source::App, "<xml>new</xml>")).await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_a_database_from_before_log_ids_gets_one_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.db");
    let store = SqliteStore::open(&path).unwrap();
    store.append(event(1, Source::App, "<xml>old</xml>")).await.unwrap();
    drop(store);
    // As version 1 left it: no log_identity table.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE log_identity; PRAGMA user_version = 1;").unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    let id = store.log_id().to_owned();
    assert_eq!(store.pull(0, 10).await.unwrap().events.len(), 1, "the events are kept");
    drop(store);
    assert_eq!(SqliteStore::open(&path).unwrap().log_id(), id);
}

#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.db");
    drop(SqliteStore::open(&path).unwrap());
    let newer = SqliteStore::schema_version() + 1;
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", newer).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::SchemaTooNew { found, supported }) => {
            assert_eq!((found, supported), (newer, SqliteStore::schema_version()));
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a database from a newer binary was opened"),
    }
}

#[tokio::test]
async fn sqlite_is_in_wal_mode() {
    let (store, dir) = sqlite();
    store.append(event(1, Source::App, "<xml/>")).await.unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("relay.db")).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert!(dir.path().join("relay.db-wal").exists());
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, SqliteStore::schema_version());
}

/// A burst that queues behind another process's write lock is committed as one group of multi-row
/// inserts; one row SQLite refuses (a trigger here) fails only its own append, and the others get
/// seqs without a hole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_refused_row_does_not_fail_the_appends_inserted_with_it() {
    let (store, dir) = sqlite();
    let store = Arc::new(store);
    let other = rusqlite::Connection::open(dir.path().join("relay.db")).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.body = '<xml>poison</xml>'
             BEGIN SELECT RAISE(ABORT, 'poisoned'); END;
             BEGIN IMMEDIATE;",
        )
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let store = Arc::clone(&store);
            let body = if n == 37 { "<xml>poison</xml>".to_owned() } else { format!("<xml>{n}</xml>") };
            tokio::spawn(async move { store.append(event(n, Source::App, &body)).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(tasks.iter().all(|t| !t.is_finished()), "nothing commits while another process holds the write lock");
    other.execute_batch("COMMIT").unwrap();
    let results: Vec<_> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    assert!(results[37].as_ref().is_err_and(|e| e.to_string().contains("poisoned")), "{:?}", results[37]);
    let seqs: BTreeSet<i64> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(seqs, (1..=99).collect(), "99 appends, consecutive seqs");
    let pull = store.pull(0, 1000).await.unwrap();
    assert_eq!(pull.events.len(), 99);
    for (n, result) in results.iter().enumerate() {
        if let Ok(seq) = result {
            let stored = pull.events.iter().find(|e| e.seq == *seq).unwrap();
            assert_eq!(stored.body, format!("<xml>{n}</xml>"), "seq {seq} belongs to append {n}");
        }
    }
}

#[tokio::test]
async fn sqlite_a_failing_write_does_not_fail_the_writes_committed_with_it() {
    let (store, _dir) = sqlite();
    let store = Arc::new(store);
    store.create_link(link("taken", 1)).await.unwrap();
    // A burst: appends and, in the middle, a write that fails (duplicate id). The writer commits
    // what is waiting as one group, each write in its own savepoint.
    let mut tasks = Vec::new();
    for n in 0..100 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            if n == 50 {
                store.create_link(link("taken", 2)).await.map(|()| -1)
            } else {
                store.append(event(n, Source::App, "<xml/>")).await
            }
        }));
    }
    let results: Vec<_> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    assert!(results[50].is_err(), "the duplicate link is refused");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 99, "every append around it committed");
    assert_eq!(store.pull(0, 1000).await.unwrap().events.len(), 99);
    assert_eq!(store.link("taken").await.unwrap().unwrap().expires_at, 1, "the first link is untouched");
}
