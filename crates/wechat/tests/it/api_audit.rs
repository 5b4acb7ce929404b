//! Audit (reference §8) against recorded exchanges.

use wechat::api::audit::{
    AuditItem, AuditStatus, GetAuditstatusRequest, GetLatestAuditstatusResponse, PreviewInfo, SpeedupauditRequest, SubmitAuditRequest,
    UgcDeclare,
};
use wechat::api::Upload;
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AAT");

/// The request of the official submit_audit example.
fn documented_submission() -> SubmitAuditRequest {
    SubmitAuditRequest {
        item_list: vec![
            AuditItem {
                address: Some("index".into()),
                tag: Some("学习 生活".into()),
                first_class: Some("文娱".into()),
                second_class: Some("资讯".into()),
                first_id: Some(1),
                second_id: Some(2),
                title: Some("首页".into()),
                ..AuditItem::default()
            },
            AuditItem {
                address: Some("page/logs/logs".into()),
                tag: Some("学习 工作".into()),
                first_class: Some("教育".into()),
                second_class: Some("学历教育".into()),
                third_class: Some("高等".into()),
                first_id: Some(3),
                second_id: Some(4),
                third_id: Some(5),
                title: Some("日志".into()),
            },
        ],
        feedback_info: Some("blablabla".into()),
        feedback_stuff: Some("xx|yy|zz".into()),
        version_desc: Some("blablabla".into()),
        preview_info: Some(PreviewInfo {
            video_id_list: vec!["xxxx".into()],
            pic_id_list: vec!["xxxx".into(), "yyyy".into(), "zzzz".into()],
        }),
        ugc_declare: Some(UgcDeclare {
            scene: vec![1, 2],
            method: vec![1],
            has_audit_team: Some(1),
            audit_desc: Some("blablabla".into()),
            ..UgcDeclare::default()
        }),
        ..SubmitAuditRequest::default()
    }
}

#[tokio::test]
async fn submit_audit_returns_the_auditid() {
    let (client, server) = fixture::serve("audit/submit_audit").await;
    let answer = client.submit_audit(AAT, &documented_submission()).await.unwrap();
    assert_eq!(answer.auditid, 1234567);
    server.finish();
}

#[tokio::test]
async fn submit_audit_while_one_is_under_review_is_85009() {
    let (client, server) = fixture::serve("audit/submit_audit_85009").await;
    let request = SubmitAuditRequest {
        item_list: vec![AuditItem {
            address: Some("pages/index/index".into()),
            tag: Some("工具".into()),
            first_class: Some("工具".into()),
            second_class: Some("效率".into()),
            first_id: Some(287),
            second_id: Some(616),
            title: Some("首页".into()),
            ..AuditItem::default()
        }],
        version_desc: Some("v2".into()),
        privacy_api_not_use: Some(true),
        order_path: Some("pages/order/list".into()),
        ..SubmitAuditRequest::default()
    };
    let err = client.submit_audit(AAT, &request).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 85009);
    assert_eq!(api.path, "/wxa/submit_audit");
    assert_eq!(api.rid(), Some("6489b1c2-1d2e3f4a-5b6c7d8e"));
    assert_eq!(err.class(), ErrorClass::Final);
    server.finish();
}

#[test]
fn submit_audit_leaves_out_what_is_not_set() {
    let body = serde_json::to_value(SubmitAuditRequest::default()).unwrap();
    assert_eq!(body, serde_json::json!({}));
}

#[tokio::test]
async fn get_auditstatus_decodes_a_rejection() {
    let (client, server) = fixture::serve("audit/get_auditstatus").await;
    let answer = client.get_auditstatus(AAT, &GetAuditstatusRequest { auditid: 1234567 }).await.unwrap();
    assert_eq!(answer.status, AuditStatus::Rejected);
    assert_eq!(answer.reason.as_deref(), Some("帐号信息不合规范"));
    assert_eq!(answer.screenshot.as_deref(), Some("xxx|yyy|zzz"));
    server.finish();
}

#[tokio::test]
async fn get_latest_auditstatus_accepts_the_screenshot_spelled_screen_shot() {
    let (client, server) = fixture::serve("audit/get_latest_auditstatus").await;
    let answer = client.get_latest_auditstatus(AAT).await.unwrap();
    assert_eq!(answer.auditid, 1234567);
    assert_eq!(answer.status, AuditStatus::Rejected);
    assert_eq!(answer.reason.as_deref(), Some("帐号信息不合规范"));
    assert_eq!(answer.screenshot.as_deref(), Some("xx|yy|zz"));
    assert_eq!(answer.user_version.as_deref(), Some("V1.5"));
    assert_eq!(answer.user_desc.as_deref(), Some("test"));
    assert_eq!(answer.submit_audit_time, Some(1640763673));
    server.finish();
}

#[tokio::test]
async fn get_latest_auditstatus_keeps_an_unknown_status() {
    let (client, server) = fixture::serve("audit/get_latest_auditstatus_unknown_status").await;
    let answer = client.get_latest_auditstatus(AAT).await.unwrap();
    assert_eq!(answer.status, AuditStatus::Other(9));
    assert_eq!(answer.screenshot.as_deref(), Some(""));
    server.finish();
}

#[test]
fn audit_status_values_match_the_reference() {
    let known = [
        (0, AuditStatus::Passed),
        (1, AuditStatus::Rejected),
        (2, AuditStatus::UnderReview),
        (3, AuditStatus::Withdrawn),
        (4, AuditStatus::Delayed),
    ];
    for (number, status) in known {
        assert_eq!(serde_json::from_str::<AuditStatus>(&number.to_string()).unwrap(), status);
        assert_eq!(serde_json::to_string(&status).unwrap(), number.to_string());
    }
    assert_eq!(serde_json::from_str::<AuditStatus>("-3").unwrap(), AuditStatus::Other(-3));
    assert_eq!(serde_json::to_string(&AuditStatus::Other(42)).unwrap(), "42");
}

#[test]
fn latest_auditstatus_encodes_the_lower_case_spelling() {
    let answer = GetLatestAuditstatusResponse {
        auditid: 1,
        status: AuditStatus::Passed,
        reason: None,
        screenshot: Some("a|b".into()),
        user_version: None,
        user_desc: None,
        submit_audit_time: None,
    };
    assert_eq!(serde_json::to_value(&answer).unwrap(), serde_json::json!({"auditid": 1, "status": 0, "screenshot": "a|b"}));
}

#[tokio::test]
async fn undocodeaudit_succeeds() {
    let (client, server) = fixture::serve("audit/undocodeaudit").await;
    client.undocodeaudit(AAT).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn undocodeaudit_over_quota_is_87013() {
    let (client, server) = fixture::serve("audit/undocodeaudit_87013").await;
    let err = client.undocodeaudit(AAT).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 87013);
    assert_eq!(api.path, "/wxa/undocodeaudit");
    // The withdraw quota (5/day, 10/month): wait for it to reset rather than retry.
    assert_eq!(err.class(), ErrorClass::Quota);
    server.finish();
}

#[tokio::test]
async fn speedupaudit_sends_the_auditid() {
    let (client, server) = fixture::serve("audit/speedupaudit").await;
    client.speedupaudit(AAT, &SpeedupauditRequest { auditid: 12345 }).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn queryquota_decodes_the_budget() {
    let (client, server) = fixture::serve("audit/queryquota").await;
    let answer = client.queryquota(AAT).await.unwrap();
    assert_eq!((answer.rest, answer.limit, answer.speedup_rest, answer.speedup_limit), (17, 20, 2, 3));
    server.finish();
}

#[tokio::test]
async fn uploadmedia_sends_the_media_field() {
    let (client, server) = fixture::serve("audit/uploadmedia").await;
    let file = Upload { file_name: "test.png".into(), content_type: "image/png".into(), bytes: fixture::PNG_BYTES.to_vec() };
    let answer = client.uploadmedia(AAT, file).await.unwrap();
    assert_eq!(answer.r#type, "image");
    assert_eq!(answer.mediaid, "xxxxxxxxxxxxxxxxx");
    server.finish();
}
