//! Quotas: clearing them (with either token, or with the secret), reading them, explaining a rid.

use wechat::api::quota::{ClearQuotaRequest, ClearQuotaV2Request, QuotaGetRequest, QuotaToken, RidGetRequest};
use wechat::{AuthorizerToken, ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("COMPONENT_ACCESS_TOKEN");
const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

#[tokio::test]
async fn clear_quota_for_the_platform_sends_the_cat_as_access_token() {
    let (client, server) = fixture::serve("quota/clear_quota_component").await;
    let result = client.clear_quota(QuotaToken::Component(CAT), &ClearQuotaRequest { appid: "component_appid_value".into() }).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn clear_quota_for_a_mini_program_sends_its_aat() {
    let (client, server) = fixture::serve("quota/clear_quota_authorizer").await;
    let result = client.clear_quota(AAT.into(), &ClearQuotaRequest { appid: "wx448ff2c2a32bc13f".into() }).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn clear_quota_monthly_limit_is_a_quota_error() {
    let (client, server) = fixture::serve("quota/clear_quota_48006").await;
    let result = client.clear_quota(QuotaToken::Authorizer(AAT), &ClearQuotaRequest { appid: "wx448ff2c2a32bc13f".into() }).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 48006);
    assert_eq!(e.path, "/cgi-bin/clear_quota");
    assert_eq!(e.class(), ErrorClass::Quota);
}

#[tokio::test]
async fn clear_quota_v2_needs_no_token() {
    let (client, server) = fixture::serve("quota/clear_quota_v2").await;
    let req = ClearQuotaV2Request {
        component_appid: "wxe4d3c3d5b8f62d29".into(),
        appsecret: "APPSECRET_VALUE".into(),
        appid: Some("wx448ff2c2a32bc13f".into()),
    };
    assert!(!format!("{req:?}").contains("APPSECRET_VALUE"));
    let result = client.clear_quota_v2(&req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn quota_get() {
    let (client, server) = fixture::serve("quota/quota_get").await;
    let req = QuotaGetRequest { cgi_path: "/cgi-bin/component/api_component_token".into() };
    let result = client.quota_get(CAT.into(), &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!((resp.quota.daily_limit, resp.quota.used, resp.quota.remain), (10000, 42, 9958));
    let rate = resp.rate_limit.unwrap();
    assert_eq!((rate.call_count, rate.refresh_second), (100, 60));
    assert_eq!(resp.component_rate_limit.unwrap().call_count, 1000);
}

#[tokio::test]
async fn rid_get() {
    let (client, server) = fixture::serve("quota/rid_get").await;
    let result = client.rid_get(AAT.into(), &RidGetRequest { rid: "61725984-6126f6f9-040f19c4".into() }).await;
    server.finish();
    let request = result.unwrap().request;
    assert_eq!(request.invoke_time, 1635156704);
    assert_eq!(request.cost_in_ms, 30);
    assert_eq!(request.request_url, "access_token=50_Im7xxxx");
    assert_eq!(request.request_body, "");
    assert!(request.response_body.contains("\"errcode\":45009"));
    assert_eq!(request.client_ip, "113.xx.70.51");
}
