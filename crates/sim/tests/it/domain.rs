//! Domains (reference §6): platform registration with the CAT, each mini program's server and
//! business domains with its AAT, the directly-set forms, confirm files and effective domains.

use wechat::api::domain::{
    DomainAction, ModifyDomainRequest, ModifyWxaJumpDomainRequest, ModifyWxaServerDomainRequest, SetwebviewdomainRequest,
};
use wechat::{AuthorizerToken, Client, ComponentToken};

use crate::basic::{errcode, setup, APPID};
use crate::support::{self, ALL_PERMS};

fn server(action: DomainAction, domains: &str, together: bool) -> ModifyWxaServerDomainRequest {
    ModifyWxaServerDomainRequest { action, wxa_server_domain: Some(domains.into()), is_modify_published_together: Some(together) }
}

fn jump(action: DomainAction, domains: &str, together: bool) -> ModifyWxaJumpDomainRequest {
    ModifyWxaJumpDomainRequest { action, wxa_jump_h5_domain: Some(domains.into()), is_modify_published_together: Some(together) }
}

fn requests(action: DomainAction, list: &[&str]) -> ModifyDomainRequest {
    ModifyDomainRequest { action, requestdomain: Some(list.iter().map(|s| (*s).to_owned()).collect()), ..ModifyDomainRequest::default() }
}

fn webview(action: DomainAction, list: &[&str]) -> SetwebviewdomainRequest {
    SetwebviewdomainRequest { action, webviewdomain: Some(list.iter().map(|s| (*s).to_owned()).collect()) }
}

/// Registers `shop.com` as a published server domain and `m.shop.com` as a published business domain.
async fn register_platform_domains(client: &Client, cat: &str) {
    client.modify_wxa_server_domain(ComponentToken(cat), &server(DomainAction::Add, "shop.com", true)).await.unwrap();
    client.modify_wxa_jump_domain(ComponentToken(cat), &jump(DomainAction::Add, "shop.com", true)).await.unwrap();
}

#[tokio::test]
async fn platform_server_domains_test_and_published_versions() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let cat = support::component_token(&sim);
    let cat = ComponentToken(&cat);
    let answer = client
        .modify_wxa_server_domain(
            cat,
            &server(DomainAction::Add, "shop.com; API.shop.com;bad_domain;10.0.0.1;https://x.com;api.weixin.qq.com", false),
        )
        .await
        .unwrap();
    assert_eq!(answer.testing_wxa_server_domain.as_deref(), Some("shop.com;api.shop.com"));
    assert_eq!(answer.published_wxa_server_domain.as_deref(), Some(""));
    assert_eq!(answer.invalid_wxa_server_domain.as_deref(), Some("bad_domain;10.0.0.1;https://x.com;api.weixin.qq.com"));

    let answer = client.modify_wxa_server_domain(cat, &server(DomainAction::Add, "shop.com", true)).await.unwrap();
    assert_eq!(answer.published_wxa_server_domain.as_deref(), Some("shop.com"));
    let answer = client.modify_wxa_server_domain(cat, &server(DomainAction::Delete, "never.com;api.shop.com", false)).await.unwrap();
    assert_eq!(answer.testing_wxa_server_domain.as_deref(), Some("shop.com"), "deleting an absent domain succeeds");
    let answer = client.modify_wxa_server_domain(cat, &server(DomainAction::Set, "a.com;b.com", true)).await.unwrap();
    assert_eq!(
        (answer.testing_wxa_server_domain.as_deref(), answer.published_wxa_server_domain.as_deref()),
        (Some("a.com;b.com"), Some("a.com;b.com"))
    );
    let get = ModifyWxaServerDomainRequest { action: DomainAction::Get, ..ModifyWxaServerDomainRequest::default() };
    assert_eq!(client.modify_wxa_server_domain(cat, &get).await.unwrap().testing_wxa_server_domain.as_deref(), Some("a.com;b.com"));

    let many = (0..1001).map(|i| format!("d{i}.com")).collect::<Vec<_>>().join(";");
    assert_eq!(errcode(client.modify_wxa_server_domain(cat, &server(DomainAction::Set, &many, false)).await), 85016);
    let component_appid = support::component_appid(&sim);
    sim.sim.with_world(|w, now| w.platforms.get_mut(&component_appid).unwrap().domains.server_changes = vec![now; 50]);
    assert_eq!(errcode(client.modify_wxa_server_domain(cat, &server(DomainAction::Add, "c.com", false)).await), 45009, "50 a month");
    assert!(client.modify_wxa_server_domain(cat, &get).await.is_ok(), "reading is not a change");
}

#[tokio::test]
async fn platform_jump_domains_and_confirm_file() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let cat = support::component_token(&sim);
    let cat = ComponentToken(&cat);
    let answer = client.modify_wxa_jump_domain(cat, &jump(DomainAction::Set, "m.shop.com;h5.shop.com;not a domain", true)).await.unwrap();
    assert_eq!(answer.published_wxa_jump_h5_domain.as_deref(), Some("m.shop.com;h5.shop.com"));
    assert_eq!(answer.invalid_wxa_jump_h5_domain.as_deref(), Some("not a domain"));
    let file = client.get_domain_confirmfile(cat).await.unwrap();
    assert!(file.file_name.ends_with(".txt"));
    assert_eq!(file.file_content.len(), 32);
    assert_eq!(client.get_domain_confirmfile(cat).await.unwrap(), file, "stable");
    let app_file = client.get_webviewdomain_confirmfile(AuthorizerToken(&aat)).await.unwrap();
    assert_ne!(app_file, file);
    // The platform's calls refuse an authorizer token.
    assert_eq!(errcode(client.get_domain_confirmfile(ComponentToken(&aat)).await), 40001);
}

#[tokio::test]
async fn mini_program_server_domains_must_be_registered_on_the_platform() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    assert_eq!(
        errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://api.shop.com"])).await),
        85018,
        "platform has none"
    );
    let cat = support::component_token(&sim);
    // Only the test configuration: merchants' mini programs cannot use it yet.
    client.modify_wxa_server_domain(ComponentToken(&cat), &server(DomainAction::Add, "shop.com", false)).await.unwrap();
    assert_eq!(errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://api.shop.com"])).await), 85018);
    register_platform_domains(&client, &cat).await;

    let answer = client
        .modify_domain(
            aat,
            &requests(DomainAction::Add, &["https://api.shop.com", "https://shop.com:8443", "https://10.0.0.1", "http://shop.com"]),
        )
        .await
        .unwrap();
    assert_eq!(answer.requestdomain, ["https://api.shop.com", "https://shop.com:8443"]);
    assert_eq!(answer.invalid_requestdomain, ["https://10.0.0.1", "http://shop.com"]);
    assert_eq!(errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://api.shop.com"])).await), 85017, "nothing new");
    assert_eq!(
        errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://other.com"])).await),
        85017,
        "not on the platform"
    );
    assert_eq!(errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://api.weixin.qq.com"])).await), 85301);

    let sockets = ModifyDomainRequest {
        action: DomainAction::Add,
        wsrequestdomain: Some(vec!["wss://ws.shop.com".into()]),
        udpdomain: Some(vec!["udp://game.shop.com:9000".into()]),
        tcpdomain: Some(vec!["tcp://game.shop.com".into()]),
        downloaddomain: Some(vec!["https://cdn.noicp.shop.com".into()]),
        ..ModifyDomainRequest::default()
    };
    let answer = client.modify_domain(aat, &sockets).await.unwrap();
    assert_eq!((answer.wsrequestdomain.len(), answer.udpdomain.len(), answer.tcpdomain.len()), (1, 1, 1));
    assert_eq!(answer.no_icp_domain, ["https://cdn.noicp.shop.com"]);
    assert!(answer.downloaddomain.is_empty());

    let answer = client.modify_domain(aat, &requests(DomainAction::Delete, &["https://shop.com:8443"])).await.unwrap();
    assert_eq!(answer.requestdomain, ["https://api.shop.com"]);
    let answer = client.modify_domain(aat, &requests(DomainAction::Set, &["https://shop.com"])).await.unwrap();
    assert_eq!(answer.requestdomain, ["https://shop.com"]);
    assert!(answer.wsrequestdomain.is_empty(), "set replaces every list");
    let got = client.modify_domain(aat, &ModifyDomainRequest::default()).await.unwrap();
    assert_eq!(got.requestdomain, ["https://shop.com"]);

    let many: Vec<String> = (0..201).map(|i| format!("https://d{i}.shop.com")).collect();
    let too_many = ModifyDomainRequest { action: DomainAction::Set, requestdomain: Some(many), ..ModifyDomainRequest::default() };
    assert_eq!(errcode(client.modify_domain(aat, &too_many).await), 85016);
    sim.sim.with_world(|w, now| w.apps.get_mut(APPID).unwrap().domains.changes = vec![now; 50]);
    assert_eq!(errcode(client.modify_domain(aat, &requests(DomainAction::Add, &["https://b.shop.com"])).await), 45009);
}

#[tokio::test]
async fn directly_set_domains_need_no_platform_and_effective_is_the_union() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let answer = client.modify_domain_directly(aat, &requests(DomainAction::Add, &["https://merchant-own.com"])).await.unwrap();
    assert_eq!(answer.requestdomain, ["https://merchant-own.com"]);
    register_platform_domains(&client, &support::component_token(&sim)).await;
    client.modify_domain(aat, &requests(DomainAction::Add, &["https://api.shop.com", "https://merchant-own.com.shop.com"])).await.unwrap();
    let effective = client.get_effective_domain(aat).await.unwrap();
    assert_eq!(effective.third_domain.requestdomain, ["https://api.shop.com", "https://merchant-own.com.shop.com"]);
    assert_eq!(effective.direct_domain.requestdomain, ["https://merchant-own.com"]);
    assert_eq!(
        effective.effective_domain.requestdomain,
        ["https://api.shop.com", "https://merchant-own.com.shop.com", "https://merchant-own.com"]
    );
    assert!(effective.mp_domain.requestdomain.is_empty());
    assert_eq!(errcode(client.modify_domain_directly(aat, &requests(DomainAction::Add, &["wss://https://x.com"])).await), 85301);
}

#[tokio::test]
async fn webview_domains() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    assert_eq!(errcode(client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://m.shop.com"])).await), 89020);
    register_platform_domains(&client, &support::component_token(&sim)).await;
    let answer = client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://m.shop.com", "https://shop.com"])).await.unwrap();
    assert_eq!(answer.webviewdomain, ["https://m.shop.com", "https://shop.com"]);
    assert_eq!(errcode(client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://m.shop.com"])).await), 89019);
    assert_eq!(errcode(client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://other.com"])).await), 89021);
    assert_eq!(errcode(client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://evilshop.com"])).await), 89021);
    client.setwebviewdomain(aat, &webview(DomainAction::Delete, &["https://shop.com"])).await.unwrap();
    let got = client.setwebviewdomain(aat, &SetwebviewdomainRequest::default()).await.unwrap();
    assert_eq!(got.webviewdomain, ["https://m.shop.com"]);

    client.setwebviewdomain_directly(aat, &webview(DomainAction::Add, &["https://merchant-own.com"])).await.unwrap();
    let effective = client.get_effective_webviewdomain(aat).await.unwrap();
    assert_eq!(effective.effective_webviewdomain, ["https://m.shop.com", "https://merchant-own.com"]);
    assert_eq!(effective.direct_webviewdomain, ["https://merchant-own.com"]);
    let many: Vec<String> = (0..101).map(|i| format!("https://d{i}.own.com")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(errcode(client.setwebviewdomain_directly(aat, &webview(DomainAction::Set, &many)).await), 89029);

    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().personal = true);
    assert_eq!(errcode(client.setwebviewdomain(aat, &webview(DomainAction::Add, &["https://h5.shop.com"])).await), 89231);
}

#[tokio::test]
async fn domains_need_permission_set_18() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let aat = support::authorized_app(&sim, "wx00000000000000e6", &[30]);
    assert_eq!(errcode(client.modify_domain(AuthorizerToken(&aat), &ModifyDomainRequest::default()).await), 61007);
    assert_eq!(errcode(client.get_effective_domain(AuthorizerToken(&aat)).await), 61007);
}

#[tokio::test]
async fn raw_http_85301_carries_the_lists_and_cat_works_as_either_parameter() {
    let (sim, _client, aat) = setup(ALL_PERMS).await;
    let cat = support::component_token(&sim);
    let http = reqwest::Client::new();
    let base = sim.base_url().to_string();
    for param in ["access_token", "component_access_token"] {
        let answer: serde_json::Value = http
            .post(format!("{base}cgi-bin/component/modify_wxa_server_domain?{param}={cat}"))
            .body(r#"{"action":"add","wxa_server_domain":"shop.com","is_modify_published_together":true}"#)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["errcode"], 0, "{answer}");
        assert_eq!(answer["published_wxa_server_domain"], "shop.com");
    }
    let refused: serde_json::Value = http
        .post(format!("{base}wxa/modify_domain?access_token={aat}"))
        .body(r#"{"action":"add","requestdomain":["https://api.shop.com"],"wsrequestdomain":["wss://https://c-b.shop.com"]}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["errcode"], 0, "one valid entry is enough: {refused}");
    assert_eq!(refused["invalid_wsrequestdomain"], serde_json::json!(["wss://https://c-b.shop.com"]));
    let refused: serde_json::Value = http
        .post(format!("{base}wxa/modify_domain?access_token={aat}"))
        .body(r#"{"action":"add","wsrequestdomain":["wss://https://c-b.shop.com"]}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["errcode"], 85301);
    assert!(refused["errmsg"].as_str().unwrap().starts_with("no domain to modify after filtered"));
    assert!(refused["errmsg"].as_str().unwrap().contains("rid:"));
    assert_eq!(refused["invalid_wsrequestdomain"], serde_json::json!(["wss://https://c-b.shop.com"]));
    assert_eq!(refused["requestdomain"], serde_json::json!(["https://api.shop.com"]));
    assert_eq!(refused["no_icp_domain"], serde_json::json!([]));
}
