//! Drill: the campaign runner SIGKILLed at random points of a 500-app campaign, five times, each time
//! a new process resuming it; a last one resumes it to the end. At the simulated WeChat, no mini
//! program was submitted twice and none was skipped, and the campaign ends `done` with every mini
//! program released.
//!
//! The runner runs in a child process: this test binary again, told by environment variables to act
//! as the runner on the parent's workspace. The simulator and the relay run in the parent (the
//! sandbox), so they outlive every kill.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fleet::campaigns::{CampaignSpec, CampaignState, Counts, RetryPolicy, Targets};
use fleet::releases::SubmitOptions;
use fleet::sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use wxfleet_drills::desk::{open_fleet, Desk};
use wxfleet_drills::procs::{http, Worker};
use wxfleet_drills::seed::Rng;

const APPS: usize = 500;
const KILLS: usize = 5;
const USER_VERSION: &str = "1.1.0";
/// One WeChat call's timeout in the runner (the simulator answers in milliseconds).
const HTTP_TIMEOUT: Duration = Duration::from_secs(2);

/// Set in the child: the workspace directory it runs the campaign on.
const CHILD_DIR: &str = "WXFLEET_DRILL_RUNNER_DIR";
/// Set in the child: the campaign to run.
const CHILD_CAMPAIGN: &str = "WXFLEET_DRILL_RUNNER_CAMPAIGN";

/// The child's side. Without the variables (every ordinary run) it does nothing. It starts the
/// campaign (first child) or resumes the one a killed process left behind, and exits when it ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runner_child() {
    let (Ok(dir), Ok(campaign)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_CAMPAIGN)) else { return };
    let id: i64 = campaign.parse().expect("a campaign id");
    let fleet = open_fleet(std::path::Path::new(&dir), HTTP_TIMEOUT);
    let state = fleet.campaign(id).await.expect("the campaign").campaign.state;
    if state == CampaignState::Ready {
        fleet.start_campaign(id).await.expect("the child starts the campaign");
    } else {
        fleet.resume_campaign(id).await.unwrap_or_else(|e| panic!("the child resumes the campaign ({state:?}): {e}"));
    }
    let campaign = fleet.wait_campaign(id).await.expect("the campaign's runner stops");
    eprintln!("runner child: campaign {id} ended {:?} ({:?}) {:?}", campaign.state, campaign.state_reason, campaign.counts);
}

/// Progress in steps WeChat saw: one per submission, one more per release (0 ..= 2 × APPS).
fn progress(counts: &Counts) -> u64 {
    let submitted = counts.under_audit + counts.passed + counts.released + counts.rejected;
    u64::from(submitted + counts.released)
}

/// A runner child on `desk`'s workspace for campaign `id`.
fn spawn_runner(desk: &Desk, id: i64) -> Worker {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["runner_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, desk.dir.path())
        .env(CHILD_CAMPAIGN, id.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the runner child starts");
    Worker(child)
}

/// POSTs to the simulator's admin API; panics unless it succeeds.
async fn admin(sandbox: &Sandbox, path: &str, body: Value) -> Value {
    let response = http().post(format!("{}{path}", sandbox.sim_url())).json(&body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Submissions per appid of `user_version`, as the simulator recorded its `submit_audit` calls.
async fn submissions_at_wechat(sim_url: &str, user_version: &str) -> Vec<(String, usize, Option<i64>)> {
    let state: Value = http().get(format!("{sim_url}/admin/state")).send().await.unwrap().json().await.unwrap();
    state["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| {
            let code = &app["code"];
            let submitted = code["audits"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["version"]["user_version"].as_str() == Some(user_version))
                .count();
            (app["appid"].as_str().unwrap().to_owned(), submitted, code["live"]["app_version"].as_i64())
        })
        .collect()
}

/// Five kill points, one in each fifth of the campaign's progress, so the kills fall at every stage
/// (committing, submitting, waiting for audits, releasing).
fn kill_points(rng: &mut Rng) -> Vec<u64> {
    let total = 2 * APPS as u64;
    let span = total * 9 / 10 / KILLS as u64;
    (0..KILLS as u64).map(|k| total / 20 + k * span + rng.in_range(0..span)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_five_times_at_random_points_no_app_is_submitted_twice_or_skipped() {
    if std::env::var(CHILD_DIR).is_ok() {
        return; // a runner child runs `runner_child` only
    }
    let mut rng = Rng::from_env("campaign_kill");
    let points = kill_points(&mut rng);
    eprintln!("campaign_kill: kill points (progress of {}): {points:?}", 2 * APPS);

    let started = Instant::now();
    let desk = Desk::open(HTTP_TIMEOUT);
    let fleet = &desk.fleet;
    let mut options = SandboxOptions::new(&desk.dir.path().join("sandbox"), APPS);
    // Audits end after one virtual second.
    options.sim.audit_after_secs = 1;
    let sandbox = Sandbox::start(fleet, options).await.unwrap();
    fleet.start_inbox(&sandbox.platform).await.unwrap();
    sandbox.ensure_ticket(fleet, Duration::from_secs(20)).await.unwrap();
    // From here on the runner children are the only ones acting on the campaign.
    fleet.stop_inbox(&sandbox.platform).await.unwrap();
    let apps = sandbox.authorize_demo_merchants(fleet, APPS).await.unwrap();
    assert_eq!(apps.len(), APPS);
    sandbox.prepare_demo_merchants(fleet, &apps).await.unwrap();
    fleet.sync_templates(&sandbox.platform).await.unwrap();
    let template = fleet.templates(&sandbox.platform).await.unwrap().into_iter().find(|t| t.user_version == USER_VERSION).unwrap();
    eprintln!("campaign_kill: {APPS} merchants authorized and prepared in {:.1} s", started.elapsed().as_secs_f64());
    // The platform's monthly audit quota covers the campaign; fresh code's privacy scan takes one
    // second instead of sixty (61039 is still met); every call now takes 2–15 ms, so a kill finds
    // calls in flight.
    admin(&sandbox, "/admin/code-limits", json!({ "audit_quota_limit": 2 * APPS, "privacy_scan_secs": 1 })).await;
    admin(&sandbox, "/admin/faults", json!({ "latency_ms": 2, "latency_max_ms": 15 })).await;

    let spec = CampaignSpec {
        platform: sandbox.platform.clone(),
        name: format!("上线 {USER_VERSION}"),
        template_id: template.template_id,
        user_version: USER_VERSION.to_owned(),
        user_desc: format!("门店模板 {USER_VERSION}"),
        targets: Targets::All,
        canary: None,
        auto_release: true,
        concurrency: 32,
        rate_per_sec: None,
        submit: SubmitOptions { version_desc: Some("批量上线".into()), privacy_api_not_use: true, ..SubmitOptions::default() },
        retry: RetryPolicy {
            max_attempts: 8,
            backoff_base_ms: 100,
            backoff_max_ms: 1_000,
            privacy_scan_retry_ms: 300,
            privacy_scan_max_waits: 60,
            audit_poll_after_ms: 1_200,
            audit_poll_every_ms: 600,
        },
    };
    let id = fleet.create_campaign(spec).await.unwrap().campaign.id;

    for (round, &point) in points.iter().enumerate() {
        let mut runner = spawn_runner(&desk, id);
        let round_started = Instant::now();
        let at_kill = loop {
            assert!(round_started.elapsed() < Duration::from_secs(120), "round {round}: no progress to {point} within 120 s");
            if let Some(status) = runner.0.try_wait().unwrap() {
                panic!("round {round}: the runner ended by itself ({status}) before the kill at {point}");
            }
            let counts = fleet.campaign(id).await.unwrap().campaign.counts;
            if progress(&counts) >= point {
                // A random few milliseconds more, so the kill does not always follow a commit.
                tokio::time::sleep(Duration::from_millis(rng.in_range(0..40))).await;
                runner.kill9();
                break fleet.campaign(id).await.unwrap().campaign;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        assert!(
            matches!(at_kill.state, CampaignState::Running | CampaignState::WaitingCanary),
            "round {round}: killed mid-campaign, found {:?}",
            at_kill.state
        );
        eprintln!(
            "campaign_kill: kill {} at progress {} (aimed at {point}) after {:.1} s: {:?}",
            round + 1,
            progress(&at_kill.counts),
            round_started.elapsed().as_secs_f64(),
            at_kill.counts
        );
    }

    // A last runner resumes it to the end.
    let mut last = spawn_runner(&desk, id);
    let finish_started = Instant::now();
    let status = loop {
        if let Some(status) = last.0.try_wait().unwrap() {
            break status;
        }
        assert!(finish_started.elapsed() < Duration::from_secs(180), "the last runner did not finish within 180 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the last runner failed: {status}");
    let campaign = fleet.campaign(id).await.unwrap().campaign;
    eprintln!("campaign_kill: finished {:.1} s after the last resume: {:?}", finish_started.elapsed().as_secs_f64(), campaign.counts);
    assert_eq!(campaign.state, CampaignState::Done, "{campaign:?}");
    assert_eq!(campaign.counts.released, APPS as u32, "{:?}", campaign.counts);
    assert_eq!(campaign.counts.failed, 0, "{:?}", campaign.counts);

    // At WeChat: each mini program submitted exactly once, and live.
    let at_wechat = submissions_at_wechat(&sandbox.sim_url(), USER_VERSION).await;
    assert_eq!(at_wechat.len(), APPS);
    let twice: Vec<_> = at_wechat.iter().filter(|(_, n, _)| *n > 1).collect();
    let skipped: Vec<_> = at_wechat.iter().filter(|(_, n, _)| *n == 0).collect();
    let not_live: Vec<_> = at_wechat.iter().filter(|(_, _, live)| live.is_none()).collect();
    assert!(twice.is_empty(), "submitted twice: {twice:?}");
    assert!(skipped.is_empty(), "skipped: {skipped:?}");
    assert!(not_live.is_empty(), "not released: {not_live:?}");
    // And the workspace agrees: one audit record per mini program, with WeChat's auditid.
    for appid in &apps {
        let history = fleet.versions(appid).await.unwrap();
        assert_eq!(history.audits.len(), 1, "{appid}: {:?}", history.audits);
        assert!(history.audits[0].auditid.is_some(), "{appid}: {:?}", history.audits);
    }
    eprintln!("campaign_kill: {APPS} apps, {KILLS} kills, each submitted once; {:.1} s in all", started.elapsed().as_secs_f64());
    sandbox.shutdown().await.unwrap();
}
