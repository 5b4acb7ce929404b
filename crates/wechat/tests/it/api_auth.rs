//! Authorization: query auth, authorizer tokens, info, list, options, consent-page links.

use url::Url;
use wechat::api::auth::{
    ApiAuthorizerTokenRequest, ApiGetAuthorizerInfoRequest, ApiGetAuthorizerListRequest, ApiGetAuthorizerOptionRequest,
    ApiQueryAuthRequest, ApiSetAuthorizerOptionRequest, AuthType, ConfirmInfo, ConsentPage, ConsentScope, GetAuthorizerOptionRequest,
    SetAuthorizerOptionRequest,
};
use wechat::{AuthorizerToken, ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("COMPONENT_ACCESS_TOKEN");
const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

#[tokio::test]
async fn api_query_auth() {
    let (client, server) = fixture::serve("auth/api_query_auth").await;
    let req = ApiQueryAuthRequest {
        component_appid: "appid_value".into(),
        authorization_code: "queryauthcode@@@7ryG6ADRB0Ut7wq8rd98KjyxXo2DVmMNrbYTb9GQOPd7cRKpZ".into(),
    };
    let result = client.api_query_auth(CAT, &req).await;
    server.finish();
    let info = result.unwrap().authorization_info;
    assert_eq!(info.authorizer_appid, "wxf8b4f85f3a794e77");
    assert!(info.authorizer_access_token.as_deref().unwrap().starts_with("QXjUqNqfYVH0yBE1iI_7vuN_9gQbpjfK7hYwJ3P7xOa88a89"));
    assert_eq!(info.expires_in, Some(7200));
    assert_eq!(info.authorizer_refresh_token.as_deref(), Some("dTo-YCXPL4llX-u1W1pPpnp8Hgm4wpJtlR6iV0doKdY"));
    let ids: Vec<i64> = info.func_info.iter().map(|f| f.funcscope_category.id).collect();
    assert_eq!(ids, [17, 18, 19, 30]);
    assert_eq!(info.func_info[0].confirm_info, None);
    assert_eq!(info.func_info[3].confirm_info, Some(ConfirmInfo { need_confirm: 1, already_confirm: 0, can_confirm: 1 }));
}

#[tokio::test]
async fn api_query_auth_used_code_is_an_api_error() {
    let (client, server) = fixture::serve("auth/api_query_auth_61010").await;
    let req = ApiQueryAuthRequest { component_appid: "appid_value".into(), authorization_code: "queryauthcode@@@used".into() };
    let result = client.api_query_auth(CAT, &req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 61010);
    assert_eq!(e.rid(), Some("6621c8f2-1a2b3c4d-5e6f7a8b"));
}

#[tokio::test]
async fn api_authorizer_token() {
    let (client, server) = fixture::serve("auth/api_authorizer_token").await;
    let req = ApiAuthorizerTokenRequest {
        component_appid: "appid_value".into(),
        authorizer_appid: "auth_appid_value".into(),
        authorizer_refresh_token: "refresh_token_value".into(),
    };
    let result = client.api_authorizer_token(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.authorizer_access_token, "some-access-token");
    assert_eq!(resp.expires_in, 7200);
    assert_eq!(resp.authorizer_refresh_token, "refresh_token_value");
    let text = format!("{resp:?}");
    assert!(!text.contains("some-access-token") && !text.contains("refresh_token_value"), "{text}");
}

#[tokio::test]
async fn api_get_authorizer_info() {
    let (client, server) = fixture::serve("auth/api_get_authorizer_info").await;
    let req = ApiGetAuthorizerInfoRequest { component_appid: "appid_value".into(), authorizer_appid: "auth_appid_value".into() };
    let result = client.api_get_authorizer_info(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    let info = &resp.authorizer_info;
    assert_eq!(info.nick_name, "微信SDK Demo Special");
    assert_eq!(info.user_name, "gh_eb5e3a772040");
    assert_eq!(info.service_type_info.as_ref().unwrap().id, 0);
    assert_eq!(info.verify_type_info.as_ref().unwrap().id, -1);
    assert_eq!(info.principal_name.as_deref(), Some("腾讯计算机系统有限公司"));
    assert_eq!(info.business_info.unwrap().open_pay, 1);
    assert_eq!(info.account_status, Some(1));
    assert!(info.basic_config.unwrap().is_phone_configured);
    let mini = info.mini_program_info.as_ref().expect("a mini program has MiniProgramInfo");
    assert_eq!(mini.network.request_domain, ["https://www.qq.com", "https://www.qq.com"]);
    assert_eq!(mini.network.ws_request_domain, ["wss://www.qq.com", "wss://www.qq.com"]);
    assert!(mini.network.udp_domain.is_empty());
    assert_eq!(mini.categories.len(), 2);
    assert_eq!((mini.categories[1].first.as_str(), mini.categories[1].second.as_str()), ("工具", "天气"));
    assert_eq!(mini.visit_status, 0);
    let auth = &resp.authorization_info;
    assert_eq!(auth.authorizer_appid, "wxf8b4f85f3a794e77");
    assert_eq!(auth.authorizer_access_token, None);
    assert_eq!(auth.authorizer_refresh_token.as_deref(), Some("dTo-YCXPL4llX-u1W1pPpnp8Hgm4wpJtlR6iV0doKdY"));
    assert_eq!(auth.func_info.len(), 3);
    assert_eq!(auth.func_info[1].confirm_info, Some(ConfirmInfo::default()));
}

#[tokio::test]
async fn api_get_authorizer_list() {
    let (client, server) = fixture::serve("auth/api_get_authorizer_list").await;
    let req = ApiGetAuthorizerListRequest { component_appid: "appid_value".into(), offset: 0, count: 100 };
    let result = client.api_get_authorizer_list(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.total_count, 33);
    assert_eq!(resp.list.len(), 2);
    assert_eq!(resp.list[1].authorizer_appid, "authorizer_appid_2");
    assert_eq!(resp.list[1].refresh_token, "refresh_token_2");
    assert_eq!(resp.list[1].auth_time, 1558000607);
}

#[tokio::test]
async fn api_get_authorizer_option() {
    let (client, server) = fixture::serve("auth/api_get_authorizer_option").await;
    let req = ApiGetAuthorizerOptionRequest {
        component_appid: "appid_value".into(),
        authorizer_appid: "auth_appid_value".into(),
        option_name: "voice_recognize".into(),
    };
    let result = client.api_get_authorizer_option(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.authorizer_appid.as_deref(), Some("wx7bc5ba58cabd00f4"));
    assert_eq!(resp.option_name, "voice_recognize");
    assert_eq!(resp.option_value, "1");
}

#[tokio::test]
async fn api_get_authorizer_option_without_permission_is_a_permission_error() {
    let (client, server) = fixture::serve("auth/api_get_authorizer_option_61007").await;
    let req = ApiGetAuthorizerOptionRequest {
        component_appid: "appid_value".into(),
        authorizer_appid: "auth_appid_value".into(),
        option_name: "customer_service".into(),
    };
    let result = client.api_get_authorizer_option(CAT, &req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 61007);
    assert_eq!(e.class(), ErrorClass::Permission);
}

#[tokio::test]
async fn api_set_authorizer_option() {
    let (client, server) = fixture::serve("auth/api_set_authorizer_option").await;
    let req = ApiSetAuthorizerOptionRequest {
        component_appid: "appid_value".into(),
        authorizer_appid: "auth_appid_value".into(),
        option_name: "location_report".into(),
        option_value: "2".into(),
    };
    let result = client.api_set_authorizer_option(CAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn get_authorizer_option_uses_the_authorizer_token() {
    let (client, server) = fixture::serve("auth/get_authorizer_option").await;
    let req = GetAuthorizerOptionRequest { option_name: "voice_recognize".into(), ..Default::default() };
    let result = client.get_authorizer_option(AAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.option_name, "voice_recognize");
    assert_eq!(resp.option_value, "1");
}

#[tokio::test]
async fn set_authorizer_option_uses_the_authorizer_token() {
    let (client, server) = fixture::serve("auth/set_authorizer_option").await;
    let req = SetAuthorizerOptionRequest { option_name: "voice_recognize".into(), option_value: "0".into(), ..Default::default() };
    let result = client.set_authorizer_option(AAT, &req).await;
    server.finish();
    result.unwrap();
}

#[test]
fn get_authorizer_option_can_carry_wxjava_appids() {
    let req = GetAuthorizerOptionRequest {
        option_name: "voice_recognize".into(),
        component_appid: Some("appid_value".into()),
        authorizer_appid: Some("auth_appid_value".into()),
    };
    let json = serde_json::to_value(&req).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"option_name": "voice_recognize", "component_appid": "appid_value", "authorizer_appid": "auth_appid_value"})
    );
}

fn page(scope: ConsentScope<'static>) -> ConsentPage<'static> {
    ConsentPage {
        component_appid: "wx0123456789abcdef",
        pre_auth_code: "preauthcode@@@abc-_DEF",
        redirect_uri: "https://auth.example.com/authorized?platform=7&x=a b",
        scope,
    }
}

#[test]
fn pc_consent_url_on_the_real_host() {
    let url = page(ConsentScope::AuthType(AuthType::MiniPrograms)).pc_url(None);
    assert_eq!(
        url.as_str(),
        "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx0123456789abcdef&pre_auth_code=preauthcode%40%40%40abc-_DEF\
         &redirect_uri=https%3A%2F%2Fauth.example.com%2Fauthorized%3Fplatform%3D7%26x%3Da+b&auth_type=2"
    );
    let redirect: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k == "redirect_uri").collect();
    assert_eq!(redirect[0].1, "https://auth.example.com/authorized?platform=7&x=a b");
}

#[test]
fn mobile_consent_url_on_the_real_host() {
    let url = page(ConsentScope::BizAppid("wxbizbizbizbiz0001")).mobile_url(None);
    assert_eq!(url.host_str(), Some("open.weixin.qq.com"));
    assert_eq!(url.path(), "/wxaopen/safe/bindcomponent");
    assert_eq!(url.fragment(), Some("wechat_redirect"));
    let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["action", "no_scan", "component_appid", "pre_auth_code", "redirect_uri", "biz_appid"]);
    assert!(url
        .as_str()
        .starts_with("https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid="));
    assert!(url.as_str().ends_with("&biz_appid=wxbizbizbizbiz0001#wechat_redirect"));
}

#[test]
fn consent_scope_any_sends_neither_auth_type_nor_biz_appid() {
    let url = page(ConsentScope::Any).pc_url(None);
    assert!(!url.as_str().contains("auth_type") && !url.as_str().contains("biz_appid"), "{url}");
    assert_eq!(AuthType::OfficialAccounts.code(), 1);
    assert_eq!(AuthType::Both.code(), 3);
}

#[test]
fn consent_urls_on_the_simulator_keep_its_path_prefix() {
    let origin = Url::parse("http://127.0.0.1:18080/sim/").unwrap();
    let pc = page(ConsentScope::AuthType(AuthType::Both)).pc_url(Some(&origin));
    assert!(pc.as_str().starts_with("http://127.0.0.1:18080/sim/cgi-bin/componentloginpage?component_appid=wx0123456789abcdef&"), "{pc}");
    assert!(pc.as_str().ends_with("&auth_type=3"), "{pc}");
    let mobile = page(ConsentScope::Any).mobile_url(Some(&origin));
    assert!(
        mobile.as_str().starts_with("http://127.0.0.1:18080/sim/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&"),
        "{mobile}"
    );
    assert_eq!(mobile.fragment(), Some("wechat_redirect"));
}
