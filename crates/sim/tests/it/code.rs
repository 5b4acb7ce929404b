//! Code (reference §8, §11): commit and its ext_json checks, pages, the trial QR code. Also the
//! helpers the code-lifecycle tests share (`crate::code::…`): templates, a ready-to-submit mini
//! program, a released one.

use crate::support::{self, ALL_PERMS};
use image::GenericImageView;
use serde_json::{json, Value};
use wechat::api::audit::{AuditItem, SubmitAuditRequest};
use wechat::api::category::{AddcategoryRequest, NewCategory};
use wechat::api::code::{CommitRequest, ExtJson, GetQrcodeRequest};
use wechat::api::privacy::{OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wechat::api::template::{AddtotemplateRequest, GettemplatelistRequest};
use wechat::{AuthorizerToken, Client, ComponentToken};
use wxfleet_sim::{RunningSim, SimConfig};

pub const APPID: &str = "wx0000000000code01";
pub const SHOP_PAGES: &[&str] = &["pages/index/index", "pages/goods/detail", "pages/cart/cart", "pages/user/user"];
/// The category every ready mini program gets (工具 > 效率: not sensitive, approved at once).
pub const CATEGORY: (i64, i64) = (287, 290);

/// The `errcode` of a failed call (panics when the call did not fail with an API error).
pub fn errcode<T: std::fmt::Debug>(result: Result<T, wechat::Error>) -> i64 {
    match result {
        Err(wechat::Error::Api(e)) => e.errcode,
        other => panic!("expected a WeChat error, got {other:?}"),
    }
}

/// A simulator with one authorized mini program: what every code test starts from.
pub struct Fixture {
    pub sim: RunningSim,
    pub client: Client,
    pub aat: String,
    pub cat: String,
}

impl Fixture {
    pub fn aat(&self) -> AuthorizerToken<'_> {
        AuthorizerToken(&self.aat)
    }

    pub fn cat(&self) -> ComponentToken<'_> {
        ComponentToken(&self.cat)
    }

    /// Fresh tokens, after virtual time moved past their 2 hours.
    pub fn renew_tokens(&mut self) {
        self.aat = support::authorized_app(&self.sim, APPID, ALL_PERMS);
        self.cat = support::component_token(&self.sim);
    }

    /// A plain HTTP call to the simulator, for raw requests.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.sim.base_url().as_str().trim_end_matches('/'), path_and_query)
    }
}

pub async fn setup() -> Fixture {
    setup_with(SimConfig::default()).await
}

pub async fn setup_with(config: SimConfig) -> Fixture {
    let sim = support::start_with(config).await;
    let client = support::client(&sim);
    let aat = support::authorized_app(&sim, APPID, ALL_PERMS);
    let cat = support::component_token(&sim);
    Fixture { sim, client, aat, cat }
}

/// Moves virtual time forward and runs what time moves (audits).
pub fn advance(sim: &RunningSim, secs: i64) {
    sim.sim.clock().advance(secs);
    sim.sim.with_world(|w, now| w.advance(now));
}

/// `POST /admin/<path>` with a JSON body; the answer's status and JSON.
pub async fn admin(sim: &RunningSim, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}admin/{path}", sim.base_url());
    let response = reqwest::Client::new().post(url).json(&body).send().await.expect("admin call");
    let status = response.status().as_u16();
    (status, response.json().await.expect("admin answers JSON"))
}

/// Uploads a draft through the admin API (what DevTools does); returns its `draft_id`.
pub async fn upload_draft(sim: &RunningSim, user_version: &str, pages: &[&str], privacy_keys: &[&str]) -> i64 {
    let body =
        json!({ "user_version": user_version, "user_desc": format!("版本 {user_version}"), "pages": pages, "privacy_keys": privacy_keys });
    let (status, answer) = admin(sim, "drafts", body).await;
    assert_eq!(status, 200, "{answer}");
    answer["draft_id"].as_i64().expect("draft_id")
}

/// Uploads a draft and adds it to the library as an ordinary template; returns the `template_id`.
pub async fn new_template(fx: &Fixture, user_version: &str, pages: &[&str], privacy_keys: &[&str]) -> i64 {
    let draft_id = upload_draft(&fx.sim, user_version, pages, privacy_keys).await;
    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await.expect("addtotemplate");
    let list = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest::default()).await.expect("gettemplatelist");
    list.template_list.iter().filter(|t| t.draft_id == Some(draft_id)).map(|t| t.template_id).max().expect("the new template is listed")
}

/// The ext_json a merchant's commit typically carries.
pub fn shop_ext(appid: &str) -> ExtJson {
    ExtJson {
        ext_appid: Some(appid.to_owned()),
        ext: Some(json!({ "shopId": 42 })),
        window: Some(json!({ "navigationBarTitleText": "好味小店" }).as_object().unwrap().clone()),
        ..ExtJson::default()
    }
}

pub async fn commit(fx: &Fixture, template_id: i64, user_version: &str) {
    let req = CommitRequest::new(template_id, &shop_ext(APPID), user_version, format!("提交 {user_version}"));
    fx.client.commit(fx.aat(), &req).await.expect("commit");
}

/// Gives the mini program what `submit_audit` requires besides code: an approved category and a
/// privacy guide covering `privacy_keys` — through the real APIs.
pub async fn make_ready(fx: &Fixture, privacy_keys: &[&str]) {
    let category = NewCategory { first: CATEGORY.0, second: CATEGORY.1, certicates: vec![] };
    fx.client.addcategory(fx.aat(), &AddcategoryRequest { categories: vec![category] }).await.expect("addcategory");
    if !privacy_keys.is_empty() {
        set_privacy_guide(fx, privacy_keys).await;
    }
}

pub async fn set_privacy_guide(fx: &Fixture, privacy_keys: &[&str]) {
    let req = SetprivacysettingRequest {
        privacy_ver: Some(2),
        owner_setting: OwnerSetting {
            contact_email: Some("privacy@example.com".into()),
            notice_method: "弹窗提示".into(),
            ..OwnerSetting::default()
        },
        setting_list: privacy_keys
            .iter()
            .map(|k| PrivacySetting { privacy_key: (*k).to_owned(), privacy_text: "提供商城服务".into(), privacy_label: None })
            .collect(),
    };
    fx.client.setprivacysetting(fx.aat(), &req).await.expect("setprivacysetting");
}

/// A submission describing the home page in the ready category.
pub fn submission() -> SubmitAuditRequest {
    SubmitAuditRequest {
        item_list: vec![AuditItem {
            address: Some(SHOP_PAGES[0].to_owned()),
            tag: Some("商城 购物".to_owned()),
            first_id: Some(CATEGORY.0),
            second_id: Some(CATEGORY.1),
            title: Some("首页".to_owned()),
            ..AuditItem::default()
        }],
        version_desc: Some("商城首个版本".to_owned()),
        ..SubmitAuditRequest::default()
    }
}

/// Template → commit → (privacy scan) → submit → pass: a version ready for release. Returns the
/// `auditid`. The mini program must be ready ([`make_ready`]).
pub async fn passed_version(fx: &Fixture, template_id: i64, user_version: &str) -> i64 {
    commit(fx, template_id, user_version).await;
    advance(&fx.sim, 60);
    let auditid = fx.client.submit_audit(fx.aat(), &submission()).await.expect("submit_audit").auditid;
    advance(&fx.sim, 5);
    auditid
}

/// Decodes a PNG and reads the QR code in it: the image's size and the encoded text.
pub fn read_qr(png: &[u8]) -> ((u32, u32), String) {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("a PNG");
    let dims = img.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare(img.to_luma8());
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code in the image");
    let (_, text) = grids[0].decode().expect("the QR code decodes");
    (dims, text)
}

#[tokio::test]
async fn commit_makes_the_trial_version_with_its_pages() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &["UserInfo"]).await;
    let mut ext = shop_ext(APPID);
    ext.pages = Some(vec![SHOP_PAGES[2].to_owned(), SHOP_PAGES[0].to_owned()]);
    fx.client.commit(fx.aat(), &CommitRequest::new(template_id, &ext, "1.0.0", "首个版本")).await.unwrap();

    let pages = fx.client.get_page(fx.aat()).await.unwrap();
    assert_eq!(pages.page_list, [SHOP_PAGES[2], SHOP_PAGES[0]]);
    let info = fx.client.getversioninfo(fx.aat()).await.unwrap();
    let exp = info.exp_info.expect("a trial version");
    assert_eq!((exp.exp_version.as_str(), exp.exp_desc.as_str()), ("1.0.0", "首个版本"));
    assert!(info.release_info.is_none());
    let detected = fx.sim.sim.with_world(|w, _| w.app(APPID).unwrap().code.detected_privacy_keys());
    assert_eq!(detected, ["UserInfo"]);

    // A second commit replaces the trial version.
    fx.client.commit(fx.aat(), &CommitRequest::new(template_id, &shop_ext(APPID), "1.0.1", "修复")).await.unwrap();
    assert_eq!(fx.client.get_page(fx.aat()).await.unwrap().page_list, SHOP_PAGES);
    assert_eq!(fx.client.getversioninfo(fx.aat()).await.unwrap().exp_info.unwrap().exp_version, "1.0.1");
}

#[tokio::test]
async fn commit_refuses_what_wechat_refuses() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    let with_ext =
        |ext_json: &str| CommitRequest { template_id, ext_json: ext_json.to_owned(), user_version: "1".into(), user_desc: "d".into() };
    let cases = [
        ("{\"extAppid\":", 85048),
        ("[\"pages/index/index\"]", 85013),
        (r#"{"ext":"not an object"}"#, 85013),
        (r#"{"pages":[]}"#, 85047),
        (r#"{"pages":["pages/index/index","pages/new/new"]}"#, 85045),
        (r#"{"extPages":{"pages/missing/missing":{"navigationBarTitleText":"x"}}}"#, 85045),
        (r#"{"tabBar":{"list":[{"pagePath":"pages/index/index"},{"text":"我的"}]}}"#, 85046),
        (r#"{"pages":["pages/index/index"],"tabBar":{"list":[{"pagePath":"pages/cart/cart"}]}}"#, 85046),
    ];
    for (ext_json, expected) in cases {
        assert_eq!(errcode(fx.client.commit(fx.aat(), &with_ext(ext_json)).await), expected, "{ext_json}");
    }
    let unknown = CommitRequest { template_id: 999, ..with_ext("{}") };
    assert_eq!(errcode(fx.client.commit(fx.aat(), &unknown).await), 85014);
    let long_version = CommitRequest { user_version: "1".repeat(65), ..with_ext("{}") };
    assert_eq!(errcode(fx.client.commit(fx.aat(), &long_version).await), 85015);
    // Nothing was committed by the failures.
    assert_eq!(errcode(fx.client.get_page(fx.aat()).await), 86001);

    // A standard template takes only extAppid, ext and window.
    let draft_id = upload_draft(&fx.sim, "std", SHOP_PAGES, &[]).await;
    let standard = wechat::api::template::TemplateType::Standard;
    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: Some(standard) }).await.unwrap();
    let list = fx.client.gettemplatelist(fx.cat(), &GettemplatelistRequest { template_type: Some(standard) }).await.unwrap();
    let std_id = list.template_list[0].template_id;
    let std_commit = |ext_json: &str| CommitRequest { template_id: std_id, ..with_ext(ext_json) };
    assert_eq!(errcode(fx.client.commit(fx.aat(), &std_commit(r#"{"extAppid":"x","pages":["pages/index/index"]}"#)).await), 9402203);
    fx.client.commit(fx.aat(), &CommitRequest::new(std_id, &shop_ext(APPID), "1", "d")).await.unwrap();
}

#[tokio::test]
async fn code_calls_need_permission_set_18() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    let aat = support::authorized_app(&fx.sim, "wx0000000000code02", &[17, 30]);
    let req = CommitRequest::new(template_id, &ExtJson::default(), "1", "d");
    assert_eq!(errcode(fx.client.commit(AuthorizerToken(&aat), &req).await), 61007);
    assert_eq!(errcode(fx.client.get_page(AuthorizerToken(&aat)).await), 61007);
    // A platform token is not an authorizer token.
    assert_eq!(errcode(fx.client.get_page(AuthorizerToken(&fx.cat)).await), 40001);
}

#[tokio::test]
async fn raw_commit_with_ext_json_as_an_object_is_47001() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    let http = reqwest::Client::new();
    let url = fx.url(&format!("/wxa/commit?access_token={}", fx.aat));
    let post = |body: String| http.post(&url).header("content-type", "application/json").body(body).send();

    let object = format!(r#"{{"template_id":{template_id},"ext_json":{{"extAppid":"{APPID}"}},"user_version":"1","user_desc":"d"}}"#);
    let answer: Value = post(object).await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 47001, "{answer}");
    assert!(answer["errmsg"].as_str().unwrap().contains("rid: "));

    let empty: Value = post(String::new()).await.unwrap().json().await.unwrap();
    assert_eq!(empty["errcode"], 44002);

    let string = format!(
        r#"{{"template_id":{template_id},"ext_json":"{{\"extAppid\":\"{APPID}\",\"ext\":{{\"a\":1}}}}","user_version":"1.0.0","user_desc":"raw"}}"#
    );
    let answer: Value = post(string).await.unwrap().json().await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok"}));

    let wrong_method: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(wrong_method["errcode"], 43002);
    let raw_pages: Value = http.get(fx.url(&format!("/wxa/get_page?access_token={}", fx.aat))).send().await.unwrap().json().await.unwrap();
    assert_eq!(raw_pages, json!({"errcode": 0, "errmsg": "ok", "page_list": SHOP_PAGES}));
}

#[tokio::test]
async fn the_trial_qr_code_is_a_png_that_opens_the_trial_version() {
    let fx = setup().await;
    assert_eq!(errcode(fx.client.get_qrcode(fx.aat(), &GetQrcodeRequest::default()).await), 86001);
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    commit(&fx, template_id, "1.0.0").await;

    let media = fx.client.get_qrcode(fx.aat(), &GetQrcodeRequest::default()).await.unwrap();
    assert_eq!(media.content_type, "image/png");
    let (dims, text) = read_qr(&media.bytes);
    assert_eq!(dims, (430, 430));
    assert_eq!(text, format!("https://open.weixin.qq.com/sns/getexpappinfo?appid={APPID}&path=pages%2Findex%2Findex#wechat-redirect"));

    let with_path = GetQrcodeRequest { path: Some("pages/goods/detail?id=7".into()) };
    let (_, text) = read_qr(&fx.client.get_qrcode(fx.aat(), &with_path).await.unwrap().bytes);
    assert!(text.contains("path=pages%2Fgoods%2Fdetail%3Fid%3D7"), "{text}");
}
