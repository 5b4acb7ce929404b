//! Shared test setup: a simulator per test, clients, and shortcuts into the world for tests that
//! are about one area and should not depend on the consent flow.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wechat::crypto::{MsgCrypt, PushQuery};
use wechat::xml::Event;
use wechat::{Client, ClientConfig};
use wxfleet_sim::world::{Grant, MiniProgram, TokenKind};
use wxfleet_sim::{RunningSim, SimConfig, Simulator};

/// A simulator with the demo platform and `merchants` demo merchants.
pub async fn start(merchants: usize) -> RunningSim {
    start_with(SimConfig { seed_demo: merchants, ..SimConfig::default() }).await
}

/// A simulator with `config` (listen is forced to a free loopback port).
pub async fn start_with(config: SimConfig) -> RunningSim {
    let config = SimConfig { listen: "127.0.0.1:0".parse().unwrap(), ..config };
    Simulator::start(config).await.expect("simulator starts")
}

/// A `wechat` client pointed at the simulator.
pub fn client(sim: &RunningSim) -> Client {
    Client::new(ClientConfig::with_base_url(sim.base_url().clone())).unwrap()
}

/// The demo platform's appid.
pub fn component_appid(sim: &RunningSim) -> String {
    sim.info.platform.component_appid.clone()
}

/// Issues a component access token for the demo platform directly in the world (the real flow,
/// ticket → `api_component_token`, is tested in `component`).
pub fn component_token(sim: &RunningSim) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|world, now| {
        let value = world.ids.opaque("cat_", 48);
        world.tokens.issue(TokenKind::Component { component_appid }, value.clone(), now);
        value
    })
}

/// Makes `appid` a mini program authorized to the demo platform with `func_ids`, and returns an
/// authorizer access token for it — directly in the world (the consent flow is tested in `consent`).
pub fn authorized_app(sim: &RunningSim, appid: &str, func_ids: &[u32]) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|world, now| {
        let refresh_token = world.ids.opaque("refreshtoken@@@", 40);
        let app = world.apps.entry(appid.to_owned()).or_insert_with(|| MiniProgram {
            appid: appid.to_owned(),
            original_id: format!("gh_{}", &appid[appid.len().saturating_sub(12)..]),
            nickname: format!("测试小程序 {appid}"),
            principal_name: "测试商户有限公司".to_owned(),
            admin_wechat: format!("admin_{appid}"),
            ..MiniProgram::default()
        });
        app.grants.insert(component_appid.clone(), Grant { func_ids: func_ids.to_vec(), refresh_token, auth_time: now });
        let value = world.ids.opaque("aat_", 48);
        world.tokens.issue(TokenKind::Authorizer { component_appid, appid: appid.to_owned() }, value.clone(), now);
        value
    })
}

/// All permission sets the tests usually need.
pub const ALL_PERMS: &[u32] = &[17, 18, 30];

/// The `errcode` of a failed call (panics when the call did not fail with an API error).
pub fn errcode<T: std::fmt::Debug>(result: Result<T, wechat::Error>) -> i64 {
    match result {
        Err(wechat::Error::Api(e)) => e.errcode,
        other => panic!("expected a WeChat error, got {other:?}"),
    }
}

/// A simulator whose demo platform pushes to a fresh [`Sink`], with quick retries (100 ms apart,
/// 1 s receiver timeout) so retry tests take a second, not fifteen.
pub async fn start_with_sink(config: SimConfig) -> (RunningSim, Sink) {
    let sink = Sink::start().await;
    let config = SimConfig {
        push_url: Some(sink.url("/auth")),
        message_url: Some(sink.url("/msg/$APPID$")),
        push_timeout_ms: 1000,
        push_retry_backoff_ms: 100,
        ..config
    };
    (start_with(config).await, sink)
}

/// Waits (up to 5 s) until `check` holds for the world.
pub async fn eventually(sim: &RunningSim, what: &str, check: impl Fn(&wxfleet_sim::world::World) -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !sim.sim.with_world(|w, _| check(w)) {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A raw `reqwest` client for hand-written requests.
pub fn raw() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A loopback HTTP receiver standing in for the platform's callback URLs: keeps every request
/// exactly as it arrived (path, raw query, body bytes) and answers as told — `success` unless a
/// scripted answer is queued.
pub struct Sink {
    base: String,
    state: std::sync::Arc<std::sync::Mutex<SinkState>>,
}

#[derive(Default)]
struct SinkState {
    received: Vec<Received>,
    answers: std::collections::VecDeque<Answer>,
}

/// One request the sink received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The `Content-Type` header.
    pub content_type: String,
}

/// How the sink answers one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// HTTP 200 with this body.
    Body(&'static str),
    /// This status, body `oops`.
    Status(u16),
    /// Wait this long, then `success` (too late when longer than the push timeout).
    Hang(std::time::Duration),
}

impl Sink {
    /// Starts listening on a free loopback port.
    pub async fn start() -> Sink {
        use axum::response::IntoResponse;
        let state: std::sync::Arc<std::sync::Mutex<SinkState>> = std::sync::Arc::default();
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let shared = shared.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                let content_type = parts.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let answer = {
                    let mut state = shared.lock().unwrap();
                    state.received.push(Received {
                        path: parts.uri.path().to_owned(),
                        query: parts.uri.query().unwrap_or("").to_owned(),
                        body,
                        content_type,
                    });
                    state.answers.pop_front()
                };
                match answer {
                    None => "success".into_response(),
                    Some(Answer::Body(text)) => text.into_response(),
                    Some(Answer::Status(status)) => (axum::http::StatusCode::from_u16(status).unwrap(), "oops").into_response(),
                    Some(Answer::Hang(d)) => {
                        tokio::time::sleep(d).await;
                        "success".into_response()
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Sink { base, state }
    }

    /// `path` on the sink.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Queues answers for the next requests (then `success` again).
    pub fn answer(&self, answers: impl IntoIterator<Item = Answer>) {
        self.state.lock().unwrap().answers.extend(answers);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The encrypted pushes received so far (other requests, such as a browser following a
    /// redirect to the sink, left out).
    pub fn pushes(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.body.windows(9).any(|w| w == b"<Encrypt>")).collect()
    }

    /// Waits (up to 5 s) until `n` pushes whose decrypted XML contains `needle` arrived.
    pub async fn wait_for(&self, n: usize, needle: &str) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let found: Vec<Received> =
                self.pushes().into_iter().filter(|r| independent::open(&r.query, &r.body).1.contains(needle)).collect();
            if found.len() >= n {
                return found;
            }
            assert!(tokio::time::Instant::now() < deadline, "expected {n} pushes containing {needle:?}, got {}", found.len());
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// Push decryption written from the reference (§1) with the raw `aes`, `cbc`, `sha1` and `base64`
/// crates — not the `wechat` crate — so a bug shared by the simulator and the protocol crate cannot
/// hide. Keyed with the demo platform's Token and EncodingAESKey.
pub mod independent {
    use aes::cipher::block_padding::NoPadding;
    use aes::cipher::{BlockModeDecrypt, KeyIvInit};
    use base64::Engine;
    use sha1::{Digest, Sha1};

    /// The demo platform's message Token.
    pub const TOKEN: &str = "wxfleetdemotoken";
    /// The demo platform's EncodingAESKey.
    pub const ENCODING_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn query_value<'a>(query: &'a str, name: &str) -> &'a str {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
            .unwrap_or_else(|| panic!("no {name} in {query}"))
    }

    fn sha1_sorted(mut parts: Vec<&str>) -> String {
        parts.sort_unstable();
        hex::encode(Sha1::digest(parts.concat().as_bytes()))
    }

    /// The text between `<tag><![CDATA[` and `]]></tag>`.
    pub fn cdata<'a>(xml: &'a str, tag: &str) -> &'a str {
        let open = format!("<{tag}><![CDATA[");
        let start = xml.find(&open).unwrap_or_else(|| panic!("no <{tag}> in {xml}")) + open.len();
        let end = start + xml[start..].find("]]>").unwrap();
        &xml[start..end]
    }

    /// Checks both signatures of a push to the demo platform, decrypts it and returns
    /// `(receive id, plaintext XML)`.
    pub fn open(query: &str, body: &[u8]) -> (String, String) {
        open_with(TOKEN, ENCODING_AES_KEY, query, body)
    }

    /// [`open`] with another platform's Token and EncodingAESKey.
    pub fn open_with(token: &str, encoding_aes_key: &str, query: &str, body: &[u8]) -> (String, String) {
        let body = std::str::from_utf8(body).expect("UTF-8 body");
        let encrypt = cdata(body, "Encrypt");
        let (timestamp, nonce) = (query_value(query, "timestamp"), query_value(query, "nonce"));
        assert_eq!(query_value(query, "encrypt_type"), "aes");
        assert_eq!(query_value(query, "signature"), sha1_sorted(vec![token, timestamp, nonce]), "URL signature");
        assert_eq!(query_value(query, "msg_signature"), sha1_sorted(vec![token, timestamp, nonce, encrypt]), "message signature");

        // The key's last base64 character carries two unused bits, which must be ignored.
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        let key: [u8; 32] = engine.decode(format!("{encoding_aes_key}=")).unwrap().try_into().unwrap();
        let mut buf = base64::engine::general_purpose::STANDARD.decode(encrypt).expect("base64");
        assert_eq!(buf.len() % 32, 0, "PKCS#7 over 32-byte blocks makes whole 32-byte blocks");
        let iv: [u8; 16] = key[..16].try_into().unwrap();
        let plain = cbc::Decryptor::<aes::Aes256>::new(&key.into(), &iv.into()).decrypt_padded::<NoPadding>(&mut buf).unwrap().to_vec();
        let pad = *plain.last().unwrap() as usize;
        assert!((1..=32).contains(&pad) && plain[plain.len() - pad..].iter().all(|&b| b as usize == pad), "PKCS#7 padding");
        let content = &plain[..plain.len() - pad];
        let len = u32::from_be_bytes(content[16..20].try_into().unwrap()) as usize;
        let xml = String::from_utf8(content[20..20 + len].to_vec()).unwrap();
        let receive_id = String::from_utf8(content[20 + len..].to_vec()).unwrap();
        (receive_id, xml)
    }
}

/// `POST {path}` on the simulator's admin API with a JSON body; returns the status and the JSON answer.
pub async fn admin(sim: &RunningSim, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = raw().post(sim.base_url().join(path).unwrap()).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// `GET /admin/state`.
pub async fn state(sim: &RunningSim) -> serde_json::Value {
    raw().get(sim.base_url().join("/admin/state").unwrap()).send().await.unwrap().json().await.unwrap()
}

/// Pushes a ticket to the demo platform now (directly in the world) and returns it.
pub fn fresh_ticket(sim: &RunningSim) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|w, now| w.push_ticket(&component_appid, now)).unwrap()
}

/// Moves virtual time forward the way `POST /admin/clock` does (tickets and areas run at once).
pub fn advance(sim: &RunningSim, secs: i64) {
    sim.sim.clock().advance(secs);
    wxfleet_sim::ticker::tick(&sim.sim);
}

/// A fresh pre-auth code of the demo platform (directly in the world).
pub fn pre_auth_code(sim: &RunningSim) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|w, now| w.create_pre_auth_code(&component_appid, now)).unwrap().0
}

/// Authorizes `appid` with `func_ids` through `POST /admin/consent` (the consent page's code path);
/// returns the answer (`auth_code`, `redirect`, `func_ids`, `update`).
pub async fn consent(sim: &RunningSim, appid: &str, func_ids: &[u32]) -> serde_json::Value {
    let body = serde_json::json!({ "pre_auth_code": pre_auth_code(sim), "authorizer_appid": appid, "func_ids": func_ids });
    let (status, answer) = admin(sim, "/admin/consent", body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// A push as it arrived: path, query string, body.
type RawPush = (String, String, Vec<u8>);

/// A loopback receiver for the demo platform's two callback URLs: answers `success`, keeps what
/// arrived, and decrypts it with the platform's key.
pub struct Receiver {
    received: Arc<Mutex<Vec<RawPush>>>,
    crypt: MsgCrypt,
}

impl Receiver {
    /// Starts listening and points the demo platform's `push_url` and `message_url` at it.
    pub async fn start(sim: &RunningSim) -> Receiver {
        let received: Arc<Mutex<Vec<RawPush>>> = Arc::default();
        let store = received.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push((uri.path().to_owned(), uri.query().unwrap_or("").to_owned(), body.to_vec()));
                "success"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        let component_appid = component_appid(sim);
        let crypt = sim.sim.with_world(|w, _| {
            let p = w.platforms.get_mut(&component_appid).unwrap();
            p.push_url = Some(format!("{base}/auth"));
            p.message_url = Some(format!("{base}/msg/$APPID$"));
            MsgCrypt::new(&p.token, &p.encoding_aes_key, &p.component_appid).unwrap()
        });
        Receiver { received, crypt }
    }

    /// Every push received so far that `matches`, in arrival order: the path it came to, its
    /// decrypted XML exactly as sent, and the event.
    pub fn received_xml(&self, matches: impl Fn(&Event) -> bool) -> Vec<(String, String, Event)> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(path, query, body)| {
                let plain = self.crypt.open_push(&PushQuery::parse(query), body).expect("push decrypts and verifies");
                let event = Event::parse(&plain).expect("push parses");
                matches(&event).then(|| (path.clone(), plain, event))
            })
            .collect()
    }

    /// Every push received so far that `matches`, in arrival order, with the path it came to.
    pub fn received(&self, matches: impl Fn(&Event) -> bool) -> Vec<(String, Event)> {
        self.received_xml(matches).into_iter().map(|(path, _, event)| (path, event)).collect()
    }

    /// Waits until `n` pushes that `matches` arrived (up to 15 s: the whole suite shares two
    /// cores); returns them in arrival order.
    pub async fn wait_for_n(&self, n: usize, matches: impl Fn(&Event) -> bool) -> Vec<(String, Event)> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let found = self.received(&matches);
            if found.len() >= n {
                return found;
            }
            assert!(tokio::time::Instant::now() < deadline, "expected {n} matching pushes, got {}: {found:?}", found.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the first push that `matches`; returns the path it came to, its decrypted XML and the event.
    pub async fn wait_for_xml(&self, matches: impl Fn(&Event) -> bool) -> (String, String, Event) {
        self.wait_for_n(1, &matches).await;
        self.received_xml(matches).remove(0)
    }

    /// Waits for the first push that `matches`; returns the path it came to and the event.
    pub async fn wait_for(&self, matches: impl Fn(&Event) -> bool) -> (String, Event) {
        self.wait_for_n(1, matches).await.remove(0)
    }

    /// Asserts that no push that `matches` arrives within a short while.
    pub async fn assert_none(&self, matches: impl Fn(&Event) -> bool) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let found = self.received(matches);
        assert!(found.is_empty(), "unexpected pushes: {found:?}");
    }
}
