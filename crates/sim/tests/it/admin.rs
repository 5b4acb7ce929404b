//! The admin API: state without secrets, revocation, more platforms and merchants, the clock,
//! the HTML status page, bad requests, and the state file.

use serde_json::json;
use wechat::api::auth::{ApiAuthorizerTokenRequest, ApiGetAuthorizerInfoRequest, ApiQueryAuthRequest, GetAuthorizerOptionRequest};
use wechat::{AuthorizerToken, ComponentToken};
use wxfleet_sim::{SimConfig, Simulator};

use crate::support::{
    self, admin, client, component_appid, component_token, errcode, independent, raw, start, start_with_sink, state, Sink,
};

#[tokio::test]
async fn state_shows_everything_but_secrets() {
    let (sim, sink) = start_with_sink(SimConfig { seed_demo: 3, ..SimConfig::default() }).await;
    sink.wait_for(1, "component_verify_ticket").await;
    let appid = sim.info.merchants[0].appid.clone();
    let granted = support::consent(&sim, &appid, &[17, 18]).await;
    let state = state(&sim).await;
    let platform = &state["platforms"][0];
    assert_eq!(platform["component_appid"], component_appid(&sim));
    assert_eq!(platform["authorizer_count"], 1);
    assert_eq!(platform["push_url"], sink.url("/auth"));
    let ticket = &platform["tickets"][0];
    assert!(ticket["ticket"].as_str().unwrap().starts_with("ticket@@@") && ticket["valid"] == true);
    assert!(ticket["age_secs"].as_i64().unwrap() >= 0);
    assert_eq!(state["app_count"], 3);
    let app = state["apps"].as_array().unwrap().iter().find(|a| a["appid"] == appid.as_str()).unwrap();
    assert_eq!(app["grants"][component_appid(&sim)]["func_ids"], json!([17, 18]));
    assert!(app.get("code").is_some(), "every area's state is there");
    assert!(state["deliveries"].as_array().unwrap().iter().any(|d| d["kind"] == "component_verify_ticket"));
    assert!(state["tokens"]["alive"].is_number());

    let text = state.to_string();
    let (refresh, full_ticket) = sim.sim.with_world(|w, _| {
        (w.apps[&appid].grants[&component_appid(&sim)].refresh_token.clone(), w.platforms[&component_appid(&sim)].tickets[0].value.clone())
    });
    for secret in
        [&sim.info.platform.component_appsecret, &sim.info.platform.token, &sim.info.platform.encoding_aes_key, &refresh, &full_ticket]
    {
        assert!(!text.contains(secret.as_str()), "state shows {secret}");
    }
    assert!(!text.contains(granted["auth_code"].as_str().unwrap()));

    let one = raw().get(sim.base_url().join(&format!("/admin/state?appid={appid}")).unwrap()).send().await.unwrap();
    let one: serde_json::Value = one.json().await.unwrap();
    assert_eq!(one["apps"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn revoking_pushes_unauthorized_and_kills_the_tokens() {
    let (sim, sink) = start_with_sink(SimConfig { seed_demo: 1, ..SimConfig::default() }).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let code = support::consent(&sim, &appid, &[18]).await["auth_code"].as_str().unwrap().to_owned();
    let info = client
        .api_query_auth(ComponentToken(&cat), &ApiQueryAuthRequest { component_appid: component_appid(&sim), authorization_code: code })
        .await
        .unwrap()
        .authorization_info;
    let aat = info.authorizer_access_token.unwrap();

    let (status, answer) = admin(&sim, "/admin/revoke", json!({ "authorizer_appid": appid })).await;
    assert_eq!(status, 200, "{answer}");
    let pushed = sink.wait_for(1, "<InfoType><![CDATA[unauthorized]]></InfoType>").await;
    let xml = independent::open(&pushed[0].query, &pushed[0].body).1;
    assert_eq!(independent::cdata(&xml, "AuthorizerAppid"), appid);

    let option = GetAuthorizerOptionRequest { option_name: "voice_recognize".into(), ..Default::default() };
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &option).await), 40001);
    let req = ApiGetAuthorizerInfoRequest { component_appid: component_appid(&sim), authorizer_appid: appid.clone() };
    assert_eq!(errcode(client.api_get_authorizer_info(ComponentToken(&cat), &req).await), 61003);
    let refresh = ApiAuthorizerTokenRequest {
        component_appid: component_appid(&sim),
        authorizer_appid: appid.clone(),
        authorizer_refresh_token: info.authorizer_refresh_token.unwrap(),
    };
    assert_eq!(errcode(client.api_authorizer_token(ComponentToken(&cat), &refresh).await), 61003);
    let (status, _) = admin(&sim, "/admin/revoke", json!({ "authorizer_appid": appid })).await;
    assert_eq!(status, 400, "nothing left to revoke");
}

#[tokio::test]
async fn another_platform_pushes_with_its_own_key_to_its_own_url() {
    let sim = start(0).await;
    let sink = Sink::start().await;
    let key = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";
    let platform = json!({
        "component_appid": "wx8888888888888888", "component_appsecret": "s3cret", "name": "第二服务商", "token": "tok2",
        "encoding_aes_key": key, "push_url": sink.url("/second"), "launch_domain": "open.example.com"
    });
    let (status, answer) = admin(&sim, "/admin/platforms", platform.clone()).await;
    assert_eq!((status, &answer["created"]), (200, &json!(true)), "{answer}");
    let (_, answer) = admin(&sim, "/admin/push-ticket", json!({ "component_appid": "wx8888888888888888" })).await;
    let ticket = answer["ticket"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let received = loop {
        let found: Vec<_> = sink.pushes().into_iter().filter(|r| r.path == "/second").collect();
        if let Some(r) = found.into_iter().find(|r| independent::open_with("tok2", key, &r.query, &r.body).1.contains(&ticket)) {
            break r;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(independent::open_with("tok2", key, &received.query, &received.body).0, "wx8888888888888888");

    let mut bad = platform.clone();
    bad["encoding_aes_key"] = json!("short");
    assert_eq!(admin(&sim, "/admin/platforms", bad).await.0, 400);
    let (_, answer) = admin(&sim, "/admin/platforms", platform).await;
    assert_eq!(answer["created"], false, "a second post updates");
    assert_eq!(admin(&sim, "/admin/push-ticket", json!({ "component_appid": "wx0000000000000000" })).await.0, 404);
}

#[tokio::test]
async fn merchants_clock_and_bad_requests() {
    let sim = start(2).await;
    let (status, answer) = admin(&sim, "/admin/merchants", json!({ "count": 4 })).await;
    assert_eq!(status, 200);
    let added = answer["merchants"].as_array().unwrap();
    assert_eq!(added.len(), 4);
    assert!(added.iter().all(|m| m["appid"].as_str().unwrap().starts_with("wx") && m["original_id"].as_str().unwrap().starts_with("gh_")));
    assert_eq!(state(&sim).await["app_count"], 6);
    assert_eq!(admin(&sim, "/admin/merchants", json!({ "count": 0 })).await.0, 400);
    assert_eq!(admin(&sim, "/admin/merchants", json!({ "count": 10_001 })).await.0, 400);

    let before = sim.sim.now();
    let (status, clock) = admin(&sim, "/admin/clock", json!({ "advance_secs": 3600 })).await;
    assert_eq!(status, 200);
    assert!(clock["now"].as_i64().unwrap() >= before + 3600);
    assert_eq!(admin(&sim, "/admin/clock", json!({ "advance_secs": -1 })).await.0, 400);
    let (status, answer) = admin(&sim, "/admin/clock", json!({ "advance": 1 })).await;
    assert_eq!(status, 400, "unknown fields are refused: {answer}");
    let response = raw().post(sim.base_url().join("/admin/consent").unwrap()).body("{not json").send().await.unwrap();
    assert_eq!(response.status(), 400);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert!(answer["error"].as_str().unwrap().contains("JSON"));
    let (status, answer) =
        admin(&sim, "/admin/consent", json!({ "pre_auth_code": "preauthcode@@@x", "authorizer_appid": "wx1", "func_ids": [18] })).await;
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("pre_auth_code"), "{answer}");
    assert_eq!(admin(&sim, "/admin/quota", json!({ "limits": { "wxa/commit": 1 } })).await.0, 400);
}

#[tokio::test]
async fn the_status_page_is_escaped_text() {
    let sim = start(2).await;
    let platform = json!({
        "component_appid": "wx6666666666666666", "component_appsecret": "s", "name": "<script>alert(1)</script>&co",
        "token": "t", "encoding_aes_key": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", "launch_domain": "x.example.com"
    });
    admin(&sim, "/admin/platforms", platform).await;
    let response = raw().get(sim.base_url().join("/admin").unwrap()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;co"));
    assert!(!html.contains("<script"));
    assert!(html.contains(&sim.info.merchants[1].nickname));
    assert!(html.contains("wxfleet 演示服务商"));
}

#[tokio::test]
async fn the_state_file_keeps_the_world_and_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    let config = SimConfig { seed_demo: 3, state_file: Some(path.clone()), listen: "127.0.0.1:0".parse().unwrap(), ..SimConfig::default() };
    let first = Simulator::start(config.clone()).await.unwrap();
    let appid = first.info.merchants[0].appid.clone();
    support::consent(&first, &appid, &[18]).await;
    admin(&first, "/admin/clock", json!({ "advance_secs": 86_400 })).await;
    let merchants = first.info.merchants.clone();
    first.shutdown().await.unwrap();
    assert!(path.exists());

    let second = Simulator::start(SimConfig { seed_demo: 50, ..config }).await.unwrap();
    assert_eq!(second.info.merchants, merchants, "loaded, not seeded again");
    assert!(second.sim.clock().offset() >= 86_400);
    let granted = second.sim.with_world(|w, _| w.apps[&appid].grants.contains_key(&component_appid(&second)));
    assert!(granted);
}
