//! Basic info: name, avatar, signature, search status, account info, temporary media.

use wechat::api::basic::{
    ApiWxaQuerynicknameRequest, ChangewxasearchstatusRequest, CheckwxverifynicknameRequest, ModifyheadimageRequest, ModifysignatureRequest,
    SetnicknameRequest,
};
use wechat::api::Upload;
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

#[tokio::test]
async fn setnickname() {
    let (client, server) = fixture::serve("basic/setnickname").await;
    let req = SetnicknameRequest {
        nick_name: "hardenzhang308".into(),
        id_card: Some("namevalue".into()),
        license: Some("".into()),
        naming_other_stuff_1: Some("".into()),
        naming_other_stuff_2: Some("".into()),
        ..Default::default()
    };
    let result = client.setnickname(AAT, &req).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.audit_id, Some(12345));
    assert_eq!(resp.wording.as_deref(), Some(""));
}

#[tokio::test]
async fn setnickname_without_permission_is_a_permission_error() {
    let (client, server) = fixture::serve("basic/setnickname_61007").await;
    let req = SetnicknameRequest { nick_name: "hardenzhang308".into(), ..Default::default() };
    let result = client.setnickname(AAT, &req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 61007);
    assert_eq!(e.class(), ErrorClass::Permission);
}

#[tokio::test]
async fn api_wxa_querynickname() {
    let (client, server) = fixture::serve("basic/api_wxa_querynickname").await;
    let result = client.api_wxa_querynickname(AAT, &ApiWxaQuerynicknameRequest { audit_id: 8888888 }).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.nickname, "xxxxx");
    assert_eq!(resp.audit_stat, 3);
    assert_eq!(resp.create_time, Some(1535451520));
    assert_eq!(resp.audit_time, Some(1535451525));
}

#[tokio::test]
async fn checkwxverifynickname() {
    let (client, server) = fixture::serve("basic/checkwxverifynickname").await;
    let result = client.checkwxverifynickname(AAT, &CheckwxverifynicknameRequest { nick_name: "腾讯".into() }).await;
    server.finish();
    let resp = result.unwrap();
    assert!(resp.hit_condition);
    assert!(resp.wording.unwrap().contains("商标注册证"));
}

#[tokio::test]
async fn modifyheadimage_sends_the_crop_box_as_strings() {
    let (client, server) = fixture::serve("basic/modifyheadimage").await;
    let req = ModifyheadimageRequest {
        head_img_media_id: "xxxxx".into(),
        x1: "0".into(),
        y1: "0".into(),
        x2: "0.7596899224806202".into(),
        y2: "0.6".into(),
    };
    let result = client.modifyheadimage(AAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn modifysignature() {
    let (client, server) = fixture::serve("basic/modifysignature").await;
    let result = client.modifysignature(AAT, &ModifysignatureRequest { signature: "这是一个小程序的简介".into() }).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn changewxasearchstatus() {
    let (client, server) = fixture::serve("basic/changewxasearchstatus").await;
    let result = client.changewxasearchstatus(AAT, &ChangewxasearchstatusRequest { status: 1 }).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn getwxasearchstatus() {
    let (client, server) = fixture::serve("basic/getwxasearchstatus").await;
    let result = client.getwxasearchstatus(AAT).await;
    server.finish();
    assert_eq!(result.unwrap().status, 1);
}

#[tokio::test]
async fn getaccountbasicinfo() {
    let (client, server) = fixture::serve("basic/getaccountbasicinfo").await;
    let result = client.getaccountbasicinfo(AAT).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.appid, "wxdc685123d955453");
    assert_eq!(resp.account_type, 3);
    assert_eq!(resp.principal_type, 1);
    assert_eq!(resp.principal_name, "深圳市腾讯计算机系统有限公司");
    assert_eq!(resp.credential.as_deref(), Some("91440300708461136T"));
    assert_eq!(resp.realname_status, 1);
    let verify = resp.wx_verify_info.unwrap();
    assert!(!verify.qualification_verify && !verify.naming_verify);
    assert_eq!(verify.annual_review, Some(false));
    let signature = resp.signature_info.unwrap();
    assert_eq!((signature.signature.as_str(), signature.modify_used_count, signature.modify_quota), ("签名", 1, 5));
    let head = resp.head_image_info.unwrap();
    assert_eq!((head.modify_used_count, head.modify_quota), (3, 5));
    let name = resp.nickname_info.unwrap();
    assert_eq!((name.nickname.as_str(), name.modify_used_count, name.modify_quota), ("小程序名称", 1, 2));
    assert_eq!(resp.nickname.as_deref(), Some("小程序名称"));
    assert_eq!(resp.registered_country, Some(1));
    assert_eq!(resp.customer_type, Some(0));
}

#[tokio::test]
async fn media_upload_sends_the_image_as_field_media() {
    let (client, server) = fixture::serve("basic/media_upload").await;
    let file = Upload { file_name: "avatar.png".into(), content_type: "image/png".into(), bytes: fixture::PNG_BYTES.to_vec() };
    let result = client.media_upload(AAT, file).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.media_type, "image");
    assert_eq!(resp.media_id, "6tX3cHLUT8mhjhs3ujPkQgrmRnV3Ll5YpDlYpQ9Kx9jWfLNnw0OMK0GW-Tb4mwaL");
    assert_eq!(resp.created_at, 1700000000);
}
