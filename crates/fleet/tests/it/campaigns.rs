//! Campaigns against the simulator: a canary campaign over 200 mini programs through injected faults
//! (-1, 45009, 61039, timeouts) and failing audits, then a revert; a rejected canary pausing for a
//! decision; the audit quota stopping a campaign cleanly and resuming; pause, resume, cancel;
//! pre-flight reports that write nothing at WeChat; releasing passed items on request.

use std::collections::HashSet;
use std::time::Duration;

use fleet::campaigns::{Campaign, CampaignSpec, CampaignState, CheckStatus, ItemState, RetryPolicy, Targets};
use fleet::releases::SubmitOptions;
use fleet::templates::{Requirements, TemplateMeta};
use fleet::{Fleet, FleetEvent};
use serde_json::json;
use wechat::api::privacy::{OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wechat::AuthorizerToken;

use crate::releases::{ready_apps, sim_apps, template_id, world_with_timeout};
use crate::support::{eventually, World};

/// Short waits, so tests take seconds.
pub fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 8,
        backoff_base_ms: 100,
        backoff_max_ms: 1_000,
        privacy_scan_retry_ms: 300,
        privacy_scan_max_waits: 60,
        audit_poll_after_ms: 1_200,
        audit_poll_every_ms: 600,
    }
}

/// A campaign of `template_id` as `user_version` to `targets`.
pub fn campaign_spec(world: &World, template_id: i64, user_version: &str, targets: Targets) -> CampaignSpec {
    CampaignSpec {
        platform: world.platform().to_owned(),
        name: format!("上线 {user_version}"),
        template_id,
        user_version: user_version.to_owned(),
        user_desc: format!("门店模板 {user_version}"),
        targets,
        canary: None,
        auto_release: true,
        concurrency: 16,
        rate_per_sec: None,
        submit: SubmitOptions { version_desc: Some("批量上线".into()), privacy_api_not_use: true, ..SubmitOptions::default() },
        retry: quick_retry(),
    }
}

/// Starts campaign `id` and waits for its runner to stop; resumes it (at most `resumes` times)
/// whenever it stopped on a quota. Returns the final campaign and how often it was resumed.
pub async fn run_through_quota_stops(fleet: &Fleet, id: i64, resumes: u32) -> (Campaign, Vec<serde_json::Value>) {
    fleet.start_campaign(id).await.unwrap();
    let mut stops = Vec::new();
    loop {
        let campaign = tokio::time::timeout(Duration::from_secs(120), fleet.wait_campaign(id)).await.expect("the campaign ends").unwrap();
        if campaign.state != CampaignState::StoppedQuota || stops.len() as u32 >= resumes {
            return (campaign, stops);
        }
        stops.push(campaign.state_reason.clone().unwrap_or_default());
        fleet.resume_campaign(id).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_canary_campaign_over_200_apps_survives_faults_and_failing_audits_then_reverts() {
    let world = world_with_timeout(200, Duration::from_millis(1_000), |_| {}).await;
    let apps = ready_apps(&world, 200, 0).await;
    let fleet = world.fleet();
    let (base, next) = (template_id(&world, "1.0.0").await, template_id(&world, "1.1.0").await);

    // A baseline release everywhere, so there is something to revert to.
    let id = fleet.create_campaign(CampaignSpec { concurrency: 32, ..campaign_spec(&world, base, "1.0.0", Targets::All) }).await.unwrap();
    let (baseline, _) = run_through_quota_stops(fleet, id.campaign.id, 0).await;
    assert_eq!((baseline.state, baseline.counts.released), (CampaignState::Done, 200), "{baseline:?}");

    // Faults by seed on the write paths, one 45009 on the first submission, a privacy scan that takes
    // a second (61039 at first), and five audits that fail.
    world.admin("/admin/code-limits", json!({ "privacy_scan_secs": 1 })).await;
    world
        .admin(
            "/admin/faults",
            json!({
                "seed": 7,
                "per_path": {
                    "/wxa/commit": { "rate": 0.08, "kinds": [-1, "timeout"] },
                    "/wxa/submit_audit": { "rate": 0.10, "kinds": [-1, 61039, "timeout"] },
                    "/wxa/release": { "rate": 0.05, "kinds": [-1, "timeout"] },
                    "/wxa/get_auditstatus": { "rate": 0.05, "kinds": [-1] },
                },
                "script": [{ "path": "/wxa/submit_audit", "fault": 45009, "count": 1 }],
            }),
        )
        .await;
    let failing: HashSet<String> = [20, 55, 90, 130, 170].iter().map(|&i| apps[i].clone()).collect();
    for appid in &failing {
        world.admin("/admin/audit-rules", json!({ "authorizer_appid": appid, "outcomes": ["fail"] })).await;
    }
    // Progress states, collected as they come (the broadcast keeps only the latest 1,024 events).
    let states = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
    let collector = {
        let (mut events, states) = (fleet.subscribe(), states.clone());
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(FleetEvent::CampaignProgress { state, total: 200, .. }) => {
                        states.lock().unwrap().insert(state);
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return,
                }
            }
        })
    };
    let spec = CampaignSpec { canary: Some(10), ..campaign_spec(&world, next, "1.1.0", Targets::All) };
    let created = fleet.create_campaign(spec).await.unwrap();
    assert_eq!(created.campaign.counts.pending, 200);
    assert_eq!(created.items.iter().filter(|i| i.canary).map(|i| i.appid.clone()).collect::<Vec<_>>(), apps[..10]);
    let id = created.campaign.id;
    let (campaign, stops) = run_through_quota_stops(fleet, id, 3).await;

    assert_eq!(stops.len(), 1, "the scripted 45009 stopped it once: {stops:?} {campaign:?}");
    assert_eq!(stops[0]["errcode"], 45009, "{stops:?}");
    assert_eq!(campaign.state, CampaignState::Done, "{campaign:?}");
    assert_eq!((campaign.counts.released, campaign.counts.rejected, campaign.counts.failed), (195, 5, 0), "{:?}", campaign.counts);

    let view = fleet.campaign(id).await.unwrap();
    let rejected: HashSet<String> = view.items.iter().filter(|i| i.state == ItemState::AuditRejected).map(|i| i.appid.clone()).collect();
    assert_eq!(rejected, failing);
    // The canary went first: nothing else started before every canary app had its result.
    let canary_results = view.items.iter().filter(|i| i.canary).map(|i| i.audit_at.unwrap()).max().unwrap();
    let rest_started = view.items.iter().filter(|i| !i.canary).map(|i| i.started_at.unwrap()).min().unwrap();
    assert!(rest_started >= canary_results, "the rest started at {rest_started}, the canary's last result came at {canary_results}");
    assert!(view.items.iter().all(|i| i.committed_at.is_some() && i.submitted_at.is_some()));

    // At WeChat: each mini program submitted exactly once, and live on 1.1.0 unless rejected.
    let sim = sim_apps(&world).await;
    for appid in &apps {
        assert_eq!(sim[appid].submissions("1.1.0"), 1, "{appid} submitted once: {:?}", sim[appid].audits);
        let live = if failing.contains(appid) { "1.0.0" } else { "1.1.0" };
        assert_eq!(sim[appid].live.as_deref(), Some(live), "{appid}");
    }
    // Faults really happened and were retried (the 61039 waits and errcodes are counted per item).
    let faults: serde_json::Value = reqwest::get(format!("{}/admin/faults", world.sandbox.sim_url())).await.unwrap().json().await.unwrap();
    assert_eq!(faults["script"].as_array().map(Vec::len), Some(0), "the scripted 45009 was used");
    assert!(view.items.iter().any(|i| i.privacy_waits > 0), "61039 was waited out");

    // Progress was reported, with the canary wait and the quota stop.
    collector.abort();
    let states = states.lock().unwrap().clone();
    for state in ["running", "waiting_canary", "stopped_quota", "done"] {
        assert!(states.contains(state), "{state} in {states:?}");
    }

    // Something is wrong with 1.1.0 after all: back to 1.0.0 on twenty of them.
    let released: Vec<&String> = apps.iter().filter(|a| !failing.contains(*a)).take(20).collect();
    for appid in &released {
        let reverted = fleet.revert(appid, None).await.unwrap();
        assert_eq!(reverted.user_version.as_deref(), Some("1.0.0"));
    }
    let sim = sim_apps(&world).await;
    assert!(released.iter().all(|a| sim[*a].live.as_deref() == Some("1.0.0")));
    let log = fleet.audit_log(None, 1_000).await.unwrap();
    for action in ["campaign.create", "campaign.start", "campaign.resume", "app.revert"] {
        assert!(log.iter().any(|e| e.action == action && e.result == "ok"), "{action}");
    }
}

#[tokio::test]
async fn a_rejected_canary_pauses_for_a_decision_and_passed_items_wait_for_release() {
    let world = World::start(12).await;
    let apps = ready_apps(&world, 12, 0).await;
    let fleet = world.fleet();
    let template = template_id(&world, "1.1.0").await;
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": apps[1], "outcomes": ["fail"] })).await;
    let spec = CampaignSpec { canary: Some(3), auto_release: false, ..campaign_spec(&world, template, "1.1.0", Targets::All) };
    let id = fleet.create_campaign(spec).await.unwrap().campaign.id;
    let (campaign, _) = run_through_quota_stops(fleet, id, 0).await;
    assert_eq!(campaign.state, CampaignState::Paused);
    let reason = campaign.state_reason.clone().unwrap();
    assert_eq!(reason["reason"], "canary_rejected");
    assert_eq!(reason["appids"], json!([apps[1]]));
    // Nothing beyond the canary was touched at WeChat.
    let sim = sim_apps(&world).await;
    assert!(apps[3..].iter().all(|a| sim[a].trial.is_none()), "the rest waited");
    assert_eq!(fleet.resume_campaign(id).await.unwrap().state, CampaignState::Running);
    assert!(fleet.resume_campaign(id).await.unwrap_err().to_string().contains("already running"));
    let campaign = fleet.wait_campaign(id).await.unwrap();
    assert_eq!(campaign.state, CampaignState::Done, "{campaign:?}");
    assert_eq!((campaign.counts.passed, campaign.counts.rejected, campaign.counts.released), (11, 1, 0));

    // Release one, then the rest.
    assert_eq!(fleet.release_campaign_items(id, Some(vec![apps[0].clone()])).await.unwrap(), 1);
    let campaign = fleet.wait_campaign(id).await.unwrap();
    assert_eq!((campaign.state, campaign.counts.released, campaign.counts.passed), (CampaignState::Done, 1, 10));
    assert_eq!(fleet.release_campaign_items(id, None).await.unwrap(), 10);
    let campaign = fleet.wait_campaign(id).await.unwrap();
    assert_eq!((campaign.counts.released, campaign.counts.passed), (11, 0));
    let sim = sim_apps(&world).await;
    assert!(apps.iter().filter(|a| *a != &apps[1]).all(|a| sim[a].live.as_deref() == Some("1.1.0")));
}

#[tokio::test]
async fn an_exhausted_audit_quota_stops_cleanly_and_the_campaign_resumes_later() {
    let world = World::start(8).await;
    let apps = ready_apps(&world, 8, 0).await;
    let fleet = world.fleet();
    let template = template_id(&world, "1.1.0").await;
    world.admin("/admin/code-limits", json!({ "audit_quota_limit": 5 })).await;
    let id = fleet.create_campaign(campaign_spec(&world, template, "1.1.0", Targets::All)).await.unwrap().campaign.id;
    let (campaign, _) = run_through_quota_stops(fleet, id, 0).await;
    assert_eq!(campaign.state, CampaignState::StoppedQuota, "{:?}", campaign.state_reason);
    assert_eq!(campaign.state_reason.as_ref().unwrap()["reason"], "audit_quota");
    let view = fleet.campaign(id).await.unwrap();
    let submitted = view.items.iter().filter(|i| i.auditid.is_some()).count();
    assert_eq!(submitted, 5, "exactly the quota was used");
    assert!(view.items.iter().filter(|i| i.auditid.is_none()).all(|i| i.state == ItemState::Committed), "the rest wait, committed");

    // Next month (the quota raised): resume, and every mini program is submitted once.
    world.admin("/admin/code-limits", json!({ "audit_quota_limit": 100 })).await;
    fleet.resume_campaign(id).await.unwrap();
    let campaign = fleet.wait_campaign(id).await.unwrap();
    assert_eq!((campaign.state, campaign.counts.released), (CampaignState::Done, 8));
    let sim = sim_apps(&world).await;
    assert!(apps.iter().all(|a| sim[a].submissions("1.1.0") == 1));
}

#[tokio::test]
async fn pause_stops_new_work_resume_goes_on_cancel_keeps_what_was_submitted() {
    let world = World::start(30).await;
    let apps = ready_apps(&world, 30, 0).await;
    let fleet = world.fleet();
    let template = template_id(&world, "1.1.0").await;
    let spec = CampaignSpec { concurrency: 2, rate_per_sec: Some(8.0), ..campaign_spec(&world, template, "1.1.0", Targets::All) };
    let id = fleet.create_campaign(spec).await.unwrap().campaign.id;
    assert!(fleet.pause_campaign(id).await.is_err(), "not running yet");
    fleet.start_campaign(id).await.unwrap();
    assert!(fleet.start_campaign(id).await.is_err(), "started once");
    let submitted = |fleet: Fleet| async move { fleet.campaign(id).await.unwrap().items.iter().filter(|i| i.auditid.is_some()).count() };
    eventually("a few are submitted", || async { submitted(fleet.clone()).await >= 3 }).await;

    let paused = fleet.pause_campaign(id).await.unwrap();
    assert_eq!(paused.state, CampaignState::Paused);
    let at_pause = sim_apps(&world).await;
    let touched = |sim: &std::collections::HashMap<String, crate::releases::SimApp>| {
        apps.iter().filter(|a| sim[*a].trial.as_deref() == Some("1.1.0")).count() + apps.iter().map(|a| sim[a].audits.len()).sum::<usize>()
    };
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(touched(&sim_apps(&world).await), touched(&at_pause), "nothing was called after pause returned");

    fleet.resume_campaign(id).await.unwrap();
    let before = submitted(fleet.clone()).await;
    eventually("more are submitted after resuming", || async { submitted(fleet.clone()).await > before + 2 }).await;
    let cancelled = fleet.cancel_campaign(id).await.unwrap();
    assert_eq!(cancelled.state, CampaignState::Cancelled);
    assert!(cancelled.counts.cancelled > 0, "{:?}", cancelled.counts);
    let view = fleet.campaign(id).await.unwrap();
    assert!(view
        .items
        .iter()
        .all(|i| !matches!(i.state, ItemState::Pending | ItemState::Committing | ItemState::Committed | ItemState::Submitting)));
    let sim = sim_apps(&world).await;
    for item in &view.items {
        let expected = usize::from(item.auditid.is_some());
        assert_eq!(sim[&item.appid].submissions("1.1.0"), expected, "{} {:?}", item.appid, item.state);
    }
    assert!(fleet.resume_campaign(id).await.is_err(), "a cancelled campaign stays cancelled");
}

#[tokio::test]
async fn preflight_reports_each_app_and_writes_nothing_at_wechat() {
    let world = World::start(6).await;
    let mut apps = ready_apps(&world, 1, 0).await;
    let fleet = world.fleet();
    // 1: authorized, no category and no privacy guide.
    apps.push(world.authorize_directly(1).await);
    // 2: development management not granted; 3: revoked (fake refresh tokens: never used).
    let (partial, revoked) = (world.sandbox.info.merchants[2].appid.clone(), world.sandbox.info.merchants[3].appid.clone());
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
    apps.extend([partial, revoked]);
    // 4: a guide that does not declare PhoneNumber, which the template requires.
    let thin = world.authorize_directly(4).await;
    fleet
        .with_authorizer_token(&thin, |api, aat| async move {
            let category = wechat::api::category::AddcategoryRequest {
                categories: vec![wechat::api::category::NewCategory { first: 287, second: 290, certicates: vec![] }],
            };
            api.addcategory(AuthorizerToken(&aat), &category).await?;
            let guide = SetprivacysettingRequest {
                privacy_ver: Some(2),
                owner_setting: OwnerSetting {
                    contact_phone: Some("4000000000".into()),
                    notice_method: "弹窗".into(),
                    ..OwnerSetting::default()
                },
                setting_list: vec![PrivacySetting { privacy_key: "UserInfo".into(), privacy_text: "登录".into(), privacy_label: None }],
            };
            api.setprivacysetting(AuthorizerToken(&aat), &guide).await
        })
        .await
        .unwrap();
    apps.push(thin);
    // 5: never authorized here.
    apps.push("wx00000000000000ff".to_owned());

    let template = template_id(&world, "1.1.0").await;
    let requirements = Requirements { privacy_keys: vec!["PhoneNumber".into()], ..Requirements::default() };
    fleet.set_template_meta(world.platform(), template, TemplateMeta { requirements, ..TemplateMeta::default() }).await.unwrap();

    let spec = CampaignSpec { canary: Some(1), ..campaign_spec(&world, template, "1.1.0", Targets::List(apps.clone())) };
    let reports = fleet.preflight_campaign(&spec).await.unwrap();
    let view = fleet.create_campaign(spec).await.unwrap();
    assert_eq!(view.items.len(), 6);
    let failed_check = |i: usize| view.items[i].preflight.first_failure().map(|c| c.check.clone());
    assert_eq!(view.items[0].state, ItemState::Pending);
    assert!(view.items[0].canary && view.items[0].preflight.ok);
    assert!(
        view.items[0].preflight.checks.iter().any(|c| c.check == "domains" && c.status == CheckStatus::Warn),
        "no request domain: a warning"
    );
    assert_eq!(failed_check(1).as_deref(), Some("category"));
    assert_eq!(failed_check(2).as_deref(), Some("permission"));
    assert_eq!(failed_check(3).as_deref(), Some("authorization"));
    assert_eq!(failed_check(4).as_deref(), Some("privacy"));
    assert!(view.items[4].preflight.first_failure().unwrap().detail.contains("PhoneNumber"));
    assert_eq!(failed_check(5).as_deref(), Some("authorization"));
    assert!(view.items[1..].iter().all(|i| i.state == ItemState::Excluded && !i.canary && i.problem.is_some()));
    assert_eq!(reports.iter().map(|r| r.ok).collect::<Vec<_>>(), view.items.iter().map(|i| i.preflight.ok).collect::<Vec<_>>());
    assert_eq!((view.campaign.counts.excluded, view.campaign.counts.pending), (5, 1));
    let sim = sim_apps(&world).await;
    assert!(sim.values().all(|a| a.trial.is_none() && a.audits.is_empty()), "pre-flight only reads");
    assert!(fleet.campaigns().await.unwrap().iter().any(|c| c.id == view.campaign.id && c.state == CampaignState::Ready));
}

#[tokio::test]
async fn audit_pushes_through_the_relay_advance_the_campaign_without_polling() {
    let world = World::start(10).await;
    let apps = ready_apps(&world, 10, 0).await;
    let fleet = world.fleet();
    fleet.start_inbox(world.platform()).await.unwrap();
    let template = template_id(&world, "1.1.0").await;
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": apps[3], "outcomes": ["fail"] })).await;
    world.admin("/admin/audit-rules", json!({ "authorizer_appid": apps[4], "outcomes": ["delay"] })).await;
    // Polling an hour after submission: only the pushes (simulator → relay → inbox) can move the audits.
    let retry = RetryPolicy { audit_poll_after_ms: 3_600_000, ..quick_retry() };
    let spec = CampaignSpec { retry, ..campaign_spec(&world, template, "1.1.0", Targets::All) };
    let id = fleet.create_campaign(spec).await.unwrap().campaign.id;
    fleet.start_campaign(id).await.unwrap();
    let campaign = tokio::time::timeout(Duration::from_secs(60), fleet.wait_campaign(id)).await.expect("pushes came").unwrap();
    assert_eq!((campaign.state, campaign.counts.released, campaign.counts.rejected), (CampaignState::Done, 9, 1), "{campaign:?}");
    let delayed = fleet.versions(&apps[4]).await.unwrap();
    let results: Vec<_> = delayed.events.iter().rev().map(|e| e.kind).filter(|k| k.as_str().starts_with("audit_")).collect();
    use fleet::releases::EventKind::{AuditDelayed, AuditPassed};
    assert_eq!(results, [AuditDelayed, AuditPassed], "the delay push, then the pass");
    let rejected = fleet.versions(&apps[3]).await.unwrap().audits.remove(0);
    assert!(rejected.reason.is_some() && !rejected.screenshots.is_empty(), "{rejected:?}");
    fleet.stop_inbox(world.platform()).await.unwrap();
}
