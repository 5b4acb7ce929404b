//! Releases: the single actions end to end against the simulator, the version history they write,
//! audit results from pushes, reconciliation and polling (idempotent), the undo quota refused
//! locally, a lost submission answer looked up instead of re-sent. Also the set-up the campaign and
//! crash tests share (`ready_apps`, `sim_audits`, …).

use std::collections::HashMap;
use std::time::Duration;

use fleet::releases::{self, AuditOutcome, AuditState, CommitSpec, EventKind, SubmitOptions};
use fleet::sandbox::SandboxOptions;
use fleet::{Fleet, FleetOptions};
use futures::StreamExt;
use serde_json::{json, Value};
use wechat::api::category::{AddcategoryRequest, NewCategory};
use wechat::api::privacy::{OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wechat::api::release::VisitAction;
use wechat::AuthorizerToken;

use crate::support::{eventually, Workspace, World};

// ---- shared set-up ---------------------------------------------------------------------------

/// A world whose workspace gives up on a WeChat call after `timeout` (the simulator holds a
/// `timeout` fault for 3 s), with `tweak` applied to the sandbox.
pub async fn world_with_timeout(merchants: usize, timeout: Duration, tweak: impl FnOnce(&mut SandboxOptions)) -> World {
    let dir = tempfile::tempdir().unwrap();
    let fleet = Fleet::open(FleetOptions { http_timeout: timeout, ..FleetOptions::in_dir_with_key_file(dir.path()) }).unwrap();
    let ws = Workspace { dir, fleet };
    let mut options = SandboxOptions::new(&ws.dir.path().join("sandbox"), merchants);
    options.sim.audit_after_secs = 1;
    options.sim.fault_timeout_hold_ms = 3_000;
    tweak(&mut options);
    let sandbox = fleet::sandbox::Sandbox::start(&ws.fleet, options).await.unwrap();
    World { ws, sandbox }
}

/// Every privacy type the demo templates use (UserInfo … Location).
pub const DEMO_PRIVACY_KEYS: &[&str] = &["UserInfo", "PhoneNumber", "Address", "Location"];

/// A ticket, then the first `count` demo merchants authorized (17, 18, 30), each with an approved
/// category and a privacy guide declaring every demo privacy type; the privacy scan after a commit
/// takes `privacy_scan_secs`. Returns the appids in order.
pub async fn ready_apps(world: &World, count: usize, privacy_scan_secs: i64) -> Vec<String> {
    world.ticket().await;
    world.admin("/admin/code-limits", json!({ "privacy_scan_secs": privacy_scan_secs })).await;
    let mut appids = Vec::with_capacity(count);
    for index in 0..count {
        appids.push(world.authorize_directly(index).await);
    }
    let fleet = world.fleet();
    let set_up = futures::stream::iter(appids.iter().map(|appid| async move {
        fleet
            .with_authorizer_token(appid, |api, aat| async move {
                let category = AddcategoryRequest { categories: vec![NewCategory { first: 287, second: 290, certicates: vec![] }] };
                api.addcategory(AuthorizerToken(&aat), &category).await?;
                let guide = SetprivacysettingRequest {
                    privacy_ver: Some(2),
                    owner_setting: OwnerSetting {
                        contact_phone: Some("4000000000".into()),
                        notice_method: "弹窗提示".into(),
                        ..OwnerSetting::default()
                    },
                    setting_list: DEMO_PRIVACY_KEYS
                        .iter()
                        .map(|key| PrivacySetting {
                            privacy_key: (*key).to_owned(),
                            privacy_text: "提供门店服务".into(),
                            privacy_label: None,
                        })
                        .collect(),
                };
                api.setprivacysetting(AuthorizerToken(&aat), &guide).await
            })
            .await
            .unwrap();
    }))
    .buffer_unordered(16);
    set_up.collect::<Vec<()>>().await;
    appids
}

/// The demo library's template committed as `user_version` (synced into the workspace first).
pub async fn template_id(world: &World, user_version: &str) -> i64 {
    world.fleet().sync_templates(world.platform()).await.unwrap();
    let templates = world.fleet().templates(world.platform()).await.unwrap();
    templates.iter().find(|t| t.user_version == user_version).unwrap_or_else(|| panic!("no demo template {user_version}")).template_id
}

/// The simulator's whole state (`GET /admin/state`).
pub async fn sim_state(world: &World) -> Value {
    reqwest::get(format!("{}/admin/state", world.sandbox.sim_url())).await.unwrap().json().await.unwrap()
}

/// What the simulator knows per mini program: every audit as (user_version, status), and the
/// user_version users get.
#[derive(Debug, Default, Clone)]
pub struct SimApp {
    pub audits: Vec<(String, i64)>,
    pub live: Option<String>,
    pub trial: Option<String>,
}

impl SimApp {
    /// How many times `user_version` was submitted.
    pub fn submissions(&self, user_version: &str) -> usize {
        self.audits.iter().filter(|(v, _)| v == user_version).count()
    }
}

/// [`SimApp`] of every mini program.
pub async fn sim_apps(world: &World) -> HashMap<String, SimApp> {
    let state = sim_state(world).await;
    let mut apps = HashMap::new();
    for app in state["apps"].as_array().unwrap() {
        let code = &app["code"];
        let audits = code["audits"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| (a["version"]["user_version"].as_str().unwrap_or_default().to_owned(), a["status"].as_i64().unwrap_or(-1)))
            .collect();
        let live_version = code["live"]["app_version"].as_i64();
        let live = code["releases"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["app_version"].as_i64() == live_version && live_version.is_some())
            .and_then(|r| r["version"]["user_version"].as_str().map(str::to_owned));
        let trial = code["trial"]["user_version"].as_str().map(str::to_owned);
        apps.insert(app["appid"].as_str().unwrap().to_owned(), SimApp { audits, live, trial });
    }
    apps
}

/// Waits until the simulator has decided `appid`'s latest audit, then tells the workspace by
/// polling (the push path is the inbox's; `poll_audits` is the fallback it has).
pub async fn settle_audit(world: &World, appid: &str) {
    eventually("the simulator decides the audit", || async {
        let apps = sim_apps(world).await;
        apps[appid].audits.last().is_some_and(|(_, status)| *status != 2)
    })
    .await;
    world.fleet().poll_audits(world.platform(), Duration::ZERO).await.unwrap();
}

fn spec(template_id: i64, user_version: &str) -> CommitSpec {
    CommitSpec { template_id, user_version: user_version.to_owned(), user_desc: format!("门店 {user_version}") }
}

// ---- tests -----------------------------------------------------------------------------------

#[tokio::test]
async fn single_actions_end_to_end_write_the_version_history() {
    let world = World::start(2).await;
    let appid = ready_apps(&world, 1, 0).await.remove(0);
    let fleet = world.fleet();
    let (v1, v2, v3) = (template_id(&world, "1.0.0").await, template_id(&world, "1.1.0").await, template_id(&world, "1.2.0").await);
    let options = SubmitOptions { version_desc: Some("门店上线".into()), privacy_api_not_use: true, ..SubmitOptions::default() };
    let mut events = fleet.subscribe();

    // 1.0.0: commit, submit, pass, release.
    let committed = fleet.commit(&appid, &spec(v1, "1.0.0")).await.unwrap();
    assert_eq!((committed.kind, committed.template_id, committed.user_version.as_deref()), (EventKind::Commit, Some(v1), Some("1.0.0")));
    World::wait_event(&mut events, |e| matches!(e, fleet::FleetEvent::ReleaseChanged { what, .. } if what == "committed")).await;
    let submitted = fleet.submit_audit(&appid, &options).await.unwrap();
    assert_eq!(submitted.status, AuditState::Pending);
    assert!(submitted.auditid.is_some());
    assert_eq!(submitted.user_version, "1.0.0");
    settle_audit(&world, &appid).await;
    let history = fleet.versions(&appid).await.unwrap();
    assert_eq!(history.audits[0].status, AuditState::Passed, "{history:?}");
    fleet.release(&appid).await.unwrap();
    assert_eq!(sim_apps(&world).await[&appid].live.as_deref(), Some("1.0.0"));

    // 1.1.0 the same way.
    fleet.commit(&appid, &spec(v2, "1.1.0")).await.unwrap();
    fleet.submit_audit(&appid, &options).await.unwrap();
    settle_audit(&world, &appid).await;
    let released = fleet.release(&appid).await.unwrap();
    assert_eq!(released.user_version.as_deref(), Some("1.1.0"));
    assert_eq!(sim_apps(&world).await[&appid].live.as_deref(), Some("1.1.0"));

    // Revert: 1.0.0 is offered, and becomes live again.
    let targets = fleet.revert_targets(&appid).await.unwrap();
    assert_eq!(targets.iter().map(|t| t.user_version.as_str()).collect::<Vec<_>>(), ["1.0.0"]);
    let reverted = fleet.revert(&appid, None).await.unwrap();
    assert_eq!(reverted.user_version.as_deref(), Some("1.0.0"));
    assert_eq!(sim_apps(&world).await[&appid].live.as_deref(), Some("1.0.0"));
    // A rolled-back version cannot be rolled back again: WeChat's errcode is kept.
    let again = fleet.revert(&appid, None).await.unwrap_err();
    assert_eq!(again.errcode(), Some(87012));
    assert!(again.problem().remedy_en.is_some(), "{:?}", again.problem());

    // Visit status.
    fleet.change_visit_status(&appid, VisitAction::Close).await.unwrap();
    fleet.change_visit_status(&appid, VisitAction::Open).await.unwrap();

    // A gray release of 1.2.0 (passed, not released), widened, and a lower share refused.
    fleet.commit(&appid, &spec(v3, "1.2.0")).await.unwrap();
    fleet.submit_audit(&appid, &options).await.unwrap();
    settle_audit(&world, &appid).await;
    fleet.gray_release(&appid, 10).await.unwrap();
    fleet.gray_release(&appid, 30).await.unwrap();
    assert_eq!(fleet.gray_release(&appid, 20).await.unwrap_err().errcode(), Some(85082));
    assert!(fleet.gray_release(&appid, 0).await.unwrap_err().to_string().contains("between 1 and 100"));

    // The history tells it all, newest first, each with its time and actor.
    let history = fleet.versions(&appid).await.unwrap();
    let kinds: Vec<EventKind> = history.events.iter().rev().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(
        kinds,
        [
            Commit,
            SubmitAudit,
            AuditPassed,
            Release,
            Commit,
            SubmitAudit,
            AuditPassed,
            Release,
            Revert,
            VisitStatus,
            VisitStatus,
            Commit,
            SubmitAudit,
            AuditPassed,
            GrayRelease,
            GrayRelease
        ]
    );
    assert!(history.events.iter().all(|e| e.at > 0 && !e.actor.is_empty()));
    assert!(history.events.iter().filter(|e| e.kind == AuditPassed).all(|e| e.actor == "wechat"));
    assert_eq!(history.events[0].detail["gray_percentage"], 30);
    assert_eq!(history.audits.len(), 3);
    assert!(history.audits.iter().all(|a| a.status == AuditState::Passed && a.auditid.is_some() && a.submitted_at.is_some()));

    // Every action is in the operator audit log, failures with their code.
    let log = fleet.audit_log(Some(&appid), 100).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for action in ["app.commit", "app.submit_audit", "app.release", "app.revert", "app.change_visit_status", "app.gray_release"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(log.iter().any(|e| e.action == "app.revert" && e.result == "wechat"));
}

#[tokio::test]
async fn a_rejection_keeps_reason_and_screenshots_and_results_apply_once() {
    let world = World::start(3).await;
    let apps = ready_apps(&world, 2, 0).await;
    let (rejected, other) = (&apps[0], &apps[1]);
    let fleet = world.fleet();
    let v2 = template_id(&world, "1.1.0").await;
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": rejected, "outcomes": ["fail"] })).await;

    fleet.commit(rejected, &spec(v2, "1.1.0")).await.unwrap();
    fleet.submit_audit(rejected, &SubmitOptions::default()).await.unwrap();
    settle_audit(&world, rejected).await;
    let audit = fleet.versions(rejected).await.unwrap().audits.remove(0);
    assert_eq!(audit.status, AuditState::Rejected);
    assert!(audit.reason.as_deref().is_some_and(|r| r.contains("<br>")), "WeChat's reason as written: {:?}", audit.reason);
    assert_eq!(audit.screenshots.len(), 2, "the reviewer's screenshots");

    // The push for the same result (as the inbox would deliver it, maybe twice) changes nothing.
    let at = audit.result_at.unwrap() / 1000;
    let push = AuditOutcome::Rejected { at, reason: audit.reason.clone().unwrap(), screenshots: audit.screenshots.clone() };
    releases::on_audit_event(fleet, rejected, push.clone()).await.unwrap();
    releases::on_audit_event(fleet, rejected, push).await.unwrap();
    let history = fleet.versions(rejected).await.unwrap();
    assert_eq!(history.events.iter().filter(|e| e.kind == EventKind::AuditRejected).count(), 1);

    // A push first, then the poll: one result. A delay after the result is stale and ignored.
    fleet.commit(other, &spec(v2, "1.1.0")).await.unwrap();
    fleet.submit_audit(other, &SubmitOptions::default()).await.unwrap();
    let mut events = fleet.subscribe();
    releases::on_audit_event(fleet, other, AuditOutcome::Delayed { at: 1, reason: "资源紧张".into() }).await.unwrap();
    releases::on_audit_event(fleet, other, AuditOutcome::Passed { at: 2 }).await.unwrap();
    World::wait_event(&mut events, |e| matches!(e, fleet::FleetEvent::ReleaseChanged { what, .. } if what == "audit_passed")).await;
    releases::on_audit_event(fleet, other, AuditOutcome::Delayed { at: 3, reason: "late".into() }).await.unwrap();
    releases::on_audit_event(fleet, other, AuditOutcome::Passed { at: 2 }).await.unwrap();
    settle_audit(&world, other).await;
    let history = fleet.versions(other).await.unwrap();
    let results: Vec<EventKind> =
        history.events.iter().rev().map(|e| e.kind).filter(|k| matches!(k, EventKind::AuditPassed | EventKind::AuditDelayed)).collect();
    assert_eq!(results, [EventKind::AuditDelayed, EventKind::AuditPassed]);
    assert_eq!(history.audits[0].status, AuditState::Passed);

    // A result for a mini program with nothing submitted here is still in its history, once.
    let stranger = world.authorize_directly(2).await;
    releases::on_audit_event(fleet, &stranger, AuditOutcome::Passed { at: 5 }).await.unwrap();
    releases::on_audit_event(fleet, &stranger, AuditOutcome::Passed { at: 5 }).await.unwrap();
    assert_eq!(fleet.versions(&stranger).await.unwrap().events.len(), 1);
}

#[tokio::test]
async fn reconcile_after_a_gap_and_the_polling_fallback() {
    let world = World::start(2).await;
    let apps = ready_apps(&world, 2, 0).await;
    let fleet = world.fleet();
    let v2 = template_id(&world, "1.1.0").await;
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": apps[1], "outcomes": ["manual"] })).await;
    for appid in &apps {
        fleet.commit(appid, &spec(v2, "1.1.0")).await.unwrap();
        fleet.submit_audit(appid, &SubmitOptions::default()).await.unwrap();
    }
    eventually("the first audit is decided", || async { sim_apps(&world).await[&apps[0]].audits.last().is_some_and(|a| a.1 == 0) }).await;
    // Pending for less than a minute: polling leaves them alone; reconciling asks about all.
    assert_eq!(fleet.poll_audits(world.platform(), Duration::from_secs(60)).await.unwrap(), 0);
    assert_eq!(releases::reconcile_audits(fleet, world.platform()).await.unwrap(), 1);
    assert_eq!(fleet.versions(&apps[0]).await.unwrap().audits[0].status, AuditState::Passed);
    assert_eq!(fleet.versions(&apps[1]).await.unwrap().audits[0].status, AuditState::Pending);
    // Delayed, and the pass that follows a delay far away.
    world.admin("/admin/audit-rules", json!({ "after_secs": 3600 })).await;
    world.admin("/admin/audit", json!({ "authorizer_appid": apps[1], "result": "delay" })).await;
    assert_eq!(fleet.poll_audits(world.platform(), Duration::ZERO).await.unwrap(), 1);
    assert_eq!(fleet.versions(&apps[1]).await.unwrap().audits[0].status, AuditState::Delayed);
    // Nothing changed since: reconciling again changes nothing.
    assert_eq!(releases::reconcile_audits(fleet, world.platform()).await.unwrap(), 0);
}

#[tokio::test]
async fn a_lost_submission_answer_is_looked_up_not_sent_again() {
    let world = world_with_timeout(2, Duration::from_millis(600), |_| {}).await;
    let apps = ready_apps(&world, 2, 0).await;
    let fleet = world.fleet();
    let v2 = template_id(&world, "1.1.0").await;

    // The answer is lost after WeChat took the submission: the row is left `submitting`, as a
    // process killed during the call leaves it.
    let lost = &apps[0];
    fleet.commit(lost, &spec(v2, "1.1.0")).await.unwrap();
    let taken = fleet.submit_audit(lost, &SubmitOptions::default()).await.unwrap();
    let row = taken.id;
    fleet
        .store()
        .write(move |tx| {
            tx.execute("UPDATE audits SET status = 'submitting', auditid = NULL, submitted_at = NULL WHERE id = ?1", [row])?;
            tx.execute("DELETE FROM version_events WHERE audit_row = ?1", [row])?;
            Ok(())
        })
        .await
        .unwrap();
    let again = fleet.submit_audit(lost, &SubmitOptions::default()).await.unwrap_err();
    assert!(again.to_string().contains("reached WeChat"), "{again}");
    assert_eq!(sim_apps(&world).await[lost].submissions("1.1.0"), 1, "submitted once");
    let audit = fleet.versions(lost).await.unwrap().audits.remove(0);
    assert_eq!((audit.id, audit.auditid), (row, taken.auditid), "the lost answer is recovered from WeChat");

    // WeChat never got it (a timeout before the call was handled): the look-up finds nothing and
    // the next submission goes.
    let never = &apps[1];
    fleet.commit(never, &spec(v2, "1.1.0")).await.unwrap();
    world.script_fault("/wxa/submit_audit", json!("timeout"), 1).await;
    let timed_out = fleet.submit_audit(never, &SubmitOptions::default()).await.unwrap_err();
    assert_eq!(timed_out.code(), "network", "{timed_out}");
    assert_eq!(fleet.versions(never).await.unwrap().audits[0].status, AuditState::Submitting);
    let submitted = fleet.submit_audit(never, &SubmitOptions::default()).await.unwrap();
    assert_eq!(submitted.status, AuditState::Pending);
    assert_eq!(fleet.versions(never).await.unwrap().audits.len(), 1, "the unknown intent was settled, not duplicated");
    assert_eq!(sim_apps(&world).await[never].submissions("1.1.0"), 1);
}

#[tokio::test]
async fn undo_shows_the_quota_and_refuses_locally_when_used_up() {
    let world = World::start(1).await;
    let appid = ready_apps(&world, 1, 0).await.remove(0);
    let fleet = world.fleet();
    let v2 = template_id(&world, "1.1.0").await;
    world.admin("/admin/audit-rules", json!({ "outcomes": ["manual"] })).await;
    fleet.commit(&appid, &spec(v2, "1.1.0")).await.unwrap();
    assert_eq!(fleet.undo_quota(&appid).await.unwrap().left, 5);
    for left in (0..5).rev() {
        fleet.submit_audit(&appid, &SubmitOptions::default()).await.unwrap();
        let quota = fleet.undo_audit(&appid).await.unwrap();
        assert_eq!((quota.left, quota.used_today), (left, 5 - left));
        assert_eq!(fleet.versions(&appid).await.unwrap().audits[0].status, AuditState::Withdrawn);
    }
    fleet.submit_audit(&appid, &SubmitOptions::default()).await.unwrap();
    let refused = fleet.undo_audit(&appid).await.unwrap_err();
    assert_eq!(refused.code(), "conflict");
    assert!(refused.to_string().contains("no withdrawals left (5 of 5 today"), "{refused}");
    // Refused here: WeChat still has the audit under review.
    assert_eq!(sim_apps(&world).await[&appid].audits.last().unwrap().1, 2);
    // A speed-up of the audit under review uses the platform's quota.
    let before = fleet.audit_quota(world.platform()).await.unwrap();
    fleet.speedup_audit(&appid).await.unwrap();
    let after = fleet.audit_quota(world.platform()).await.unwrap();
    assert_eq!(after.speedup_rest, before.speedup_rest - 1);
    assert_eq!(after.rest, before.rest, "a speed-up is not a submission");
}

#[tokio::test]
async fn the_audit_quota_is_read_with_any_authorized_mini_program() {
    let world = World::start(1).await;
    assert_eq!(fleet_err_code(world.fleet().audit_quota(world.platform()).await), "invalid");
    ready_apps(&world, 1, 0).await;
    world.admin("/admin/code-limits", json!({ "audit_quota_limit": 7 })).await;
    let quota = world.fleet().audit_quota(world.platform()).await.unwrap();
    assert_eq!((quota.limit, quota.rest), (7, 7));
}

fn fleet_err_code<T>(result: fleet::Result<T>) -> String {
    result.err().map(|e| e.code().to_owned()).unwrap_or_else(|| "ok".to_owned())
}

#[tokio::test]
async fn an_action_the_merchant_did_not_grant_is_refused_before_calling_wechat() {
    let world = World::start(2).await;
    world.ticket().await;
    let fleet = world.fleet();
    let (partial, revoked) = (world.sandbox.info.merchants[0].appid.clone(), world.sandbox.info.merchants[1].appid.clone());
    let (vault, platform, now) = (fleet.vault().clone(), world.platform().to_owned(), fleet.now_ms());
    let (a, b) = (partial.clone(), revoked.clone());
    fleet
        .store()
        .write(move |tx| {
            fleet::authorizers::record_authorization(tx, &vault, &platform, &a, "refresh-a", &[17, 30], now)?;
            fleet::authorizers::record_authorization(tx, &vault, &platform, &b, "refresh-b", &[17, 18, 30], now)?;
            tx.execute("UPDATE authorizers SET status = 'revoked' WHERE appid = ?1", [&b])?;
            Ok(())
        })
        .await
        .unwrap();
    let missing = fleet.commit(&partial, &spec(1, "1.0.0")).await.unwrap_err();
    assert_eq!(missing.code(), "missing_permission");
    assert!(missing.to_string().contains("18"), "{missing}");
    assert_eq!(fleet.release(&revoked).await.unwrap_err().code(), "revoked");
    assert_eq!(fleet.undo_audit(&partial).await.unwrap_err().code(), "missing_permission");
    // Nothing reached the simulator (the refresh tokens are fake: any call would have failed differently).
    assert!(sim_apps(&world).await.values().all(|a| a.trial.is_none() && a.audits.is_empty()));
    let log = fleet.audit_log(Some(&partial), 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "app.commit" && e.result == "missing_permission"));
}
