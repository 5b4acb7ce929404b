//! Basic info (reference §5.1): name and its review, avatar, signature, search status, account info,
//! temporary media. Also the helpers the other mini-program area tests share (`crate::basic::…`).

use wechat::api::basic::{
    ApiWxaQuerynicknameRequest, ChangewxasearchstatusRequest, CheckwxverifynicknameRequest, ModifyheadimageRequest, ModifysignatureRequest,
    SetnicknameRequest,
};
use wechat::api::Upload;
use wechat::xml::Event;
use wechat::{AuthorizerToken, Client};
use wxfleet_sim::RunningSim;

use crate::support::{self, Receiver, ALL_PERMS};

pub const APPID: &str = "wx00000000000000a1";

/// A simulator with `APPID` authorized with `perms`: the simulator, a client and the AAT.
pub async fn setup(perms: &[u32]) -> (RunningSim, Client, String) {
    let sim = support::start(0).await;
    let client = support::client(&sim);
    let aat = support::authorized_app(&sim, APPID, perms);
    (sim, client, aat)
}

/// The `errcode` of a failed call (panics when the call did not fail with an API error).
pub fn errcode<T: std::fmt::Debug>(result: Result<T, wechat::Error>) -> i64 {
    match result {
        Err(wechat::Error::Api(e)) => e.errcode,
        other => panic!("expected a WeChat error, got {other:?}"),
    }
}

/// A PNG of `size` bytes (a real signature; the simulator checks signatures and sizes only).
pub fn png(size: usize) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.resize(size.max(8), 0);
    bytes
}

/// Uploads `bytes` as temporary image media named `file_name`; returns the media id.
pub async fn upload_image(client: &Client, aat: &str, file_name: &str, bytes: Vec<u8>) -> String {
    let upload = Upload { file_name: file_name.to_owned(), content_type: "image/png".to_owned(), bytes };
    client.media_upload(AuthorizerToken(aat), upload).await.expect("upload").media_id
}

/// Moves virtual time forward and runs what time moves (reviews, registrations).
pub fn advance(sim: &RunningSim, secs: i64) {
    sim.sim.clock().advance(secs);
    sim.sim.with_world(|w, now| w.advance(now));
}

/// Matches name-review pushes.
pub fn nickname_audit(e: &Event) -> bool {
    matches!(e, Event::WxaNicknameAudit(_))
}

fn nick(name: &str) -> SetnicknameRequest {
    SetnicknameRequest { nick_name: name.to_owned(), ..SetnicknameRequest::default() }
}

#[tokio::test]
async fn a_plain_name_is_set_at_once_and_counted() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let answer = client.setnickname(aat, &nick("好味小馆")).await.unwrap();
    assert_eq!(answer.audit_id, None);
    let info = client.getaccountbasicinfo(aat).await.unwrap();
    assert_eq!(info.nickname.as_deref(), Some("好味小馆"));
    let nickname_info = info.nickname_info.unwrap();
    assert_eq!((nickname_info.nickname.as_str(), nickname_info.modify_used_count, nickname_info.modify_quota), ("好味小馆", 1, 2));
    assert_eq!(info.account_type, 3);
    assert_eq!(info.appid, APPID);
    drop(sim);
}

#[tokio::test]
async fn name_rules_and_quota() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    assert_eq!(errcode(client.setnickname(aat, &nick("")).await), 53010);
    assert_eq!(errcode(client.setnickname(aat, &nick("店")).await), 53010);
    assert_eq!(errcode(client.setnickname(aat, &nick("好味小程序")).await), 53012);
    support::authorized_app(&sim, "wx00000000000000b2", ALL_PERMS);
    sim.sim.with_world(|w, _| w.apps.get_mut("wx00000000000000b2").unwrap().nickname = "隔壁小馆".into());
    assert_eq!(errcode(client.setnickname(aat, &nick("隔壁小馆")).await), 91007);
    client.setnickname(aat, &nick("好味小馆一")).await.unwrap();
    client.setnickname(aat, &nick("好味小馆二")).await.unwrap();
    assert_eq!(errcode(client.setnickname(aat, &nick("好味小馆三")).await), 91003, "two renames a year");
    // Failed attempts did not count.
    assert_eq!(client.getaccountbasicinfo(aat).await.unwrap().nickname_info.unwrap().modify_used_count, 2);
}

#[tokio::test]
async fn a_released_mini_program_cannot_be_renamed() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    sim.sim.with_world(|w, now| {
        w.apps.get_mut(APPID).unwrap().code.live = Some(wxfleet_sim::world::code::Live { app_version: 1, since: now, by_rollback: false });
    });
    assert_eq!(errcode(client.setnickname(AuthorizerToken(&aat), &nick("好味小馆")).await), 91002);
}

#[tokio::test]
async fn a_keyword_name_needs_material_then_review_passes_with_a_push() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let receiver = Receiver::start(&sim).await;
    assert_eq!(errcode(client.setnickname(aat, &nick("中国好味")).await), 91009, "keyword without licence");
    let license = upload_image(&client, &aat_s, "license.png", png(1000)).await;
    let req = SetnicknameRequest { license: Some(license), ..nick("中国好味") };
    let answer = client.setnickname(aat, &req).await.unwrap();
    let audit_id = answer.audit_id.expect("review");
    assert!(answer.wording.unwrap().contains("中国"));
    let state = client.api_wxa_querynickname(aat, &ApiWxaQuerynicknameRequest { audit_id }).await.unwrap();
    assert_eq!((state.nickname.as_str(), state.audit_stat, state.audit_time), ("中国好味", 1, None));
    assert_eq!(errcode(client.setnickname(aat, &nick("别的名字")).await), 91019, "one review at a time");

    receiver.assert_none(nickname_audit).await;
    advance(&sim, 600);
    let (path, event) = receiver.wait_for(nickname_audit).await;
    // Encrypted to the message URL, with $APPID$ replaced.
    assert_eq!(path, format!("/msg/{APPID}"));
    let Event::WxaNicknameAudit(event) = event else { unreachable!() };
    assert!(event.passed());
    assert_eq!(event.nickname, "中国好味");
    assert_eq!(event.header.to_user_name, sim.sim.with_world(|w, _| w.apps[APPID].original_id.clone()));
    let state = client.api_wxa_querynickname(aat, &ApiWxaQuerynicknameRequest { audit_id }).await.unwrap();
    assert_eq!(state.audit_stat, 3);
    assert!(state.audit_time.is_some());
    assert_eq!(client.getaccountbasicinfo(aat).await.unwrap().nickname.as_deref(), Some("中国好味"));
}

#[tokio::test]
async fn a_brand_claim_without_trademark_proof_is_rejected() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let license = upload_image(&client, &aat_s, "license.png", png(1000)).await;
    let req = SetnicknameRequest { license: Some(license), ..nick("好味官方店") };
    let receiver = Receiver::start(&sim).await;
    let audit_id = client.setnickname(aat, &req).await.unwrap().audit_id.unwrap();
    advance(&sim, 600);
    let Event::WxaNicknameAudit(event) = receiver.wait_for(nickname_audit).await.1 else { unreachable!() };
    assert_eq!(event.ret, 2);
    assert!(event.reason.contains("商标"), "{}", event.reason);
    let state = client.api_wxa_querynickname(aat, &ApiWxaQuerynicknameRequest { audit_id }).await.unwrap();
    assert_eq!(state.audit_stat, 2);
    assert!(state.fail_reason.is_some());
    assert_ne!(client.getaccountbasicinfo(aat).await.unwrap().nickname.as_deref(), Some("好味官方店"));
    assert_eq!(errcode(client.api_wxa_querynickname(aat, &ApiWxaQuerynicknameRequest { audit_id: 1 }).await), 91011);
}

#[tokio::test]
async fn review_delay_and_outcome_are_scriptable() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    sim.sim.with_world(|w, _| {
        let script = &mut w.apps.get_mut(APPID).unwrap().profile.review_script;
        script.delay_secs = Some(1200);
        script.reject_reason = Some("名称与主体不符".into());
    });
    let license = upload_image(&client, &aat_s, "license.png", png(1000)).await;
    let receiver = Receiver::start(&sim).await;
    let audit_id =
        client.setnickname(aat, &SetnicknameRequest { license: Some(license), ..nick("全国好味") }).await.unwrap().audit_id.unwrap();
    // Margins are wide: virtual time also runs with real time, and a loaded machine is slow.
    advance(&sim, 600);
    assert_eq!(
        client.api_wxa_querynickname(aat, &ApiWxaQuerynicknameRequest { audit_id }).await.unwrap().audit_stat,
        1,
        "the default 600 s does not apply"
    );
    advance(&sim, 600);
    let Event::WxaNicknameAudit(event) = receiver.wait_for(nickname_audit).await.1 else { unreachable!() };
    assert_eq!((event.ret, event.reason.as_str()), (2, "名称与主体不符"));
}

#[tokio::test]
async fn checkwxverifynickname_tells_which_names_need_material() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let check = |name: &str| CheckwxverifynicknameRequest { nick_name: name.to_owned() };
    assert!(!client.checkwxverifynickname(aat, &check("好味小馆")).await.unwrap().hit_condition);
    let hit = client.checkwxverifynickname(aat, &check("腾讯好味")).await.unwrap();
    assert!(hit.hit_condition);
    assert!(hit.wording.unwrap().contains("腾讯"));
    support::authorized_app(&sim, "wx00000000000000b2", ALL_PERMS);
    sim.sim.with_world(|w, _| w.apps.get_mut("wx00000000000000b2").unwrap().nickname = "隔壁小馆".into());
    assert!(client.checkwxverifynickname(aat, &check("隔壁小馆")).await.unwrap().hit_condition);
    assert_eq!(errcode(client.checkwxverifynickname(aat, &check("x")).await), 53010);
}

#[tokio::test]
async fn media_upload_checks_type_format_and_size() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let ok =
        client.media_upload(aat, Upload { file_name: "a.png".into(), content_type: "image/png".into(), bytes: png(2048) }).await.unwrap();
    assert_eq!(ok.media_type, "image");
    assert_eq!(ok.created_at, sim.sim.now());
    assert_eq!(ok.media_id.len(), 64);
    let text = Upload { file_name: "a.txt".into(), content_type: "text/plain".into(), bytes: b"hello".to_vec() };
    assert_eq!(errcode(client.media_upload(aat, text).await), 40005);
    let big = Upload { file_name: "big.png".into(), content_type: "image/png".into(), bytes: png(10 * 1024 * 1024 + 1) };
    assert_eq!(errcode(client.media_upload(aat, big).await), 40009);

    // Raw multipart: another media type, and no file at all.
    let http = reqwest::Client::new();
    let url = format!("{}cgi-bin/media/upload?access_token={aat_s}&type=file", sim.base_url());
    let form = reqwest::multipart::Form::new().part("media", reqwest::multipart::Part::bytes(png(100)).file_name("a.png"));
    let body: serde_json::Value = http.post(&url).multipart(form).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["errcode"], 40004);
    let url = format!("{}cgi-bin/media/upload?access_token={aat_s}&type=image", sim.base_url());
    let form = reqwest::multipart::Form::new().text("other", "x");
    let body: serde_json::Value = http.post(&url).multipart(form).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["errcode"], 41005);
    let form = reqwest::multipart::Form::new().part("media", reqwest::multipart::Part::bytes(png(100)).file_name("a.png"));
    let body: serde_json::Value = http.post(&url).multipart(form).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["errcode"], 0);
    assert_eq!(body["type"], "image");
    assert!(body["media_id"].as_str().is_some_and(|id| !id.is_empty()));
}

fn crop(media_id: &str) -> ModifyheadimageRequest {
    ModifyheadimageRequest { head_img_media_id: media_id.to_owned(), x1: "0".into(), y1: "0".into(), x2: "1".into(), y2: "1".into() }
}

#[tokio::test]
async fn the_avatar_needs_a_valid_own_image_and_has_a_yearly_quota() {
    let (sim, client, aat_s) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat_s);
    let media = upload_image(&client, &aat_s, "head.png", png(4096)).await;
    client.modifyheadimage(aat, &crop(&media)).await.unwrap();
    let head = client.getaccountbasicinfo(aat).await.unwrap().head_image_info.unwrap();
    assert!(head.head_image_url.starts_with("https://"));
    assert_eq!((head.modify_used_count, head.modify_quota), (1, 5));

    assert_eq!(errcode(client.modifyheadimage(aat, &crop("")).await), 41006);
    assert_eq!(errcode(client.modifyheadimage(aat, &crop("nosuchmedia")).await), 46001);
    let other_aat = support::authorized_app(&sim, "wx00000000000000b2", ALL_PERMS);
    let others = upload_image(&client, &other_aat, "head.png", png(100)).await;
    assert_eq!(errcode(client.modifyheadimage(aat, &crop(&others)).await), 40007, "another account's media");
    let big = upload_image(&client, &aat_s, "big.png", png(3 * 1024 * 1024)).await;
    assert_eq!(errcode(client.modifyheadimage(aat, &crop(&big)).await), 40009, "avatars are at most 2 MB");
    let bad_box = ModifyheadimageRequest { x1: "0.8".into(), x2: "0.2".into(), ..crop(&media) };
    assert_eq!(errcode(client.modifyheadimage(aat, &bad_box).await), 40097);
    for _ in 0..4 {
        client.modifyheadimage(aat, &crop(&media)).await.unwrap();
    }
    assert_eq!(errcode(client.modifyheadimage(aat, &crop(&media)).await), 53202, "five a year");

    // Media expire after three days.
    let fresh = upload_image(&client, &aat_s, "head.png", png(100)).await;
    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().profile.head_image_changes.clear());
    advance(&sim, 3 * 86_400);
    let aat = support::authorized_app(&sim, APPID, ALL_PERMS); // the old token expired meanwhile
    assert_eq!(errcode(client.modifyheadimage(AuthorizerToken(&aat), &crop(&fresh)).await), 46001);
}

#[tokio::test]
async fn the_signature_has_rules_and_a_monthly_quota() {
    let (_sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    let sig = |s: &str| ModifysignatureRequest { signature: s.to_owned() };
    assert_eq!(errcode(client.modifysignature(aat, &sig("短")).await), 40097);
    assert_eq!(errcode(client.modifysignature(aat, &sig(&"长".repeat(121))).await), 40097);
    assert_eq!(errcode(client.modifysignature(aat, &sig("本店提供赌博服务")).await), 53201);
    client.modifysignature(aat, &sig("社区里的家常菜馆")).await.unwrap();
    let info = client.getaccountbasicinfo(aat).await.unwrap().signature_info.unwrap();
    assert_eq!((info.signature.as_str(), info.modify_used_count, info.modify_quota), ("社区里的家常菜馆", 1, 5));
    for i in 0..4 {
        client.modifysignature(aat, &sig(&format!("社区里的家常菜馆 {i}"))).await.unwrap();
    }
    assert_eq!(errcode(client.modifysignature(aat, &sig("社区里的家常菜馆 again")).await), 53200);
}

#[tokio::test]
async fn search_status_is_0_or_1_and_needs_set_18() {
    let (sim, client, aat) = setup(ALL_PERMS).await;
    let aat = AuthorizerToken(&aat);
    assert_eq!(client.getwxasearchstatus(aat).await.unwrap().status, 0);
    client.changewxasearchstatus(aat, &ChangewxasearchstatusRequest { status: 1 }).await.unwrap();
    assert_eq!(client.getwxasearchstatus(aat).await.unwrap().status, 1);
    assert_eq!(errcode(client.changewxasearchstatus(aat, &ChangewxasearchstatusRequest { status: 2 }).await), 85084);
    sim.sim.with_world(|w, _| w.apps.get_mut(APPID).unwrap().profile.search_banned = true);
    assert_eq!(errcode(client.changewxasearchstatus(aat, &ChangewxasearchstatusRequest { status: 0 }).await), 85083);
    let only_basic = support::authorized_app(&sim, "wx00000000000000c3", &[30]);
    assert_eq!(errcode(client.getwxasearchstatus(AuthorizerToken(&only_basic)).await), 61007);
}

#[tokio::test]
async fn basic_info_needs_permission_set_30() {
    let (sim, client, _) = setup(ALL_PERMS).await;
    let aat = support::authorized_app(&sim, "wx00000000000000c3", &[18]);
    let aat = AuthorizerToken(&aat);
    assert_eq!(errcode(client.setnickname(aat, &nick("好味小馆")).await), 61007);
    assert_eq!(errcode(client.getaccountbasicinfo(aat).await), 61007);
    assert_eq!(errcode(client.modifysignature(aat, &ModifysignatureRequest { signature: "社区里的家常菜馆".into() }).await), 61007);
}

#[tokio::test]
async fn raw_http_setnickname_and_account_info_by_get_and_post() {
    let (sim, _client, aat) = setup(ALL_PERMS).await;
    let http = reqwest::Client::new();
    let base = sim.base_url().to_string();
    let body: serde_json::Value = http
        .post(format!("{base}wxa/setnickname?access_token={aat}"))
        .header("content-type", "application/json")
        .body(r#"{"nick_name":"街角面包房"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["errcode"], 0);
    assert_eq!(body["errmsg"], "ok");
    let bad: serde_json::Value =
        http.post(format!("{base}wxa/setnickname?access_token={aat}")).body(r#"{"nick_name":"#).send().await.unwrap().json().await.unwrap();
    assert_eq!(bad["errcode"], 47001);
    assert!(bad["errmsg"].as_str().unwrap().contains("rid:"));
    for request in [
        http.get(format!("{base}cgi-bin/account/getaccountbasicinfo?access_token={aat}")),
        http.post(format!("{base}cgi-bin/account/getaccountbasicinfo?access_token={aat}")),
    ] {
        let info: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
        assert_eq!(info["errcode"], 0);
        assert_eq!(info["nickname"], "街角面包房");
        assert_eq!(info["nickname_info"]["modify_used_count"], 1);
        assert_eq!(info["signature_info"]["modify_quota"], 5);
        assert_eq!(info["head_image_info"]["modify_quota"], 5);
        assert_eq!(info["principal_type"], 1);
    }
    let status: serde_json::Value =
        http.get(format!("{base}wxa/getwxasearchstatus?access_token={aat}")).send().await.unwrap().json().await.unwrap();
    assert_eq!((status["errcode"].as_i64(), status["status"].as_i64()), (Some(0), Some(0)));
}
