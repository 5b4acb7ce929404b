//! Authorization through the `wechat` client: query auth, authorizer token refresh, info, list and
//! options (legacy and newer forms) — success and the documented errors.

use wechat::api::auth::{
    ApiAuthorizerTokenRequest, ApiGetAuthorizerInfoRequest, ApiGetAuthorizerListRequest, ApiGetAuthorizerOptionRequest,
    ApiQueryAuthRequest, ApiSetAuthorizerOptionRequest, GetAuthorizerOptionRequest, SetAuthorizerOptionRequest,
};
use wechat::{AuthorizerToken, Client, ComponentToken};
use wxfleet_sim::world::consent::AUTH_CODE_TTL_SECS;
use wxfleet_sim::world::tokens::SUPERSEDED_OVERLAP_SECS;
use wxfleet_sim::RunningSim;

use crate::support::{advance, client, component_appid, component_token, consent, errcode, start};

async fn query_auth(
    client: &Client,
    sim: &RunningSim,
    cat: &str,
    code: &str,
) -> Result<wechat::api::auth::AuthorizationInfo, wechat::Error> {
    let req = ApiQueryAuthRequest { component_appid: component_appid(sim), authorization_code: code.to_owned() };
    client.api_query_auth(ComponentToken(cat), &req).await.map(|r| r.authorization_info)
}

fn option(name: &str) -> GetAuthorizerOptionRequest {
    GetAuthorizerOptionRequest { option_name: name.into(), ..GetAuthorizerOptionRequest::default() }
}

#[tokio::test]
async fn an_authorization_code_buys_tokens_once() {
    let sim = start(2).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let answer = consent(&sim, &appid, &[18, 17]).await;
    let code = answer["auth_code"].as_str().unwrap();
    assert!(code.starts_with("queryauthcode@@@"));

    let info = query_auth(&client, &sim, &cat, code).await.unwrap();
    assert_eq!(info.authorizer_appid, appid);
    assert_eq!(info.expires_in, Some(7200));
    assert!(info.authorizer_refresh_token.as_deref().unwrap().starts_with("refreshtoken@@@"));
    let ids: Vec<i64> = info.func_info.iter().map(|f| f.funcscope_category.id).collect();
    assert_eq!(ids, vec![17, 18], "exactly the sets granted, in the page's order");
    let aat = info.authorizer_access_token.unwrap();
    assert_eq!(client.get_authorizer_option(AuthorizerToken(&aat), &option("voice_recognize")).await.unwrap().option_value, "0");

    assert_eq!(errcode(query_auth(&client, &sim, &cat, code).await), 61010, "a code works once");
    assert_eq!(errcode(query_auth(&client, &sim, &cat, "queryauthcode@@@forged").await), 61009);

    let late = consent(&sim, &sim.info.merchants[1].appid, &[18]).await;
    advance(&sim, AUTH_CODE_TTL_SECS);
    assert_eq!(errcode(query_auth(&client, &sim, &cat, late["auth_code"].as_str().unwrap()).await), 61010, "expired after 600 s");
}

#[tokio::test]
async fn the_refresh_token_stays_until_the_merchant_authorizes_again() {
    let sim = start(1).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let first = query_auth(&client, &sim, &cat, consent(&sim, &appid, &[18]).await["auth_code"].as_str().unwrap()).await.unwrap();
    let refresh = first.authorizer_refresh_token.clone().unwrap();
    let aat1 = first.authorizer_access_token.clone().unwrap();
    let req = ApiAuthorizerTokenRequest {
        component_appid: component_appid(&sim),
        authorizer_appid: appid.clone(),
        authorizer_refresh_token: refresh.clone(),
    };

    let refreshed = client.api_authorizer_token(ComponentToken(&cat), &req).await.unwrap();
    assert_eq!(refreshed.authorizer_refresh_token, refresh, "unchanged across refreshes");
    assert_eq!(refreshed.expires_in, 7200);
    assert_ne!(refreshed.authorizer_access_token, aat1);
    let aat2 = refreshed.authorizer_access_token;
    assert!(client.get_authorizer_option(AuthorizerToken(&aat1), &option("location_report")).await.is_ok(), "overlap");
    advance(&sim, SUPERSEDED_OVERLAP_SECS);
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat1), &option("location_report")).await), 40001);
    assert!(client.get_authorizer_option(AuthorizerToken(&aat2), &option("location_report")).await.is_ok());

    let wrong = ApiAuthorizerTokenRequest { authorizer_refresh_token: "refreshtoken@@@wrong".into(), ..req.clone() };
    assert_eq!(errcode(client.api_authorizer_token(ComponentToken(&cat), &wrong).await), 61023);

    // Authorizing again replaces the refresh token and kills the old tokens at once.
    let again = consent(&sim, &appid, &[17, 18]).await;
    assert_eq!(again["update"], true);
    assert_eq!(errcode(client.api_authorizer_token(ComponentToken(&cat), &req).await), 61023);
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat2), &option("location_report")).await), 40001);
    let second = query_auth(&client, &sim, &cat, again["auth_code"].as_str().unwrap()).await.unwrap();
    assert_ne!(second.authorizer_refresh_token.as_deref(), Some(refresh.as_str()));

    let other = ApiAuthorizerTokenRequest { authorizer_appid: "wx9999999999999999".into(), ..req };
    assert_eq!(errcode(client.api_authorizer_token(ComponentToken(&cat), &other).await), 40013);
}

#[tokio::test]
async fn authorizer_info_describes_the_mini_program_and_the_grant() {
    let sim = start(2).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let merchant = sim.info.merchants[0].clone();
    let req = |appid: &str| ApiGetAuthorizerInfoRequest { component_appid: component_appid(&sim), authorizer_appid: appid.to_owned() };
    assert_eq!(errcode(client.api_get_authorizer_info(ComponentToken(&cat), &req(&merchant.appid)).await), 61003);
    consent(&sim, &merchant.appid, &[17, 18, 30]).await;
    sim.sim.with_world(|w, _| {
        let app = w.apps.get_mut(&merchant.appid).unwrap();
        app.domains.direct.requestdomain = vec!["https://shop.example.com".into()];
        app.profile.signature = "好吃不贵".into();
    });
    let info = client.api_get_authorizer_info(ComponentToken(&cat), &req(&merchant.appid)).await.unwrap();
    let network = &info.authorizer_info.mini_program_info.as_ref().unwrap().network;
    assert_eq!(network.request_domain, ["https://shop.example.com"], "the domains in effect");
    assert_eq!(info.authorizer_info.signature.as_deref(), Some("好吃不贵"));
    assert_eq!(info.authorizer_info.nick_name, merchant.nickname);
    assert_eq!(info.authorizer_info.user_name, merchant.original_id);
    assert!(info.authorizer_info.mini_program_info.is_some());
    assert!(info.authorizer_info.principal_name.is_some());
    assert_eq!(info.authorization_info.authorizer_appid, merchant.appid);
    assert!(info.authorization_info.authorizer_access_token.is_none(), "no token here");
    assert_eq!(info.authorization_info.func_info.len(), 3);
    assert_eq!(errcode(client.api_get_authorizer_info(ComponentToken(&cat), &req("wx9999999999999999")).await), 40013);
    assert_eq!(errcode(client.api_get_authorizer_info(ComponentToken(&cat), &req(&sim.info.merchants[1].appid)).await), 61003);
}

#[tokio::test]
async fn the_authorizer_list_pages_through_every_authorization() {
    let sim = start(7).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    for m in &sim.info.merchants[..5] {
        consent(&sim, &m.appid, &[18]).await;
    }
    let page = |offset, count| ApiGetAuthorizerListRequest { component_appid: component_appid(&sim), offset, count };
    let all = client.api_get_authorizer_list(ComponentToken(&cat), &page(0, 500)).await.unwrap();
    assert_eq!(all.total_count, 5);
    assert_eq!(all.list.len(), 5);
    let first = client.api_get_authorizer_list(ComponentToken(&cat), &page(0, 2)).await.unwrap();
    let rest = client.api_get_authorizer_list(ComponentToken(&cat), &page(2, 10)).await.unwrap();
    assert_eq!((first.total_count, first.list.len(), rest.list.len()), (5, 2, 3));
    let joined: Vec<_> = first.list.iter().chain(&rest.list).map(|i| i.authorizer_appid.clone()).collect();
    assert_eq!(joined, all.list.iter().map(|i| i.authorizer_appid.clone()).collect::<Vec<_>>());
    // The list is how a lost refresh token is recovered.
    let item = &all.list[0];
    let req = ApiAuthorizerTokenRequest {
        component_appid: component_appid(&sim),
        authorizer_appid: item.authorizer_appid.clone(),
        authorizer_refresh_token: item.refresh_token.clone(),
    };
    assert!(client.api_authorizer_token(ComponentToken(&cat), &req).await.is_ok());
    assert!(item.auth_time > 1_600_000_000);
    assert_eq!(errcode(client.api_get_authorizer_list(ComponentToken(&cat), &page(0, 501)).await), 47001);
}

#[tokio::test]
async fn options_in_both_forms() {
    let sim = start(2).await;
    let client = client(&sim);
    let cat = component_token(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let legacy = |name: &str| ApiGetAuthorizerOptionRequest {
        component_appid: component_appid(&sim),
        authorizer_appid: appid.clone(),
        option_name: name.into(),
    };
    assert_eq!(errcode(client.api_get_authorizer_option(ComponentToken(&cat), &legacy("location_report")).await), 61003);
    let info = query_auth(&client, &sim, &cat, consent(&sim, &appid, &[18]).await["auth_code"].as_str().unwrap()).await.unwrap();
    let aat = info.authorizer_access_token.unwrap();

    let got = client.api_get_authorizer_option(ComponentToken(&cat), &legacy("location_report")).await.unwrap();
    assert_eq!(
        (got.option_name.as_str(), got.option_value.as_str(), got.authorizer_appid.as_deref()),
        ("location_report", "0", Some(appid.as_str()))
    );
    let set = |name: &str, value: &str| ApiSetAuthorizerOptionRequest {
        component_appid: component_appid(&sim),
        authorizer_appid: appid.clone(),
        option_name: name.into(),
        option_value: value.into(),
    };
    client.api_set_authorizer_option(ComponentToken(&cat), &set("location_report", "2")).await.unwrap();
    assert_eq!(client.get_authorizer_option(AuthorizerToken(&aat), &option("location_report")).await.unwrap().option_value, "2");
    assert_eq!(errcode(client.api_set_authorizer_option(ComponentToken(&cat), &set("voice_recognize", "2")).await), 61013);
    assert_eq!(errcode(client.api_get_authorizer_option(ComponentToken(&cat), &legacy("nonsense")).await), 61012);

    let newer = SetAuthorizerOptionRequest {
        option_name: "customer_service".into(),
        option_value: "1".into(),
        ..SetAuthorizerOptionRequest::default()
    };
    client.set_authorizer_option(AuthorizerToken(&aat), &newer).await.unwrap();
    assert_eq!(client.api_get_authorizer_option(ComponentToken(&cat), &legacy("customer_service")).await.unwrap().option_value, "1");
    let wxjava_form = GetAuthorizerOptionRequest {
        option_name: "customer_service".into(),
        component_appid: Some(component_appid(&sim)),
        authorizer_appid: Some(appid.clone()),
    };
    assert_eq!(client.get_authorizer_option(AuthorizerToken(&aat), &wxjava_form).await.unwrap().option_value, "1");
    let other_app = GetAuthorizerOptionRequest { authorizer_appid: Some("wx9999999999999999".into()), ..wxjava_form };
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &other_app).await), 40013);
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &option("bogus")).await), 61012);
    // The newer form takes the authorizer's token, not the platform's.
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&cat), &option("voice_recognize")).await), 40001);
}
