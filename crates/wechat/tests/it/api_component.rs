//! The platform's own calls: component token, pre-auth code, ticket push, jscode2session.

use wechat::api::component::{ApiComponentTokenRequest, ApiCreatePreauthcodeRequest, ApiStartPushTicketRequest, Jscode2sessionRequest};
use wechat::{ComponentToken, Error, ErrorClass};

use crate::fixture;

const CAT: ComponentToken<'static> = ComponentToken("COMPONENT_ACCESS_TOKEN");

#[tokio::test]
async fn api_component_token() {
    let (client, server) = fixture::serve("component/api_component_token").await;
    let req = ApiComponentTokenRequest {
        component_appid: "appid_value".into(),
        component_appsecret: "appsecret_value".into(),
        component_verify_ticket: "ticket@@@8mXIO6kdWrpPMzWfmbpMbF3ciAuNxJB-kTlz5FS3C_VYQXQozKeY5uATtXc5LCg9qANGxA-TO0LI0zUOPCWv-A".into(),
    };
    let result = client.api_component_token(&req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.component_access_token, "61W3mEpU66027wgNZ_MhGHNQDHnFATkDa9-2llqrMBjUwxRSNPbVsMmyD-yq8wZETSoE5NQgecigDrSHkPtIYA");
    assert_eq!(resp.expires_in, 7200);
}

#[tokio::test]
async fn api_component_token_daily_limit_is_a_quota_error() {
    let (client, server) = fixture::serve("component/api_component_token_45009").await;
    let req = ApiComponentTokenRequest {
        component_appid: "appid_value".into(),
        component_appsecret: "appsecret_value".into(),
        component_verify_ticket: "ticket_value".into(),
    };
    let result = client.api_component_token(&req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 45009);
    assert_eq!(e.path, "/cgi-bin/component/api_component_token");
    assert_eq!(e.rid(), Some("6621c8f2-0e2a3b4c-5d6e7f80"));
    assert_eq!(e.class(), ErrorClass::Quota);
}

#[tokio::test]
async fn api_create_preauthcode() {
    let (client, server) = fixture::serve("component/api_create_preauthcode").await;
    let req = ApiCreatePreauthcodeRequest { component_appid: "appid_value".into() };
    let result = client.api_create_preauthcode(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.pre_auth_code, "Cx_Dk6qiBE0Dmx4EmlT3oRfArPvwSQ-oa3NL_fwHM7VI08r52wazoZX2Rhpz1dEw");
    assert_eq!(resp.expires_in, 600);
}

#[tokio::test]
async fn api_start_push_ticket() {
    let (client, server) = fixture::serve("component/api_start_push_ticket").await;
    let req = ApiStartPushTicketRequest { component_appid: "appid_value".into(), component_secret: "appsecret_value".into() };
    let result = client.api_start_push_ticket(&req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn jscode2session() {
    let (client, server) = fixture::serve("component/jscode2session").await;
    let req = Jscode2sessionRequest {
        appid: "wxf8b4f85f3a794e77".into(),
        js_code: "061Hq1Ga1y4DhK0u6jHa1vYLna3Hq1Gp".into(),
        component_appid: "appid_value".into(),
    };
    let result = client.jscode2session(CAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(resp.session_key, "tiihtNczf5v6AKRyjwEUhQ==");
    assert_eq!(resp.unionid.as_deref(), Some("o6_bmasdasdsad6_2sgVt7hMZOPfL"));
}

#[test]
fn secrets_print_only_a_prefix() {
    let req = ApiComponentTokenRequest {
        component_appid: "wx0123456789".into(),
        component_appsecret: "0123456789abcdef0123456789abcdef".into(),
        component_verify_ticket: "ticket@@@ABCDEFGHIJKLMNOP".into(),
    };
    let text = format!("{req:?}");
    assert!(text.contains("wx0123456789"), "{text}");
    assert!(text.contains("012345…"), "{text}");
    assert!(!text.contains("0123456789abcdef"), "{text}");
    assert!(!text.contains("ABCDEFG"), "{text}");
}
