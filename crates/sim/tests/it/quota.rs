//! Quotas through the `wechat` client: the daily limit per account and API (45009), resets with a
//! token and with the secret (10 a month, 48006), the quota look-up and rid look-ups.

use serde_json::json;
use wechat::api::auth::GetAuthorizerOptionRequest;
use wechat::api::component::ApiCreatePreauthcodeRequest;
use wechat::api::quota::{ClearQuotaRequest, ClearQuotaV2Request, QuotaGetRequest, QuotaToken, RidGetRequest};
use wechat::{AuthorizerToken, ComponentToken};

use crate::support::{admin, advance, authorized_app, client, component_appid, component_token, errcode, start, ALL_PERMS};

const OPTION_PATH: &str = "/cgi-bin/component/get_authorizer_option";

fn option() -> GetAuthorizerOptionRequest {
    GetAuthorizerOptionRequest { option_name: "voice_recognize".into(), ..GetAuthorizerOptionRequest::default() }
}

#[tokio::test]
async fn each_account_has_its_own_daily_counter_per_api() {
    let sim = start(2).await;
    let client = client(&sim);
    let (a, b) = (sim.info.merchants[0].appid.clone(), sim.info.merchants[1].appid.clone());
    let (aat_a, aat_b) = (authorized_app(&sim, &a, ALL_PERMS), authorized_app(&sim, &b, ALL_PERMS));
    admin(&sim, "/admin/quota", json!({ "limits": { OPTION_PATH: 3 } })).await;
    for _ in 0..3 {
        client.get_authorizer_option(AuthorizerToken(&aat_a), &option()).await.unwrap();
    }
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat_a), &option()).await), 45009);
    assert!(client.get_authorizer_option(AuthorizerToken(&aat_b), &option()).await.is_ok(), "another mini program's quota");

    let quota =
        client.quota_get(QuotaToken::Authorizer(AuthorizerToken(&aat_a)), &QuotaGetRequest { cgi_path: OPTION_PATH.into() }).await.unwrap();
    assert_eq!((quota.quota.daily_limit, quota.quota.used, quota.quota.remain), (3, 3, 0));

    // A new day in Beijing resets the counters.
    advance(&sim, 86_400);
    let aat_a = authorized_app(&sim, &a, ALL_PERMS);
    assert!(client.get_authorizer_option(AuthorizerToken(&aat_a), &option()).await.is_ok());
}

#[tokio::test]
async fn clear_quota_resets_the_tokens_own_account_ten_times_a_month() {
    let sim = start(1).await;
    let client = client(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let aat = authorized_app(&sim, &appid, ALL_PERMS);
    let cat = component_token(&sim);
    admin(&sim, "/admin/quota", json!({ "limits": { OPTION_PATH: 1 } })).await;
    client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.unwrap();
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &option()).await), 45009);

    let mine = ClearQuotaRequest { appid: appid.clone() };
    assert_eq!(
        errcode(client.clear_quota(QuotaToken::Component(ComponentToken(&cat)), &mine).await),
        40013,
        "the CAT is not the app's token"
    );
    client.clear_quota(QuotaToken::Authorizer(AuthorizerToken(&aat)), &mine).await.unwrap();
    assert!(client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.is_ok());

    let platform = ClearQuotaRequest { appid: component_appid(&sim) };
    for _ in 1..10 {
        client.clear_quota(QuotaToken::Authorizer(AuthorizerToken(&aat)), &mine).await.unwrap();
    }
    assert_eq!(errcode(client.clear_quota(QuotaToken::Authorizer(AuthorizerToken(&aat)), &mine).await), 48006);
    // The platform has its own ten.
    client.clear_quota(QuotaToken::Component(ComponentToken(&cat)), &platform).await.unwrap();
}

#[tokio::test]
async fn clear_quota_v2_uses_the_secret() {
    let sim = start(2).await;
    let client = client(&sim);
    let appid = sim.info.merchants[0].appid.clone();
    let aat = authorized_app(&sim, &appid, ALL_PERMS);
    let cat = component_token(&sim);
    admin(&sim, "/admin/quota", json!({ "limits": { OPTION_PATH: 1, "/cgi-bin/component/api_create_preauthcode": 1 } })).await;
    client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.unwrap();
    let pre = ApiCreatePreauthcodeRequest { component_appid: component_appid(&sim) };
    client.api_create_preauthcode(ComponentToken(&cat), &pre).await.unwrap();
    assert_eq!(errcode(client.api_create_preauthcode(ComponentToken(&cat), &pre).await), 45009);

    let secret = sim.info.platform.component_appsecret.clone();
    let v2 = |appid: Option<String>, appsecret: &str| ClearQuotaV2Request {
        component_appid: component_appid(&sim),
        appsecret: appsecret.into(),
        appid,
    };
    assert_eq!(errcode(client.clear_quota_v2(&v2(None, "wrong")).await), 40125);
    client.clear_quota_v2(&v2(None, &secret)).await.unwrap();
    assert!(client.api_create_preauthcode(ComponentToken(&cat), &pre).await.is_ok(), "the platform's counters");
    assert_eq!(errcode(client.get_authorizer_option(AuthorizerToken(&aat), &option()).await), 45009, "not the mini program's");
    client.clear_quota_v2(&v2(Some(appid.clone()), &secret)).await.unwrap();
    assert!(client.get_authorizer_option(AuthorizerToken(&aat), &option()).await.is_ok());
    assert_eq!(errcode(client.clear_quota_v2(&v2(Some(sim.info.merchants[1].appid.clone()), &secret)).await), 61003, "not authorized");
    assert_eq!(errcode(client.clear_quota_v2(&v2(Some("wx9999999999999999".into()), &secret)).await), 40013);
}

#[tokio::test]
async fn quota_get_checks_the_path_and_the_token_kind() {
    let sim = start(1).await;
    let client = client(&sim);
    let aat = authorized_app(&sim, &sim.info.merchants[0].appid, ALL_PERMS);
    let cat = component_token(&sim);
    let app = QuotaToken::Authorizer(AuthorizerToken(&aat));
    let platform = QuotaToken::Component(ComponentToken(&cat));
    let get = |path: &str| QuotaGetRequest { cgi_path: path.into() };
    let q = client.quota_get(platform, &get("/cgi-bin/component/api_component_token")).await.unwrap();
    assert_eq!((q.quota.daily_limit, q.quota.used), (2000, 0));
    assert_eq!(client.quota_get(app, &get("/wxa/commit")).await.unwrap().quota.daily_limit, 10_000);
    assert_eq!(errcode(client.quota_get(app, &get("wxa/commit")).await), 76003);
    assert_eq!(errcode(client.quota_get(app, &get("https://api.weixin.qq.com/wxa/commit")).await), 76003);
    assert_eq!(errcode(client.quota_get(app, &get("/wxa/nope")).await), 76021);
    assert_eq!(errcode(client.quota_get(app, &get("/cgi-bin/component/api_component_token")).await), 76022);
    assert_eq!(errcode(client.quota_get(platform, &get("/wxa/commit")).await), 76022);
    assert_eq!(errcode(client.quota_get(platform, &get("/sns/component/jscode2session")).await), 76022);
}

#[tokio::test]
async fn a_failed_calls_rid_explains_it_to_its_own_account_for_seven_days() {
    let sim = start(2).await;
    let client = client(&sim);
    let aat = authorized_app(&sim, &sim.info.merchants[0].appid, ALL_PERMS);
    let other = authorized_app(&sim, &sim.info.merchants[1].appid, ALL_PERMS);
    let err = client
        .get_authorizer_option(AuthorizerToken(&aat), &GetAuthorizerOptionRequest { option_name: "bogus".into(), ..Default::default() })
        .await;
    let wechat::Error::Api(err) = err.unwrap_err() else { panic!("an API error") };
    let rid = err.rid().unwrap().to_owned();
    assert_eq!(rid.len(), 26, "{rid}");

    let info = client.rid_get(QuotaToken::Authorizer(AuthorizerToken(&aat)), &RidGetRequest { rid: rid.clone() }).await.unwrap().request;
    assert_eq!(info.request_url, format!("access_token={aat}"));
    assert_eq!(info.request_body, r#"{"option_name":"bogus"}"#);
    assert!(info.response_body.contains("61012") && info.response_body.contains(&rid));
    assert_eq!(info.client_ip, "127.0.0.1");
    assert!(info.invoke_time > 1_600_000_000);

    let other = QuotaToken::Authorizer(AuthorizerToken(&other));
    assert_eq!(errcode(client.rid_get(other, &RidGetRequest { rid: rid.clone() }).await), 76003);
    assert_eq!(errcode(client.rid_get(other, &RidGetRequest { rid: "nonsense".into() }).await), 76002);
    assert_eq!(errcode(client.rid_get(other, &RidGetRequest { rid: "00000000-00000000-00000000".into() }).await), 76001);
    advance(&sim, 7 * 86_400);
    let aat = authorized_app(&sim, &sim.info.merchants[0].appid, ALL_PERMS);
    assert_eq!(errcode(client.rid_get(QuotaToken::Authorizer(AuthorizerToken(&aat)), &RidGetRequest { rid }).await), 76001);
}
