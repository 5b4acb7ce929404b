//! Testers (reference §9): bind, unbind by WeChat id or userstr, list.

use wechat::api::tester::{BindTesterRequest, MemberauthRequest, UnbindTesterRequest};
use wechat::AuthorizerToken;

use crate::basic::{errcode, setup, APPID};
use crate::support::{self, ALL_PERMS};

fn bind(id: &str) -> BindTesterRequest {
    BindTesterRequest { wechatid: id.into() }
}

#[tokio::test]
async fn testers_are_bound_listed_and_unbound() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let alice = client.bind_tester(aat, &bind("alice_01")).await.unwrap().userstr;
    let bob = client.bind_tester(aat, &bind("bob-wx-2")).await.unwrap().userstr;
    assert_eq!(alice.len(), 64);
    assert_ne!(alice, bob);
    let members = client.memberauth(aat, &MemberauthRequest::default()).await.unwrap().members;
    assert_eq!(members.iter().map(|m| m.userstr.clone()).collect::<Vec<_>>(), [alice.clone(), bob.clone()]);

    assert_eq!(errcode(client.bind_tester(aat, &bind("alice_01")).await), 85004);
    assert_eq!(errcode(client.bind_tester(aat, &bind("9lives")).await), 85001);
    assert_eq!(errcode(client.bind_tester(aat, &bind("abc")).await), 85001);

    client.unbind_tester(aat, &UnbindTesterRequest::Wechatid("alice_01".into())).await.unwrap();
    client.unbind_tester(aat, &UnbindTesterRequest::Userstr(bob.clone())).await.unwrap();
    assert!(client.memberauth(aat, &MemberauthRequest::default()).await.unwrap().members.is_empty());
    assert_eq!(errcode(client.unbind_tester(aat, &UnbindTesterRequest::Wechatid("no".into())).await), 85001);

    // The same person gets the same userstr again in this mini program, another in another one.
    assert_eq!(client.bind_tester(aat, &bind("alice_01")).await.unwrap().userstr, alice);
    let other = support::authorized_app(&sim, "wx00000000000000f6", ALL_PERMS);
    let elsewhere = client.bind_tester(AuthorizerToken(&other), &bind("alice_01")).await.unwrap().userstr;
    assert_ne!(elsewhere, alice);
}

#[tokio::test]
async fn tester_limits() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().personal = true);
    let aat = AuthorizerToken(&aat);
    for i in 0..15 {
        client.bind_tester(aat, &bind(&format!("tester_{i:02}"))).await.unwrap();
    }
    assert_eq!(errcode(client.bind_tester(aat, &bind("tester_15")).await), 85002, "15 for a personal mini program");

    // One person may test at most 50 mini programs.
    sim.sim.with_world(|w, now| {
        for i in 0..50 {
            let appid = format!("wx0000000000busy{i:02}");
            w.apps.insert(appid.clone(), wxfleet_sim::world::MiniProgram { appid: appid.clone(), ..Default::default() });
            wxfleet_sim::world::tester::bind_tester(w, &appid, "busy_person", now).unwrap();
        }
    });
    let other = support::authorized_app(&sim, "wx00000000000000f7", ALL_PERMS);
    assert_eq!(errcode(client.bind_tester(AuthorizerToken(&other), &bind("busy_person")).await), 85003);
}

#[tokio::test]
async fn testers_need_permission_set_18() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let aat = support::authorized_app(&sim, "wx00000000000000f8", &[30]);
    assert_eq!(errcode(client.bind_tester(AuthorizerToken(&aat), &bind("alice_01")).await), 61007);
    assert_eq!(errcode(client.memberauth(AuthorizerToken(&aat), &MemberauthRequest::default()).await), 61007);
}

#[tokio::test]
async fn raw_http_bind_unbind_memberauth() {
    let (sim, _client, aat) = setup(ALL_PERMS).await;
    let http = reqwest::Client::new();
    let base = sim.base_url().to_string();
    let call = |path: &str, body: &'static str| http.post(format!("{base}wxa/{path}?access_token={aat}")).body(body).send();
    let bound: serde_json::Value = call("bind_tester", r#"{"wechatid":"testid_123"}"#).await.unwrap().json().await.unwrap();
    assert_eq!(bound["errcode"], 0);
    let userstr = bound["userstr"].as_str().unwrap().to_owned();
    let listed: serde_json::Value = call("memberauth", r#"{"action":"get_experiencer"}"#).await.unwrap().json().await.unwrap();
    assert_eq!(listed["members"][0]["userstr"], userstr.as_str());
    assert!(listed["members"][0].get("wechatid").is_none(), "WeChat ids are never returned");
    let unbound: serde_json::Value = call("unbind_tester", r#"{"wechatid":"testid_123"}"#).await.unwrap().json().await.unwrap();
    assert_eq!(unbound["errcode"], 0);
    let listed: serde_json::Value = call("memberauth", r#"{"action":"get_experiencer"}"#).await.unwrap().json().await.unwrap();
    assert_eq!(listed["members"], serde_json::json!([]));
}
