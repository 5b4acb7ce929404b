//! The privacy guide and the privacy interfaces.

use wechat::api::privacy::{
    ApplyPrivacyInterfaceRequest, GetprivacysettingRequest, OwnerSetting, PrivacySetting, SetprivacysettingRequest,
};
use wechat::api::Upload;
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AUTHORIZER_ACCESS_TOKEN");

fn setting(key: &str, text: &str) -> PrivacySetting {
    PrivacySetting { privacy_key: key.into(), privacy_text: text.into(), privacy_label: None }
}

#[tokio::test]
async fn setprivacysetting() {
    let (client, server) = fixture::serve("privacy/setprivacysetting").await;
    let empty = || Some(String::new());
    let req = SetprivacysettingRequest {
        privacy_ver: Some(2),
        owner_setting: OwnerSetting {
            contact_email: Some("pr@tencent.com".into()),
            contact_phone: Some("15880000000".into()),
            contact_qq: empty(),
            contact_weixin: empty(),
            ext_file_media_id: empty(),
            notice_method: "通过弹窗".into(),
            store_expire_timestamp: empty(),
            store_region: None,
        },
        setting_list: vec![setting("UserInfo", "登录"), setting("Location", "显示位置"), setting("Address", "收货地址")],
    };
    let result = client.setprivacysetting(AAT, &req).await;
    server.finish();
    result.unwrap();
}

#[tokio::test]
async fn setprivacysetting_without_permission_is_a_permission_error() {
    let (client, server) = fixture::serve("privacy/setprivacysetting_61007").await;
    let req = SetprivacysettingRequest {
        privacy_ver: Some(1),
        owner_setting: OwnerSetting { contact_phone: Some("15880000000".into()), notice_method: "公告".into(), ..Default::default() },
        setting_list: vec![],
    };
    let result = client.setprivacysetting(AAT, &req).await;
    server.finish();
    let Err(Error::Api(e)) = result else { panic!("expected an API error, got {result:?}") };
    assert_eq!(e.errcode, 61007);
    assert_eq!(e.path, "/cgi-bin/component/setprivacysetting");
    assert_eq!(e.class(), ErrorClass::Permission);
}

#[tokio::test]
async fn getprivacysetting() {
    let (client, server) = fixture::serve("privacy/getprivacysetting").await;
    let result = client.getprivacysetting(AAT, &GetprivacysettingRequest { privacy_ver: Some(2) }).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.code_exist, 1);
    assert_eq!(resp.privacy_list, ["UserInfo", "Location", "Album"]);
    assert_eq!(resp.setting_list.len(), 2);
    assert_eq!(resp.setting_list[1].privacy_key, "Location");
    assert_eq!(resp.setting_list[1].privacy_label.as_deref(), Some("位置信息"));
    assert_eq!(resp.update_time, 1645115003);
    let owner = resp.owner_setting.unwrap();
    assert_eq!(owner.notice_method, "公告");
    assert_eq!(owner.contact_phone.as_deref(), Some("15880000000"));
    let desc = resp.privacy_desc.unwrap().privacy_desc_list;
    assert_eq!(desc.len(), 3);
    assert_eq!((desc[2].privacy_key.as_str(), desc[2].privacy_desc.as_str()), ("Album", "选中的照片或视频信息"));
}

#[test]
fn getprivacysetting_without_a_version_sends_an_empty_object() {
    // The doc: "如果不传privacy_ver，要传个空的json，否则会报错".
    assert_eq!(serde_json::to_string(&GetprivacysettingRequest::default()).unwrap(), "{}");
}

#[tokio::test]
async fn uploadprivacyextfile_sends_field_file() {
    let (client, server) = fixture::serve("privacy/uploadprivacyextfile").await;
    let file =
        Upload { file_name: "privacy.txt".into(), content_type: "text/plain".into(), bytes: "隐私保护指引".as_bytes().to_vec() };
    let result = client.uploadprivacyextfile(AAT, file).await;
    server.finish();
    assert_eq!(result.unwrap().ext_file_media_id, "xxxxx");
}

#[tokio::test]
async fn get_code_privacy_info() {
    let (client, server) = fixture::serve("privacy/get_code_privacy_info").await;
    let result = client.get_code_privacy_info(AAT).await;
    server.finish();
    let resp = result.unwrap();
    assert_eq!(resp.without_auth_list, ["wx.choosePoi"]);
    assert_eq!(resp.without_conf_list, ["wx.getLocation"]);
}

#[tokio::test]
async fn get_privacy_interface() {
    let (client, server) = fixture::serve("privacy/get_privacy_interface").await;
    let result = client.get_privacy_interface(AAT).await;
    server.finish();
    let list = result.unwrap().interface_list;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].api_name, "wx.chooseAddress");
    assert_eq!(list[0].status, Some(1));
    assert_eq!(list[0].audit_id, None);
    assert_eq!(list[0].group_name, "地理位置");
    assert_eq!(list[1].status, Some(4));
    assert_eq!(list[1].audit_id, Some(421610267));
    assert_eq!(list[1].apply_time, Some(1649234567));
    assert_eq!(list[1].fail_reason.as_deref(), Some("小程序内未含有相应使用场景"));
}

#[tokio::test]
async fn apply_privacy_interface() {
    let (client, server) = fixture::serve("privacy/apply_privacy_interface").await;
    let req = ApplyPrivacyInterfaceRequest {
        api_name: "wx.choosePoi".into(),
        content: "用户选择附近门店以计算配送费".into(),
        url_list: vec!["https://example.com".into()],
        pic_list: vec!["https://example.com/scene.png".into()],
        video_list: vec!["https://example.com/scene.mp4".into()],
    };
    let result = client.apply_privacy_interface(AAT, &req).await;
    server.finish();
    assert_eq!(result.unwrap().audit_id, 421610268);
}
