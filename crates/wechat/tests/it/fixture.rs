//! Recorded exchanges served from a loopback HTTP server.
//!
//! A fixture (`tests/fixtures/<area>/<name>.json`) is one request as WeChat documents it and the
//! answer WeChat gives:
//!
//! ```json
//! { "method": "POST", "path": "/cgi-bin/component/api_query_auth",
//!   "query": {"component_access_token": "CAT"},
//!   "request": {"component_appid": "...", "authorization_code": "..."},
//!   "response": {"authorization_info": {...}} }
//! ```
//!
//! `query` is the exact set of query parameters expected; `request` the exact JSON body (absent for
//! GET); `multipart_field` names the file field of an upload instead of `request`; `response_image`
//! (a content type) makes the server answer with image bytes instead of `response`.
//! The server checks each incoming request against the next fixture, answers, and [`FixtureServer::finish`]
//! fails the test on any mismatch or unused fixture.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use wechat::{Client, ClientConfig};

/// A tiny valid PNG, answered for `response_image` fixtures.
pub const PNG_BYTES: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f,
    0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0,
    b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82,
];

/// One recorded exchange.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    #[serde(skip)]
    pub name: String,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default)]
    pub request: Option<Value>,
    #[serde(default)]
    pub multipart_field: Option<String>,
    #[serde(default)]
    pub response: Value,
    #[serde(default)]
    pub response_image: Option<String>,
}

/// Loads `tests/fixtures/{name}.json`, e.g. `load("component/api_query_auth")`.
pub fn load(name: &str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let mut fixture: Fixture = serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    fixture.name = name.to_owned();
    fixture
}

#[derive(Default)]
struct Log {
    expected: Vec<Fixture>,
    next: usize,
    problems: Vec<String>,
}

/// A loopback server that answers with fixtures, in order.
pub struct FixtureServer {
    base_url: url::Url,
    log: Arc<Mutex<Log>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FixtureServer {
    /// Serves `fixtures` in order on 127.0.0.1 with a free port.
    pub async fn start(fixtures: Vec<Fixture>) -> Self {
        let log = Arc::new(Mutex::new(Log { expected: fixtures, ..Log::default() }));
        let app = axum::Router::new().fallback(answer).with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    rx.await.ok();
                })
                .await
                .unwrap();
        });
        FixtureServer { base_url: format!("http://{addr}").parse().unwrap(), log, shutdown: Some(tx) }
    }

    /// A client pointed at this server.
    pub fn client(&self) -> Client {
        Client::new(ClientConfig::with_base_url(self.base_url.clone())).unwrap()
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// Fails the test if any request did not match its fixture or a fixture was not used.
    pub fn finish(mut self) {
        let log = self.log.lock().unwrap();
        let mut problems = log.problems.clone();
        for unused in &log.expected[log.next..] {
            problems.push(format!("fixture {} was never requested", unused.name));
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        assert!(problems.is_empty(), "fixture server saw problems:\n{}", problems.join("\n"));
    }
}

/// Serves one fixture and returns the client for it.
pub async fn serve(name: &str) -> (Client, FixtureServer) {
    let server = FixtureServer::start(vec![load(name)]).await;
    (server.client(), server)
}

async fn answer(State(log): State<Arc<Mutex<Log>>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mut log = log.lock().unwrap();
    let Some(fixture) = log.expected.get(log.next).cloned() else {
        log.problems.push(format!("unexpected request {method} {uri}: no fixture left"));
        return (StatusCode::INTERNAL_SERVER_ERROR, "no fixture left").into_response();
    };
    log.next += 1;
    let mut problems = Vec::new();
    if method.as_str() != fixture.method {
        problems.push(format!("method {method}, expected {}", fixture.method));
    }
    if uri.path() != fixture.path {
        problems.push(format!("path {}, expected {}", uri.path(), fixture.path));
    }
    let query: BTreeMap<String, String> = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    if query != fixture.query {
        problems.push(format!("query {query:?}, expected {:?}", fixture.query));
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    match (&fixture.request, &fixture.multipart_field) {
        (Some(expected), _) => match serde_json::from_slice::<Value>(&body) {
            Ok(actual) if &actual == expected => {}
            Ok(actual) => problems.push(format!("body\n  {actual}\nexpected\n  {expected}")),
            Err(e) => problems.push(format!("body is not JSON ({e}): {}", String::from_utf8_lossy(&body))),
        },
        (None, Some(field)) => {
            let needle = format!("name=\"{field}\"");
            if !content_type.starts_with("multipart/form-data") || !String::from_utf8_lossy(&body).contains(&needle) {
                problems.push(format!("expected a multipart upload with field {field}, got {content_type}"));
            }
        }
        (None, None) => {
            if !body.is_empty() && fixture.method == "GET" {
                problems.push(format!("GET with a body: {}", String::from_utf8_lossy(&body)));
            }
        }
    }
    if !problems.is_empty() {
        let text = format!("{}: {}", fixture.name, problems.join("; "));
        log.problems.push(text.clone());
        return (StatusCode::IM_A_TEAPOT, text).into_response();
    }
    match &fixture.response_image {
        Some(content_type) => ([("content-type", content_type.clone())], PNG_BYTES).into_response(),
        None => ([("content-type", "application/json; charset=utf-8")], fixture.response.to_string()).into_response(),
    }
}
