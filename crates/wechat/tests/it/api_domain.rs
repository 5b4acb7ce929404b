//! Domains: the platform's registered ones (CAT) and each mini program's (AAT).

use wechat::api::domain::{
    DomainAction, ModifyDomainRequest, ModifyWxaJumpDomainRequest, ModifyWxaServerDomainRequest, SetwebviewdomainRequest,
};
use wechat::{AuthorizerToken, ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("COMPONENT_ACCESS_TOKEN");
const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

fn strings(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| s.to_string()).collect())
}

#[test]
fn actions_serialise_lowercase() {
    for (action, text) in [
        (DomainAction::Add, "\"add\""),
        (DomainAction::Delete, "\"delete\""),
        (DomainAction::Set, "\"set\""),
        (DomainAction::Get, "\"get\""),
    ] {
        assert_eq!(serde_json::to_string(&action).unwrap(), text);
        assert_eq!(serde_json::from_str::<DomainAction>(text).unwrap(), action);
    }
}

#[tokio::test]
async fn modify_wxa_server_domain() {
    let (client, server) = fixture::serve("domain/modify_wxa_server_domain").await;
    let req = ModifyWxaServerDomainRequest {
        action: DomainAction::Add,
        wxa_server_domain: Some("www.qq.com;wx.qq.com".into()),
        is_modify_published_together: Some(true),
    };
    let result = client.modify_wxa_server_domain(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.published_wxa_server_domain.as_deref(), Some("www.qq.com;wx.qq.com"));
    assert_eq!(resp.testing_wxa_server_domain.as_deref(), Some("www.qq.com;wx.qq.com;test.qq.com"));
    assert_eq!(resp.invalid_wxa_server_domain.as_deref(), Some(""));
}

#[tokio::test]
async fn modify_wxa_server_domain_with_a_stale_token_is_a_token_error() {
    let (client, server) = fixture::serve("domain/modify_wxa_server_domain_40001").await;
    let req = ModifyWxaServerDomainRequest { action: DomainAction::Get, ..Default::default() };
    let result = client.modify_wxa_server_domain(CAT, &req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 40001);
    assert_eq!(e.rid(), Some("6621c8f2-8b9c0d1e-2f3a4b5c"));
    assert_eq!(e.class(), ErrorClass::TokenInvalid);
}

#[tokio::test]
async fn modify_wxa_jump_domain_get() {
    let (client, server) = fixture::serve("domain/modify_wxa_jump_domain").await;
    let req = ModifyWxaJumpDomainRequest { action: DomainAction::Get, ..Default::default() };
    let result = client.modify_wxa_jump_domain(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.published_wxa_jump_h5_domain.as_deref(), Some("www.qq.com"));
    assert_eq!(resp.testing_wxa_jump_h5_domain.as_deref(), Some("www.qq.com;wx.qq.com"));
    assert_eq!(resp.invalid_wxa_jump_h5_domain, None);
}

#[tokio::test]
async fn get_domain_confirmfile() {
    let (client, server) = fixture::serve("domain/get_domain_confirmfile").await;
    let result = client.get_domain_confirmfile(CAT).await;
    server.finish();
    let file = result.unwrap();
    assert_eq!(file.file_name, "0a3fbd3e56b94c42e3d2deb4c7db8b5a.txt");
    assert_eq!(file.file_content, "b17d6e8bf2b9b7f8f1e5a0d0a8cf2c6c");
}

#[tokio::test]
async fn modify_domain() {
    let (client, server) = fixture::serve("domain/modify_domain").await;
    let req = ModifyDomainRequest {
        action: DomainAction::Add,
        requestdomain: strings(&["https://www.qq.com", "https://www.qq.com"]),
        wsrequestdomain: strings(&["wss://www.qq.com", "wss://www.qq.com"]),
        uploaddomain: strings(&["https://www.qq.com", "https://www.qq.com"]),
        downloaddomain: strings(&["https://www.qq.com", "https://www.qq.com"]),
        udpdomain: strings(&["udp://www.qq.com"]),
        tcpdomain: strings(&["tcp://www.qq.com"]),
    };
    let result = client.modify_domain(AAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.requestdomain, ["https://www.qq.com"]);
    assert_eq!(resp.wsrequestdomain, ["wss://www.qq.com"]);
    assert_eq!(resp.udpdomain, ["udp://www.qq.com"]);
    assert_eq!(resp.tcpdomain, ["tcp://www.qq.com"]);
    assert_eq!(resp.invalid_requestdomain, ["https://www.example.cn"]);
    assert!(resp.invalid_tcpdomain.is_empty());
    assert_eq!(resp.no_icp_domain, ["www.example.cn"]);
}

#[tokio::test]
async fn modify_domain_directly_sends_only_the_lists_given() {
    let (client, server) = fixture::serve("domain/modify_domain_directly").await;
    let req = ModifyDomainRequest { action: DomainAction::Set, requestdomain: strings(&["https://api.example.com"]), ..Default::default() };
    let result = client.modify_domain_directly(AAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert!(resp.requestdomain.is_empty() && resp.no_icp_domain.is_empty());
}

#[tokio::test]
async fn setwebviewdomain_get() {
    let (client, server) = fixture::serve("domain/setwebviewdomain").await;
    let req = SetwebviewdomainRequest { action: DomainAction::Get, webviewdomain: None };
    let result = client.setwebviewdomain(AAT, &req).await;
    server.finish();
    assert_eq!(result.unwrap().webviewdomain, ["https://www.qq.com", "https://m.qq.com"]);
}

#[tokio::test]
async fn setwebviewdomain_directly() {
    let (client, server) = fixture::serve("domain/setwebviewdomain_directly").await;
    let req = SetwebviewdomainRequest { action: DomainAction::Add, webviewdomain: strings(&["https://www.qq.com", "https://m.qq.com"]) };
    let result = client.setwebviewdomain_directly(AAT, &req).await;
    server.finish();
    assert!(result.unwrap().webviewdomain.is_empty());
}

#[tokio::test]
async fn get_webviewdomain_confirmfile() {
    let (client, server) = fixture::serve("domain/get_webviewdomain_confirmfile").await;
    let result = client.get_webviewdomain_confirmfile(AAT).await;
    server.finish();
    let file = result.unwrap();
    assert_eq!((file.file_name.as_str(), file.file_content.as_str()), ("MP_verify_abc123.txt", "abc123"));
}

#[tokio::test]
async fn get_effective_domain() {
    let (client, server) = fixture::serve("domain/get_effective_domain").await;
    let result = client.get_effective_domain(AAT).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.mp_domain.requestdomain, ["https://mp.example.com"]);
    assert_eq!(resp.third_domain.wsrequestdomain, ["wss://third.example.com"]);
    assert_eq!(resp.direct_domain.downloaddomain, ["https://cdn.example.com"]);
    assert_eq!(resp.effective_domain.requestdomain, ["https://mp.example.com", "https://third.example.com"]);
    assert!(resp.effective_domain.tcpdomain.is_empty());
}

#[tokio::test]
async fn get_effective_webviewdomain() {
    let (client, server) = fixture::serve("domain/get_effective_webviewdomain").await;
    let result = client.get_effective_webviewdomain(AAT).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.mp_webviewdomain.len(), 2);
    assert_eq!(resp.third_webviewdomain, ["https://a.b.howielu.top"]);
    assert_eq!(resp.direct_webviewdomain, ["https://melody2.howielu.top/"]);
    assert_eq!(resp.effective_webviewdomain, ["https://a.b.howielu.top", "https://melody2.howielu.top/"]);
}
