//! `campaign`: a campaign over 1,000 mini programs through the real core (`fleet`), against the
//! simulator with 100 ms of latency on every WeChat call, at concurrency 1, 8 and 32 — beside a
//! sequential script using wechatpy's client (`bench/peers/campaign_wechatpy.py`) making the same
//! per-app calls against the same simulator.
//!
//! Every run gets a fresh world: a new simulator and relay on loopback (the sandbox), a new
//! workspace in a temporary directory (SQLite, `synchronous=FULL`), the same number of demo
//! merchants authorized, each with an approved category and a privacy guide. Audits complete at
//! once (the simulator decides them on its next tick), the privacy scan takes no time, so what is
//! measured is the campaign's own work: commit, submit, release per mini program, each with its
//! intent and result written around the call; wxfleet's inbox receives the audit results as pushes
//! through the relay, the script (which has no push receiver) polls `get_auditstatus`.
//!
//! Calls are counted by the simulator (its per-account daily counters), so every bound
//! `calls × latency ÷ concurrency` is computed from what really went over the wire. Peak RSS is
//! sampled from `/proc/self/status` every 10 ms during each wxfleet run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use fleet::campaigns::{CampaignSpec, CampaignState, RetryPolicy, Targets};
use fleet::releases::{calls, ext_json, SubmitOptions};
use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetOptions};
use wechat::api::category::NewCategory;
use wechat::api::privacy::{OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wxfleet_sim::faults::FaultUpdate;
use wxfleet_sim::world::Confirmation;

/// A campaign over many mini programs at several concurrencies, beside a wechatpy script.
#[derive(Debug, Parser)]
#[command(name = "campaign", about)]
struct Args {
    /// Mini programs in every run.
    #[arg(long, default_value_t = 1_000)]
    apps: usize,
    /// Latency the simulator adds to every WeChat call, in ms.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// The concurrencies of wxfleet's runs, one fresh world each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    concurrency: Vec<u32>,
    /// Skip the wechatpy script.
    #[arg(long)]
    no_wechatpy: bool,
    /// The Python with wechatpy installed (bench/peers/setup.sh makes it).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/.venv/bin/python"))]
    python: PathBuf,
    /// The wechatpy script.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/campaign_wechatpy.py"))]
    script: PathBuf,
    /// Poll an audit whose push has not come after this many ms (wxfleet's fallback).
    #[arg(long, default_value_t = 30_000)]
    poll_after_ms: u64,
}

/// The APIs a campaign calls, by either client (the simulator counts each per account).
const PATHS: &[&str] = &[
    "/wxa/commit",
    "/wxa/submit_audit",
    "/wxa/release",
    "/wxa/get_auditstatus",
    "/wxa/get_latest_auditstatus",
    "/wxa/getversioninfo",
    "/wxa/queryquota",
    "/wxa/get_category",
    "/cgi-bin/component/getprivacysetting",
    "/wxa/get_effective_domain",
    "/cgi-bin/component/api_authorizer_token",
    "/cgi-bin/component/api_component_token",
];

const USER_VERSION: &str = "2.0.0";

fn main() {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(args)) {
        eprintln!("campaign: {e}");
        std::process::exit(1);
    }
}

/// Peak resident memory, sampled on a thread of its own.
struct RssSampler {
    peak_kib: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

impl RssSampler {
    fn start() -> RssSampler {
        let (peak_kib, stop) = (Arc::new(AtomicU64::new(rss_kib())), Arc::new(AtomicBool::new(false)));
        let (peak, halt) = (peak_kib.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        RssSampler { peak_kib, stop, thread: Some(thread) }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.peak_kib.load(Ordering::Relaxed)
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// One timed stretch of calls.
#[derive(Debug, Clone, Copy)]
struct Phase {
    elapsed: Duration,
    calls: u64,
    concurrency: u32,
}

impl Phase {
    fn bound(&self, latency_ms: u64) -> Duration {
        Duration::from_millis(self.calls * latency_ms / u64::from(self.concurrency.max(1)))
    }

    fn ratio(&self, latency_ms: u64) -> f64 {
        self.elapsed.as_secs_f64() / self.bound(latency_ms).as_secs_f64().max(f64::EPSILON)
    }
}

/// What one wxfleet campaign measured.
struct Run {
    concurrency: u32,
    preflight: Phase,
    run: Phase,
    rss_before_kib: u64,
    rss_peak_kib: u64,
    load: (String, String),
}

/// What the wechatpy script measured: its tokens, then its campaign.
struct PeerRun {
    version: String,
    tokens: Phase,
    campaign: Phase,
    audit_polls: u64,
    load: (String, String),
}

/// What set-up left in the simulator for a client to use.
struct Seeded {
    appids: Vec<String>,
    ticket: String,
    refresh_tokens: Vec<String>,
}

/// A fresh simulator, relay and workspace with `apps` merchants ready for a campaign.
struct World {
    dir: tempfile::TempDir,
    fleet: Fleet,
    sandbox: Sandbox,
    platform: String,
    template_id: i64,
    seeded: Seeded,
}

impl World {
    async fn new(apps: usize) -> Result<World, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let fleet = Fleet::open(FleetOptions::in_dir_with_key_file(dir.path())).map_err(|e| e.to_string())?;
        let mut options = SandboxOptions::new(&dir.path().join("sandbox"), apps);
        options.sim.audit_after_secs = 0;
        options.sim.ticket_interval_secs = 3_600;
        let sandbox = Sandbox::start(&fleet, options).await.map_err(|e| e.to_string())?;
        let platform = sandbox.platform.clone();
        let seeded = prepare(&fleet, &sandbox, &platform, apps).await?;
        fleet.sync_templates(&platform).await.map_err(|e| e.to_string())?;
        let template_id = fleet
            .templates(&platform)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|t| t.user_version == "1.1.0")
            .ok_or("no demo template 1.1.0")?
            .template_id;
        Ok(World { dir, fleet, sandbox, platform, template_id, seeded })
    }

    /// Calls the simulator counted so far today, over every account and the campaign's APIs.
    fn calls(&self) -> u64 {
        let sim = &self.sandbox.sim.sim;
        sim.with_world(|world, now| {
            let mut total = 0;
            for account in self.seeded.appids.iter().map(String::as_str).chain([self.platform.as_str()]) {
                for path in PATHS {
                    total += world.quotas.quota(account, path, now).used.max(0) as u64;
                }
            }
            total
        })
    }

    /// From now on every WeChat call waits `latency_ms`.
    fn set_latency(&self, latency_ms: u64) -> Result<(), String> {
        let update = FaultUpdate { latency_ms: Some(latency_ms), ..FaultUpdate::default() };
        self.sandbox.sim.sim.faults().lock().unwrap_or_else(|p| p.into_inner()).update(update)
    }

    async fn close(self) -> Result<(), String> {
        let _ = self.fleet.stop_inbox(&self.platform).await;
        self.sandbox.shutdown().await.map_err(|e| e.to_string())
    }

    async fn campaign(&self, concurrency: u32, poll_after_ms: u64) -> Result<Run, String> {
        let appids = &self.seeded.appids;
        let spec = CampaignSpec {
            platform: self.platform.clone(),
            name: format!("concurrency {concurrency}"),
            template_id: self.template_id,
            user_version: USER_VERSION.to_owned(),
            user_desc: "bench".to_owned(),
            targets: Targets::List(appids.clone()),
            canary: None,
            auto_release: true,
            concurrency,
            rate_per_sec: None,
            submit: SubmitOptions { privacy_api_not_use: true, ..SubmitOptions::default() },
            // Pushes come through the relay; polling is only the fallback for a lost one.
            retry: RetryPolicy { audit_poll_after_ms: poll_after_ms, audit_poll_every_ms: 5_000, ..RetryPolicy::default() },
        };
        let load_before = load_average();
        let counted = self.calls();
        let t0 = Instant::now();
        let created = self.fleet.create_campaign(spec).await.map_err(|e| format!("create: {e}"))?;
        let preflight = t0.elapsed();
        if created.campaign.counts.pending as usize != appids.len() {
            return Err(format!("pre-flight excluded some: {:?}", created.campaign.counts));
        }
        let after_preflight = self.calls();
        let rss_before_kib = rss_kib();
        let sampler = RssSampler::start();
        let t1 = Instant::now();
        let id = created.campaign.id;
        self.fleet.start_campaign(id).await.map_err(|e| format!("start: {e}"))?;
        let done = self.fleet.wait_campaign(id).await.map_err(|e| e.to_string())?;
        let elapsed = t1.elapsed();
        let rss_peak_kib = sampler.finish();
        if done.state != CampaignState::Done || done.counts.released as usize != appids.len() {
            return Err(format!("concurrency {concurrency}: ended {:?} with {:?}", done.state, done.counts));
        }
        Ok(Run {
            concurrency,
            preflight: Phase { elapsed: preflight, calls: after_preflight - counted, concurrency },
            run: Phase { elapsed, calls: self.calls() - after_preflight, concurrency },
            rss_before_kib,
            rss_peak_kib,
            load: (load_before, load_average()),
        })
    }

    /// What the wechatpy script needs: the simulator's URL, the platform's credentials and ticket,
    /// and per merchant its refresh token, the ext_json and audit item wxfleet would send.
    async fn seed_file(&self, path: &Path) -> Result<(), String> {
        let mut apps = Vec::with_capacity(self.seeded.appids.len());
        for (appid, refresh_token) in self.seeded.appids.iter().zip(&self.seeded.refresh_tokens) {
            let ext = ext_json::compose(&self.fleet, appid, self.template_id).await.map_err(|e| e.to_string())?;
            let categories = calls::approved_categories(&self.fleet, appid).await.map_err(|e| e.to_string())?;
            let category = categories.first().ok_or_else(|| format!("{appid} has no approved category"))?;
            let submit = SubmitOptions { privacy_api_not_use: true, ..SubmitOptions::default() }.request(calls::audit_item(category));
            apps.push(serde_json::json!({
                "appid": appid, "refresh_token": refresh_token, "ext_json": ext.ext_json, "submit_audit": submit,
            }));
        }
        let info = &self.sandbox.info;
        let seed = serde_json::json!({
            "base_url": self.sandbox.sim_url(),
            "component_appid": info.platform.component_appid,
            "component_appsecret": info.platform.component_appsecret,
            "token": info.platform.token,
            "encoding_aes_key": info.platform.encoding_aes_key,
            "component_verify_ticket": self.seeded.ticket,
            "template_id": self.template_id,
            "user_version": USER_VERSION,
            "user_desc": "bench",
            "apps": apps,
        });
        std::fs::write(path, serde_json::to_vec(&seed).map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Runs the script with `latency_ms` on every call (the seed is written before, without).
    async fn wechatpy(&self, python: &Path, script: &Path, latency_ms: u64) -> Result<PeerRun, String> {
        let seed = self.dir.path().join("wechatpy-seed.json");
        self.seed_file(&seed).await?;
        self.set_latency(latency_ms)?;
        let load_before = load_average();
        let counted = self.calls();
        let mut command = std::process::Command::new(python);
        command.arg(script).arg(&seed);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("{} did not run ({e}): run bench/peers/setup.sh first", python.display()))?;
        if !output.status.success() {
            return Err(format!("the wechatpy script failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr)));
        }
        let calls = self.calls() - counted;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report: serde_json::Value =
            serde_json::from_str(stdout.lines().last().unwrap_or_default()).map_err(|e| format!("the script's report ({e}): {stdout}"))?;
        let number = |key: &str| report[key].as_f64().ok_or_else(|| format!("the script's report has no {key}: {report}"));
        let (token_calls, campaign_calls) = (number("token_calls")? as u64, number("campaign_calls")? as u64);
        if token_calls + campaign_calls != calls {
            return Err(format!("the script says it made {token_calls} + {campaign_calls} calls, the simulator counted {calls}"));
        }
        if number("released")? as usize != self.seeded.appids.len() {
            return Err(format!("the script released {} of {} mini programs", number("released")?, self.seeded.appids.len()));
        }
        Ok(PeerRun {
            version: report["wechatpy"].as_str().unwrap_or("?").to_owned(),
            tokens: Phase { elapsed: Duration::from_secs_f64(number("tokens_s")?), calls: token_calls, concurrency: 1 },
            campaign: Phase { elapsed: Duration::from_secs_f64(number("campaign_s")?), calls: campaign_calls, concurrency: 1 },
            audit_polls: number("audit_polls")? as u64,
            load: (load_before, load_average()),
        })
    }
}

async fn run(args: Args) -> Result<(), String> {
    let latency = args.latency_ms;
    println!(
        "campaign bench: {} mini programs per run, {latency} ms per WeChat call, concurrency {:?}{}; {} cores; load average {}",
        args.apps,
        args.concurrency,
        if args.no_wechatpy { "" } else { ", then wechatpy sequentially" },
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    let mut runs = Vec::new();
    for &concurrency in &args.concurrency {
        let started = Instant::now();
        let world = World::new(args.apps).await?;
        world.fleet.start_inbox(&world.platform).await.map_err(|e| e.to_string())?;
        world.set_latency(latency)?;
        let set_up = started.elapsed();
        let run = world.campaign(concurrency, args.poll_after_ms).await?;
        world.close().await?;
        println!(
            "wxfleet  c={:<3} set-up {:>5.1} s | pre-flight {:>7.2} s {:>5} calls ratio {:.3} | run {:>7.2} s {:>5} calls ({:.2}/app) bound {:>7.2} s ratio {:.3} | RSS {} → {} MiB | load {} → {}",
            concurrency,
            set_up.as_secs_f64(),
            run.preflight.elapsed.as_secs_f64(),
            run.preflight.calls,
            run.preflight.ratio(latency),
            run.run.elapsed.as_secs_f64(),
            run.run.calls,
            run.run.calls as f64 / args.apps as f64,
            run.run.bound(latency).as_secs_f64(),
            run.run.ratio(latency),
            run.rss_before_kib / 1024,
            run.rss_peak_kib / 1024,
            run.load.0,
            run.load.1
        );
        runs.push(run);
    }
    let peer = if args.no_wechatpy {
        None
    } else {
        // The script's audits are decided on the simulator's tick like wxfleet's; their pushes go
        // to the relay, where nobody reads them (a script has no push receiver).
        let world = World::new(args.apps).await?;
        let peer = world.wechatpy(&args.python, &args.script, latency).await;
        world.close().await?;
        let peer = peer?;
        println!(
            "wechatpy {} sequential | tokens {:>7.2} s {:>5} calls ratio {:.3} | campaign {:>7.2} s {:>5} calls ({:.2}/app, {} audit polls) bound {:>7.2} s ratio {:.3} | load {} → {}",
            peer.version,
            peer.tokens.elapsed.as_secs_f64(),
            peer.tokens.calls,
            peer.tokens.ratio(latency),
            peer.campaign.elapsed.as_secs_f64(),
            peer.campaign.calls,
            peer.campaign.calls as f64 / args.apps as f64,
            peer.audit_polls,
            peer.campaign.bound(latency).as_secs_f64(),
            peer.campaign.ratio(latency),
            peer.load.0,
            peer.load.1
        );
        Some(peer)
    };
    summary(&args, &runs, peer.as_ref());
    Ok(())
}

/// The table the README takes, and the ratios.
fn summary(args: &Args, runs: &[Run], peer: Option<&PeerRun>) {
    let latency = args.latency_ms;
    println!();
    println!("{} mini programs, {latency} ms per call; bound = calls × {latency} ms ÷ concurrency", args.apps);
    println!("| client | concurrency | phase | calls | calls/app | time | bound | time ÷ bound | load average (before → after) |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---|");
    let row = |client: &str, phase_name: &str, phase: &Phase, load: &(String, String)| {
        println!(
            "| {client} | {} | {phase_name} | {} | {:.2} | {:.2} s | {:.2} s | {:.3} | {} → {} |",
            phase.concurrency,
            phase.calls,
            phase.calls as f64 / args.apps as f64,
            phase.elapsed.as_secs_f64(),
            phase.bound(latency).as_secs_f64(),
            phase.ratio(latency),
            load.0,
            load.1
        );
    };
    for run in runs {
        row("wxfleet", "pre-flight (checks + tokens)", &run.preflight, &run.load);
        row("wxfleet", "run (commit, submit, release)", &run.run, &run.load);
    }
    if let Some(peer) = peer {
        row(&format!("wechatpy {}", peer.version), "tokens", &peer.tokens, &peer.load);
        row(&format!("wechatpy {}", peer.version), "campaign (commit, submit, poll, release)", &peer.campaign, &peer.load);
    }
    println!();
    let total = |run: &Run| run.preflight.elapsed + run.run.elapsed;
    let sequential = runs.iter().find(|r| r.concurrency == 1);
    if let (Some(seq), Some(peer)) = (sequential, peer) {
        let peer_total = peer.tokens.elapsed + peer.campaign.elapsed;
        println!(
            "wxfleet c=1 vs wechatpy sequential: run {:.2} s vs campaign {:.2} s = {:.3}×; with pre-flight/tokens {:.2} s vs {:.2} s = {:.3}× (wxfleet ÷ wechatpy)",
            seq.run.elapsed.as_secs_f64(),
            peer.campaign.elapsed.as_secs_f64(),
            seq.run.elapsed.as_secs_f64() / peer.campaign.elapsed.as_secs_f64(),
            total(seq).as_secs_f64(),
            peer_total.as_secs_f64(),
            total(seq).as_secs_f64() / peer_total.as_secs_f64()
        );
    }
    for run in runs.iter().filter(|r| r.concurrency > 1) {
        if let Some(seq) = sequential {
            println!(
                "wxfleet c={} speed-up over c=1: run {:.1}×, with pre-flight {:.1}×",
                run.concurrency,
                seq.run.elapsed.as_secs_f64() / run.run.elapsed.as_secs_f64(),
                total(seq).as_secs_f64() / total(run).as_secs_f64()
            );
        }
        if let Some(peer) = peer {
            println!(
                "wxfleet c={} speed-up over wechatpy sequential: campaign {:.1}×, with pre-flight/tokens {:.1}×",
                run.concurrency,
                peer.campaign.elapsed.as_secs_f64() / run.run.elapsed.as_secs_f64(),
                (peer.tokens.elapsed + peer.campaign.elapsed).as_secs_f64() / total(run).as_secs_f64()
            );
        }
    }
}

/// Authorizes `count` demo merchants (the consent code path, inside the simulator), gives each an
/// approved category and a privacy guide, records them in the workspace, and stores a ticket. No
/// latency yet: this is set-up, not measured.
async fn prepare(fleet: &Fleet, sandbox: &Sandbox, platform: &str, count: usize) -> Result<Seeded, String> {
    let sim = &sandbox.sim.sim;
    let appids: Vec<String> = sandbox.info.merchants.iter().take(count).map(|m| m.appid.clone()).collect();
    let (ticket, grants) = sim.with_world(|world, now| {
        world.audit_rules.limits.privacy_scan_secs = 0;
        if let Some(p) = world.platforms.get_mut(platform) {
            p.audit_quota.limit = 1_000_000;
        }
        let ticket = world.push_ticket(platform, now).map_err(|e| e.to_string())?;
        let mut grants = Vec::with_capacity(appids.len());
        for appid in &appids {
            let (pre_auth_code, _) = world.create_pre_auth_code(platform, now).map_err(|e| e.to_string())?;
            let confirmation =
                Confirmation { pre_auth_code, authorizer_appid: appid.clone(), func_ids: vec![17, 18, 30], ..Confirmation::default() };
            let consented = world.confirm_consent(&confirmation, now).map_err(|e| e.to_string())?;
            let info = world.query_auth(platform, &consented.auth_code, now).map_err(|e| e.to_string())?;
            wxfleet_sim::world::category::addcategory(world, appid, &[NewCategory { first: 287, second: 290, certicates: vec![] }], now)
                .map_err(|e| e.to_string())?;
            let guide = SetprivacysettingRequest {
                privacy_ver: Some(2),
                owner_setting: OwnerSetting {
                    contact_phone: Some("4000000000".into()),
                    notice_method: "弹窗".into(),
                    ..OwnerSetting::default()
                },
                setting_list: ["UserInfo", "PhoneNumber", "Address", "Location"]
                    .iter()
                    .map(|k| PrivacySetting { privacy_key: (*k).to_owned(), privacy_text: "门店服务".into(), privacy_label: None })
                    .collect(),
            };
            let app = world.apps.get_mut(appid).ok_or("no such demo merchant")?;
            wxfleet_sim::world::privacy::setprivacysetting(app, &guide, now).map_err(|e| e.to_string())?;
            grants.push((appid.clone(), info.authorizer_refresh_token.unwrap_or_default()));
        }
        // The `authorized` pushes of these consents would reach the inbox, which would try to
        // exchange codes already used here: set-up noise ahead of the audit pushes measured.
        world.outbox.pending.clear();
        Ok::<_, String>((ticket, grants))
    })?;
    let (vault, platform, now, stored) = (fleet.vault().clone(), platform.to_owned(), fleet.now_ms(), ticket.clone());
    let recorded = grants.clone();
    fleet
        .store()
        .write(move |tx| {
            fleet::tickets::store(tx, &vault, &platform, &stored, now / 1000, now)?;
            for (appid, refresh) in &recorded {
                fleet::authorizers::record_authorization(tx, &vault, &platform, appid, refresh, &[17, 18, 30], now)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
    let refresh_tokens = grants.into_iter().map(|(_, refresh)| refresh).collect();
    Ok(Seeded { appids, ticket, refresh_tokens })
}
