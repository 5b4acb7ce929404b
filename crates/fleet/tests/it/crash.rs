//! Crash safety: the campaign runner runs in a child process (this test binary again, told by
//! environment variables to act as the runner on the parent's workspace), is killed with SIGKILL
//! mid-campaign, and the parent resumes the campaign. At the simulator, every mini program was
//! submitted exactly once and none was skipped.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fleet::campaigns::{CampaignSpec, CampaignState, ItemState, Targets};
use fleet::{Fleet, FleetOptions};

use crate::campaigns::campaign_spec;
use crate::releases::{ready_apps, sim_apps, template_id, world_with_timeout};

/// Set in the child: the workspace directory it runs the campaign on.
const CHILD_DIR: &str = "WXFLEET_CRASH_CHILD_DIR";
/// Set in the child: the campaign to run.
const CHILD_CAMPAIGN: &str = "WXFLEET_CRASH_CHILD_CAMPAIGN";

/// The child's side. Without the variables (every ordinary test run) it does nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_runner() {
    let (Ok(dir), Ok(campaign)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_CAMPAIGN)) else { return };
    let id: i64 = campaign.parse().expect("a campaign id");
    let fleet = Fleet::open(FleetOptions { http_timeout: Duration::from_secs(2), ..FleetOptions::in_dir_with_key_file(Path::new(&dir)) })
        .expect("the child opens the parent's workspace");
    fleet.start_campaign(id).await.expect("the child starts the campaign");
    eprintln!("child: campaign {id} running");
    // Runs until the parent kills this process.
    let campaign = fleet.wait_campaign(id).await.unwrap();
    eprintln!("child: campaign {id} ended {:?} before the kill", campaign.state);
    std::thread::sleep(Duration::from_secs(600));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_campaign_killed_mid_way_resumes_with_no_app_submitted_twice_and_none_skipped() {
    const APPS: usize = 120;
    // Every call takes 20–60 ms, so a kill finds calls in flight at every step.
    let world = world_with_timeout(APPS, Duration::from_secs(2), |options| {
        options.sim.latency_ms = 20;
        options.sim.latency_max_ms = Some(60);
    })
    .await;
    let apps = ready_apps(&world, APPS, 0).await;
    let fleet = world.fleet();
    let template = template_id(&world, "1.1.0").await;
    let spec = CampaignSpec { concurrency: 24, ..campaign_spec(&world, template, "1.1.0", Targets::All) };
    let id = fleet.create_campaign(spec).await.unwrap().campaign.id;

    // The runner in a child process, on this workspace.
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash::child_runner", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, world.ws.dir.path())
        .env(CHILD_CAMPAIGN, id.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the child starts");

    // Kill it (SIGKILL) once about a third of the mini programs are submitted.
    let started = Instant::now();
    let in_flight_at_kill = loop {
        assert!(started.elapsed() < Duration::from_secs(60), "the child made no progress");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child ended by itself: {status}");
        }
        let view = fleet.campaign(id).await.unwrap();
        let submitted = view.items.iter().filter(|i| i.auditid.is_some()).count();
        if submitted >= APPS / 3 {
            child.kill().unwrap();
            child.wait().unwrap();
            break fleet.campaign(id).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        matches!(in_flight_at_kill.campaign.state, CampaignState::Running | CampaignState::WaitingCanary),
        "{:?}",
        in_flight_at_kill.campaign.state
    );
    let unknown: Vec<ItemState> = in_flight_at_kill
        .items
        .iter()
        .map(|i| i.state)
        .filter(|s| matches!(s, ItemState::Committing | ItemState::Submitting | ItemState::Releasing))
        .collect();
    eprintln!("at the kill: {} items in a step whose outcome was not recorded: {unknown:?}", unknown.len());
    let done_before = in_flight_at_kill.items.iter().filter(|i| i.state == ItemState::Released).count();
    assert!(done_before < APPS, "killed mid-way");

    // The parent resumes the campaign the dead process left `running`.
    fleet.resume_campaign(id).await.unwrap();
    let campaign = tokio::time::timeout(Duration::from_secs(120), fleet.wait_campaign(id)).await.unwrap().unwrap();
    assert_eq!(campaign.state, CampaignState::Done, "{campaign:?}");
    assert_eq!(campaign.counts.released, APPS as u32, "{:?}", campaign.counts);

    // At WeChat: each mini program submitted exactly once and live on the new version.
    let sim = sim_apps(&world).await;
    let twice: Vec<&String> = apps.iter().filter(|a| sim[*a].submissions("1.1.0") > 1).collect();
    let skipped: Vec<&String> = apps.iter().filter(|a| sim[*a].submissions("1.1.0") == 0).collect();
    assert!(twice.is_empty(), "submitted twice: {twice:?}");
    assert!(skipped.is_empty(), "skipped: {skipped:?}");
    assert!(apps.iter().all(|a| sim[a].live.as_deref() == Some("1.1.0")));
    // And the workspace agrees: one audit record per mini program, with WeChat's auditid.
    for appid in &apps {
        let history = fleet.versions(appid).await.unwrap();
        assert_eq!(history.audits.len(), 1, "{appid}: {:?}", history.audits);
        assert!(history.audits[0].auditid.is_some());
    }
}
