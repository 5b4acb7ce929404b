//! The client core every endpoint goes through: errcode handling, HTTP and transport failures,
//! undecodable answers, base URLs with a path, and tokens kept out of logs.

use axum::http::StatusCode;
use serde_json::json;
use wechat::api::{ApiError, ClientConfig};
use wechat::{AuthorizerToken, Client, ComponentToken, Error, ErrorClass};

use crate::fixture::{Fixture, FixtureServer};

const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN_0123456789");

/// A fixture built here rather than read from a file: these tests are about the client, not an endpoint.
fn inline_fixture(name: &str, value: serde_json::Value) -> Fixture {
    let mut fixture: Fixture = serde_json::from_value(value).unwrap();
    fixture.name = name.to_owned();
    fixture
}

/// A loopback server that answers every request with the same status and body.
async fn serve_raw(status: StatusCode, content_type: &'static str, body: &'static str) -> (Client, tokio::sync::oneshot::Sender<()>) {
    let app = axum::Router::new().fallback(move || async move { (status, [("content-type", content_type)], body) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                rx.await.ok();
            })
            .await
            .unwrap();
    });
    let client = Client::new(ClientConfig::with_base_url(format!("http://{addr}").parse().unwrap())).unwrap();
    (client, tx)
}

#[tokio::test]
async fn nonzero_errcode_becomes_an_api_error_with_its_rid() {
    let errmsg = "invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, \
                  more details at https://mmbizurl.cn/s/JtxxFh33r rid: 64f0a1b2-3c4d5e6f-7a8b9c0d";
    let server = FixtureServer::start(vec![inline_fixture(
        "client/errcode",
        json!({"method": "GET", "path": "/wxa/getwxasearchstatus", "query": {"access_token": AAT.0},
               "response": {"errcode": 40001, "errmsg": errmsg}}),
    )])
    .await;
    let result = server.client().getwxasearchstatus(AAT).await;
    server.finish();
    let err = result.unwrap_err();
    assert_eq!(err.errcode(), Some(40001));
    assert_eq!(err.class(), wechat::errcode::classify(40001));
    let Error::Api(api) = err else { panic!("expected Error::Api") };
    assert_eq!(api, ApiError { errcode: 40001, errmsg: errmsg.to_owned(), path: "/wxa/getwxasearchstatus".to_owned() });
    assert_eq!(api.rid(), Some("64f0a1b2-3c4d5e6f-7a8b9c0d"));
    assert!(!api.to_string().contains(AAT.0), "the path in the message carries no token: {api}");
}

#[test]
fn rid_is_absent_when_errmsg_has_none() {
    let api = ApiError { errcode: -1, errmsg: "system error".into(), path: "/x".into() };
    assert_eq!(api.rid(), None);
    assert_eq!(api.class(), ErrorClass::Transient);
    let spaced = ApiError { errcode: -1, errmsg: "system error rid:   5f3b0c1d-aa  ".into(), path: "/x".into() };
    assert_eq!(spaced.rid(), Some("5f3b0c1d-aa"));
}

#[tokio::test]
async fn errcode_zero_is_success() {
    let server = FixtureServer::start(vec![inline_fixture(
        "client/errcode_zero",
        json!({"method": "GET", "path": "/wxa/getwxasearchstatus", "query": {"access_token": AAT.0},
               "response": {"errcode": 0, "errmsg": "ok", "status": 0}}),
    )])
    .await;
    let result = server.client().getwxasearchstatus(AAT).await;
    server.finish();
    assert_eq!(result.unwrap().status, 0);
}

#[tokio::test]
async fn http_500_is_a_transient_status_error() {
    let (client, stop) = serve_raw(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", "upstream went away").await;
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    let _ = stop.send(());
    let Error::HttpStatus { ref path, status, ref body } = err else { panic!("expected Error::HttpStatus, got {err:?}") };
    assert_eq!(path, "/wxa/getwxasearchstatus");
    assert_eq!(status, 500);
    assert_eq!(body, "upstream went away");
    assert_eq!(err.class(), ErrorClass::Transient);
    assert_eq!(err.errcode(), None);
}

#[tokio::test]
async fn http_429_is_transient_and_404_final() {
    let (client, stop) = serve_raw(StatusCode::TOO_MANY_REQUESTS, "text/plain", "slow down").await;
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    let _ = stop.send(());
    assert!(matches!(err, Error::HttpStatus { status: 429, .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Transient);

    let (client, stop) = serve_raw(StatusCode::NOT_FOUND, "text/plain", "no such path").await;
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    let _ = stop.send(());
    assert!(matches!(err, Error::HttpStatus { status: 404, .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Final);
}

#[tokio::test]
async fn connection_refused_is_a_transient_transport_error() {
    // Bind and release a port so nothing listens on it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::new(ClientConfig::with_base_url(format!("http://127.0.0.1:{port}").parse().unwrap())).unwrap();
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    let Error::Transport { ref path, .. } = err else { panic!("expected Error::Transport, got {err:?}") };
    assert_eq!(path, "/wxa/getwxasearchstatus");
    assert_eq!(err.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_decode_error() {
    let (client, stop) = serve_raw(StatusCode::OK, "text/html", "<html><body>502 Bad Gateway</body></html>").await;
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    let _ = stop.send(());
    let Error::Decode { ref path, ref detail, ref body } = err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(path, "/wxa/getwxasearchstatus");
    assert!(detail.starts_with("not JSON"), "{detail}");
    assert!(body.contains("502 Bad Gateway"), "{body}");
    assert_eq!(err.class(), ErrorClass::Final);
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() {
    let server = FixtureServer::start(vec![inline_fixture(
        "client/wrong_shape",
        json!({"method": "GET", "path": "/wxa/getwxasearchstatus", "query": {"access_token": AAT.0},
               "response": {"errcode": 0, "errmsg": "ok", "status": "hidden"}}),
    )])
    .await;
    let result = server.client().getwxasearchstatus(AAT).await;
    server.finish();
    let err = result.unwrap_err();
    let Error::Decode { ref detail, .. } = err else { panic!("expected Error::Decode, got {err:?}") };
    assert!(detail.contains("status") || detail.contains("invalid type"), "{detail}");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let fixture = |name: &str| {
        inline_fixture(
            name,
            json!({"method": "GET", "path": "/prefix/wxa/getwxasearchstatus", "query": {"access_token": AAT.0},
                   "response": {"errcode": 0, "errmsg": "ok", "status": 1}}),
        )
    };
    let server = FixtureServer::start(vec![fixture("client/prefix"), fixture("client/prefix_slash")]).await;
    for base in ["prefix", "prefix/"] {
        let client = Client::new(ClientConfig::with_base_url(server.base_url().join(base).unwrap())).unwrap();
        assert_eq!(client.getwxasearchstatus(AAT).await.unwrap().status, 1, "base {}", client.base_url());
    }
    server.finish();
}

#[tokio::test]
async fn a_prefixed_base_url_also_carries_the_query_of_the_endpoint() {
    // jscode2session builds its own query; the token and the prefix must both survive.
    let server = FixtureServer::start(vec![inline_fixture(
        "client/prefix_query",
        json!({"method": "GET", "path": "/sim/sns/component/jscode2session",
               "query": {"appid": "wxa", "js_code": "code", "grant_type": "authorization_code", "component_appid": "wxc",
                         "component_access_token": "CAT"},
               "response": {"openid": "o1", "session_key": "k"}}),
    )])
    .await;
    let client = Client::new(ClientConfig::with_base_url(server.base_url().join("sim").unwrap())).unwrap();
    let req = wechat::api::component::Jscode2sessionRequest { appid: "wxa".into(), js_code: "code".into(), component_appid: "wxc".into() };
    let result = client.jscode2session(ComponentToken("CAT"), &req).await;
    server.finish();
    assert_eq!(result.unwrap().openid, "o1");
}

#[test]
fn tokens_print_only_a_six_character_prefix() {
    let cat = ComponentToken("61W3mEpU66027wgNZ_MhGHNQDHnFATkDa9");
    let aat = AuthorizerToken("QXjUqNqfYVH0yBE1iI_7vuN_9gQbpjfK7h");
    let cat_text = format!("{cat:?}");
    let aat_text = format!("{aat:?}");
    assert!(cat_text.contains("61W3mE") && !cat_text.contains("61W3mEp"), "{cat_text}");
    assert!(aat_text.contains("QXjUqN") && !aat_text.contains("QXjUqNq"), "{aat_text}");
    // Also inside the structures that carry them.
    let quota = wechat::api::quota::QuotaToken::Authorizer(aat);
    let quota_text = format!("{quota:?}");
    assert!(!quota_text.contains("QXjUqNq"), "{quota_text}");
    let list_item: wechat::api::auth::AuthorizerListItem =
        serde_json::from_value(json!({"authorizer_appid": "wx1", "refresh_token": "refreshtoken-abcdef", "auth_time": 1})).unwrap();
    let item_text = format!("{list_item:?}");
    assert!(item_text.contains("wx1") && item_text.contains("refres") && !item_text.contains("refresht"), "{item_text}");
}

#[test]
fn short_tokens_print_whole_but_multibyte_ones_do_not_split() {
    assert!(format!("{:?}", ComponentToken("abc")).contains("abc"));
    let text = format!("{:?}", AuthorizerToken("令牌令牌令牌令牌"));
    assert!(text.contains("令牌令牌令牌") && !text.contains("令牌令牌令牌令"), "{text}");
}

/// reqwest puts the whole request URL, query and token included, into its errors; `Error::Transport`
/// must drop it, or the token shows in `Display`, `Debug` and every log line.
#[tokio::test]
async fn transport_errors_do_not_show_the_token() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::new(ClientConfig::with_base_url(format!("http://127.0.0.1:{port}").parse().unwrap())).unwrap();
    let err = client.getwxasearchstatus(AAT).await.unwrap_err();
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains(AAT.0), "the token leaks: {text}");
    }
}
