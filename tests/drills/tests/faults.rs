//! Fault drill: WeChat (the simulator) answering -1, 40001, 42001, 45009, 61039, timeouts and 5xx.
//!
//! * A campaign over 120 mini programs with every kind injected at 10 % of all calls (seeded), the
//!   tokens thrown away first so the token path meets the faults too: it ends `done` after clean
//!   quota stops, every item released, none submitted twice, and every stop's reason is the one the
//!   errcode table documents.
//! * Each kind scripted on one path of a small campaign: what the core does about exactly that kind.
//! * Each kind on the token endpoints: a clear problem, nothing half-stored, the next call works;
//!   a token WeChat rejects is renewed and the call goes through.

use std::collections::HashMap;
use std::time::Duration;

use fleet::campaigns::{CampaignState, CampaignView, ItemState, Targets};
use fleet::tokens::TokenKind;
use fleet::{Fleet, FleetError};
use serde_json::{json, Value};
use tempfile::TempDir;
use wechat::errcode::explain;
use wechat::AuthorizerToken;
use wxfleet_drills::sandbox_world::{run_campaign, RunOutcome, SandboxWorld, WorldOptions};

const COMPONENT_TOKEN_PATH: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN_PATH: &str = "/cgi-bin/component/api_authorizer_token";
/// Every injected kind, as the simulator's admin API names them.
const EVERY_KIND: [&str; 7] = ["-1", "40001", "42001", "45009", "61039", "timeout", "5xx"];

fn fault(kind: &str) -> Value {
    kind.parse::<i64>().map_or_else(|_| json!(kind), |code| json!(code))
}

struct Dirs {
    _root: TempDir,
    workspace: std::path::PathBuf,
    sandbox: std::path::PathBuf,
}

fn dirs() -> Dirs {
    let root = tempfile::tempdir().expect("a temporary directory");
    let (workspace, sandbox) = (root.path().join("workspace"), root.path().join("sandbox"));
    Dirs { _root: root, workspace, sandbox }
}

/// The reason stored for a stop on errcode `code` carries WeChat's meaning and the documented remedy.
fn assert_documented(reason: &Value, code: i64) {
    let documented = explain(code).unwrap_or_else(|| panic!("{code} is in the errcode table"));
    assert_eq!(reason["errcode"], code, "{reason}");
    assert_eq!(reason["meaning_en"], documented.meaning_en, "{reason}");
    assert_eq!(reason["remedy_en"], documented.remedy_en, "{reason}");
    assert_eq!(reason["remedy_zh"], documented.remedy_zh, "{reason}");
    assert!(reason["message"].as_str().is_some_and(|m| m.contains(&code.to_string())), "{reason}");
}

/// Every item is in a final state; none is left in a `…ing` state or waiting.
fn assert_all_final(view: &CampaignView) {
    let open: Vec<(String, ItemState)> = view.items.iter().filter(|i| !i.state.is_terminal()).map(|i| (i.appid.clone(), i.state)).collect();
    assert!(open.is_empty(), "items not in a final state: {open:?}");
}

async fn tokens_of(fleet: &Fleet, appids: &[String]) -> HashMap<String, Option<i64>> {
    let mut tokens = HashMap::new();
    for appid in appids {
        let info = fleet.token_info(TokenKind::Authorizer, appid).await.expect("token info");
        tokens.insert(appid.clone(), info.map(|i| i.obtained_at));
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_through_ten_percent_of_every_fault_ends_cleanly() {
    const APPS: usize = 120;
    let dirs = dirs();
    let world = SandboxWorld::start(&dirs.workspace, &dirs.sandbox, &WorldOptions { merchants: APPS, ..WorldOptions::default() }).await;
    let apps = world.ready_apps(APPS).await;
    let fleet = &world.fleet;
    let template = world.template_id("1.1.0").await;
    let spec = world.campaign_spec(template, "1.1.0", Targets::All);
    let id = fleet.create_campaign(spec).await.expect("created").campaign.id;

    // Every token is thrown away: the first call of each mini program fetches one through the faults.
    fleet.forget_token(TokenKind::Component, world.platform()).await.unwrap();
    for appid in &apps {
        fleet.forget_token(TokenKind::Authorizer, appid).await.unwrap();
    }
    let errors_before = world.logged_errors().await;
    world.admin("/admin/faults", json!({ "seed": 7, "rate": 0.10, "kinds": EVERY_KIND.map(fault) })).await;

    let started = std::time::Instant::now();
    let resumable = [CampaignState::StoppedQuota];
    let RunOutcome { campaign, stops } = run_campaign(fleet, id, false, &resumable, 80, Duration::from_secs(90)).await;
    world.admin("/admin/faults", json!({ "rate": 0.0 })).await;
    let view = fleet.campaign(id).await.unwrap();
    println!(
        "{APPS} apps through 10 % faults: {:?} in {:.1} s, {} quota stops, {} errcode answers logged, {} privacy waits",
        campaign.state,
        started.elapsed().as_secs_f64(),
        stops.len(),
        world.logged_errors().await - errors_before,
        view.items.iter().map(|i| i.privacy_waits).sum::<u32>(),
    );

    assert_eq!(campaign.state, CampaignState::Done, "{campaign:?}\nstops: {stops:?}");
    assert_all_final(&view);
    assert_eq!((campaign.counts.released, campaign.counts.failed), (APPS as u32, 0), "{:?}", campaign.counts);
    // Quota stops only, each with the documented reason: 45009 was injected, nothing else stops.
    assert!(!stops.is_empty(), "a 1.4 % chance per call of 45009 stopped it at least once");
    for (state, reason) in &stops {
        assert_eq!(*state, CampaignState::StoppedQuota);
        assert_eq!(reason["reason"], "quota", "{reason}");
        assert_eq!(reason["class"], "quota", "{reason}");
        assert_documented(reason, 45009);
    }
    // Faults really were answered (errcodes are logged with a rid; timeouts and 5xx are not).
    assert!(world.logged_errors().await - errors_before >= 20, "errcode faults were injected");
    // At WeChat: each mini program submitted exactly once and live on 1.1.0.
    let sim = world.sim_apps().await;
    for appid in &apps {
        assert_eq!(sim[appid].submissions("1.1.0"), 1, "{appid} submitted once: {:?}", sim[appid].submitted);
        assert_eq!(sim[appid].live.as_deref(), Some("1.1.0"), "{appid}");
    }
    // Every mini program got a new token through the faulted token endpoint.
    assert!(tokens_of(fleet, &apps).await.values().all(Option::is_some));
    world.shutdown().await;
}

/// One small campaign with `kind` scripted `count` times on `path`; returns its outcome.
async fn scripted_campaign(
    world: &SandboxWorld,
    apps: &[String],
    template: i64,
    version: &str,
    script: Value,
    max_attempts: u32,
) -> (RunOutcome, CampaignView) {
    let mut spec = world.campaign_spec(template, version, Targets::List(apps.to_vec()));
    spec.concurrency = 1;
    spec.retry.max_attempts = max_attempts;
    let id = world.fleet.create_campaign(spec).await.expect("created").campaign.id;
    world.admin("/admin/faults", json!({ "script": script })).await;
    let outcome = run_campaign(&world.fleet, id, false, &[], 0, Duration::from_secs(60)).await;
    let view = world.fleet.campaign(id).await.unwrap();
    (outcome, view)
}

async fn scripted_left(world: &SandboxWorld) -> u64 {
    let plan = world.admin_get("/admin/faults").await;
    plan["script"].as_array().into_iter().flatten().filter_map(|s| s["count"].as_u64()).sum()
}

/// Done, every app live on `version` and submitted once, the script used up.
async fn assert_clean_finish(world: &SandboxWorld, apps: &[String], version: &str, outcome: &RunOutcome, view: &CampaignView) {
    assert_eq!(outcome.campaign.state, CampaignState::Done, "{:?}", outcome.campaign);
    assert_all_final(view);
    let problems: Vec<(&str, Option<&Value>)> = view.items.iter().map(|i| (i.state.as_str(), i.problem.as_ref())).collect();
    assert_eq!(outcome.campaign.counts.released, apps.len() as u32, "{:?} {problems:?}", outcome.campaign.counts);
    let sim = world.sim_apps().await;
    for appid in apps {
        assert_eq!(sim[appid].submissions(version), 1, "{appid} submitted {version} once: {:?}", sim[appid].submitted);
        assert_eq!(sim[appid].live.as_deref(), Some(version), "{appid}");
    }
    assert_eq!(scripted_left(world).await, 0, "the scripted faults were all met");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_kind_on_one_path_is_handled_as_documented() {
    let dirs = dirs();
    let world = SandboxWorld::start(&dirs.workspace, &dirs.sandbox, &WorldOptions { merchants: 4, ..WorldOptions::default() }).await;
    let apps = world.ready_apps(3).await;
    let template = world.template_id("1.1.0").await;
    let script = |path: &str, kind: &str, count: u32| json!([{ "path": path, "fault": fault(kind), "count": count }]);

    // -1, 5xx and timeouts are retried; a lost submission is looked up first, never sent twice.
    for (n, (path, kind)) in
        [("/wxa/submit_audit", "-1"), ("/wxa/commit", "5xx"), ("/wxa/submit_audit", "timeout"), ("/wxa/release", "timeout")]
            .into_iter()
            .enumerate()
    {
        let version = format!("2.0.{n}");
        let (outcome, view) = scripted_campaign(&world, &apps, template, &version, script(path, kind, 2), 8).await;
        assert_clean_finish(&world, &apps, &version, &outcome, &view).await;
    }

    // 40001 / 42001: the token is renewed and the call made again — once inside the call, and when
    // the fresh token is refused as well, by the campaign's retry.
    for (n, (kind, count)) in [("40001", 1), ("42001", 2)].into_iter().enumerate() {
        let version = format!("2.1.{n}");
        let before = tokens_of(&world.fleet, &apps).await;
        let (outcome, view) = scripted_campaign(&world, &apps, template, &version, script("/wxa/submit_audit", kind, count), 8).await;
        assert_clean_finish(&world, &apps, &version, &outcome, &view).await;
        let after = tokens_of(&world.fleet, &apps).await;
        let renewed: Vec<&String> = apps.iter().filter(|a| before[*a] != after[*a]).collect();
        assert_eq!(renewed.len(), 1, "{kind}: only the mini program whose token was refused got a new one");
    }

    // 61039: the privacy scan is waited out, not counted as a failure.
    let (outcome, view) = scripted_campaign(&world, &apps, template, "2.2.0", script("/wxa/submit_audit", "61039", 3), 2).await;
    assert_clean_finish(&world, &apps, "2.2.0", &outcome, &view).await;
    assert_eq!(view.items.iter().map(|i| i.privacy_waits).sum::<u32>(), 3);

    // 45009: the campaign stops cleanly with the documented reason; nothing half-done; resuming
    // finishes it.
    let mut spec = world.campaign_spec(template, "2.3.0", Targets::List(apps.clone()));
    spec.concurrency = 1;
    let id = world.fleet.create_campaign(spec).await.unwrap().campaign.id;
    world.admin("/admin/faults", json!({ "script": script("/wxa/submit_audit", "45009", 1) })).await;
    let stopped = run_campaign(&world.fleet, id, false, &[], 0, Duration::from_secs(60)).await.campaign;
    assert_eq!(stopped.state, CampaignState::StoppedQuota, "{stopped:?}");
    let reason = stopped.state_reason.clone().expect("a reason");
    assert_eq!((reason["reason"].as_str(), reason["class"].as_str()), (Some("quota"), Some("quota")), "{reason}");
    assert_documented(&reason, 45009);
    assert!(!world.fleet.campaign_running_here(id));
    let view = world.fleet.campaign(id).await.unwrap();
    let refused = view.items.iter().find(|i| i.errcode == Some(45009)).expect("the item WeChat refused records 45009");
    assert_eq!(refused.state, ItemState::Committed, "the refused submission left it committed, not half-submitted");
    assert!(view.items.iter().all(|i| !matches!(i.state, ItemState::Submitting | ItemState::Committing | ItemState::Releasing)));
    assert_eq!(world.sim_apps().await[&refused.appid].submissions("2.3.0"), 0);
    let resumed = run_campaign(&world.fleet, id, true, &[], 0, Duration::from_secs(60)).await;
    let view = world.fleet.campaign(id).await.unwrap();
    assert_clean_finish(&world, &apps, "2.3.0", &resumed, &view).await;

    // A fault that does not go away: the item fails with the errcode and the documented remedy,
    // the campaign still ends.
    let one = vec![apps[0].clone()];
    let (outcome, view) = scripted_campaign(&world, &one, template, "2.4.0", script("/wxa/commit", "-1", 3), 3).await;
    assert_eq!(outcome.campaign.state, CampaignState::Done, "{:?}", outcome.campaign);
    assert_all_final(&view);
    let item = &view.items[0];
    assert_eq!((item.state, item.errcode), (ItemState::Failed, Some(-1)));
    assert_documented(item.problem.as_ref().expect("a problem"), -1);
    assert_eq!(world.sim_apps().await[&apps[0]].submissions("2.4.0"), 0);
    world.shutdown().await;
}

/// The class the core gives `kind` when it comes from a token endpoint.
fn expected_class(kind: &str) -> &'static str {
    match kind {
        "45009" => "quota",
        "40001" | "42001" => "token_invalid",
        _ => "transient",
    }
}

fn assert_clear_problem(error: &FleetError, kind: &str) {
    let problem = error.problem();
    assert_eq!(problem.class, expected_class(kind), "{kind}: {problem:?}");
    match kind.parse::<i64>() {
        Ok(code) => {
            assert_eq!(problem.errcode, Some(code), "{problem:?}");
            let documented = explain(code).unwrap();
            assert_eq!(problem.remedy_en.as_deref(), Some(documented.remedy_en), "{problem:?}");
        }
        Err(_) => {
            assert_eq!(problem.code, "network", "{kind}: {problem:?}");
            let said = problem.message.to_lowercase();
            let names_it = if kind == "timeout" { said.contains("time") } else { said.contains("502") };
            assert!(names_it, "{kind}: the message says what happened: {}", problem.message);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_path_meets_every_fault_with_a_clear_problem_and_recovers() {
    let dirs = dirs();
    let world = SandboxWorld::start(&dirs.workspace, &dirs.sandbox, &WorldOptions { merchants: 2, ..WorldOptions::default() }).await;
    let appid = world.ready_apps(1).await.remove(0);
    let (fleet, platform) = (&world.fleet, world.platform().to_owned());
    let script = |path: &str, kind: &str| json!({ "script": [{ "path": path, "fault": fault(kind), "count": 1 }] });

    for kind in EVERY_KIND {
        // The component token.
        fleet.forget_token(TokenKind::Component, &platform).await.unwrap();
        world.admin("/admin/faults", script(COMPONENT_TOKEN_PATH, kind)).await;
        let error = fleet.component_token(&platform).await.expect_err(kind);
        assert_clear_problem(&error, kind);
        assert_eq!(fleet.token_info(TokenKind::Component, &platform).await.unwrap(), None, "{kind}: nothing stored");
        fleet.component_token(&platform).await.unwrap_or_else(|e| panic!("{kind}: the next fetch works: {e}"));

        // The authorizer token (fetched with the component token, which is valid now).
        fleet.forget_token(TokenKind::Authorizer, &appid).await.unwrap();
        world.admin("/admin/faults", script(AUTHORIZER_TOKEN_PATH, kind)).await;
        if matches!(kind, "40001" | "42001") {
            // Refused for the component token it was asked with: that one is renewed, the ask repeated.
            let component = fleet.component_token(&platform).await.unwrap();
            fleet.authorizer_token(&platform, &appid).await.unwrap_or_else(|e| panic!("{kind}: renewed and asked again: {e}"));
            assert_ne!(fleet.component_token(&platform).await.unwrap(), component, "{kind}: the component token was renewed");
        } else {
            let error = fleet.authorizer_token(&platform, &appid).await.expect_err(kind);
            assert_clear_problem(&error, kind);
            assert_eq!(fleet.token_info(TokenKind::Authorizer, &appid).await.unwrap(), None, "{kind}: nothing stored");
            fleet.authorizer_token(&platform, &appid).await.unwrap_or_else(|e| panic!("{kind}: the next refresh works: {e}"));
        }
        assert_eq!(scripted_left(&world).await, 0);
    }

    // A call whose token WeChat refuses (40001, 42001): the token is renewed and the call goes through.
    for kind in ["40001", "42001"] {
        let before = fleet.authorizer_token(&platform, &appid).await.unwrap();
        world.admin("/admin/faults", script("/cgi-bin/wxopen/getcategory", kind)).await;
        let categories = fleet.with_authorizer_token(&appid, |api, aat| async move { api.getcategory(AuthorizerToken(&aat)).await }).await;
        assert!(categories.is_ok(), "{kind}: {categories:?}");
        assert_ne!(fleet.authorizer_token(&platform, &appid).await.unwrap(), before, "{kind}: the refused token was replaced");
    }
    world.shutdown().await;
}
