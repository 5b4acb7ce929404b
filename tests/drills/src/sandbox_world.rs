//! An in-process world for the drills that need no separate processes: a workspace (in a directory
//! the drill chooses, e.g. on a small filesystem) wired to the sandbox — the simulator and the relay
//! on loopback — with demo merchants authorized and ready for a campaign.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use fleet::campaigns::{Campaign, CampaignSpec, CampaignState, RetryPolicy, Targets};
use fleet::releases::SubmitOptions;
use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetOptions};
use serde_json::{json, Value};

/// The workspace and the sandbox it talks to.
pub struct SandboxWorld {
    /// The workspace.
    pub fleet: Fleet,
    /// The simulator and the relay.
    pub sandbox: Sandbox,
    http: reqwest::Client,
}

/// How a world is set up.
#[derive(Debug, Clone)]
pub struct WorldOptions {
    /// Demo merchants the simulator seeds.
    pub merchants: usize,
    /// How long the workspace waits for WeChat (a `timeout` fault must outlast it).
    pub http_timeout: Duration,
    /// How long the simulator holds a `timeout` fault.
    pub timeout_hold: Duration,
}

impl Default for WorldOptions {
    fn default() -> Self {
        WorldOptions { merchants: 20, http_timeout: Duration::from_millis(800), timeout_hold: Duration::from_millis(2_500) }
    }
}

impl SandboxWorld {
    /// A workspace in `workspace_dir` (its database and key file), the sandbox's files in
    /// `sandbox_dir`.
    pub async fn start(workspace_dir: &Path, sandbox_dir: &Path, options: &WorldOptions) -> SandboxWorld {
        let fleet = Fleet::open(FleetOptions { http_timeout: options.http_timeout, ..FleetOptions::in_dir_with_key_file(workspace_dir) })
            .expect("the workspace opens");
        let mut sandbox_options = SandboxOptions::new(sandbox_dir, options.merchants);
        sandbox_options.sim.audit_after_secs = 1;
        sandbox_options.sim.fault_timeout_hold_ms = u64::try_from(options.timeout_hold.as_millis()).unwrap_or(u64::MAX);
        let sandbox = Sandbox::start(&fleet, sandbox_options).await.expect("the sandbox starts");
        SandboxWorld { fleet, sandbox, http: reqwest::Client::new() }
    }

    /// The demo platform's component appid.
    pub fn platform(&self) -> &str {
        &self.sandbox.platform
    }

    /// POSTs JSON to the simulator's admin API (never faulted).
    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let response = self.http.post(format!("{}{path}", self.sandbox.sim_url())).json(&body).send().await.expect("the admin API answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// GETs the simulator's admin API.
    pub async fn admin_get(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.sandbox.sim_url())).send().await.expect("the admin API answers").json().await.expect("JSON")
    }

    /// A fresh `component_verify_ticket`, stored as the inbox would store it.
    pub async fn ticket(&self) {
        let answer = self.admin("/admin/push-ticket", json!({})).await;
        let ticket = answer["ticket"].as_str().expect("the simulator answers with the ticket").to_owned();
        let (platform, vault, now) = (self.platform().to_owned(), self.fleet.vault().clone(), self.fleet.now_ms());
        self.fleet.store().write(move |tx| fleet::tickets::store(tx, &vault, &platform, &ticket, now / 1000, now)).await.expect("stored");
    }

    /// A ticket, then the first `count` demo merchants authorized and prepared as an operator would
    /// (an approved category, a privacy guide). The privacy scan after a commit is instant (a drill
    /// injects 61039 itself). Returns their appids in order.
    pub async fn ready_apps(&self, count: usize) -> Vec<String> {
        self.ticket().await;
        self.admin("/admin/code-limits", json!({ "privacy_scan_secs": 0 })).await;
        let appids = self.sandbox.authorize_demo_merchants(&self.fleet, count).await.expect("the demo merchants authorize");
        assert_eq!(appids.len(), count, "enough demo merchants");
        self.sandbox.prepare_demo_merchants(&self.fleet, &appids).await.expect("the demo merchants are prepared");
        appids
    }

    /// The demo library's template committed as `user_version`.
    pub async fn template_id(&self, user_version: &str) -> i64 {
        self.fleet.sync_templates(self.platform()).await.expect("templates sync");
        let templates = self.fleet.templates(self.platform()).await.expect("templates");
        templates.iter().find(|t| t.user_version == user_version).unwrap_or_else(|| panic!("no demo template {user_version}")).template_id
    }

    /// A campaign of `template_id` as `user_version` to `targets`, released as audits pass, with
    /// short waits so a drill takes seconds.
    pub fn campaign_spec(&self, template_id: i64, user_version: &str, targets: Targets) -> CampaignSpec {
        CampaignSpec {
            platform: self.platform().to_owned(),
            name: format!("drill {user_version}"),
            template_id,
            user_version: user_version.to_owned(),
            user_desc: format!("drill {user_version}"),
            targets,
            canary: None,
            auto_release: true,
            concurrency: 16,
            rate_per_sec: None,
            submit: SubmitOptions { version_desc: Some("drill".into()), privacy_api_not_use: true, ..SubmitOptions::default() },
            retry: quick_retry(),
        }
    }

    /// What the simulator knows of every mini program.
    pub async fn sim_apps(&self) -> HashMap<String, SimApp> {
        let state = self.admin_get("/admin/state").await;
        let mut apps = HashMap::new();
        for app in state["apps"].as_array().expect("apps") {
            let code = &app["code"];
            let submitted = code["audits"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["version"]["user_version"].as_str().map(str::to_owned))
                .collect();
            let live_version = code["live"]["app_version"].as_i64();
            let live = code["releases"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| live_version.is_some() && r["app_version"].as_i64() == live_version)
                .and_then(|r| r["version"]["user_version"].as_str().map(str::to_owned));
            apps.insert(app["appid"].as_str().expect("an appid").to_owned(), SimApp { submitted, live });
        }
        apps
    }

    /// Failed calls the simulator logged for `openapi/rid/get` (every errcode answer, injected ones
    /// included).
    pub async fn logged_errors(&self) -> u64 {
        self.admin_get("/admin/state").await["rids"].as_u64().unwrap_or(0)
    }

    /// Stops the relay and the simulator.
    pub async fn shutdown(self) {
        self.sandbox.shutdown().await.expect("the sandbox stops");
    }
}

/// A mini program at the simulator.
#[derive(Debug, Clone, Default)]
pub struct SimApp {
    /// The `user_version` of every audit submission, in order.
    pub submitted: Vec<String>,
    /// The `user_version` users get.
    pub live: Option<String>,
}

impl SimApp {
    /// How many times `user_version` was submitted for audit.
    pub fn submissions(&self, user_version: &str) -> usize {
        self.submitted.iter().filter(|v| *v == user_version).count()
    }
}

/// Retries and polling measured in hundreds of milliseconds.
pub fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 8,
        backoff_base_ms: 100,
        backoff_max_ms: 800,
        privacy_scan_retry_ms: 300,
        privacy_scan_max_waits: 60,
        audit_poll_after_ms: 1_200,
        audit_poll_every_ms: 600,
    }
}

/// Where a campaign ended, and every stop on the way (state and reason).
#[derive(Debug)]
pub struct RunOutcome {
    /// The campaign when its runner stopped for the last time.
    pub campaign: Campaign,
    /// Each stop that was resumed: the state it stopped in and the stored reason.
    pub stops: Vec<(CampaignState, Value)>,
}

/// Starts campaign `id` (or resumes it, when `resume`) and waits for its runner; resumes it after
/// each stop in one of `resume_on` (at most `max_resumes` times), as an operator would once the
/// reason is dealt with. Panics when a runner does not stop within `limit`.
pub async fn run_campaign(
    fleet: &Fleet,
    id: i64,
    resume: bool,
    resume_on: &[CampaignState],
    max_resumes: usize,
    limit: Duration,
) -> RunOutcome {
    if resume {
        fleet.resume_campaign(id).await.expect("the campaign resumes");
    } else {
        fleet.start_campaign(id).await.expect("the campaign starts");
    }
    let mut stops = Vec::new();
    loop {
        let campaign = tokio::time::timeout(limit, fleet.wait_campaign(id)).await.expect("the runner stops in time").expect("the campaign");
        if !resume_on.contains(&campaign.state) || stops.len() >= max_resumes {
            return RunOutcome { campaign, stops };
        }
        stops.push((campaign.state, campaign.state_reason.clone().unwrap_or(Value::Null)));
        fleet.resume_campaign(id).await.expect("the campaign resumes");
    }
}
