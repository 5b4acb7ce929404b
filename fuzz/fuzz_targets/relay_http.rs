//! The relay's HTTP input — what WeChat and devices send to `wxfleet-relay` — through its real
//! service (the push fast path in front of the router), on a real SQLite store, without a socket.
//!
//! The input is `route byte, part, 0, query, 0, headers, 0, body` (missing parts are empty).
//! The route byte's low 4 bits pick the request, so that random input reaches the handlers instead
//! of being stopped at routing, the signature check or the bearer check:
//! * 0 / 1 — a push to `/wx/demo/component` / `/wx/demo/app/wx1234567890abcdef`, its query correctly signed
//!   with the platform's Token over the body's `Encrypt` (the fuzzed query is appended after it);
//! * 2 / 3 — the same URLs (platform `part` for 2) with the fuzzed query as is: signatures, bad
//!   platforms, bad appids;
//! * 4 / 5 / 6 — `GET /v1/events?{query}`, `POST /v1/ack`, `POST /v1/authorize-links`;
//! * 7 — `GET /authorize/{part}` (`0`/`1` name a pending / an expired link made at start);
//! * 8 — `GET /authorized?{query}` (WeChat's redirect to the relay);
//! * 9 — `GET /healthz` or `/metrics`;
//! * otherwise — `part` is `METHOD /path`, anything.
//!
//! Bit 4 adds the enrolled device's `Authorization: Bearer` header. `headers` are `name: value`
//! lines (content-length, content-type, authorization, …).
//!
//! Checked on every request, beside "no panic": the status is one the relay documents (and never
//! 5xx: the store is healthy); a 200 to a push answers exactly `success` and its body and query are
//! the newest event in the log, byte-exact; any other answer to a push stored nothing; nothing but
//! a push or WeChat's redirect adds to the log; a correctly signed push of an envelope is stored.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::Router;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;
use wechat::crypto::msg_signature;
use wechat::xml::Envelope;
use wxfleet_relay::config::PlatformEntry;
use wxfleet_relay::server::{router, RelayState, MAX_PUSH_BYTES};
use wxfleet_relay::store::sqlite::SqliteStore;
use wxfleet_relay::store::{AuthorizeLink, EventStore, Source};
use wxfleet_relay::RelayConfig;

const PLATFORM: &str = "demo";
const TOKEN: &str = "relaytesttoken";
const APPID: &str = "wx1234567890abcdef";
const START_MS: i64 = 1_700_000_000_000;
/// `relay-fuzz-<pid>`: the store directories of the fuzzing processes.
const STORE_DIR_PREFIX: &str = "relay-fuzz-";
/// Events kept before the log is purged, so pulls stay small however long the run.
const PURGE_EVERY: u64 = 64;

/// The authorization links made at start: a pending one and an expired one.
const LINKS: [(&str, i64); 2] = [("0", START_MS + 3_600_000), ("1", START_MS - 1)];

/// The statuses the relay answers with (see `server/ingest.rs`, `devices.rs`, `pages.rs`), plus
/// the router's 405 for a known path with another method.
const DOCUMENTED: &[u16] = &[200, 201, 204, 400, 401, 404, 405, 409, 410, 413];

struct Relay {
    runtime: tokio::runtime::Runtime,
    state: RelayState<SqliteStore>,
    app: Router,
    credential: String,
    appended: AtomicU64,
}

fn relay() -> &'static Relay {
    static RELAY: OnceLock<Relay> = OnceLock::new();
    RELAY.get_or_init(|| {
        // Paused time: a long-poll's `wait` passes as soon as the runtime is idle.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
        let store = SqliteStore::open(store_dir().join("relay.db")).unwrap();
        let config = RelayConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "https://relay.example.com".to_owned(),
            store: "sqlite:unused".to_owned(),
            retention_days: 7,
            platforms: vec![PlatformEntry {
                id: PLATFORM.to_owned(),
                component_appid: "wx0000000000c0ffee".to_owned(),
                token: TOKEN.to_owned(),
            }],
            proxy: None,
            tls: None,
        };
        let clock = Arc::new(AtomicI64::new(START_MS));
        let state = RelayState::new(config, Arc::new(store), Arc::new(move || clock.fetch_add(1, Ordering::Relaxed)));
        let credential = runtime.block_on(async {
            for (id, expires_at) in LINKS {
                state.store().create_link(link(id, expires_at)).await.unwrap();
            }
            state.store().add_device("fuzz", START_MS).await.unwrap().credential
        });
        Relay { runtime, app: router(state.clone()), state, credential, appended: AtomicU64::new(0) }
    })
}

/// This process's store directory, on tmpfs when there is one (every stored push is a synced
/// commit). The process never drops its statics, so directories of processes gone are removed here.
fn store_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let parent = if shm.is_dir() { shm.to_owned() } else { std::env::temp_dir() };
    for entry in std::fs::read_dir(&parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let pid = name.to_str().and_then(|n| n.strip_prefix(STORE_DIR_PREFIX));
        if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = parent.join(format!("{STORE_DIR_PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn link(id: &str, expires_at: i64) -> AuthorizeLink {
    AuthorizeLink {
        id: id.to_owned(),
        platform: PLATFORM.to_owned(),
        pre_auth_code: "preauthcode@@@fuzz".to_owned(),
        mode: "pc".to_owned(),
        auth_type: None,
        biz_appid: None,
        consent_origin: None,
        created_at: START_MS,
        expires_at,
        state: "pending".to_owned(),
    }
}

/// The request a fuzz input stands for, and what its answer must be.
struct Case {
    method: Method,
    path: String,
    query: String,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
    /// A correctly signed push of this body: stored unless the body itself is refused.
    signed: bool,
    /// The platform and appid a push is stored under, when the route fixes them.
    addressed: Option<(&'static str, Option<&'static str>)>,
}

fn case(data: &[u8]) -> Option<Case> {
    let (&route, rest) = data.split_first()?;
    let mut parts = rest.splitn(4, |&b| b == 0);
    let part = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let query = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let header_lines = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default().to_vec();

    let mut headers: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    if route & 0x10 != 0 {
        headers.push((b"authorization".to_vec(), format!("Bearer {}", relay().credential).into_bytes()));
    }
    for line in header_lines.split(|&b| b == b'\n') {
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            headers.push((line[..colon].to_vec(), line[colon + 1..].trim_ascii().to_vec()));
        }
    }

    let pushed_signed = route & 0x0f < 2;
    let (method, path, query) = match route & 0x0f {
        0 | 1 => {
            let path = if route & 0x0f == 0 { format!("/wx/{PLATFORM}/component") } else { format!("/wx/{PLATFORM}/app/{APPID}") };
            let signed_query = signed_query(&body);
            (Method::POST, path, if query.is_empty() { signed_query } else { format!("{signed_query}&{query}") })
        }
        2 => (Method::POST, format!("/wx/{part}/component"), query),
        3 => (Method::POST, format!("/wx/{PLATFORM}/app/{part}"), query),
        4 => (Method::GET, "/v1/events".to_owned(), query),
        5 => (Method::POST, "/v1/ack".to_owned(), query),
        6 => (Method::POST, "/v1/authorize-links".to_owned(), query),
        7 => (Method::GET, format!("/authorize/{part}"), query),
        8 => (Method::GET, "/authorized".to_owned(), query),
        9 => (Method::GET, if part.is_empty() { "/healthz" } else { "/metrics" }.to_owned(), query),
        _ => {
            let (method, path) = part.split_once(' ').unwrap_or(("GET", &part));
            (Method::from_bytes(method.as_bytes()).ok()?, path.to_owned(), query)
        }
    };
    let addressed = match route & 0x0f {
        0 => Some((PLATFORM, None)),
        1 => Some((PLATFORM, Some(APPID))),
        _ => None,
    };
    let signed = pushed_signed && Envelope::parse(&body).is_ok();
    Some(Case { method, path, query, headers, body, signed, addressed })
}

/// The query WeChat would send with `body` (a signature that cannot match when it has no `Encrypt`).
fn signed_query(body: &[u8]) -> String {
    let (timestamp, nonce) = ("1700000000", "fuzznonce");
    let signature = match Envelope::parse(body) {
        Ok(envelope) => msg_signature(TOKEN, timestamp, nonce, &envelope.encrypt),
        Err(_) => "0".to_owned(),
    };
    format!("timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}")
}

fn request(case: &Case) -> Option<Request<Body>> {
    let uri = if case.query.is_empty() { case.path.clone() } else { format!("{}?{}", case.path, case.query) };
    let mut builder = Request::builder().method(case.method.clone()).uri(uri);
    for (name, value) in &case.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            builder = builder.header(name, value);
        }
    }
    builder.body(Body::from(case.body.clone())).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(case) = case(data) else { return };
    // A request hyper would never hand over (a URI or header it cannot parse) is not the relay's input.
    let Some(request) = request(&case) else { return };
    let relay = relay();
    relay.runtime.block_on(check(relay, &case, request));
});

async fn check(relay: &Relay, case: &Case, request: Request<Body>) {
    let store = relay.state.store();
    let before = store.latest_seq().await.unwrap();
    let response = relay.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let answer = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let after = store.latest_seq().await.unwrap();
    let what = format!("{} {}?{} → {status}", case.method, case.path, case.query);

    assert!(DOCUMENTED.contains(&status.as_u16()), "undocumented status: {what}: {:?}", String::from_utf8_lossy(&answer));
    let push = case.method == Method::POST && case.path.starts_with("/wx/");
    let redirect = matches!(case.method, Method::GET | Method::HEAD) && case.path == "/authorized";
    if push && status == StatusCode::OK {
        assert_eq!(&answer[..], b"success", "{what}");
        assert_eq!(after, before + 1, "{what}: answered success but the log did not grow by one");
        let stored = store.pull(before, 1).await.unwrap().events.remove(0);
        assert_eq!(stored.body.as_bytes(), &case.body[..], "{what}: stored body differs from the one received");
        assert_eq!(stored.query, case.query, "{what}: stored query differs from the one received");
        let source = if case.path.ends_with("/component") { Source::Component } else { Source::App };
        assert_eq!(stored.source, source, "{what}");
        if let Some((platform, appid)) = &case.addressed {
            assert_eq!((stored.platform.as_str(), stored.appid.as_deref()), (*platform, *appid), "{what}");
        }
    } else if !redirect {
        assert_eq!(after, before, "{what}: stored something without answering a push with success");
    } else {
        assert!(after <= before + 1, "{what}: one redirect stored more than one event");
    }
    if case.signed && case.body.len() <= MAX_PUSH_BYTES && std::str::from_utf8(&case.body).is_ok() {
        assert_eq!(
            status,
            StatusCode::OK,
            "{what}: a correctly signed push of an envelope was refused: {:?}",
            String::from_utf8_lossy(&answer)
        );
    }

    if after > before && relay.appended.fetch_add(after.abs_diff(before), Ordering::Relaxed) % PURGE_EVERY == PURGE_EVERY - 1 {
        store.purge(i64::MAX).await.unwrap();
        // The purge takes the links too: put them back (pending again, so the redirect is reached anew).
        for (id, expires_at) in LINKS {
            store.create_link(link(id, expires_at)).await.unwrap();
        }
    }
}
