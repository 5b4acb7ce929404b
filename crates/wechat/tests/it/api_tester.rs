//! Testers (reference §9) against recorded exchanges.

use wechat::api::tester::{BindTesterRequest, Member, MemberauthRequest, UnbindTesterRequest};
use wechat::AuthorizerToken;

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AAT");

#[tokio::test]
async fn bind_tester_returns_the_userstr() {
    let (client, server) = fixture::serve("tester/bind_tester").await;
    let answer = client.bind_tester(AAT, &BindTesterRequest { wechatid: "testid".into() }).await.unwrap();
    assert_eq!(answer.userstr, "xxxxxxxxx");
    server.finish();
}

#[tokio::test]
async fn unbind_tester_by_userstr_sends_only_userstr() {
    let (client, server) = fixture::serve("tester/unbind_tester").await;
    client.unbind_tester(AAT, &UnbindTesterRequest::Userstr("testtest".into())).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn unbind_tester_by_wechatid_sends_only_wechatid() {
    let (client, server) = fixture::serve("tester/unbind_tester_wechatid").await;
    client.unbind_tester(AAT, &UnbindTesterRequest::Wechatid("testid".into())).await.unwrap();
    server.finish();
}

#[test]
fn unbind_tester_request_decodes_exactly_one_id() {
    let by_userstr: UnbindTesterRequest = serde_json::from_str(r#"{"userstr":"u"}"#).unwrap();
    assert_eq!(by_userstr, UnbindTesterRequest::Userstr("u".into()));
    let by_wechatid: UnbindTesterRequest = serde_json::from_str(r#"{"wechatid":"w"}"#).unwrap();
    assert_eq!(by_wechatid, UnbindTesterRequest::Wechatid("w".into()));
    assert!(serde_json::from_str::<UnbindTesterRequest>(r#"{"wechatid":"w","userstr":"u"}"#).is_err());
    assert!(serde_json::from_str::<UnbindTesterRequest>("{}").is_err());
}

#[tokio::test]
async fn memberauth_lists_the_testers() {
    let (client, server) = fixture::serve("tester/memberauth").await;
    let answer = client.memberauth(AAT, &MemberauthRequest::default()).await.unwrap();
    assert_eq!(answer.members, vec![Member { userstr: "xxxxxxxx".into() }, Member { userstr: "yyyyyyyy".into() }]);
    server.finish();
}
