//! Mini program codes (reference §10): getwxacode, getwxacodeunlimit, createwxaqrcode as real,
//! readable PNGs, and their errors.

use serde_json::{json, Value};
use wechat::api::qrcode::{CreatewxaqrcodeRequest, EnvVersion, GetwxacodeRequest, GetwxacodeunlimitRequest, LineColor};
use wechat::AuthorizerToken;

use crate::code::{admin, errcode, make_ready, new_template, passed_version, read_qr, setup, Fixture, APPID, SHOP_PAGES};
use crate::support;

fn code(path: &str) -> GetwxacodeRequest {
    GetwxacodeRequest { path: path.to_owned(), ..GetwxacodeRequest::default() }
}

fn unlimit(scene: &str, page: Option<&str>) -> GetwxacodeunlimitRequest {
    GetwxacodeunlimitRequest { scene: scene.to_owned(), page: page.map(str::to_owned), ..GetwxacodeunlimitRequest::default() }
}

/// A mini program with version 1.0.0 (pages index, detail) released and 1.1.0 (all pages) on trial.
async fn released(fx: &Fixture) {
    make_ready(fx, &[]).await;
    let v1 = new_template(fx, "1.0.0", &SHOP_PAGES[..2], &[]).await;
    passed_version(fx, v1, "1.0.0").await;
    fx.client.release(fx.aat()).await.unwrap();
    let v2 = new_template(fx, "1.1.0", SHOP_PAGES, &[]).await;
    crate::code::commit(fx, v2, "1.1.0").await;
}

async fn raw_post(fx: &Fixture, path: &str, body: &str) -> (String, Vec<u8>) {
    let url = fx.url(&format!("{path}?access_token={}", fx.aat));
    let response = reqwest::Client::new().post(url).body(body.to_owned()).send().await.unwrap();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, response.bytes().await.unwrap().to_vec())
}

fn errcode_of(body: &[u8]) -> i64 {
    serde_json::from_slice::<Value>(body).expect("a JSON error")["errcode"].as_i64().unwrap()
}

#[tokio::test]
async fn getwxacode_draws_the_path_at_the_requested_width() {
    let fx = setup().await;
    let media = fx.client.getwxacode(fx.aat(), &code("pages/goods/detail?id=7")).await.unwrap();
    assert_eq!(media.content_type, "image/png");
    let ((w, h), text) = read_qr(&media.bytes);
    assert_eq!((w, h), (430, 430));
    assert_eq!(text, format!("https://mp.weixin.qq.com/a/~{APPID}?path=pages%2Fgoods%2Fdetail%3Fid%3D7&env_version=release"));

    let wide = GetwxacodeRequest { width: Some(1280), env_version: Some(EnvVersion::Trial), ..code("pages/index/index") };
    let ((w, _), text) = read_qr(&fx.client.getwxacode(fx.aat(), &wide).await.unwrap().bytes);
    assert_eq!(w, 1280);
    assert!(text.ends_with("env_version=trial"), "{text}");

    // Colour and transparency.
    let styled = GetwxacodeRequest {
        line_color: Some(LineColor { r: 200, g: 0, b: 0 }),
        is_hyaline: Some(true),
        width: Some(280),
        ..code("pages/a")
    };
    let png = fx.client.getwxacode(fx.aat(), &styled).await.unwrap().bytes;
    let img = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!(img.dimensions(), (280, 280));
    assert_eq!(img.get_pixel(0, 0).0[3], 0, "the background is transparent");
    assert!(img.pixels().any(|p| p.0 == [200, 0, 0, 255]), "modules drawn in the line colour");
    read_qr(&png);
}

#[tokio::test]
async fn getwxacode_errors() {
    let fx = setup().await;
    assert_eq!(errcode(fx.client.getwxacode(fx.aat(), &code("")).await), 40159);
    assert_eq!(errcode(fx.client.getwxacode(fx.aat(), &code(&"a".repeat(1025))).await), 40159);
    fx.client.getwxacode(fx.aat(), &code(&"a".repeat(1024))).await.unwrap();
    for width in [279, 1281] {
        assert_eq!(errcode(fx.client.getwxacode(fx.aat(), &GetwxacodeRequest { width: Some(width), ..code("p") }).await), 40189);
    }
    let (_, body) = raw_post(&fx, "/wxa/getwxacode", r#"{"path":"pages/index/index","env_version":"beta"}"#).await;
    assert_eq!(errcode_of(&body), 40097);
    let (_, body) = raw_post(&fx, "/wxa/getwxacode", "path=pages/index/index").await;
    assert_eq!(errcode_of(&body), 40159, "not JSON");
    let (content_type, body) = raw_post(&fx, "/wxa/getwxacode", r#"{"path":"pages/index/index","width":300}"#).await;
    assert_eq!(content_type, "image/png");
    assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n");

    let other = support::authorized_app(&fx.sim, "wx0000000000qr0002", &[18]);
    assert_eq!(errcode(fx.client.getwxacode(AuthorizerToken(&other), &code("p")).await), 61007);
}

#[tokio::test]
async fn limited_codes_share_a_total() {
    let fx = setup().await;
    let (status, _) = admin(&fx.sim, "code-limits", json!({"wxacode_total": 3})).await;
    assert_eq!(status, 200);
    fx.client.getwxacode(fx.aat(), &code("pages/a")).await.unwrap();
    fx.client.createwxaqrcode(fx.aat(), &CreatewxaqrcodeRequest { path: "pages/b".into(), width: None }).await.unwrap();
    fx.client.getwxacode(fx.aat(), &code("pages/c")).await.unwrap();
    assert_eq!(errcode(fx.client.getwxacode(fx.aat(), &code("pages/d")).await), 45029);
    assert_eq!(errcode(fx.client.createwxaqrcode(fx.aat(), &CreatewxaqrcodeRequest { path: "pages/e".into(), width: None }).await), 45029);
    // The unlimited code is not counted.
    released(&fx).await;
    fx.client.getwxacodeunlimit(fx.aat(), &unlimit("a=1", None)).await.unwrap();
    // Another mini program has its own total.
    let other = support::authorized_app(&fx.sim, "wx0000000000qr0003", &[17]);
    fx.client.getwxacode(AuthorizerToken(&other), &code("pages/a")).await.unwrap();
}

#[tokio::test]
async fn createwxaqrcode_is_a_square_qr_of_the_path() {
    let fx = setup().await;
    let req = CreatewxaqrcodeRequest { path: "pages/index/index?from=poster".into(), width: Some(600) };
    let ((w, h), text) = read_qr(&fx.client.createwxaqrcode(fx.aat(), &req).await.unwrap().bytes);
    assert_eq!((w, h), (600, 600));
    assert_eq!(text, format!("https://mp.weixin.qq.com/a/~{APPID}?path=pages%2Findex%2Findex%3Ffrom%3Dposter"));
    let long = CreatewxaqrcodeRequest { path: "p".repeat(129), width: None };
    assert_eq!(errcode(fx.client.createwxaqrcode(fx.aat(), &long).await), 40159);
    let empty = CreatewxaqrcodeRequest { path: String::new(), width: None };
    assert_eq!(errcode(fx.client.createwxaqrcode(fx.aat(), &empty).await), 40159);
}

#[tokio::test]
async fn getwxacodeunlimit_checks_the_scene_and_the_published_page() {
    let fx = setup().await;
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("id=1", None)).await), 41030, "nothing released");
    released(&fx).await;

    let media = fx.client.getwxacodeunlimit(fx.aat(), &unlimit("id=1&from=a", Some("pages/goods/detail"))).await.unwrap();
    let (dims, text) = read_qr(&media.bytes);
    assert_eq!(dims, (430, 430));
    assert_eq!(
        text,
        format!("https://mp.weixin.qq.com/a/~{APPID}?page=pages%2Fgoods%2Fdetail&scene=id%3D1%26from%3Da&env_version=release")
    );
    // No page: the home page of the released version.
    let (_, text) = read_qr(&fx.client.getwxacodeunlimit(fx.aat(), &unlimit("x", None)).await.unwrap().bytes);
    assert!(text.contains("page=pages%2Findex%2Findex"), "{text}");

    // A page only the trial version has: 41030 for release, fine for trial or without the check.
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("x", Some("pages/cart/cart"))).await), 41030);
    let trial = GetwxacodeunlimitRequest { env_version: Some(EnvVersion::Trial), ..unlimit("x", Some("pages/cart/cart")) };
    fx.client.getwxacodeunlimit(fx.aat(), &trial).await.unwrap();
    let unchecked = GetwxacodeunlimitRequest { check_path: Some(false), ..unlimit("x", Some("pages/not/yet")) };
    let (_, text) = read_qr(&fx.client.getwxacodeunlimit(fx.aat(), &unchecked).await.unwrap().bytes);
    assert!(text.contains("page=pages%2Fnot%2Fyet"), "{text}");

    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("x", Some("/pages/index/index"))).await), 41030);
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("x", Some("pages/index/index?a=1"))).await), 41030);
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit(&"s".repeat(33), None)).await), 40169);
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("", None)).await), 40169);
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("中文", None)).await), 40129);
    assert_eq!(errcode(fx.client.getwxacodeunlimit(fx.aat(), &unlimit("a%20b", None)).await), 40129);
    fx.client.getwxacodeunlimit(fx.aat(), &unlimit("!#$&'()*+,/:;=?@-._~09AZaz", None)).await.unwrap();

    let (_, body) = raw_post(&fx, "/wxa/getwxacodeunlimit", r#"{"page":"pages/index/index"}"#).await;
    assert_eq!(errcode_of(&body), 40169, "no scene");
    let (_, body) = raw_post(&fx, "/wxa/getwxacodeunlimit", r#"{"scene":"a","env_version":"prod"}"#).await;
    assert_eq!(errcode_of(&body), 40097);
    let (content_type, _) = raw_post(&fx, "/wxa/getwxacodeunlimit", r#"{"scene":"a","width":500}"#).await;
    assert_eq!(content_type, "image/png");
}
