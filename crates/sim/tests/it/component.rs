//! The platform's own calls through the `wechat` client: component token (from a pushed ticket),
//! pre-auth codes, ticket push, jscode2session — success and the documented errors.

use serde_json::json;
use wechat::api::component::{ApiComponentTokenRequest, ApiCreatePreauthcodeRequest, ApiStartPushTicketRequest, Jscode2sessionRequest};
use wechat::ComponentToken;
use wxfleet_sim::world::platform::TICKET_VALIDITY_SECS;
use wxfleet_sim::world::tokens::{SUPERSEDED_OVERLAP_SECS, TOKEN_LIFETIME_SECS};
use wxfleet_sim::SimConfig;

use crate::support::{
    self, admin, advance, authorized_app, client, component_appid, errcode, fresh_ticket, independent, start, start_with_sink, ALL_PERMS,
};

fn token_request(sim: &wxfleet_sim::RunningSim, ticket: &str) -> ApiComponentTokenRequest {
    ApiComponentTokenRequest {
        component_appid: component_appid(sim),
        component_appsecret: sim.info.platform.component_appsecret.clone(),
        component_verify_ticket: ticket.to_owned(),
    }
}

#[tokio::test]
async fn the_ticket_pushed_after_start_up_buys_a_component_token() {
    let (sim, sink) = start_with_sink(SimConfig::default()).await;
    let pushed = sink.wait_for(1, "component_verify_ticket").await;
    let (_, xml) = independent::open(&pushed[0].query, &pushed[0].body);
    let ticket = independent::cdata(&xml, "ComponentVerifyTicket").to_owned();
    assert!(ticket.starts_with("ticket@@@"), "{ticket}");

    let client = client(&sim);
    let token = client.api_component_token(&token_request(&sim, &ticket)).await.unwrap();
    assert_eq!(token.expires_in, 7200);
    let cat = ComponentToken(&token.component_access_token);
    let pre = client.api_create_preauthcode(cat, &ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) }).await.unwrap();
    assert!(pre.pre_auth_code.starts_with("preauthcode@@@"));
    assert_eq!(pre.expires_in, 1800);
    let second = client.api_create_preauthcode(cat, &ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) }).await.unwrap();
    assert_ne!(pre.pre_auth_code, second.pre_auth_code);
}

#[tokio::test]
async fn component_token_refusals() {
    let sim = start(0).await;
    let client = client(&sim);
    let ticket = fresh_ticket(&sim);

    let unknown = ApiComponentTokenRequest { component_appid: "wx0000000000000000".into(), ..token_request(&sim, &ticket) };
    assert_eq!(errcode(client.api_component_token(&unknown).await), 61011);
    let no_secret = ApiComponentTokenRequest { component_appsecret: String::new(), ..token_request(&sim, &ticket) };
    assert_eq!(errcode(client.api_component_token(&no_secret).await), 41004);
    let wrong_secret = ApiComponentTokenRequest { component_appsecret: "0".repeat(32), ..token_request(&sim, &ticket) };
    assert_eq!(errcode(client.api_component_token(&wrong_secret).await), 40125);
    assert_eq!(errcode(client.api_component_token(&token_request(&sim, "ticket@@@never-pushed")).await), 61006);

    // Any ticket of the last 12 hours works, not only the newest one.
    advance(&sim, 600);
    let newer = fresh_ticket(&sim);
    assert!(client.api_component_token(&token_request(&sim, &ticket)).await.is_ok());
    advance(&sim, TICKET_VALIDITY_SECS - 600);
    assert_eq!(errcode(client.api_component_token(&token_request(&sim, &ticket)).await), 61005);
    assert!(client.api_component_token(&token_request(&sim, &newer)).await.is_ok());

    // An IP whitelist without the caller's address.
    let appid = component_appid(&sim);
    sim.sim.with_world(|w, _| w.platforms.get_mut(&appid).unwrap().ip_whitelist = Some(vec!["10.1.2.3".parse().unwrap()]));
    let err = client.api_component_token(&token_request(&sim, &newer)).await.unwrap_err();
    assert_eq!(err.errcode(), Some(61004));
    assert!(err.to_string().contains("127.0.0.1"), "names the caller's IP: {err}");
    sim.sim.with_world(|w, _| w.platforms.get_mut(&appid).unwrap().ip_whitelist = Some(vec!["127.0.0.1".parse().unwrap()]));
    assert!(client.api_component_token(&token_request(&sim, &newer)).await.is_ok());
}

#[tokio::test]
async fn component_token_daily_limit() {
    let sim = start(0).await;
    let client = client(&sim);
    let ticket = fresh_ticket(&sim);
    let (status, _) = admin(&sim, "/admin/quota", json!({ "limits": { "/cgi-bin/component/api_component_token": 2 } })).await;
    assert_eq!(status, 200);
    client.api_component_token(&token_request(&sim, &ticket)).await.unwrap();
    client.api_component_token(&token_request(&sim, &ticket)).await.unwrap();
    assert_eq!(errcode(client.api_component_token(&token_request(&sim, &ticket)).await), 45009);
}

#[tokio::test]
async fn tokens_live_7200_s_and_a_superseded_one_only_for_the_overlap() {
    let sim = start(0).await;
    let client = client(&sim);
    let ticket = fresh_ticket(&sim);
    let req = ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) };
    let first = client.api_component_token(&token_request(&sim, &ticket)).await.unwrap().component_access_token;
    advance(&sim, 100);
    let second = client.api_component_token(&token_request(&sim, &ticket)).await.unwrap().component_access_token;
    assert_ne!(first, second);
    advance(&sim, SUPERSEDED_OVERLAP_SECS - 1);
    assert!(client.api_create_preauthcode(ComponentToken(&first), &req).await.is_ok(), "still inside the overlap");
    advance(&sim, 1);
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(&first), &req).await), 40001);
    assert!(client.api_create_preauthcode(ComponentToken(&second), &req).await.is_ok());
    advance(&sim, TOKEN_LIFETIME_SECS - SUPERSEDED_OVERLAP_SECS);
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(&second), &req).await), 42001);
}

#[tokio::test]
async fn preauthcode_refusals() {
    let sim = start(0).await;
    let client = client(&sim);
    let cat = support::component_token(&sim);
    let other = ApiCreatePreauthcodeRequest { component_appid: "wx1111111111111111".into() };
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(&cat), &other).await), 61011);
    let req = ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) };
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken("86_forged"), &req).await), 40001);
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(""), &req).await), 41001);
    // An authorizer token is not the platform's token.
    let aat = authorized_app(&sim, "wx00000000000000c1", ALL_PERMS);
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(&aat), &req).await), 40001);
}

#[tokio::test]
async fn start_push_ticket_pushes_at_once() {
    let (sim, sink) = start_with_sink(SimConfig { ticket_interval_secs: 100_000, ..SimConfig::default() }).await;
    sink.wait_for(1, "component_verify_ticket").await;
    let client = client(&sim);
    let req = ApiStartPushTicketRequest {
        component_appid: component_appid(&sim),
        component_secret: sim.info.platform.component_appsecret.clone(),
    };
    client.api_start_push_ticket(&req).await.unwrap();
    let pushed = sink.wait_for(2, "component_verify_ticket").await;
    let ticket = independent::cdata(&independent::open(&pushed[1].query, &pushed[1].body).1, "ComponentVerifyTicket").to_owned();
    assert!(client.api_component_token(&token_request(&sim, &ticket)).await.is_ok(), "the new ticket works");

    let wrong = ApiStartPushTicketRequest { component_secret: "nope".into(), ..req.clone() };
    assert_eq!(errcode(client.api_start_push_ticket(&wrong).await), 40125);
    let unknown = ApiStartPushTicketRequest { component_appid: "wx2222222222222222".into(), ..req };
    assert_eq!(errcode(client.api_start_push_ticket(&unknown).await), 61011);
}

#[tokio::test]
async fn jscode2session_exchanges_each_code_once() {
    let sim = start(1).await;
    let client = client(&sim);
    let cat = support::component_token(&sim);
    let cat = ComponentToken(&cat);
    let appid = sim.info.merchants[0].appid.clone();
    let req = |code: &str| Jscode2sessionRequest { appid: appid.clone(), js_code: code.into(), component_appid: component_appid(&sim) };

    assert_eq!(errcode(client.jscode2session(cat, &req("081aBcDeFgHiJkLmNoPq")).await), 61003, "not authorized yet");
    authorized_app(&sim, &appid, ALL_PERMS);
    let session = client.jscode2session(cat, &req("081aBcDeFgHiJkLmNoPq")).await.unwrap();
    assert!(session.openid.starts_with('o') && session.openid.len() == 28, "{}", session.openid);
    assert!(!session.session_key.is_empty());
    assert_eq!(errcode(client.jscode2session(cat, &req("081aBcDeFgHiJkLmNoPq")).await), 40163);
    assert_eq!(errcode(client.jscode2session(cat, &req("not a code!")).await), 40029);
    let unknown = Jscode2sessionRequest { appid: "wx9999999999999999".into(), ..req("081zzzzzzzzzzzzzzzzz") };
    assert_eq!(errcode(client.jscode2session(cat, &unknown).await), 40013);
}
