//! The mini programs list rows: one per authorizer of the platform (revoked ones too), with the
//! state, versions and template read from the history the real actions wrote against the sandbox.

use fleet::app_rows::{AppRow, AppState};
use fleet::authorizers::AuthorizerStatus;
use fleet::releases::{CommitSpec, SubmitOptions};
use serde_json::json;

use crate::releases::{ready_apps, settle_audit, template_id};
use crate::support::World;

fn spec(template_id: i64, user_version: &str) -> CommitSpec {
    CommitSpec { template_id, user_version: user_version.to_owned(), user_desc: format!("门店 {user_version}") }
}

fn row<'a>(rows: &'a [AppRow], appid: &str) -> &'a AppRow {
    rows.iter().find(|r| r.appid == appid).unwrap_or_else(|| panic!("no row for {appid} in {rows:?}"))
}

#[tokio::test]
async fn rows_tell_each_mini_programs_state_and_versions() {
    let world = World::start(6).await;
    let apps = ready_apps(&world, 4, 0).await;
    let (online, committed, failed, passed) = (&apps[0], &apps[1], &apps[2], &apps[3]);
    let fleet = world.fleet();
    let (v1, v2) = (template_id(&world, "1.0.0").await, template_id(&world, "1.1.0").await);
    let options = SubmitOptions { privacy_api_not_use: true, ..SubmitOptions::default() };

    // Before anything: every authorized one, state none, no versions.
    let before = fleet.app_rows(world.platform()).await.unwrap();
    assert_eq!(before.len(), 4);
    assert!(before.iter().all(|r| r.state == AppState::None && r.online_version.is_none() && r.template_id.is_none()));
    assert!(before.iter().all(|r| r.status == AuthorizerStatus::Authorized && r.authorized_at.is_some()));
    assert!(before.iter().all(|r| r.granted.iter().map(|g| g.id).collect::<Vec<_>>() == [17, 18, 30]), "{before:?}");

    // Released 1.0.0, then 1.1.0 committed: online stays 1.0.0, latest is 1.1.0.
    fleet.commit(online, &spec(v1, "1.0.0")).await.unwrap();
    fleet.submit_audit(online, &options).await.unwrap();
    settle_audit(&world, online).await;
    fleet.release(online).await.unwrap();
    let rows = fleet.app_rows(world.platform()).await.unwrap();
    let r = row(&rows, online);
    assert_eq!(
        (r.state, r.online_version.as_deref(), r.latest_version.as_deref(), r.template_id),
        (AppState::Online, Some("1.0.0"), Some("1.0.0"), Some(v1))
    );

    fleet.commit(online, &spec(v2, "1.1.0")).await.unwrap();
    fleet.commit(committed, &spec(v2, "1.1.0")).await.unwrap();
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": failed, "outcomes": ["fail"] })).await;
    fleet.commit(failed, &spec(v1, "1.0.0")).await.unwrap();
    fleet.submit_audit(failed, &options).await.unwrap();
    fleet.commit(passed, &spec(v2, "1.1.0")).await.unwrap();
    fleet.submit_audit(passed, &options).await.unwrap();
    settle_audit(&world, failed).await;
    settle_audit(&world, passed).await;

    // One revoked, never committed.
    let revoked = world.authorize_directly(4).await;
    fleet::authorizers::mark_revoked(fleet, world.platform(), &revoked, fleet.now_ms()).await.unwrap();

    let rows = fleet.app_rows(world.platform()).await.unwrap();
    assert_eq!(rows.len(), 5, "revoked ones are listed too");
    let r = row(&rows, online);
    assert_eq!(
        (r.state, r.online_version.as_deref(), r.latest_version.as_deref(), r.template_id),
        (AppState::Committed, Some("1.0.0"), Some("1.1.0"), Some(v2))
    );
    let r = row(&rows, committed);
    assert_eq!((r.state, r.online_version.as_deref(), r.latest_version.as_deref()), (AppState::Committed, None, Some("1.1.0")));
    let r = row(&rows, failed);
    assert_eq!((r.state, r.latest_version.as_deref(), r.template_id), (AppState::AuditFailed, Some("1.0.0"), Some(v1)));
    let r = row(&rows, passed);
    assert_eq!((r.state, r.online_version.as_deref()), (AppState::PendingRelease, None));
    let r = row(&rows, &revoked);
    assert_eq!((r.status, r.state), (AuthorizerStatus::Revoked, AppState::None));

    // A gray release of the next version of the online one; online stays the released version.
    fleet.submit_audit(online, &options).await.unwrap();
    settle_audit(&world, online).await;
    fleet.gray_release(online, 10).await.unwrap();
    let rows = fleet.app_rows(world.platform()).await.unwrap();
    let r = row(&rows, online);
    assert_eq!((r.state, r.online_version.as_deref(), r.latest_version.as_deref()), (AppState::Gray, Some("1.0.0"), Some("1.1.0")));

    // Another platform's list is empty; the JSON is what the UI reads.
    assert!(fleet.app_rows("wx_no_such_platform").await.unwrap().is_empty());
    let json = serde_json::to_value(row(&rows, failed)).unwrap();
    assert_eq!(json["state"], "audit_failed");
    assert_eq!(json["status"], "authorized");
}
