//! The WeChat-facing inbox without a socket: every answer, and what is (not) stored.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use wechat::crypto::MsgCrypt;
use wechat::xml::Addressee;
use wxfleet_relay::server::metrics::Rejection;
use wxfleet_relay::server::{router, RelayState, MAX_PUSH_BYTES};
use wxfleet_relay::store::{AuthorizeLink, DeviceId, DeviceInfo, EventStore, NewDevice, NewEvent, Pull, Source, StoreError};

use crate::harness::{audit_push, config, open, ticket_push, TestRelay, APPID, COMPONENT_APPID, PLATFORM, PUBLIC_URL};

fn component_url() -> String {
    format!("/wx/{PLATFORM}/component")
}

fn app_url() -> String {
    format!("/wx/{PLATFORM}/app/{APPID}")
}

#[tokio::test]
async fn component_push_is_stored_byte_exact_and_answered_success() {
    let relay = TestRelay::new();
    let push = ticket_push(1);
    let (status, headers, body) = relay.post(&format!("{}?{}", component_url(), push.query_string), push.body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(body, b"success", "exactly `success`: no newline, no JSON");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));

    let stored = relay.stored().await;
    assert_eq!(stored.len(), 1);
    let event = &stored[0];
    assert_eq!((event.platform.as_str(), event.source, event.appid.as_deref()), (PLATFORM, Source::Component, None));
    assert_eq!(event.query, push.query_string, "the query string is kept as received");
    assert_eq!(event.body, push.body, "the body is kept as received");
    assert_eq!(event.received_at, 1_700_000_000_000);
    assert_eq!(open(&event.query, &event.body).kind(), "component_verify_ticket");
}

#[tokio::test]
async fn app_push_keeps_the_appid_from_the_path() {
    let relay = TestRelay::new();
    let push = audit_push(1);
    let (status, _, body) = relay.post(&format!("{}?{}", app_url(), push.query_string), push.body.clone()).await;
    assert_eq!((status, body.as_slice()), (200, b"success".as_slice()));
    let stored = relay.stored().await;
    assert_eq!((stored[0].source, stored[0].appid.as_deref()), (Source::App, Some(APPID)));
    assert_eq!(open(&stored[0].query, &stored[0].body).kind(), "weapp_audit_success");
}

#[tokio::test]
async fn a_query_with_percent_escapes_and_extra_parameters_is_kept_verbatim() {
    let relay = TestRelay::new();
    let push = audit_push(2);
    // WeChat adds openid on user messages; the relay keeps whatever is there, in its order.
    let query = format!("{}&openid=o%2Babc", push.query_string);
    let (status, _, _) = relay.post(&format!("{}?{query}", app_url()), push.body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(relay.stored().await[0].query, query);
}

#[tokio::test]
async fn bad_signature_is_401_and_nothing_is_stored() {
    let relay = TestRelay::new();
    let push = ticket_push(1);

    // A forged msg_signature.
    let signature = wechat::crypto::PushQuery::parse(&push.query_string).msg_signature.unwrap();
    let forged = push.query_string.replace(&signature, &"0".repeat(40));
    let (status, _, body) = relay.post(&format!("{}?{forged}", component_url()), push.body.clone()).await;
    assert_eq!((status, body.as_slice()), (401, b"bad signature".as_slice()));

    // The ciphertext altered (the signature covers it).
    let altered = push.body.replacen("<![CDATA[", "<![CDATA[A", 2);
    let (status, _, _) = relay.post(&format!("{}?{}", component_url(), push.query_string), altered).await;
    assert_eq!(status, 401);

    // Sealed with another platform's Token.
    let other = MsgCrypt::new("someothertoken", crate::harness::AES_KEY, COMPONENT_APPID).unwrap();
    let foreign = other.seal_push(&Addressee::AppId(COMPONENT_APPID.to_owned()), "<xml/>", "1700000000", "1", None, [7; 16]);
    let (status, _, _) = relay.post(&format!("{}?{}", component_url(), foreign.query_string), foreign.body).await;
    assert_eq!(status, 401);

    assert!(relay.stored().await.is_empty());
    assert_eq!(relay.state.metrics().rejected_count(Rejection::BadSignature), 3);
}

#[tokio::test]
async fn unknown_platform_is_404_and_nothing_is_stored() {
    let relay = TestRelay::new();
    let push = ticket_push(1);
    let (status, _, _) = relay.post(&format!("/wx/nosuch/component?{}", push.query_string), push.body.clone()).await;
    assert_eq!(status, 404);
    let (status, _, _) = relay.post(&format!("/wx/nosuch/app/{APPID}?{}", push.query_string), push.body).await;
    assert_eq!(status, 404);
    assert!(relay.stored().await.is_empty());
    assert_eq!(relay.state.metrics().rejected_count(Rejection::UnknownPlatform), 2);
}

/// A valid push padded with whitespace inside `<xml>` to exactly `len` bytes.
fn padded_push(len: usize) -> (String, String) {
    let push = ticket_push(9);
    let padding = len - push.body.len();
    let body = push.body.replacen("<xml>\n", &format!("<xml>\n{}", " ".repeat(padding)), 1);
    assert_eq!(body.len(), len);
    (push.query_string, body)
}

#[tokio::test]
async fn sixty_four_kib_is_accepted_one_byte_more_is_413() {
    let relay = TestRelay::new();
    let (query, body) = padded_push(MAX_PUSH_BYTES);
    let (status, _, _) = relay.post(&format!("{}?{query}", component_url()), body).await;
    assert_eq!(status, 200, "a body of exactly 64 KiB is allowed");

    let (query, body) = padded_push(MAX_PUSH_BYTES + 1);
    let (status, _, reply) = relay.post(&format!("{}?{query}", component_url()), body).await;
    assert_eq!((status, reply.as_slice()), (413, b"body too large".as_slice()));

    // Without a Content-Length (chunked): the limit holds while streaming.
    let (query, body) = padded_push(MAX_PUSH_BYTES + 1000);
    let chunks = body.into_bytes().chunks(1000).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>();
    let stream = Body::from_stream(futures_stream(chunks));
    let (status, _, _) = relay.post(&format!("{}?{query}", component_url()), stream).await;
    assert_eq!(status, 413);

    assert_eq!(relay.stored().await.len(), 1);
    assert_eq!(relay.state.metrics().rejected_count(Rejection::Oversize), 2);
}

/// A body that arrives in chunks, without a Content-Length.
fn futures_stream(
    chunks: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    futures::stream::iter(chunks)
}

#[tokio::test]
async fn malformed_input_is_400_and_nothing_is_stored() {
    let relay = TestRelay::new();
    let push = ticket_push(3);
    let url = format!("{}?{}", component_url(), push.query_string);

    // Not UTF-8.
    let mut latin1 = push.body.clone().into_bytes();
    latin1.extend_from_slice(b"<!-- \xe9\xff -->");
    assert_eq!(relay.post(&url, latin1).await.0, 400);
    // Not XML at all, and XML without Encrypt.
    assert_eq!(relay.post(&url, "success").await.0, 400);
    assert_eq!(relay.post(&url, "<xml><AppId>x</AppId></xml>").await.0, 400);
    assert_eq!(relay.post(&url, "").await.0, 400);
    // Query parameters missing: none at all, and without msg_signature / timestamp / nonce.
    assert_eq!(relay.post(&component_url(), push.body.clone()).await.0, 400);
    for drop in ["msg_signature", "timestamp", "nonce"] {
        let query: Vec<_> = push.query_string.split('&').filter(|p| !p.starts_with(&format!("{drop}="))).collect();
        let (status, _, body) = relay.post(&format!("{}?{}", component_url(), query.join("&")), push.body.clone()).await;
        assert_eq!((status, body.as_slice()), (400, b"malformed push".as_slice()), "without {drop}");
    }
    // WeChat fills `$APPID$`; an unfilled template is not an appid.
    assert_eq!(relay.post(&format!("/wx/{PLATFORM}/app/%24APPID%24?{}", push.query_string), push.body.clone()).await.0, 400);

    assert!(relay.stored().await.is_empty());
    assert_eq!(relay.state.metrics().rejected_count(Rejection::Malformed), 9);
}

#[tokio::test]
async fn a_replayed_push_is_stored_again() {
    // The relay cannot decrypt, so it cannot tell a replay from WeChat's own retry: both are kept,
    // and the desktop removes duplicates by WeChat's keys after decrypting.
    let relay = TestRelay::new();
    let push = ticket_push(4);
    for _ in 0..2 {
        let (status, _, body) = relay.post(&format!("{}?{}", component_url(), push.query_string), push.body.clone()).await;
        assert_eq!((status, body.as_slice()), (200, b"success".as_slice()));
    }
    let stored = relay.stored().await;
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[0].body.as_str(), stored[0].query.as_str()), (stored[1].body.as_str(), stored[1].query.as_str()));
    assert_ne!(stored[0].seq, stored[1].seq);
    assert_eq!(open(&stored[0].query, &stored[0].body).dedup_key(), open(&stored[1].query, &stored[1].body).dedup_key());
}

#[tokio::test]
async fn other_methods_are_405() {
    let relay = TestRelay::new();
    let push = ticket_push(5);
    // Third-party platforms do not verify their URLs with a GET echostr (reference §1.4: pushes are POSTs).
    let (status, _, _) = relay.get(&format!("{}?{}&echostr=hello", component_url(), push.query_string), None).await;
    assert_eq!(status, 405);
    let request = Request::put(app_url()).body(Body::from(push.body)).unwrap();
    assert_eq!(relay.send(request).await.0, 405);
    assert!(relay.stored().await.is_empty());
}

#[tokio::test]
async fn healthz_and_metrics() {
    let relay = TestRelay::new();
    let (status, _, body) = relay.get("/healthz", None).await;
    assert_eq!((status, body.as_slice()), (200, b"ok".as_slice()));

    let push = ticket_push(6);
    relay.post(&format!("{}?{}", component_url(), push.query_string), push.body.clone()).await;
    relay.post(&format!("/wx/{PLATFORM}/component?{}", "timestamp=1&nonce=2&msg_signature=00"), push.body).await;
    let (_, credential) = relay.device("front \"desk\"").await;
    relay.get("/v1/events?after=0", Some(&credential)).await;

    let (status, headers, body) = relay.get("/metrics", None).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = String::from_utf8(body).unwrap();
    for line in [
        "wxfleet_relay_pushes_accepted_total{platform=\"demo\",source=\"component\"} 1",
        "wxfleet_relay_pushes_rejected_total{reason=\"bad_signature\"} 1",
        "wxfleet_relay_ingest_duration_seconds_count 1",
        "wxfleet_relay_latest_seq 1",
        "wxfleet_relay_device_backlog{device=\"1\",name=\"front \\\"desk\\\"\"} 1",
        "wxfleet_relay_device_last_seen_seconds{device=\"1\",name=\"front \\\"desk\\\"\"} 1700000000",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("wxr_"), "no credential in metrics");
}

/// A store that is down: every call fails.
struct DownStore;

fn down() -> StoreError {
    StoreError::Other("disk on fire".to_owned())
}

impl EventStore for DownStore {
    fn log_id(&self) -> &str {
        "down"
    }
    async fn append(&self, _: NewEvent) -> Result<i64, StoreError> {
        Err(down())
    }
    async fn pull(&self, _: i64, _: usize) -> Result<Pull, StoreError> {
        Err(down())
    }
    async fn ack(&self, _: DeviceId, _: i64) -> Result<(), StoreError> {
        Err(down())
    }
    async fn latest_seq(&self) -> Result<i64, StoreError> {
        Err(down())
    }
    async fn purge(&self, _: i64) -> Result<u64, StoreError> {
        Err(down())
    }
    async fn add_device(&self, _: &str, _: i64) -> Result<NewDevice, StoreError> {
        Err(down())
    }
    async fn list_devices(&self) -> Result<Vec<DeviceInfo>, StoreError> {
        Err(down())
    }
    async fn revoke_device(&self, _: DeviceId, _: i64) -> Result<bool, StoreError> {
        Err(down())
    }
    async fn authenticate(&self, _: &str, _: i64) -> Result<Option<DeviceId>, StoreError> {
        Err(down())
    }
    async fn create_link(&self, _: AuthorizeLink) -> Result<(), StoreError> {
        Err(down())
    }
    async fn link(&self, _: &str) -> Result<Option<AuthorizeLink>, StoreError> {
        Err(down())
    }
    async fn set_link_state(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Err(down())
    }
}

#[tokio::test]
async fn store_failure_is_503_so_wechat_retries() {
    use tower::ServiceExt;
    let state = RelayState::new(config("sqlite:unused", PUBLIC_URL), Arc::new(DownStore), Arc::new(|| 0));
    let app = router(state.clone());
    let push = ticket_push(7);
    let call = |request: Request<Body>| {
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            (status, axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap())
        }
    };
    let (status, body) =
        call(Request::post(format!("{}?{}", component_url(), push.query_string)).body(Body::from(push.body)).unwrap()).await;
    assert_eq!(status, 503);
    assert_ne!(&body[..], b"success");
    assert_eq!(state.metrics().rejected_count(Rejection::StoreError), 1);
    assert_eq!(call(Request::get("/healthz").body(Body::empty()).unwrap()).await.0, 503);
    let pull = Request::get("/v1/events").header("authorization", "Bearer wxr_x").body(Body::empty()).unwrap();
    assert_eq!(call(pull).await.0, 503, "the device API says unavailable, not unauthorized, when the store is down");
    assert_eq!(call(Request::get("/authorize/abc").body(Body::empty()).unwrap()).await.0, 503);
}
