//! `campaign`: a campaign over 1,000 mini programs through the real core (`fleet`), against the
//! simulator with 100 ms of latency on every WeChat call, at concurrency 32 — beside the same calls
//! made one after another.
//!
//! Everything runs in this process: the simulator and the relay on loopback (the sandbox), the
//! workspace in a temporary directory (SQLite, `synchronous=FULL`), the inbox receiving the audit
//! pushes through the relay. Audits complete at once (the simulator decides them on its next tick),
//! the privacy scan takes no time, so what is measured is the campaign's own work: commit, submit,
//! release per mini program, each with its intent and result written around the call.
//!
//! Calls are counted by the simulator (its per-account daily counters), so the bound
//! `calls × latency ÷ concurrency` is computed from what really went over the wire. The sequential
//! run (concurrency 1) covers a 100-app subset and is scaled to the 1,000-app call count. Peak RSS
//! is sampled from `/proc/self/status` every 10 ms during the 100-app and the 1,000-app runs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use fleet::campaigns::{CampaignSpec, CampaignState, RetryPolicy, Targets};
use fleet::releases::SubmitOptions;
use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetOptions};
use wechat::api::category::NewCategory;
use wechat::api::privacy::{OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wxfleet_sim::faults::FaultUpdate;
use wxfleet_sim::world::Confirmation;

/// A campaign over many mini programs, concurrent beside sequential.
#[derive(Debug, Parser)]
#[command(name = "campaign", about)]
struct Args {
    /// Mini programs in the big run.
    #[arg(long, default_value_t = 1_000)]
    apps: usize,
    /// Mini programs in the small run (memory at a tenth of the size) and in the sequential run.
    #[arg(long, default_value_t = 100)]
    subset: usize,
    /// Latency the simulator adds to every WeChat call, in ms.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// Concurrency of the campaign.
    #[arg(long, default_value_t = 32)]
    concurrency: u32,
    /// Skip the sequential run.
    #[arg(long)]
    no_sequential: bool,
    /// Poll an audit whose push has not come after this many ms (the fallback).
    #[arg(long, default_value_t = 30_000)]
    poll_after_ms: u64,
}

/// The APIs a campaign calls (the simulator counts each per account).
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

/// What one campaign run measured.
struct Run {
    label: String,
    apps: usize,
    concurrency: u32,
    preflight: Duration,
    preflight_calls: u64,
    elapsed: Duration,
    calls: u64,
    rss_before_kib: u64,
    rss_peak_kib: u64,
}

struct Bench {
    fleet: Fleet,
    sandbox: Sandbox,
    platform: String,
    template_id: i64,
    latency_ms: u64,
    poll_after_ms: u64,
}

impl Bench {
    /// Calls the simulator counted so far today, over every account and the campaign's APIs.
    fn calls(&self, appids: &[String]) -> u64 {
        let sim = &self.sandbox.sim.sim;
        sim.with_world(|world, now| {
            let mut total = 0;
            for account in appids.iter().map(String::as_str).chain([self.platform.as_str()]) {
                for path in PATHS {
                    total += world.quotas.quota(account, path, now).used.max(0) as u64;
                }
            }
            total
        })
    }

    async fn campaign(&self, label: &str, version: &str, appids: &[String], concurrency: u32) -> Result<Run, String> {
        let spec = CampaignSpec {
            platform: self.platform.clone(),
            name: label.to_owned(),
            template_id: self.template_id,
            user_version: version.to_owned(),
            user_desc: format!("bench {label}"),
            targets: Targets::List(appids.to_vec()),
            canary: None,
            auto_release: true,
            concurrency,
            rate_per_sec: None,
            submit: SubmitOptions { privacy_api_not_use: true, ..SubmitOptions::default() },
            // Pushes come through the relay; polling is only the fallback for a lost one.
            retry: RetryPolicy { audit_poll_after_ms: self.poll_after_ms, audit_poll_every_ms: 5_000, ..RetryPolicy::default() },
        };
        let counted = self.calls(appids);
        let t0 = Instant::now();
        let created = self.fleet.create_campaign(spec).await.map_err(|e| format!("create: {e}"))?;
        let preflight = t0.elapsed();
        if created.campaign.counts.pending as usize != appids.len() {
            return Err(format!("pre-flight excluded some: {:?}", created.campaign.counts));
        }
        let after_preflight = self.calls(appids);
        let rss_before_kib = rss_kib();
        let sampler = RssSampler::start();
        let t1 = Instant::now();
        let id = created.campaign.id;
        self.fleet.start_campaign(id).await.map_err(|e| format!("start: {e}"))?;
        let done = self.fleet.wait_campaign(id).await.map_err(|e| e.to_string())?;
        let elapsed = t1.elapsed();
        let rss_peak_kib = sampler.finish();
        if done.state != CampaignState::Done || done.counts.released as usize != appids.len() {
            return Err(format!("{label}: ended {:?} with {:?}", done.state, done.counts));
        }
        Ok(Run {
            label: label.to_owned(),
            apps: appids.len(),
            concurrency,
            preflight,
            preflight_calls: after_preflight - counted,
            elapsed,
            calls: self.calls(appids) - after_preflight,
            rss_before_kib,
            rss_peak_kib,
        })
    }

    fn bound(&self, calls: u64, concurrency: u32) -> Duration {
        Duration::from_millis(calls * self.latency_ms / u64::from(concurrency.max(1)))
    }
}

async fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let fleet = Fleet::open(FleetOptions::in_dir_with_key_file(dir.path())).map_err(|e| e.to_string())?;
    let total = args.apps.max(args.subset * 2);
    let mut options = SandboxOptions::new(&dir.path().join("sandbox"), total);
    options.sim.audit_after_secs = 0;
    options.sim.ticket_interval_secs = 3_600;
    let sandbox = Sandbox::start(&fleet, options).await.map_err(|e| e.to_string())?;
    let platform = sandbox.platform.clone();
    let appids = prepare(&fleet, &sandbox, &platform, total).await?;
    fleet.start_inbox(&platform).await.map_err(|e| e.to_string())?;
    fleet.sync_templates(&platform).await.map_err(|e| e.to_string())?;
    let template_id = fleet
        .templates(&platform)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|t| t.user_version == "1.1.0")
        .ok_or("no demo template 1.1.0")?
        .template_id;
    // From now on every WeChat call waits the latency.
    sandbox
        .sim
        .sim
        .faults()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .update(FaultUpdate { latency_ms: Some(args.latency_ms), ..FaultUpdate::default() })?;
    println!(
        "campaign bench: {total} mini programs ready in {:.1} s; {} ms per call; runtime threads: {}",
        started.elapsed().as_secs_f64(),
        args.latency_ms,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let bench = Bench { fleet, sandbox, platform, template_id, latency_ms: args.latency_ms, poll_after_ms: args.poll_after_ms };

    let small = bench.campaign(&format!("concurrent {}", args.subset), "2.0.0-small", &appids[..args.subset], args.concurrency).await?;
    report(&bench, &small);
    let big = bench.campaign(&format!("concurrent {}", args.apps), "2.0.0-big", &appids[..args.apps], args.concurrency).await?;
    report(&bench, &big);
    let sequential = if args.no_sequential {
        None
    } else {
        let subset = &appids[args.subset..args.subset * 2];
        let run = bench.campaign(&format!("sequential {}", args.subset), "2.0.0-seq", subset, 1).await?;
        report(&bench, &run);
        Some(run)
    };

    let bound = bench.bound(big.calls, big.concurrency);
    println!();
    println!("{} mini programs at concurrency {}, {} ms per call:", big.apps, big.concurrency, args.latency_ms);
    println!("  concurrent:  {:>8.2} s for {} calls", big.elapsed.as_secs_f64(), big.calls);
    println!(
        "  bound:       {:>8.2} s (calls × latency ÷ concurrency); measured / bound = {:.3} (target ≤ 1.2: {})",
        bound.as_secs_f64(),
        ratio(big.elapsed, bound),
        if ratio(big.elapsed, bound) <= 1.2 { "met" } else { "missed" }
    );
    if let Some(seq) = &sequential {
        let scale = big.calls as f64 / seq.calls.max(1) as f64;
        let estimate = seq.elapsed.as_secs_f64() * scale;
        println!(
            "  sequential:  {:>8.2} s estimated ({} apps measured: {:.2} s for {} calls, scaled ×{:.2} to {} calls)",
            estimate,
            seq.apps,
            seq.elapsed.as_secs_f64(),
            seq.calls,
            scale,
            big.calls
        );
        println!("  speed-up:    {:>8.1}× (sequential ÷ concurrent)", estimate / big.elapsed.as_secs_f64());
    }
    println!(
        "  peak RSS:    {} MiB during the {}-app run (from {} MiB), {} MiB during the {}-app run (from {} MiB); growth {} vs {} MiB",
        small.rss_peak_kib / 1024,
        small.apps,
        small.rss_before_kib / 1024,
        big.rss_peak_kib / 1024,
        big.apps,
        big.rss_before_kib / 1024,
        small.rss_peak_kib.saturating_sub(small.rss_before_kib) / 1024,
        big.rss_peak_kib.saturating_sub(big.rss_before_kib) / 1024
    );
    bench.fleet.stop_inbox(&bench.platform).await.map_err(|e| e.to_string())?;
    bench.sandbox.shutdown().await.map_err(|e| e.to_string())?;
    Ok(())
}

fn ratio(measured: Duration, bound: Duration) -> f64 {
    measured.as_secs_f64() / bound.as_secs_f64().max(f64::EPSILON)
}

fn report(bench: &Bench, run: &Run) {
    let bound = bench.bound(run.calls, run.concurrency);
    println!(
        "{:<16} apps {:>5}  pre-flight {:>6.2} s ({} calls)  run {:>7.2} s  calls {:>5} ({:.2}/app)  bound {:>7.2} s  ratio {:.3}  RSS {} → {} MiB",
        run.label,
        run.apps,
        run.preflight.as_secs_f64(),
        run.preflight_calls,
        run.elapsed.as_secs_f64(),
        run.calls,
        run.calls as f64 / run.apps as f64,
        bound.as_secs_f64(),
        ratio(run.elapsed, bound),
        run.rss_before_kib / 1024,
        run.rss_peak_kib / 1024
    );
}

/// Authorizes `count` demo merchants (the consent code path, inside the simulator), gives each an
/// approved category and a privacy guide, records them in the workspace, and stores a ticket. No
/// latency yet: this is set-up, not measured.
async fn prepare(fleet: &Fleet, sandbox: &Sandbox, platform: &str, count: usize) -> Result<Vec<String>, String> {
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
    let (vault, platform, now) = (fleet.vault().clone(), platform.to_owned(), fleet.now_ms());
    fleet
        .store()
        .write(move |tx| {
            fleet::tickets::store(tx, &vault, &platform, &ticket, now / 1000, now)?;
            for (appid, refresh) in &grants {
                fleet::authorizers::record_authorization(tx, &vault, &platform, appid, refresh, &[17, 18, 30], now)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(appids)
}
