//! Mini program codes (reference §10) against recorded exchanges.

use wechat::api::qrcode::{
    validate_scene, CreatewxaqrcodeRequest, EnvVersion, GetwxacodeRequest, GetwxacodeunlimitRequest, LineColor, SceneError,
};
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AAT");
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

#[tokio::test]
async fn getwxacode_answers_the_image() {
    let (client, server) = fixture::serve("qrcode/getwxacode").await;
    let request = GetwxacodeRequest {
        path: "pages/index/index?id=1".into(),
        width: Some(430),
        auto_color: Some(false),
        line_color: Some(LineColor { r: 0, g: 0, b: 0 }),
        is_hyaline: Some(false),
        env_version: Some(EnvVersion::Trial),
    };
    let media = client.getwxacode(AAT, &request).await.unwrap();
    assert_eq!(media.content_type, "image/jpeg");
    assert!(media.bytes.starts_with(PNG_MAGIC));
    assert_eq!(&media.bytes[..], fixture::PNG_BYTES);
    server.finish();
}

#[tokio::test]
async fn getwxacodeunlimit_answers_the_image() {
    let (client, server) = fixture::serve("qrcode/getwxacodeunlimit").await;
    let request = GetwxacodeunlimitRequest {
        scene: "a=1".into(),
        page: Some("pages/index/index".into()),
        check_path: Some(true),
        env_version: Some(EnvVersion::Release),
        ..GetwxacodeunlimitRequest::default()
    };
    let media = client.getwxacodeunlimit(AAT, &request).await.unwrap();
    assert_eq!(media.content_type, "image/jpeg");
    assert!(media.bytes.starts_with(PNG_MAGIC));
    server.finish();
}

#[tokio::test]
async fn getwxacodeunlimit_for_a_bad_page_is_41030() {
    let (client, server) = fixture::serve("qrcode/getwxacodeunlimit_41030").await;
    let request =
        GetwxacodeunlimitRequest { scene: "id=2".into(), page: Some("/pages/index/index".into()), ..GetwxacodeunlimitRequest::default() };
    let err = client.getwxacodeunlimit(AAT, &request).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 41030);
    assert_eq!(api.path, "/wxa/getwxacodeunlimit");
    assert_eq!(err.class(), ErrorClass::Final);
    server.finish();
}

#[tokio::test]
async fn createwxaqrcode_answers_the_image() {
    let (client, server) = fixture::serve("qrcode/createwxaqrcode").await;
    let media = client.createwxaqrcode(AAT, &CreatewxaqrcodeRequest { path: "page/index/index".into(), width: Some(430) }).await.unwrap();
    assert_eq!(media.content_type, "image/jpeg");
    assert!(media.bytes.starts_with(PNG_MAGIC));
    server.finish();
}

#[test]
fn env_version_spelling() {
    for (version, text) in [(EnvVersion::Release, "\"release\""), (EnvVersion::Trial, "\"trial\""), (EnvVersion::Develop, "\"develop\"")] {
        assert_eq!(serde_json::to_string(&version).unwrap(), text);
        assert_eq!(serde_json::from_str::<EnvVersion>(text).unwrap(), version);
    }
}

#[test]
fn validate_scene_accepts_the_documented_set() {
    validate_scene("a=1").unwrap();
    validate_scene("id=2&shop=AbC9").unwrap();
    validate_scene("!#$&'()*+,/:;=?@-._~").unwrap();
    validate_scene(&"x".repeat(32)).unwrap();
}

#[test]
fn validate_scene_refuses_what_wechat_refuses() {
    assert_eq!(validate_scene(""), Err(SceneError::Empty));
    assert_eq!(validate_scene(&"x".repeat(33)), Err(SceneError::TooLong { chars: 33 }));
    assert_eq!(validate_scene("a%20b"), Err(SceneError::InvalidCharacter { character: '%', position: 1 }));
    assert_eq!(validate_scene("店铺=1"), Err(SceneError::InvalidCharacter { character: '店', position: 0 }));
    assert_eq!(validate_scene("a b"), Err(SceneError::InvalidCharacter { character: ' ', position: 1 }));
    // Thirty-three multi-byte characters: the first one is the problem, not the length.
    assert!(matches!(validate_scene(&"é".repeat(33)), Err(SceneError::InvalidCharacter { position: 0, .. })));
}
