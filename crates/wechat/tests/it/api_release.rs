//! Release, rollback, phased release, visit status, versions (reference §8) against recorded exchanges.

use wechat::api::release::{
    ChangeVisitstatusRequest, GrayReleaseStatus, GrayreleaseRequest, HistoryVersion, RevertcodereleaseRequest,
    SetweappsupportversionRequest, VisitAction, VisitStatus,
};
use wechat::{AuthorizerToken, Error, ErrorClass};

use crate::fixture;

const AAT: AuthorizerToken<'static> = AuthorizerToken("AAT");

#[tokio::test]
async fn release_sends_an_empty_object() {
    let (client, server) = fixture::serve("release/release").await;
    client.release(AAT).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn release_without_a_passed_version_is_85019() {
    let (client, server) = fixture::serve("release/release_85019").await;
    let err = client.release(AAT).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 85019);
    assert_eq!(api.path, "/wxa/release");
    assert_eq!(err.class(), ErrorClass::Final);
    server.finish();
}

#[tokio::test]
async fn revertcoderelease_to_a_given_version_puts_it_in_the_query() {
    let (client, server) = fixture::serve("release/revertcoderelease").await;
    client.revertcoderelease(AAT, &RevertcodereleaseRequest { app_version: Some(123) }).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn revertcoderelease_without_a_previous_version_is_87012() {
    let (client, server) = fixture::serve("release/revertcoderelease_87012").await;
    let err = client.revertcoderelease(AAT, &RevertcodereleaseRequest::default()).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.errcode, 87012);
    assert_eq!(api.path, "/wxa/revertcoderelease");
    assert_eq!(err.class(), ErrorClass::Final);
    server.finish();
}

#[tokio::test]
async fn get_history_version_lists_the_versions() {
    let (client, server) = fixture::serve("release/get_history_version").await;
    let answer = client.get_history_version(AAT).await.unwrap();
    assert_eq!(
        answer.version_list,
        vec![
            HistoryVersion { app_version: 111, user_version: "VVV".into(), user_desc: "AAS".into(), commit_time: 1488965944 },
            HistoryVersion { app_version: 222, user_version: "11".into(), user_desc: "111111".into(), commit_time: 1504790906 },
        ]
    );
    server.finish();
}

#[tokio::test]
async fn grayrelease_sends_percentage_and_flags() {
    let (client, server) = fixture::serve("release/grayrelease").await;
    let request = GrayreleaseRequest { gray_percentage: 1, support_experiencer_first: Some(true), support_debuger_first: Some(true) };
    client.grayrelease(AAT, &request).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn getgrayreleaseplan_decodes_the_plan() {
    let (client, server) = fixture::serve("release/getgrayreleaseplan").await;
    let plan = client.getgrayreleaseplan(AAT).await.unwrap().gray_release_plan.expect("a plan");
    assert_eq!(plan.status, GrayReleaseStatus::Running);
    assert_eq!(plan.create_timestamp, 1517553721);
    assert_eq!(plan.gray_percentage, 8);
    assert!(plan.support_experiencer_first);
    assert!(plan.support_debuger_first);
    server.finish();
}

#[tokio::test]
async fn revertgrayrelease_succeeds() {
    let (client, server) = fixture::serve("release/revertgrayrelease").await;
    client.revertgrayrelease(AAT).await.unwrap();
    server.finish();
}

#[tokio::test]
async fn change_visitstatus_sends_the_action() {
    let (client, server) = fixture::serve("release/change_visitstatus").await;
    client.change_visitstatus(AAT, &ChangeVisitstatusRequest { action: VisitAction::Close }).await.unwrap();
    server.finish();
    assert_eq!(serde_json::to_string(&VisitAction::Open).unwrap(), r#""open""#);
}

#[tokio::test]
async fn getvisitstatus_sends_an_empty_object_and_decodes_the_status() {
    let (client, server) = fixture::serve("release/getvisitstatus").await;
    let answer = client.getvisitstatus(AAT).await.unwrap();
    assert_eq!(answer.status, VisitStatus::Serving);
    server.finish();
}

#[tokio::test]
async fn getversioninfo_decodes_trial_and_release() {
    let (client, server) = fixture::serve("release/getversioninfo").await;
    let answer = client.getversioninfo(AAT).await.unwrap();
    let trial = answer.exp_info.expect("a trial version");
    assert_eq!((trial.exp_time, trial.exp_version.as_str(), trial.exp_desc.as_str()), (1640762988, "V1.0", "test"));
    let released = answer.release_info.expect("a released version");
    assert_eq!((released.release_time, released.release_version.as_str(), released.release_desc.as_str()), (1640763902, "V1.5", "test"));
    server.finish();
}

#[tokio::test]
async fn getweappsupportversion_decodes_the_spread() {
    let (client, server) = fixture::serve("release/getweappsupportversion").await;
    let answer = client.getweappsupportversion(AAT).await.unwrap();
    assert_eq!(answer.now_version, "1.0.0");
    let items = &answer.uv_info.items;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].version, "1.0.0");
    assert_eq!(items[0].percentage, 0.0);
    assert_eq!(items[2].version, "1.1.0");
    assert_eq!(items[2].percentage, 12.5);
    server.finish();
}

#[tokio::test]
async fn setweappsupportversion_sends_the_version() {
    let (client, server) = fixture::serve("release/setweappsupportversion").await;
    client.setweappsupportversion(AAT, &SetweappsupportversionRequest { version: "1.0.0".into() }).await.unwrap();
    server.finish();
}
