//! Shared by the relay's tests: a platform's secrets, pushes sealed as WeChat seals them, a
//! configuration, and the relay (and simulator) as separate processes.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use wechat::crypto::{MsgCrypt, SealedPush};
use wechat::xml::{Addressee, ComponentHeader, ComponentVerifyTicket, Event, MessageHeader, WeappAuditSuccess};
use wxfleet_relay::config::PlatformEntry;
use wxfleet_relay::RelayConfig;

/// The test platform's URL id.
pub const PLATFORM: &str = "demo";
/// Its message Token (the relay's only secret).
pub const TOKEN: &str = "relaytesttoken";
/// Its EncodingAESKey: only the tests (WeChat's side and the desktop's side) know it.
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// Its component appid.
pub const COMPONENT_APPID: &str = "wx0000000000c0ffee";
/// A mini program of a merchant.
pub const APPID: &str = "wx1234567890abcdef";

/// The platform's crypto, as WeChat and the desktop hold it.
pub fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, AES_KEY, COMPONENT_APPID).unwrap()
}

/// 16 bytes of per-push randomness derived from `n` (pushes differ, runs repeat).
fn random(n: u64) -> [u8; 16] {
    let mut r = [0u8; 16];
    r[..8].copy_from_slice(&n.to_be_bytes());
    r[8..].copy_from_slice(&(!n).to_be_bytes());
    r
}

/// The `n`-th `component_verify_ticket` push, sealed with the platform's Token and key.
pub fn ticket_push(n: u64) -> SealedPush {
    let event = Event::ComponentVerifyTicket(ComponentVerifyTicket {
        header: ComponentHeader { app_id: COMPONENT_APPID.to_owned(), create_time: 1_700_000_000 + n as i64 * 600 },
        component_verify_ticket: format!("ticket@@@{n:06}"),
    });
    crypt().seal_push(
        &Addressee::AppId(COMPONENT_APPID.to_owned()),
        &event.to_xml(),
        &(1_700_000_000 + n).to_string(),
        &format!("{n}"),
        None,
        random(n),
    )
}

/// The `n`-th `weapp_audit_success` push for [`APPID`], for the message-and-event URL.
pub fn audit_push(n: u64) -> SealedPush {
    let event = Event::WeappAuditSuccess(WeappAuditSuccess {
        header: MessageHeader {
            to_user_name: "gh_0123456789ab".to_owned(),
            from_user_name: "o_system".to_owned(),
            create_time: 1_700_000_000 + n as i64,
        },
        succ_time: 1_700_000_000 + n as i64,
    });
    crypt().seal_push(
        &Addressee::ToUserName("gh_0123456789ab".to_owned()),
        &event.to_xml(),
        &(1_700_000_000 + n).to_string(),
        &format!("a{n}"),
        None,
        random(1_000_000 + n),
    )
}

/// The plaintext the desktop gets back from a stored event (proves the bytes survived).
pub fn open(query: &str, body: &str) -> Event {
    let xml = crypt().open_push(&wechat::crypto::PushQuery::parse(query), body.as_bytes()).expect("the stored push still opens");
    Event::parse(&xml).unwrap()
}

/// A configuration with the test platform, storing at `store`.
pub fn config(store: &str, public_url: &str) -> RelayConfig {
    RelayConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: public_url.to_owned(),
        store: store.to_owned(),
        retention_days: 7,
        platforms: vec![PlatformEntry { id: PLATFORM.to_owned(), component_appid: COMPONENT_APPID.to_owned(), token: TOKEN.to_owned() }],
        proxy: None,
        tls: None,
    }
}

/// `config` as the TOML file `wxfleet-relay` reads, written to `dir/relay.toml`.
pub fn write_config(dir: &Path, config: &RelayConfig) -> PathBuf {
    let path = dir.join("relay.toml");
    std::fs::write(&path, toml::to_string(config).unwrap()).unwrap();
    path
}

/// The relay binary.
pub fn relay_bin() -> &'static str {
    env!("CARGO_BIN_EXE_wxfleet-relay")
}

/// Runs `wxfleet-relay ARGS` to completion; panics with its stderr if it failed.
pub fn relay_cli(args: &[&str]) -> String {
    let out = Command::new(relay_bin()).args(args).env_remove("RUST_LOG").output().unwrap();
    assert!(out.status.success(), "wxfleet-relay {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Enrols a device through the CLI; returns (id, credential).
pub fn add_device(config_path: &Path, name: &str) -> (i64, String) {
    let out = relay_cli(&["device", "add", "--config", config_path.to_str().unwrap(), "--name", name, "--json"]);
    let device: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    (device["id"].as_i64().unwrap(), device["credential"].as_str().unwrap().to_owned())
}

/// A `wxfleet-relay serve` child process, killed when dropped.
pub struct RelayProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The egress proxy's address, when `[proxy]` is configured.
    pub proxy: Option<SocketAddr>,
}

impl RelayProcess {
    /// Starts `wxfleet-relay serve --config PATH` and waits for its "listening" line.
    pub fn start(config_path: &Path) -> RelayProcess {
        RelayProcess::start_with_env(config_path, &[])
    }

    /// Same, with environment variables.
    pub fn start_with_env(config_path: &Path, env: &[(&str, &str)]) -> RelayProcess {
        let mut child = Command::new(relay_bin())
            .args(["serve", "--config", config_path.to_str().unwrap()])
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let started: serde_json::Value = serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("relay start line {line:?}: {e}"));
        let addr: SocketAddr = started["listen"].as_str().unwrap().parse().unwrap();
        let scheme = if started["tls"].as_bool() == Some(true) { "https" } else { "http" };
        let proxy = started["proxy"].as_str().map(|p| p.parse().unwrap());
        RelayProcess { child, base: format!("{scheme}://{addr}"), addr, proxy }
    }

    /// SIGKILL: no shutdown, no flush — what a power cut looks like to the process.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the exit (up to `within`); returns whether it exited cleanly.
    pub fn terminate(&mut self, within: Duration) -> bool {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP client for tests (no proxy from the environment).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(40)).build().unwrap()
}

/// POSTs `push` to `url` (the push's query appended); returns (status, body).
pub async fn post_push(http: &reqwest::Client, url: &str, push: &SealedPush) -> (u16, String) {
    let response = http.post(format!("{url}?{}", push.query_string)).body(push.body.clone()).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// `GET /v1/events` as a device; panics unless 200.
pub async fn pull(http: &reqwest::Client, base: &str, credential: &str, after: i64, wait: u64, limit: usize) -> serde_json::Value {
    let response =
        http.get(format!("{base}/v1/events?after={after}&wait={wait}&limit={limit}")).bearer_auth(credential).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// `POST /v1/ack` as a device; panics unless 204.
pub async fn ack(http: &reqwest::Client, base: &str, credential: &str, seq: i64) {
    let response =
        http.post(format!("{base}/v1/ack")).bearer_auth(credential).json(&serde_json::json!({ "seq": seq })).send().await.unwrap();
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
}

/// Every event after `after`, pulling in batches, until the log is exhausted.
pub async fn pull_all(http: &reqwest::Client, base: &str, credential: &str, mut after: i64) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    loop {
        let batch = pull(http, base, credential, after, 0, 1000).await;
        let events = batch["events"].as_array().unwrap().clone();
        if events.is_empty() {
            return all;
        }
        after = events.last().unwrap()["seq"].as_i64().unwrap();
        all.extend(events);
    }
}

/// A relay without a socket: its router on a fresh SQLite store, with a clock the test moves.
pub struct TestRelay {
    /// The state the router shares (store, metrics).
    pub state: wxfleet_relay::server::RelayState<wxfleet_relay::store::sqlite::SqliteStore>,
    /// The router.
    pub app: axum::Router,
    /// Now, in Unix milliseconds; `set`/`fetch_add` to move time.
    pub clock: std::sync::Arc<std::sync::atomic::AtomicI64>,
    _dir: tempfile::TempDir,
}

/// The public URL the test relays claim.
pub const PUBLIC_URL: &str = "https://relay.example.com";

impl TestRelay {
    /// A relay for the test platform at [`PUBLIC_URL`], time starting at 1 700 000 000 000 ms.
    pub fn new() -> TestRelay {
        let dir = tempfile::tempdir().unwrap();
        let store = wxfleet_relay::store::sqlite::SqliteStore::open(dir.path().join("relay.db")).unwrap();
        let clock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(1_700_000_000_000));
        let now = std::sync::Arc::clone(&clock);
        let state = wxfleet_relay::server::RelayState::new(
            config("sqlite:unused", PUBLIC_URL),
            std::sync::Arc::new(store),
            std::sync::Arc::new(move || now.load(std::sync::atomic::Ordering::SeqCst)),
        );
        TestRelay { app: wxfleet_relay::server::router(state.clone()), state, clock, _dir: dir }
    }

    /// Sends one request through the router (no socket); returns status, headers, body.
    pub async fn send(&self, request: axum::http::Request<axum::body::Body>) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        use tower::ServiceExt;
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        (status, headers, body)
    }

    /// POSTs `body` to `path?query`.
    pub async fn post(&self, path_and_query: &str, body: impl Into<axum::body::Body>) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        self.send(axum::http::Request::post(path_and_query).body(body.into()).unwrap()).await
    }

    /// GETs `path?query`, with a bearer credential if given.
    pub async fn get(&self, path_and_query: &str, credential: Option<&str>) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        let mut request = axum::http::Request::get(path_and_query);
        if let Some(credential) = credential {
            request = request.header("authorization", format!("Bearer {credential}"));
        }
        self.send(request.body(axum::body::Body::empty()).unwrap()).await
    }

    /// POSTs JSON as a device.
    pub async fn post_json(&self, path: &str, credential: &str, json: serde_json::Value) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        let request = axum::http::Request::post(path)
            .header("authorization", format!("Bearer {credential}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(json.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// A freshly enrolled device's credential.
    pub async fn device(&self, name: &str) -> (i64, String) {
        use wxfleet_relay::store::EventStore;
        let device = self.state.store().add_device(name, self.state.now_ms()).await.unwrap();
        (device.id, device.credential)
    }

    /// Every stored event.
    pub async fn stored(&self) -> Vec<wxfleet_relay::store::StoredEvent> {
        use wxfleet_relay::store::EventStore;
        self.state.store().pull(0, 10_000).await.unwrap().events
    }
}
