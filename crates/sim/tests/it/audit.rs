//! Audit (reference §8, §2.2): submit_audit and what it requires, outcomes in virtual time (default,
//! scripted, manual, every n-th), their pushes, status queries, undo, speed-up, quota, media.

use serde_json::{json, Value};
use wechat::api::audit::{AuditItem, AuditStatus, GetAuditstatusRequest, PreviewInfo, SpeedupauditRequest, SubmitAuditRequest};
use wechat::api::Upload;
use wechat::xml::Event;
use wechat::AuthorizerToken;
use wxfleet_sim::world::code::calendar::month_key;
use wxfleet_sim::{AuditDefault, SimConfig};

use crate::code::{
    admin, advance, commit, errcode, make_ready, new_template, set_privacy_guide, setup, setup_with, submission, Fixture, APPID, SHOP_PAGES,
};
use crate::support::{self, Receiver};

async fn status(fx: &Fixture, auditid: i64) -> AuditStatus {
    fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid }).await.unwrap().status
}

/// A ready mini program with committed code whose privacy scan is done.
async fn committed(fx: &Fixture) -> i64 {
    let template_id = new_template(fx, "1.0.0", SHOP_PAGES, &["UserInfo"]).await;
    make_ready(fx, &["UserInfo"]).await;
    commit(fx, template_id, "1.0.0").await;
    advance(&fx.sim, 60);
    template_id
}

/// A small real PNG.
fn screenshot_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(36, 64, image::Rgb([240, 240, 240])).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn submit(fx: &Fixture) -> i64 {
    fx.client.submit_audit(fx.aat(), &submission()).await.expect("submit_audit").auditid
}

#[tokio::test]
async fn an_audit_passes_after_the_configured_time() {
    // Checks leave virtual-time margins of tens of seconds: the clock is real time plus an offset,
    // so a slow test run must not cross a deadline by itself.
    let fx = setup_with(SimConfig { audit_after_secs: 100, ..SimConfig::default() }).await;
    committed(&fx).await;
    let before = fx.client.queryquota(fx.aat()).await.unwrap();
    let auditid = submit(&fx).await;
    assert_eq!(status(&fx, auditid).await, AuditStatus::UnderReview);
    assert_eq!(fx.client.queryquota(fx.aat()).await.unwrap().rest, before.rest - 1);
    advance(&fx.sim, 50);
    assert_eq!(status(&fx, auditid).await, AuditStatus::UnderReview);
    advance(&fx.sim, 50);
    let answer = fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid }).await.unwrap();
    assert_eq!((answer.status, answer.reason, answer.screenshot), (AuditStatus::Passed, None, None));
    let latest = fx.client.get_latest_auditstatus(fx.aat()).await.unwrap();
    assert_eq!((latest.auditid, latest.status), (auditid, AuditStatus::Passed));
    assert_eq!(latest.user_version.as_deref(), Some("1.0.0"));
    assert!(latest.submit_audit_time.is_some());
}

#[tokio::test]
async fn submit_audit_requires_what_wechat_requires() {
    let fx = setup().await;
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 85086);
    assert_eq!(errcode(fx.client.get_latest_auditstatus(fx.aat()).await), 86001);
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    commit(&fx, template_id, "1.0.0").await;
    // The privacy scan of fresh code takes a minute.
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 61039);
    advance(&fx.sim, 60);
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 85008);
    make_ready(&fx, &[]).await;

    let item = submission().item_list[0].clone();
    let with_items = |items: Vec<AuditItem>| SubmitAuditRequest { item_list: items, ..submission() };
    let cases = [
        (with_items(vec![item.clone(); 6]), 85023),
        (with_items(vec![AuditItem::default()]), 85010),
        (with_items(vec![AuditItem { address: Some("pages/none/none".into()), ..item.clone() }]), 85007),
        (with_items(vec![AuditItem { tag: Some("一 二 三 四 五 六 七 八 九 十 十一".into()), ..item.clone() }]), 85006),
        (with_items(vec![AuditItem { title: Some("很".repeat(33)), ..item.clone() }]), 85011),
        (with_items(vec![AuditItem { first_id: Some(304), second_id: Some(305), ..item.clone() }]), 85077),
        (SubmitAuditRequest { feedback_info: Some("长".repeat(201)), ..submission() }, 40097),
        (
            SubmitAuditRequest {
                preview_info: Some(PreviewInfo { pic_id_list: vec!["nope".into()], video_id_list: vec![] }),
                ..submission()
            },
            85092,
        ),
    ];
    for (req, expected) in cases {
        assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &req).await), expected, "{req:?}");
    }
    assert_eq!(errcode(fx.client.get_latest_auditstatus(fx.aat()).await), 85058);

    // A mini program without a name cannot be submitted.
    fx.sim.sim.with_world(|w, _| w.app_mut(APPID).unwrap().nickname.clear());
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 86002);
    fx.sim.sim.with_world(|w, _| w.app_mut(APPID).unwrap().nickname = "好味小店".into());

    // No items at all is accepted (the mini program's categories are used).
    let auditid = fx.client.submit_audit(fx.aat(), &SubmitAuditRequest::default()).await.unwrap().auditid;
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 85009);
    assert_eq!(errcode(fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid: auditid + 1000 }).await), 85012);
    // Without permission set 18.
    let other = support::authorized_app(&fx.sim, "wx0000000000code09", &[17, 30]);
    assert_eq!(errcode(fx.client.submit_audit(AuthorizerToken(&other), &submission()).await), 61007);
}

#[tokio::test]
async fn a_privacy_guide_that_misses_a_used_key_gets_the_audit_rejected() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &["UserInfo", "Location"]).await;
    make_ready(&fx, &["UserInfo"]).await;
    commit(&fx, template_id, "1.0.0").await;
    advance(&fx.sim, 60);
    // Declaring unused privacy *interfaces* does not fill the guide.
    let auditid =
        fx.client.submit_audit(fx.aat(), &SubmitAuditRequest { privacy_api_not_use: Some(true), ..submission() }).await.unwrap().auditid;
    advance(&fx.sim, 5);
    let answer = fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid }).await.unwrap();
    assert_eq!(answer.status, AuditStatus::Rejected);
    let reason = answer.reason.unwrap();
    assert!(
        reason.contains("请通过接口完善【用户隐私保护指引】后再重新提审") && reason.contains("Location") && reason.contains("<br>"),
        "{reason}"
    );
    assert_eq!(answer.screenshot.unwrap().split('|').count(), 2);

    // With the guide completed, the next audit passes.
    set_privacy_guide(&fx, &["UserInfo", "Location"]).await;
    let auditid =
        fx.client.submit_audit(fx.aat(), &SubmitAuditRequest { privacy_api_not_use: Some(true), ..submission() }).await.unwrap().auditid;
    advance(&fx.sim, 5);
    assert_eq!(status(&fx, auditid).await, AuditStatus::Passed);
}

#[tokio::test]
async fn location_apis_without_a_grant_are_61040_unless_declared_unused() {
    let fx = setup().await;
    let template_id = new_template(&fx, "1.3.0", SHOP_PAGES, &["Location"]).await;
    make_ready(&fx, &["Location"]).await;
    commit(&fx, template_id, "1.3.0").await;
    advance(&fx.sim, 60);
    let refused = fx.client.submit_audit(fx.aat(), &submission()).await;
    let Err(wechat::Error::Api(e)) = refused else { panic!("expected 61040, got {refused:?}") };
    assert_eq!(e.errcode, 61040);
    assert!(e.errmsg.contains("wx.getLocation") && e.errmsg.contains("privacy_api_not_use"), "{}", e.errmsg);
    let auditid =
        fx.client.submit_audit(fx.aat(), &SubmitAuditRequest { privacy_api_not_use: Some(true), ..submission() }).await.unwrap().auditid;
    advance(&fx.sim, 5);
    assert_eq!(status(&fx, auditid).await, AuditStatus::Passed);
}

#[tokio::test]
async fn scripted_outcomes_fail_then_delay_then_pass_and_are_pushed() {
    let fx = setup().await;
    let receiver = Receiver::start(&fx.sim).await;
    committed(&fx).await;
    let (code, rules) =
        admin(&fx.sim, "audit-rules", json!({"authorizer_appid": APPID, "outcomes": ["fail", "delay"], "after_secs": 60})).await;
    assert_eq!(code, 200);
    assert_eq!(rules["per_app"][APPID]["outcomes"], json!(["fail", "delay"]));

    let first = submit(&fx).await;
    advance(&fx.sim, 30);
    assert_eq!(status(&fx, first).await, AuditStatus::UnderReview);
    advance(&fx.sim, 30);
    let failed = fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid: first }).await.unwrap();
    assert_eq!(failed.status, AuditStatus::Rejected);
    assert!(failed.reason.as_deref().unwrap().contains("<br>"));
    let screenshots: Vec<String> = failed.screenshot.unwrap().split('|').map(str::to_owned).collect();

    let original_id = fx.sim.sim.with_world(|w, _| w.app(APPID).unwrap().original_id.clone());
    let (path, xml, event) = receiver.wait_for_xml(|e| matches!(e, Event::WeappAuditFail(_))).await;
    assert_eq!(path, format!("/msg/{APPID}"), "$APPID$ is replaced");
    assert!(xml.contains(&format!("<ToUserName><![CDATA[{original_id}]]></ToUserName>")), "{xml}");
    assert!(xml.contains("<Event><![CDATA[weapp_audit_fail]]></Event>"), "{xml}");
    let Event::WeappAuditFail(fail) = event else { unreachable!() };
    assert_eq!(fail.header.to_user_name, original_id);
    assert_eq!(fail.screen_shot, screenshots);
    assert!(fail.reason.contains("<br>"));

    let second = submit(&fx).await;
    advance(&fx.sim, 60);
    let delayed = fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid: second }).await.unwrap();
    assert_eq!(delayed.status, AuditStatus::Delayed);
    assert!(delayed.reason.is_some());
    // Still pending: another submission is refused.
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 85009);
    advance(&fx.sim, 60);
    assert_eq!(status(&fx, second).await, AuditStatus::Passed);
    let (_, _, delay) = receiver.wait_for_xml(|e| matches!(e, Event::WeappAuditDelay(_))).await;
    let Event::WeappAuditDelay(delay) = delay else { unreachable!() };
    assert_eq!(Some(delay.reason), delayed.reason);
    let (_, _, event) = receiver.wait_for_xml(|e| matches!(e, Event::WeappAuditSuccess(_))).await;
    assert_eq!(event.message_header().unwrap().to_user_name, original_id);
}

#[tokio::test]
async fn a_manual_audit_waits_for_the_admin() {
    let mut fx = setup_with(SimConfig { audit_default: AuditDefault::Manual, ..SimConfig::default() }).await;
    let receiver = Receiver::start(&fx.sim).await;
    committed(&fx).await;
    let (code, _) = admin(&fx.sim, "audit", json!({"authorizer_appid": APPID, "result": "pass"})).await;
    assert_eq!(code, 409, "nothing to decide yet");

    let first = submit(&fx).await;
    advance(&fx.sim, 86_400);
    fx.renew_tokens();
    assert_eq!(status(&fx, first).await, AuditStatus::UnderReview);
    let (code, answer) = admin(&fx.sim, "audit", json!({"authorizer_appid": APPID, "result": "fail", "reason": "1:页面空白<br>"})).await;
    assert_eq!((code, answer["auditid"].as_i64(), answer["status"].as_i64()), (200, Some(first), Some(1)));
    let failed = fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid: first }).await.unwrap();
    assert_eq!(failed.reason.as_deref(), Some("1:页面空白<br>"));
    let (_, _, event) = receiver.wait_for_xml(|e| matches!(e, Event::WeappAuditFail(_))).await;
    let Event::WeappAuditFail(fail) = event else { unreachable!() };
    assert_eq!(fail.reason, "1:页面空白<br>");

    let second = submit(&fx).await;
    let (code, _) = admin(&fx.sim, "audit", json!({"authorizer_appid": APPID, "result": "delay"})).await;
    assert_eq!(code, 200);
    assert_eq!(status(&fx, second).await, AuditStatus::Delayed);
    advance(&fx.sim, 5);
    assert_eq!(status(&fx, second).await, AuditStatus::Passed);

    let (code, _) = admin(&fx.sim, "audit", json!({"authorizer_appid": "wx_nobody", "result": "pass"})).await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn every_nth_submission_fails_and_a_default_cycle_applies_to_everyone() {
    let fx = setup().await;
    committed(&fx).await;
    let (code, rules) = admin(&fx.sim, "audit-rules", json!({"fail_every_nth": 2})).await;
    assert_eq!((code, rules["fail_every_nth"].as_u64()), (200, Some(2)));
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let auditid = submit(&fx).await;
        advance(&fx.sim, 5);
        outcomes.push(status(&fx, auditid).await);
    }
    assert_eq!(outcomes, [AuditStatus::Passed, AuditStatus::Rejected, AuditStatus::Passed, AuditStatus::Rejected]);

    let (_, rules) = admin(&fx.sim, "audit-rules", json!({"fail_every_nth": null, "outcomes": ["delay"], "after_secs": 60})).await;
    assert_eq!(rules["fail_every_nth"], Value::Null);
    let auditid = submit(&fx).await;
    advance(&fx.sim, 60);
    assert_eq!(status(&fx, auditid).await, AuditStatus::Delayed);
    advance(&fx.sim, 60);
    assert_eq!(status(&fx, auditid).await, AuditStatus::Passed);
}

#[tokio::test]
async fn undo_withdraws_five_times_a_day_and_ten_a_month() {
    let mut fx = setup_with(SimConfig { audit_default: AuditDefault::Manual, ..SimConfig::default() }).await;
    committed(&fx).await;
    assert_eq!(errcode(fx.client.undocodeaudit(fx.aat()).await), 87012, "nothing under review");
    // Start at the beginning of a Beijing month, so the ten withdrawals below share one month.
    let month = fx.sim.sim.with_world(|_, now| month_key(now));
    while fx.sim.sim.with_world(|_, now| month_key(now)) == month {
        advance(&fx.sim, 86_400);
    }
    fx.renew_tokens();
    for day in 0..2 {
        for _ in 0..5 {
            let auditid = submit(&fx).await;
            fx.client.undocodeaudit(fx.aat()).await.unwrap();
            assert_eq!(status(&fx, auditid).await, AuditStatus::Withdrawn);
        }
        submit(&fx).await;
        assert_eq!(errcode(fx.client.undocodeaudit(fx.aat()).await), 87013, "day {day}");
        let (code, _) = admin(&fx.sim, "audit", json!({"authorizer_appid": APPID, "result": "fail"})).await;
        assert_eq!(code, 200);
        advance(&fx.sim, 86_400);
        fx.renew_tokens();
    }
    // A new day, but the month's ten are used.
    submit(&fx).await;
    assert_eq!(errcode(fx.client.undocodeaudit(fx.aat()).await), 87013);
}

#[tokio::test]
async fn speedup_shortens_the_wait_once_and_uses_the_platform_budget() {
    let fx = setup_with(SimConfig { audit_after_secs: 1000, ..SimConfig::default() }).await;
    committed(&fx).await;
    assert_eq!(errcode(fx.client.speedupaudit(fx.aat(), &SpeedupauditRequest { auditid: 1 }).await), 89402);
    let auditid = submit(&fx).await;
    advance(&fx.sim, 100);
    let before = fx.client.queryquota(fx.aat()).await.unwrap();
    fx.client.speedupaudit(fx.aat(), &SpeedupauditRequest { auditid }).await.unwrap();
    assert_eq!(fx.client.queryquota(fx.aat()).await.unwrap().speedup_rest, before.speedup_rest - 1);
    assert_eq!(errcode(fx.client.speedupaudit(fx.aat(), &SpeedupauditRequest { auditid }).await), 89404);
    // At most 900 s were left; now at most 450.
    advance(&fx.sim, 400);
    assert_eq!(status(&fx, auditid).await, AuditStatus::UnderReview);
    advance(&fx.sim, 50);
    assert_eq!(status(&fx, auditid).await, AuditStatus::Passed);
    assert_eq!(errcode(fx.client.speedupaudit(fx.aat(), &SpeedupauditRequest { auditid }).await), 89402);

    let (code, _) = admin(&fx.sim, "code-limits", json!({"speedup_limit": 0})).await;
    assert_eq!(code, 200);
    let auditid = submit(&fx).await;
    assert_eq!(errcode(fx.client.speedupaudit(fx.aat(), &SpeedupauditRequest { auditid }).await), 89405);
}

#[tokio::test]
async fn the_monthly_quota_is_shared_by_the_platform_s_mini_programs() {
    let fx = setup().await;
    committed(&fx).await;
    let (code, limits) = admin(&fx.sim, "code-limits", json!({"audit_quota_limit": 2})).await;
    assert_eq!((code, limits["audit_quota"]["limit"].as_i64()), (200, Some(2)));
    let other = support::authorized_app(&fx.sim, "wx0000000000code03", &[18]);
    let quota = fx.client.queryquota(AuthorizerToken(&other)).await.unwrap();
    assert_eq!((quota.rest, quota.limit), (2, 2));

    submit(&fx).await;
    advance(&fx.sim, 5);
    submit(&fx).await;
    advance(&fx.sim, 5);
    assert_eq!(fx.client.queryquota(AuthorizerToken(&other)).await.unwrap().rest, 0);
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &submission()).await), 85085);
}

#[tokio::test]
async fn preview_media_upload_and_use() {
    let fx = setup().await;
    committed(&fx).await;
    let image = Upload { file_name: "shot.png".into(), content_type: "image/png".into(), bytes: screenshot_png() };
    let pic = fx.client.uploadmedia(fx.aat(), image).await.unwrap();
    assert_eq!(pic.r#type, "image");
    let video = Upload { file_name: "demo.mp4".into(), content_type: "video/mp4".into(), bytes: vec![0; 3 * 1024 * 1024] };
    let video = fx.client.uploadmedia(fx.aat(), video).await.unwrap();
    assert_eq!(video.r#type, "video");
    let text = Upload { file_name: "notes.txt".into(), content_type: "text/plain".into(), bytes: b"hello".to_vec() };
    assert_eq!(errcode(fx.client.uploadmedia(fx.aat(), text).await), 40005);
    let big = Upload { file_name: "big.png".into(), content_type: "image/png".into(), bytes: vec![0; 2 * 1024 * 1024 + 1] };
    assert_eq!(errcode(fx.client.uploadmedia(fx.aat(), big).await), 40006);

    let swapped = PreviewInfo { pic_id_list: vec![video.mediaid.clone()], video_id_list: vec![] };
    assert_eq!(errcode(fx.client.submit_audit(fx.aat(), &SubmitAuditRequest { preview_info: Some(swapped), ..submission() }).await), 85092);
    let preview = PreviewInfo { pic_id_list: vec![pic.mediaid], video_id_list: vec![video.mediaid] };
    fx.client.submit_audit(fx.aat(), &SubmitAuditRequest { preview_info: Some(preview), ..submission() }).await.unwrap();

    // A request without the multipart field.
    let url = fx.url(&format!("/wxa/uploadmedia?access_token={}", fx.aat));
    let answer: Value = reqwest::Client::new().post(url).body("not multipart").send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 41005);
}

#[tokio::test]
async fn raw_http_submit_and_status() {
    let fx = setup().await;
    committed(&fx).await;
    let http = reqwest::Client::new();
    let submit_url = fx.url(&format!("/wxa/submit_audit?access_token={}", fx.aat));
    let body = r#"{"item_list":[{"address":"pages/index/index","tag":"商城","first_class":"工具","second_class":"效率","first_id":287,"second_id":290,"title":"首页"}],"version_desc":"raw"}"#;
    let answer: Value = http.post(&submit_url).body(body).send().await.unwrap().json().await.unwrap();
    assert_eq!((answer["errcode"].as_i64(), answer["errmsg"].as_str()), (Some(0), Some("ok")), "{answer}");
    let auditid = answer["auditid"].as_i64().unwrap();

    let status_url = fx.url(&format!("/wxa/get_auditstatus?access_token={}", fx.aat));
    let answer: Value = http.post(&status_url).body(format!(r#"{{"auditid":{auditid}}}"#)).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok", "status": 2}));
    let answer: Value = http.post(&status_url).body("{\"auditid\":\"x\"}").send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 47001);
    let quota: Value = http.get(fx.url(&format!("/wxa/queryquota?access_token={}", fx.aat))).send().await.unwrap().json().await.unwrap();
    assert_eq!((quota["rest"].as_i64(), quota["limit"].as_i64(), quota["speedup_limit"].as_i64()), (Some(999), Some(1000), Some(3)));
    let undo: Value = http.post(fx.url(&format!("/wxa/undocodeaudit?access_token={}", fx.aat))).send().await.unwrap().json().await.unwrap();
    assert_eq!(undo["errcode"], 43001);
    let undo: Value = http.get(fx.url(&format!("/wxa/undocodeaudit?access_token={}", fx.aat))).send().await.unwrap().json().await.unwrap();
    assert_eq!(undo, json!({"errcode": 0, "errmsg": "ok"}));
}
