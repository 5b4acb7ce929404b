//! The authorization pages without a socket: creating links, the entry page, the redirect catcher.

use std::sync::atomic::Ordering;

use wxfleet_relay::store::{EventStore, Source};

use crate::harness::{TestRelay, COMPONENT_APPID, PLATFORM, PUBLIC_URL};

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

fn html(body: &[u8]) -> String {
    String::from_utf8(body.to_vec()).unwrap()
}

/// Creates a link as a device; returns (id, url).
async fn create(relay: &TestRelay, credential: &str, request: serde_json::Value) -> (String, String) {
    let (status, _, body) = relay.post_json("/v1/authorize-links", credential, request).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let link = json(&body);
    (link["id"].as_str().unwrap().to_owned(), link["url"].as_str().unwrap().to_owned())
}

fn mobile_request() -> serde_json::Value {
    serde_json::json!({
        "platform": PLATFORM,
        "pre_auth_code": "preauthcode@@@abc",
        "mode": "mobile",
        "auth_type": 2,
        "consent_origin": "http://127.0.0.1:4567",
        "expires_in": 600,
    })
}

/// The `href` of the entry page's button, unescaped.
fn consent_href(page: &str) -> url::Url {
    let start = page.find("id=\"go\"").expect("a link to the consent page");
    let href = &page[start..];
    let href = &href[href.find("href=\"").unwrap() + 6..];
    let href = &href[..href.find('"').unwrap()];
    url::Url::parse(&href.replace("&amp;", "&")).unwrap()
}

#[tokio::test]
async fn a_mobile_link_leads_to_bindcomponent_from_the_relays_own_page() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let (id, url) = create(&relay, &credential, mobile_request()).await;
    assert_eq!(url, format!("{PUBLIC_URL}/authorize/{id}"));
    assert!(id.len() >= 22 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "unguessable, URL-safe: {id}");

    let (status, headers, body) = relay.get(&format!("/authorize/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "WeChat must see the relay's origin as Referer");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("script-src 'sha256-"));
    let page = html(&body);
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("前往授权"));
    assert!(page.contains("<script>location.replace("), "navigates by script, not by an HTTP redirect");

    let consent = consent_href(&page);
    assert_eq!(consent.origin().ascii_serialization(), "http://127.0.0.1:4567");
    assert_eq!(consent.path(), "/wxaopen/safe/bindcomponent");
    assert_eq!(consent.fragment(), Some("wechat_redirect"));
    let query: std::collections::HashMap<_, _> = consent.query_pairs().into_owned().collect();
    assert_eq!(query["action"], "bindcomponent");
    assert_eq!(query["component_appid"], COMPONENT_APPID);
    assert_eq!(query["pre_auth_code"], "preauthcode@@@abc");
    assert_eq!(query["auth_type"], "2");
    assert_eq!(query["redirect_uri"], format!("{PUBLIC_URL}/authorized?link={id}"));
    assert!(!query.contains_key("biz_appid"));
}

#[tokio::test]
async fn a_pc_link_leads_to_componentloginpage_on_wechats_real_host_by_default() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let request = serde_json::json!({
        "platform": PLATFORM, "pre_auth_code": "pac", "mode": "pc", "biz_appid": "wx1234567890abcdef", "expires_in": 1800,
    });
    let (id, _) = create(&relay, &credential, request).await;
    let page = html(&relay.get(&format!("/authorize/{id}"), None).await.2);
    let consent = consent_href(&page);
    assert_eq!(consent.as_str().split('?').next().unwrap(), "https://mp.weixin.qq.com/cgi-bin/componentloginpage");
    let query: std::collections::HashMap<_, _> = consent.query_pairs().into_owned().collect();
    assert_eq!(query["biz_appid"], "wx1234567890abcdef");
    assert!(!query.contains_key("auth_type"));
}

#[tokio::test]
async fn bad_link_requests_are_400_and_unauthenticated_ones_401() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let with = |key: &str, value: serde_json::Value| {
        let mut request = mobile_request();
        request[key] = value;
        request
    };
    for (request, why) in [
        (with("platform", "nosuch".into()), "unknown platform"),
        (with("mode", "tablet".into()), "unknown mode"),
        (with("auth_type", 4.into()), "auth_type out of range"),
        (with("biz_appid", "wx1234567890abcdef".into()), "auth_type with biz_appid"),
        (with("expires_in", 0.into()), "already expired"),
        (with("expires_in", 86_400.into()), "too long"),
        (with("consent_origin", "javascript:alert(1)".into()), "not http(s)"),
        (with("pre_auth_code", "".into()), "empty code"),
        (with("surprise", true.into()), "unknown field"),
    ] {
        let (status, _, body) = relay.post_json("/v1/authorize-links", &credential, request).await;
        assert_eq!(status, 400, "{why}: {}", String::from_utf8_lossy(&body));
    }
    assert_eq!(relay.post_json("/v1/authorize-links", "wxr_nobody", mobile_request()).await.0, 401);
}

#[tokio::test]
async fn unknown_links_are_a_404_page_that_echoes_nothing() {
    let relay = TestRelay::new();
    let (status, headers, body) = relay.get("/authorize/%3Cscript%3Ealert(1)%3C%2Fscript%3E", None).await;
    assert_eq!(status, 404);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = html(&body);
    assert!(page.contains("授权链接无效") && page.contains("unknown"));
    assert!(!page.contains("alert"), "nothing from the request is reflected");
    let (status, _, body) = relay.get("/authorized?link=%3Cb%3Enope&auth_code=x", None).await;
    assert_eq!(status, 404);
    assert!(!html(&body).contains("nope"));
    assert_eq!(relay.get("/authorized", None).await.0, 404);
    assert!(relay.stored().await.is_empty(), "no event for a link that does not exist");
}

#[tokio::test]
async fn an_expired_link_shows_the_expired_page() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let (id, _) = create(&relay, &credential, mobile_request()).await;
    relay.clock.fetch_add(601_000, Ordering::SeqCst);
    let (status, _, body) = relay.get(&format!("/authorize/{id}"), None).await;
    assert_eq!(status, 410);
    let page = html(&body);
    assert!(page.contains("已过期") && page.contains("expired"));
    assert!(!page.contains("<script"));
    assert_eq!(relay.state.store().link(&id).await.unwrap().unwrap().state, "expired");
}

#[tokio::test]
async fn the_redirect_turns_the_auth_code_into_an_event_once() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let (id, _) = create(&relay, &credential, mobile_request()).await;
    let query = format!("link={id}&auth_code=queryauthcode%40%40%40xyz&expires_in=600");
    let (status, _, body) = relay.get(&format!("/authorized?{query}"), None).await;
    assert_eq!(status, 200);
    let page = html(&body);
    assert!(page.contains("授权完成") && page.contains("Authorization complete"));
    assert!(!page.contains("queryauthcode"), "the code is not shown back");

    let stored = relay.stored().await;
    assert_eq!(stored.len(), 1);
    let event = &stored[0];
    assert_eq!((event.platform.as_str(), event.source, event.appid.as_deref()), (PLATFORM, Source::Authorize, None));
    assert_eq!(event.query, query, "the raw query string: the desktop reads auth_code from it");
    assert_eq!(json(event.body.as_bytes()), serde_json::json!({"link": id, "state": "done"}));
    assert_eq!(relay.state.store().link(&id).await.unwrap().unwrap().state, "done");

    // Reloading the finished page, or opening the entry link again, adds nothing.
    assert_eq!(relay.get(&format!("/authorized?{query}"), None).await.0, 200);
    let (status, _, body) = relay.get(&format!("/authorize/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(html(&body).contains("授权完成"));
    assert_eq!(relay.stored().await.len(), 1);
}

#[tokio::test]
async fn the_redirect_without_a_code_is_failed_or_expired_and_still_reported() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let (failed, _) = create(&relay, &credential, mobile_request()).await;
    let (late, _) = create(&relay, &credential, mobile_request()).await;
    let (late_with_code, _) = create(&relay, &credential, mobile_request()).await;

    let (status, _, body) = relay.get(&format!("/authorized?link={failed}"), None).await;
    assert_eq!(status, 400);
    assert!(html(&body).contains("授权未完成"));

    relay.clock.fetch_add(700_000, Ordering::SeqCst);
    let (status, _, body) = relay.get(&format!("/authorized?link={late}&auth_code="), None).await;
    assert_eq!(status, 410);
    assert!(html(&body).contains("已过期"));
    // WeChat accepted a consent that began in time: the code counts even after the link's lifetime.
    assert_eq!(relay.get(&format!("/authorized?link={late_with_code}&auth_code=c&expires_in=600"), None).await.0, 200);

    let states: Vec<_> = relay.stored().await.iter().map(|e| json(e.body.as_bytes())["state"].as_str().unwrap().to_owned()).collect();
    assert_eq!(states, ["failed", "expired", "done"]);
}

#[tokio::test]
async fn an_authorization_wakes_a_waiting_long_poll() {
    let relay = TestRelay::new();
    let (_, credential) = relay.device("desk").await;
    let (id, _) = create(&relay, &credential, mobile_request()).await;
    let poll = {
        let app = relay.app.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let request = axum::http::Request::get("/v1/events?after=0&wait=20")
                .header("authorization", format!("Bearer {credential}"))
                .body(axum::body::Body::empty())
                .unwrap();
            axum::body::to_bytes(app.oneshot(request).await.unwrap().into_body(), usize::MAX).await.unwrap()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    relay.get(&format!("/authorized?link={id}&auth_code=c"), None).await;
    let body = tokio::time::timeout(std::time::Duration::from_secs(5), poll).await.expect("woken").unwrap();
    assert_eq!(json(&body)["events"][0]["source"], "authorize");
}
