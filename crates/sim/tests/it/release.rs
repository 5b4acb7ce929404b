//! Release (reference §8): release, revert and history, gray release, visit status, version info,
//! base library version — and the whole code lifecycle end to end.

use serde_json::{json, Value};
use wechat::api::audit::{AuditStatus, GetAuditstatusRequest};
use wechat::api::code::CommitRequest;
use wechat::api::release::{
    ChangeVisitstatusRequest, GrayReleaseStatus, GrayreleaseRequest, RevertcodereleaseRequest, SetweappsupportversionRequest, VisitAction,
    VisitStatus,
};
use wechat::api::template::AddtotemplateRequest;
use wechat::xml::Event;

use crate::code::{
    admin, advance, commit, errcode, make_ready, new_template, passed_version, setup, shop_ext, submission, upload_draft, Fixture, APPID,
    SHOP_PAGES,
};
use crate::support::Receiver;

fn gray(pct: i64) -> GrayreleaseRequest {
    GrayreleaseRequest { gray_percentage: pct, support_experiencer_first: None, support_debuger_first: None }
}

async fn live_version(fx: &Fixture) -> Option<String> {
    fx.client.getversioninfo(fx.aat()).await.unwrap().release_info.map(|r| r.release_version)
}

#[tokio::test]
async fn the_whole_code_lifecycle() {
    let fx = setup().await;
    let receiver = Receiver::start(&fx.sim).await;
    make_ready(&fx, &["UserInfo"]).await;

    // DevTools upload → draft box → template library.
    let draft_id = upload_draft(&fx.sim, "1.0.0", SHOP_PAGES, &["UserInfo"]).await;
    fx.client.addtotemplate(fx.cat(), &AddtotemplateRequest { draft_id, template_type: None }).await.unwrap();
    let templates = fx.client.gettemplatelist(fx.cat(), &Default::default()).await.unwrap().template_list;
    let v1_template = templates.iter().find(|t| t.draft_id == Some(draft_id)).unwrap().template_id;

    // Commit → submit → pass → release.
    fx.client.commit(fx.aat(), &CommitRequest::new(v1_template, &shop_ext(APPID), "1.0.0", "首发")).await.unwrap();
    advance(&fx.sim, 60);
    let first = fx.client.submit_audit(fx.aat(), &submission()).await.unwrap().auditid;
    advance(&fx.sim, 5);
    assert_eq!(fx.client.get_auditstatus(fx.aat(), &GetAuditstatusRequest { auditid: first }).await.unwrap().status, AuditStatus::Passed);
    let (_, _, pushed) = receiver.wait_for_xml(|e| matches!(e, Event::WeappAuditSuccess(_))).await;
    assert_eq!(pushed.message_header().unwrap().to_user_name, fx.sim.sim.with_world(|w, _| w.app(APPID).unwrap().original_id.clone()));
    let live_guide = wechat::api::privacy::GetprivacysettingRequest { privacy_ver: Some(1) };
    assert!(fx.client.getprivacysetting(fx.aat(), &live_guide).await.unwrap().setting_list.is_empty(), "no live guide before a release");
    fx.client.release(fx.aat()).await.unwrap();
    assert_eq!(live_version(&fx).await.as_deref(), Some("1.0.0"));
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85052);
    // The guide the audit checked went live with the code.
    let guide = fx.client.getprivacysetting(fx.aat(), &live_guide).await.unwrap();
    assert_eq!(guide.setting_list.iter().map(|s| s.privacy_key.as_str()).collect::<Vec<_>>(), ["UserInfo"]);

    // Version 2 the same way.
    let v2_template = new_template(&fx, "2.0.0", SHOP_PAGES, &["UserInfo"]).await;
    fx.client.commit(fx.aat(), &CommitRequest::new(v2_template, &shop_ext(APPID), "2.0.0", "新版")).await.unwrap();
    advance(&fx.sim, 60);
    fx.client.submit_audit(fx.aat(), &submission()).await.unwrap();
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85020, "under review");
    advance(&fx.sim, 5);
    fx.client.release(fx.aat()).await.unwrap();
    let info = fx.client.getversioninfo(fx.aat()).await.unwrap();
    assert_eq!(info.release_info.unwrap().release_version, "2.0.0");
    assert_eq!(info.exp_info.unwrap().exp_version, "2.0.0");

    // History lists what one can roll back to; revert goes one step back, once.
    let history = fx.client.get_history_version(fx.aat()).await.unwrap().version_list;
    assert_eq!(history.iter().map(|v| v.user_version.as_str()).collect::<Vec<_>>(), ["1.0.0"]);
    assert_eq!(history[0].user_desc, "首发");
    fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest::default()).await.unwrap();
    assert_eq!(live_version(&fx).await.as_deref(), Some("1.0.0"));
    assert_eq!(errcode(fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest::default()).await), 87012);
    let history = fx.client.get_history_version(fx.aat()).await.unwrap().version_list;
    assert_eq!(history.iter().map(|v| v.user_version.as_str()).collect::<Vec<_>>(), ["2.0.0"]);
    // A specific version from the history is still allowed.
    fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest { app_version: Some(history[0].app_version) }).await.unwrap();
    assert_eq!(live_version(&fx).await.as_deref(), Some("2.0.0"));
}

#[tokio::test]
async fn release_needs_a_passed_version() {
    let fx = setup_with_manual().await;
    make_ready(&fx, &[]).await;
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85019);
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    commit(&fx, template_id, "1.0.0").await;
    advance(&fx.sim, 60);
    fx.client.submit_audit(fx.aat(), &submission()).await.unwrap();
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85020);
    fx.client.undocodeaudit(fx.aat()).await.unwrap();
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85019);
    fx.client.submit_audit(fx.aat(), &submission()).await.unwrap();
    admin(&fx.sim, "audit", json!({"authorizer_appid": APPID, "result": "fail"})).await;
    assert_eq!(errcode(fx.client.release(fx.aat()).await), 85020);
    assert_eq!(errcode(fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest::default()).await), 87012);
    // `{}` is required.
    let url = fx.url(&format!("/wxa/release?access_token={}", fx.aat));
    let answer: Value = reqwest::Client::new().post(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 44002);
}

async fn setup_with_manual() -> Fixture {
    crate::code::setup_with(wxfleet_sim::SimConfig { audit_default: wxfleet_sim::AuditDefault::Manual, ..Default::default() }).await
}

#[tokio::test]
async fn only_the_five_latest_releases_are_kept() {
    let fx = setup().await;
    make_ready(&fx, &[]).await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    for i in 1..=7 {
        passed_version(&fx, template_id, &format!("1.0.{i}")).await;
        fx.client.release(fx.aat()).await.unwrap();
    }
    let history = fx.client.get_history_version(fx.aat()).await.unwrap().version_list;
    let versions: Vec<&str> = history.iter().map(|v| v.user_version.as_str()).collect();
    assert_eq!(versions, ["1.0.3", "1.0.4", "1.0.5", "1.0.6"], "five kept, the live one not listed");
    fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest { app_version: Some(history[0].app_version) }).await.unwrap();
    assert_eq!(live_version(&fx).await.as_deref(), Some("1.0.3"));
    assert_eq!(errcode(fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest { app_version: Some(12_345) }).await), 87012);
    let raw: Value = reqwest::Client::new()
        .get(fx.url(&format!("/wxa/revertcoderelease?access_token={}&action=get_history_version", fx.aat)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["version_list"].as_array().unwrap().len(), 4);
    assert!(raw["version_list"][0]["app_version"].is_i64() && raw["version_list"][0]["commit_time"].is_i64());
}

#[tokio::test]
async fn gray_release_runs_widens_and_ends() {
    let fx = setup().await;
    make_ready(&fx, &[]).await;
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    passed_version(&fx, template_id, "1.0.0").await;
    assert_eq!(errcode(fx.client.grayrelease(fx.aat(), &gray(10)).await), 85079, "nothing live yet");
    fx.client.release(fx.aat()).await.unwrap();
    assert_eq!(errcode(fx.client.grayrelease(fx.aat(), &gray(10)).await), 85080, "no new passed version");
    assert_eq!(fx.client.getgrayreleaseplan(fx.aat()).await.unwrap().gray_release_plan.unwrap().status, GrayReleaseStatus::Initial);

    passed_version(&fx, template_id, "1.1.0").await;
    for pct in [0, 101, -5] {
        assert_eq!(errcode(fx.client.grayrelease(fx.aat(), &gray(pct)).await), 85081, "{pct}");
    }
    fx.client.grayrelease(fx.aat(), &gray(10)).await.unwrap();
    assert_eq!(errcode(fx.client.grayrelease(fx.aat(), &gray(10)).await), 85082);
    fx.client.grayrelease(fx.aat(), &GrayreleaseRequest { support_experiencer_first: Some(true), ..gray(30) }).await.unwrap();
    let plan = fx.client.getgrayreleaseplan(fx.aat()).await.unwrap().gray_release_plan.unwrap();
    assert_eq!((plan.status, plan.gray_percentage, plan.support_experiencer_first), (GrayReleaseStatus::Running, 30, true));
    assert!(plan.create_timestamp > 0);
    assert_eq!(errcode(fx.client.revertcoderelease(fx.aat(), &RevertcodereleaseRequest::default()).await), 87011);

    fx.client.revertgrayrelease(fx.aat()).await.unwrap();
    assert_eq!(fx.client.getgrayreleaseplan(fx.aat()).await.unwrap().gray_release_plan.unwrap().status, GrayReleaseStatus::Deleted);
    assert_eq!(live_version(&fx).await.as_deref(), Some("1.0.0"));

    // A new plan, completed by the full release.
    fx.client.grayrelease(fx.aat(), &gray(50)).await.unwrap();
    fx.client.release(fx.aat()).await.unwrap();
    assert_eq!(fx.client.getgrayreleaseplan(fx.aat()).await.unwrap().gray_release_plan.unwrap().status, GrayReleaseStatus::Done);
    assert_eq!(live_version(&fx).await.as_deref(), Some("1.1.0"));
}

#[tokio::test]
async fn visit_status_closes_and_opens_the_live_version() {
    let fx = setup().await;
    make_ready(&fx, &[]).await;
    let close = ChangeVisitstatusRequest { action: VisitAction::Close };
    assert_eq!(errcode(fx.client.change_visitstatus(fx.aat(), &close).await), 85021);
    let template_id = new_template(&fx, "1.0.0", SHOP_PAGES, &[]).await;
    passed_version(&fx, template_id, "1.0.0").await;
    fx.client.release(fx.aat()).await.unwrap();
    assert_eq!(fx.client.getvisitstatus(fx.aat()).await.unwrap().status, VisitStatus::Serving);
    fx.client.change_visitstatus(fx.aat(), &close).await.unwrap();
    assert_eq!(fx.client.getvisitstatus(fx.aat()).await.unwrap().status, VisitStatus::Paused);
    fx.client.change_visitstatus(fx.aat(), &ChangeVisitstatusRequest { action: VisitAction::Open }).await.unwrap();
    assert_eq!(fx.client.getvisitstatus(fx.aat()).await.unwrap().status, VisitStatus::Serving);

    let http = reqwest::Client::new();
    let url = fx.url(&format!("/wxa/change_visitstatus?access_token={}", fx.aat));
    let answer: Value = http.post(&url).body(r#"{"action":"pause"}"#).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 85022);
    let answer: Value = http.post(&url).body(r#"{"action":"close"}"#).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok"}));
    let answer: Value =
        http.post(fx.url(&format!("/wxa/getvisitstatus?access_token={}", fx.aat))).body("{}").send().await.unwrap().json().await.unwrap();
    assert_eq!(answer, json!({"errcode": 0, "errmsg": "ok", "status": 0}));
}

#[tokio::test]
async fn the_minimum_base_library_version() {
    let fx = setup().await;
    let answer = fx.client.getweappsupportversion(fx.aat()).await.unwrap();
    assert_eq!(answer.now_version, "2.21.0");
    let total: f64 = answer.uv_info.items.iter().map(|i| i.percentage).sum();
    assert!((total - 100.0).abs() < 1e-6);
    fx.client.setweappsupportversion(fx.aat(), &SetweappsupportversionRequest { version: "2.30.0".into() }).await.unwrap();
    assert_eq!(fx.client.getweappsupportversion(fx.aat()).await.unwrap().now_version, "2.30.0");
    for bad in ["2.30", "9.0.0", "abc"] {
        let req = SetweappsupportversionRequest { version: bad.into() };
        assert_eq!(errcode(fx.client.setweappsupportversion(fx.aat(), &req).await), 89014, "{bad}");
    }
}
