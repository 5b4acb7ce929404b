//! Code management and ext_json (reference §8, §11) against recorded exchanges.

use serde_json::{json, Map, Value};
use wechat::api::code::{CommitRequest, ExtJson, GetQrcodeRequest};
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AAT");

/// The `ext_json` of the official commit example, typed.
fn documented_ext() -> ExtJson {
    let empty = Map::new;
    let mut ext_pages = Map::new();
    ext_pages.insert("index".into(), json!({}));
    ext_pages.insert("search/index".into(), json!({}));
    let mut other = Map::new();
    other.insert("plugin".into(), json!({}));
    ExtJson {
        ext_appid: Some(String::new()),
        ext: Some(json!({"attr1": "value1", "attr2": "value2"})),
        ext_pages: Some(ext_pages),
        pages: Some(vec!["index".into(), "search/index".into()]),
        window: Some(empty()),
        network_timeout: Some(empty()),
        tab_bar: Some(empty()),
        other,
        ..ExtJson::default()
    }
}

#[tokio::test]
async fn commit_sends_ext_json_as_a_string() {
    let request = CommitRequest::new(0, &documented_ext(), "V1.0", "test");
    let body = serde_json::to_value(&request).unwrap();
    assert!(body["ext_json"].is_string(), "ext_json must be a JSON string, WeChat answers 47001 to an object: {body}");
    assert!(body["template_id"].is_number());

    // The fixture holds the body exactly as the official example shows it, ext_json string included.
    let (client, server) = fixture::serve("code/commit").await;
    client.commit(AAT, &request).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn commit_from_an_untyped_value_sends_a_string_too() {
    let ext = json!({"requiredPrivateInfos": ["onLocationChange", "startLocationUpdate"]});
    let request = CommitRequest::from_ext_value(95, &ext, "V1.0", "test");
    assert_eq!(request.ext_json, r#"{"requiredPrivateInfos":["onLocationChange","startLocationUpdate"]}"#);
    let (client, server) = fixture::serve("code/commit_required_private_infos").await;
    client.commit(AAT, &request).await.unwrap();
    server.finish();
}

#[test]
fn ext_json_reads_back_what_it_wrote_and_keeps_unknown_keys() {
    let ext = documented_ext();
    let text = ext.to_ext_json_string();
    let back = ExtJson::from_ext_json_str(&text).unwrap();
    assert_eq!(back, ext);
    assert_eq!(back.other.get("plugin"), Some(&json!({})));
    let request = CommitRequest::new(1, &ext, "v", "d");
    assert_eq!(request.ext().unwrap(), ext);
}

#[test]
fn ext_json_uses_wechat_key_spelling() {
    let ext = ExtJson {
        ext_enable: Some(true),
        ext_appid: Some("wx1234567890abcdef".into()),
        direct_commit: Some(false),
        sub_packages: Some(vec![json!({"root": "pkg", "pages": ["a"]})]),
        plugins: Some(Map::new()),
        navigate_to_mini_program_app_id_list: Some(vec!["wxabcdef1234567890".into()]),
        function_pages: Some(json!(true)),
        custom_open: Some(json!({})),
        required_private_infos: Some(vec!["getLocation".into()]),
        ..ExtJson::default()
    };
    let value: Value = serde_json::from_str(&ext.to_ext_json_string()).unwrap();
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "customOpen",
            "directCommit",
            "extAppid",
            "extEnable",
            "functionPages",
            "navigateToMiniProgramAppIdList",
            "plugins",
            "requiredPrivateInfos",
            "subPackages",
        ]
    );
    assert_eq!(ExtJson::default().to_ext_json_string(), "{}");
}

#[tokio::test]
async fn get_page_lists_the_pages() {
    let (client, server) = fixture::serve("code/get_page").await;
    let answer = client.get_page(AAT).await.unwrap();
    assert_eq!(answer.page_list, ["index", "page/list", "page/detail"]);
    server.finish();
}

#[tokio::test]
async fn get_qrcode_answers_the_image_and_encodes_the_path() {
    let (client, server) = fixture::serve("code/get_qrcode").await;
    let media = client.get_qrcode(AAT, &GetQrcodeRequest { path: Some("page/index?action=1".into()) }).await.unwrap();
    assert_eq!(media.content_type, "image/jpeg");
    assert!(media.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    server.finish();
}

#[tokio::test]
async fn get_qrcode_json_error_is_an_api_error() {
    let (client, server) = fixture::serve("code/get_qrcode_busy").await;
    let err = client.get_qrcode(AAT, &GetQrcodeRequest::default()).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, -1);
    assert_eq!(err.class(), ErrorClass::Transient);
    server.finish();
}
