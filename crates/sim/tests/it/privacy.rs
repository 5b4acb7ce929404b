//! The privacy guide and privacy interfaces (reference §5.3).

use wechat::api::code::CommitRequest;
use wechat::api::privacy::{
    ApplyPrivacyInterfaceRequest, GetprivacysettingRequest, OwnerSetting, PrivacySetting, SetprivacysettingRequest,
};
use wechat::api::template::{AddtotemplateRequest, GettemplatelistRequest};
use wechat::api::Upload;
use wechat::{AuthorizerToken, ComponentToken};

use crate::basic::{advance, errcode, setup, APPID};
use crate::support::{self, ALL_PERMS};

fn owner() -> OwnerSetting {
    OwnerSetting { contact_phone: Some("13800000000".into()), notice_method: "弹窗提示".into(), ..OwnerSetting::default() }
}

fn setting(key: &str, text: &str) -> PrivacySetting {
    PrivacySetting { privacy_key: key.into(), privacy_text: text.into(), privacy_label: None }
}

fn dev_guide() -> SetprivacysettingRequest {
    SetprivacysettingRequest {
        privacy_ver: Some(2),
        owner_setting: owner(),
        setting_list: vec![setting("UserInfo", "展示会员头像"), setting("Location", "推荐附近门店")],
    }
}

fn get(ver: i64) -> GetprivacysettingRequest {
    GetprivacysettingRequest { privacy_ver: Some(ver) }
}

#[tokio::test]
async fn the_dev_guide_is_set_and_read_back() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    client.setprivacysetting(aat, &dev_guide()).await.unwrap();
    let got = client.getprivacysetting(aat, &get(2)).await.unwrap();
    assert_eq!(got.setting_list.len(), 2);
    assert_eq!(got.setting_list[1].privacy_key, "Location");
    assert_eq!(got.setting_list[1].privacy_label.as_deref(), Some("位置信息"));
    assert_eq!(got.owner_setting.unwrap().contact_phone.as_deref(), Some("13800000000"));
    assert_eq!(got.update_time, sim.sim.now());
    assert_eq!(got.code_exist, 0, "nothing committed");
    assert!(got.privacy_list.is_empty());
    let desc = got.privacy_desc.unwrap().privacy_desc_list;
    assert!(desc.len() >= 25);
    for key in ["UserInfo", "Location", "PhoneNumber", "Album", "EXOrderInfo", "AlbumWriteOnly", "BlueTooth", "MessageFile"] {
        assert!(desc.iter().any(|d| d.privacy_key == key), "{key}");
    }
    assert_eq!(sim.sim.with_world(|w, _| w.apps[APPID].privacy.configured_keys()), ["UserInfo", "Location"]);

    // The live version is untouched until a release.
    let live = client.getprivacysetting(aat, &get(1)).await.unwrap();
    assert!(live.setting_list.is_empty());
}

#[tokio::test]
async fn owner_setting_and_version_errors() {
    let (_sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let no_notice = SetprivacysettingRequest { owner_setting: OwnerSetting { notice_method: String::new(), ..owner() }, ..dev_guide() };
    assert_eq!(errcode(client.setprivacysetting(aat, &no_notice).await), 86069);
    let no_contact = SetprivacysettingRequest { owner_setting: OwnerSetting { contact_phone: None, ..owner() }, ..dev_guide() };
    assert_eq!(errcode(client.setprivacysetting(aat, &no_contact).await), 86069);
    assert_eq!(errcode(client.setprivacysetting(aat, &SetprivacysettingRequest { privacy_ver: Some(3), ..dev_guide() }).await), 86071);
    assert_eq!(errcode(client.setprivacysetting(aat, &SetprivacysettingRequest { privacy_ver: Some(1), ..dev_guide() }).await), 86074);
    let unknown = SetprivacysettingRequest { setting_list: vec![setting("Telepathy", "读心")], ..dev_guide() };
    assert_eq!(errcode(client.setprivacysetting(aat, &unknown).await), 40097);
    assert_eq!(errcode(client.setprivacysetting(aat, &SetprivacysettingRequest { setting_list: vec![], ..dev_guide() }).await), 40097);
    assert_eq!(errcode(client.getprivacysetting(aat, &get(5)).await), 86071);
    // Omitted privacy_ver means the development version.
    client.setprivacysetting(aat, &SetprivacysettingRequest { privacy_ver: None, ..dev_guide() }).await.unwrap();
    assert_eq!(client.getprivacysetting(aat, &GetprivacysettingRequest { privacy_ver: None }).await.unwrap().setting_list.len(), 2);
}

#[tokio::test]
async fn the_live_guide_exists_after_a_release_and_only_its_owner_setting_changes() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    client.setprivacysetting(aat, &dev_guide()).await.unwrap();
    sim.sim.with_world(|w, now| w.apps.get_mut(APPID).unwrap().privacy.on_release(now));
    let live_change = SetprivacysettingRequest {
        privacy_ver: Some(1),
        owner_setting: OwnerSetting { contact_email: Some("privacy@shop.example".into()), ..owner() },
        setting_list: vec![setting("Camera", "扫码")],
    };
    client.setprivacysetting(aat, &live_change).await.unwrap();
    let live = client.getprivacysetting(aat, &get(1)).await.unwrap();
    assert_eq!(live.owner_setting.unwrap().contact_email.as_deref(), Some("privacy@shop.example"));
    assert_eq!(live.setting_list.len(), 2, "setting_list of the live guide does not change");
    let dev = client.getprivacysetting(aat, &get(2)).await.unwrap();
    assert_eq!(dev.owner_setting.unwrap().contact_email, None);
}

#[tokio::test]
async fn a_custom_guide_file_is_uploaded_and_referenced() {
    let (_sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let file = |name: &str, bytes: Vec<u8>| Upload { file_name: name.into(), content_type: "text/plain".into(), bytes };
    let id = client
        .uploadprivacyextfile(aat, file("guide.txt", "本小程序的隐私保护指引……".as_bytes().to_vec()))
        .await
        .unwrap()
        .ext_file_media_id;
    assert!(!id.is_empty());
    let with_file = SetprivacysettingRequest { owner_setting: OwnerSetting { ext_file_media_id: Some(id), ..owner() }, ..dev_guide() };
    client.setprivacysetting(aat, &with_file).await.unwrap();
    let bad_file =
        SetprivacysettingRequest { owner_setting: OwnerSetting { ext_file_media_id: Some("nope".into()), ..owner() }, ..dev_guide() };
    assert_eq!(errcode(client.setprivacysetting(aat, &bad_file).await), 40007);
    assert_eq!(errcode(client.uploadprivacyextfile(aat, file("guide.png", vec![0x89, b'P', b'N', b'G'])).await), 40005);
    assert_eq!(errcode(client.uploadprivacyextfile(aat, file("guide.txt", vec![b'a'; 100 * 1024 + 1])).await), 40006);
}

/// Uploads a draft that uses `privacy_keys` (what DevTools would upload), adds it to the template
/// library and commits it to `APPID`.
async fn commit_code(sim: &wxfleet_sim::RunningSim, client: &wechat::Client, aat: &str, privacy_keys: &[&str]) {
    let cat = support::component_token(sim);
    let draft: serde_json::Value = reqwest::Client::new()
        .post(format!("{}admin/drafts", sim.base_url()))
        .json(&serde_json::json!({"user_version": "2.0.0", "user_desc": "定位门店", "pages": ["pages/index/index"], "privacy_keys": privacy_keys}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let draft_id = draft["draft_id"].as_i64().expect("a draft id");
    client.addtotemplate(ComponentToken(&cat), &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
    let templates = client.gettemplatelist(ComponentToken(&cat), &GettemplatelistRequest::default()).await.unwrap().template_list;
    let template_id = templates.iter().find(|t| t.user_version == "2.0.0").unwrap().template_id;
    let commit = CommitRequest { template_id, ext_json: "{}".into(), user_version: "2.0.0".into(), user_desc: "定位门店".into() };
    client.commit(AuthorizerToken(aat), &commit).await.unwrap();
}

#[tokio::test]
async fn code_privacy_info_follows_the_commit_scan_and_interface_grants() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    assert_eq!(errcode(client.get_code_privacy_info(aat).await), 86001, "nothing committed");
    commit_code(&sim, &client, &aat_s, &["UserInfo", "Location"]).await;
    assert_eq!(errcode(client.get_code_privacy_info(aat).await), 61039, "the scan takes a minute");
    let got = client.getprivacysetting(aat, &get(2)).await.unwrap();
    assert_eq!((got.code_exist, got.privacy_list.clone()), (1, vec!["UserInfo".to_owned(), "Location".to_owned()]));

    advance(&sim, 60);
    let info = client.get_code_privacy_info(aat).await.unwrap();
    assert_eq!(info.without_auth_list, ["wx.getLocation"]);
    assert!(info.without_conf_list.is_empty());
    client.apply_privacy_interface(aat, &apply("wx.getLocation", "外卖配送需要获取用户当前位置以计算配送距离")).await.unwrap();
    advance(&sim, 600);
    assert!(client.get_code_privacy_info(aat).await.unwrap().without_auth_list.is_empty(), "granted now");
}

fn apply(api: &str, content: &str) -> ApplyPrivacyInterfaceRequest {
    ApplyPrivacyInterfaceRequest { api_name: api.into(), content: content.into(), ..ApplyPrivacyInterfaceRequest::default() }
}

#[tokio::test]
async fn privacy_interfaces_are_applied_for_and_reviewed() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let list = client.get_privacy_interface(aat).await.unwrap().interface_list;
    assert!(list.len() >= 6);
    assert!(list.iter().all(|i| i.status == Some(1) && i.group_name == "地理位置"));
    let audit_id =
        client.apply_privacy_interface(aat, &apply("wx.getLocation", "外卖配送需要获取用户当前位置以计算配送距离")).await.unwrap().audit_id;
    let status = |list: &[wechat::api::privacy::PrivacyInterface], api: &str| list.iter().find(|i| i.api_name == api).unwrap().clone();
    let applying = status(&client.get_privacy_interface(aat).await.unwrap().interface_list, "wx.getLocation");
    assert_eq!((applying.status, applying.audit_id, applying.apply_time), (Some(3), Some(audit_id), Some(sim.sim.now())));
    assert_eq!(
        errcode(client.apply_privacy_interface(aat, &apply("wx.getLocation", "外卖配送需要获取用户当前位置")).await),
        40097,
        "already applying"
    );
    client.apply_privacy_interface(aat, &apply("wx.choosePoi", "选地点")).await.unwrap();
    assert_eq!(errcode(client.apply_privacy_interface(aat, &apply("wx.readMind", "理由充分的申请说明文字")).await), 40097);
    assert_eq!(errcode(client.apply_privacy_interface(aat, &apply("wx.chooseAddress", "")).await), 40097);

    advance(&sim, 600);
    let aat_s = support::authorized_app(&sim, APPID, ALL_PERMS);
    let aat = AuthorizerToken(&aat_s);
    let list = client.get_privacy_interface(aat).await.unwrap().interface_list;
    assert_eq!(status(&list, "wx.getLocation").status, Some(5));
    let rejected = status(&list, "wx.choosePoi");
    assert_eq!(rejected.status, Some(4));
    assert!(rejected.fail_reason.is_some());
    client.apply_privacy_interface(aat, &apply("wx.choosePoi", "用户下单时需要从附近地点列表中选择收货位置")).await.unwrap();
    assert_eq!(status(&client.get_privacy_interface(aat).await.unwrap().interface_list, "wx.choosePoi").status, Some(3));
}

#[tokio::test]
async fn personal_mini_programs_cannot_get_background_location() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().personal = true);
    let aat = AuthorizerToken(&aat);
    let list = client.get_privacy_interface(aat).await.unwrap().interface_list;
    let background = list.iter().find(|i| i.api_name == "wx.startLocationUpdateBackground").unwrap();
    assert_eq!(background.status, Some(2));
    let req = apply("wx.startLocationUpdateBackground", "运动轨迹记录需要后台持续定位功能");
    assert_eq!(errcode(client.apply_privacy_interface(aat, &req).await), 48001);
}

#[tokio::test]
async fn privacy_needs_permission_set_18() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let aat = support::authorized_app(&sim, "wx00000000000000e5", &[30]);
    let aat = AuthorizerToken(&aat);
    assert_eq!(errcode(client.setprivacysetting(aat, &dev_guide()).await), 61007);
    assert_eq!(errcode(client.getprivacysetting(aat, &get(2)).await), 61007);
    assert_eq!(errcode(client.get_privacy_interface(aat).await), 61007);
}

#[tokio::test]
async fn raw_http_owner_setting_missing_and_string_version() {
    let (sim, _client, aat) = setup(ALL_PERMS).await;
    let http = reqwest::Client::new();
    let url = format!("{}cgi-bin/component/setprivacysetting?access_token={aat}", sim.base_url());
    let post = |body: &'static str| http.post(&url).body(body).send();
    let missing: serde_json::Value =
        post(r#"{"privacy_ver":2,"setting_list":[{"privacy_key":"UserInfo","privacy_text":"登录"}]}"#).await.unwrap().json().await.unwrap();
    assert_eq!(missing["errcode"], 86069);
    // As a forum thread reports: privacy_ver as a string is a format error.
    let string_ver: serde_json::Value = post(r#"{"privacy_ver":"2","owner_setting":{"notice_method":"弹窗","contact_qq":"10000"},"setting_list":[{"privacy_key":"UserInfo","privacy_text":"登录"}]}"#)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(string_ver["errcode"], 47001);
    let ok: serde_json::Value = post(r#"{"privacy_ver":2,"owner_setting":{"notice_method":"弹窗","contact_qq":"10000"},"setting_list":[{"privacy_key":"PhoneNumber","privacy_text":"登录"}]}"#)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["errcode"], 0);
    let got: serde_json::Value = http
        .post(format!("{}cgi-bin/component/getprivacysetting?access_token={aat}", sim.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["setting_list"][0]["privacy_label"], "手机号码");
    assert_eq!(got["owner_setting"]["contact_qq"], "10000");
    assert_eq!(got["code_exist"], 0);
}
