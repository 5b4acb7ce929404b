//! `tokens`: 1,000 concurrent callers needing a token that has just expired — how many token
//! requests reach WeChat, and how long until every caller holds one.
//!
//! One platform with one authorized mini program, on the simulator (in-process, loopback) with
//! `--latency-ms` on the two token APIs. Both tokens are first obtained, then expire, then
//! `--callers` callers start at once (a barrier): the even ones need the `component_access_token`,
//! the odd ones the mini program's `authorizer_access_token` (whose refresh needs the component token).
//! Ideal: one `api_component_token` and one `api_authorizer_token`.
//!
//! * **wxfleet**: the core's `Fleet::with_component_token` / `Fleet::with_authorizer_token` on tokio
//!   tasks; the tokens expire by moving the workspace's clock two hours on.
//! * **wechatpy**: `bench/peers/tokens_wechatpy.py` — one `WeChatComponent` with its (shared)
//!   session storage, 1,000 threads calling `component.access_token` or
//!   `component.get_client_by_appid(appid).access_token`; the tokens expire as they would there: the
//!   component's `expires_at` passes, the session forgets the authorizer token (its TTL).
//!
//! Requests are counted by the simulator itself: its per-account daily call counters, the ones
//! `openapi/quota/get` reports (raised out of the way here; WeChat allows 2,000 `api_component_token`
//! a day). The runs alternate, `--runs` of each; the median and the spread are printed.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetOptions, ManualClock};
use serde::Deserialize;
use wxfleet_sim::faults::FaultUpdate;
use wxfleet_sim::world::Confirmation;

const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
const TWO_HOURS_MS: i64 = 2 * 3_600_000;

#[derive(Debug, Parser)]
#[command(name = "tokens", about = "Token refresh under concurrent callers: wxfleet beside wechatpy, against the simulator")]
struct Args {
    /// Concurrent callers.
    #[arg(long, default_value_t = 1_000)]
    callers: usize,
    /// Latency the simulator adds to each token request, in ms.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// Runs of each implementation.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The Python with wechatpy (bench/peers/setup.sh installs it); none: wxfleet only.
    #[arg(long)]
    python: Option<PathBuf>,
    /// The wechatpy caller script.
    #[arg(long, default_value = "bench/peers/tokens_wechatpy.py")]
    script: PathBuf,
    /// `expired` (both tokens past their expiry), `due` (5 minutes left: inside wxfleet's 10-minute
    /// refresh-ahead window and wechatpy's 60-second margin), or both, in that order.
    #[arg(long, value_enum, num_args = 1.., default_values = ["expired", "due"])]
    scenarios: Vec<Scenario>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    Expired,
    Due,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Expired => "expired",
            Scenario::Due => "due",
        }
    }

    /// How far the workspace's clock moves after both tokens were obtained (their lifetime is 2 h).
    fn advance_ms(self) -> i64 {
        match self {
            Scenario::Expired => TWO_HOURS_MS,
            Scenario::Due => TWO_HOURS_MS - 5 * 60_000,
        }
    }
}

/// One storm.
#[derive(Debug, Clone)]
struct Storm {
    component_requests: i64,
    authorizer_requests: i64,
    elapsed: Duration,
    /// The median caller's wait for its token.
    median_wait: Duration,
    /// Distinct tokens the callers ended up holding (component, authorizer).
    distinct: (usize, usize),
    errors: usize,
}

/// What the wechatpy script reports.
#[derive(Debug, Deserialize)]
struct PeerReport {
    elapsed_s: f64,
    median_wait_s: f64,
    distinct_component: usize,
    distinct_authorizer: usize,
    errors: usize,
    first_error: Option<String>,
    version: String,
}

fn main() {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(args)) {
        eprintln!("tokens: {e}");
        std::process::exit(1);
    }
}

struct Bench {
    fleet: Fleet,
    clock: ManualClock,
    sandbox: Sandbox,
    platform: String,
    appid: String,
    ticket: String,
    refresh_token: String,
}

async fn run(args: Args) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let clock = ManualClock::new(fleet::Clock::now_ms(&fleet::SystemClock));
    let options = FleetOptions { clock: Arc::new(clock.clone()), ..FleetOptions::in_dir_with_key_file(dir.path()) };
    let fleet = Fleet::open(options).map_err(|e| e.to_string())?;
    let mut options = SandboxOptions::new(&dir.path().join("sandbox"), 1);
    options.sim.ticket_interval_secs = 24 * 3_600;
    let sandbox = Sandbox::start(&fleet, options).await.map_err(|e| e.to_string())?;
    let bench = prepare(fleet, clock, sandbox).await?;
    let plan = serde_json::json!({ "latency_ms": args.latency_ms });
    let update: FaultUpdate = serde_json::from_value(serde_json::json!({ "per_path": { COMPONENT_TOKEN: plan, AUTHORIZER_TOKEN: plan } }))
        .map_err(|e| e.to_string())?;
    bench.sandbox.sim.sim.faults().lock().unwrap_or_else(|p| p.into_inner()).update(update)?;
    println!(
        "tokens bench: {} callers, {} ms per token request, {} runs each; simulator at {}",
        args.callers, args.latency_ms, args.runs, bench.sandbox.info.base_url
    );

    let mut tables = Vec::new();
    for &scenario in &args.scenarios {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let mut peer_version = None;
        for run in 1..=args.runs {
            let storm = bench.wxfleet(args.callers, scenario).await?;
            print_storm(&format!("{} wxfleet  run {run}", scenario.name()), &storm);
            ours.push(storm);
            if let Some(python) = &args.python {
                let (storm, version) = bench.wechatpy(python, &args.script, args.callers, scenario).await?;
                print_storm(&format!("{} wechatpy run {run}", scenario.name()), &storm);
                theirs.push(storm);
                peer_version = Some(version);
            }
        }
        tables.push((scenario, ours, theirs, peer_version));
    }
    println!();
    println!("| tokens | implementation | api_component_token | api_authorizer_token | requests (median) | × ideal | × wxfleet | time until all hold a token (median, spread) | median caller waited | errors |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (scenario, ours, theirs, peer_version) in tables {
        let ours_requests = median_requests(&ours);
        summary(scenario.name(), &format!("wxfleet {}", env!("CARGO_PKG_VERSION")), &ours, ours_requests);
        if let Some(version) = peer_version {
            summary(scenario.name(), &format!("wechatpy {version}, {} threads", args.callers), &theirs, ours_requests);
        }
    }
    println!("| any | ideal (one request per token) | 1 | 1 | 2 | 1.0 | | ≥ {} ms when expired | | |", 2 * args.latency_ms);
    bench.sandbox.shutdown().await.map_err(|e| e.to_string())?;
    Ok(())
}

fn print_storm(label: &str, s: &Storm) {
    println!(
        "{label}: {} api_component_token + {} api_authorizer_token requests, all callers served in {:.0} ms (median caller {:.1} ms), distinct tokens held {}+{}, errors {}",
        s.component_requests,
        s.authorizer_requests,
        s.elapsed.as_secs_f64() * 1e3,
        s.median_wait.as_secs_f64() * 1e3,
        s.distinct.0,
        s.distinct.1,
        s.errors
    );
}

fn median_of<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    values[values.len() / 2]
}

fn median_requests(storms: &[Storm]) -> i64 {
    median_of(storms.iter().map(|s| s.component_requests + s.authorizer_requests).collect())
}

fn summary(scenario: &str, name: &str, storms: &[Storm], ours_requests: i64) {
    let ms: Vec<f64> = storms.iter().map(|s| s.elapsed.as_secs_f64() * 1e3).collect();
    let (lo, hi) = ms.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let list = |f: fn(&Storm) -> i64| storms.iter().map(|s| f(s).to_string()).collect::<Vec<_>>().join(", ");
    let requests = median_requests(storms);
    println!(
        "| {scenario} | {name} | {} | {} | {requests} | {:.1} | {:.1} | {:.0} ms ({lo:.0}–{hi:.0}) | {:.1} ms | {} |",
        list(|s| s.component_requests),
        list(|s| s.authorizer_requests),
        requests as f64 / 2.0,
        requests as f64 / ours_requests.max(1) as f64,
        median_of(ms.clone()),
        median_of(storms.iter().map(|s| s.median_wait.as_secs_f64() * 1e3).collect()),
        storms.iter().map(|s| s.errors).sum::<usize>()
    );
}

/// Authorizes the demo merchant and stores a ticket, inside the simulator (set-up, not measured);
/// raises the daily limits of the token APIs so that the peer's storms do not run into them.
async fn prepare(fleet: Fleet, clock: ManualClock, sandbox: Sandbox) -> Result<Bench, String> {
    let platform = sandbox.platform.clone();
    let appid = sandbox.info.merchants.first().ok_or("no demo merchant")?.appid.clone();
    let (ticket, refresh_token) = sandbox.sim.sim.with_world(|world, now| {
        for api in [COMPONENT_TOKEN, AUTHORIZER_TOKEN] {
            world.quotas.limits.insert(api.to_owned(), 1_000_000_000);
        }
        let ticket = world.push_ticket(&platform, now).map_err(|e| e.to_string())?;
        let (pre_auth_code, _) = world.create_pre_auth_code(&platform, now).map_err(|e| e.to_string())?;
        let confirmation =
            Confirmation { pre_auth_code, authorizer_appid: appid.clone(), func_ids: vec![17, 18], ..Confirmation::default() };
        let consented = world.confirm_consent(&confirmation, now).map_err(|e| e.to_string())?;
        let info = world.query_auth(&platform, &consented.auth_code, now).map_err(|e| e.to_string())?;
        world.outbox.pending.clear();
        Ok::<_, String>((ticket, info.authorizer_refresh_token.unwrap_or_default()))
    })?;
    let (vault, p, r, a, now) = (fleet.vault().clone(), platform.clone(), refresh_token.clone(), appid.clone(), fleet.now_ms());
    fleet
        .store()
        .write(move |tx| fleet::authorizers::record_authorization(tx, &vault, &p, &a, &r, &[17, 18], now))
        .await
        .map_err(|e| e.to_string())?;
    Ok(Bench { fleet, clock, sandbox, platform, appid, ticket, refresh_token })
}

impl Bench {
    /// Token requests the simulator has counted today (component, authorizer).
    fn requests(&self) -> (i64, i64) {
        self.sandbox.sim.sim.with_world(|world, now| {
            (world.quotas.quota(&self.platform, COMPONENT_TOKEN, now).used, world.quotas.quota(&self.platform, AUTHORIZER_TOKEN, now).used)
        })
    }

    /// The ticket as if just pushed (by the workspace's clock, which the runs move on by hours).
    async fn store_ticket(&self) -> Result<(), String> {
        let (vault, platform, ticket, now) = (self.fleet.vault().clone(), self.platform.clone(), self.ticket.clone(), self.fleet.now_ms());
        self.fleet
            .store()
            .write(move |tx| fleet::tickets::store(tx, &vault, &platform, &ticket, now / 1000, now).map(drop))
            .await
            .map_err(|e| e.to_string())
    }

    async fn wxfleet(&self, callers: usize, scenario: Scenario) -> Result<Storm, String> {
        // Both tokens fetched afresh (whatever the last run left), then both expired (or due).
        self.store_ticket().await?;
        self.clock.advance_ms(TWO_HOURS_MS);
        self.fleet.authorizer_token(&self.platform, &self.appid).await.map_err(|e| e.to_string())?;
        self.fleet.component_token(&self.platform).await.map_err(|e| e.to_string())?;
        self.clock.advance_ms(scenario.advance_ms());
        let before = self.requests();
        let start = Arc::new(tokio::sync::Barrier::new(callers + 1));
        let tasks: Vec<_> = (0..callers)
            .map(|i| {
                let (fleet, platform, appid, start) = (self.fleet.clone(), self.platform.clone(), self.appid.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    let hand_back = |_api, token: String| async move { Ok::<_, wechat::api::Error>(token) };
                    let held = if i % 2 == 0 {
                        fleet.with_component_token(&platform, hand_back).await.map(|t| (true, t))
                    } else {
                        fleet.with_authorizer_token(&appid, hand_back).await.map(|t| (false, t))
                    };
                    (held, Instant::now())
                })
            })
            .collect();
        start.wait().await;
        let t0 = Instant::now();
        let (mut component, mut authorizer, mut errors) = (std::collections::HashSet::new(), std::collections::HashSet::new(), 0);
        let mut waits = Vec::with_capacity(callers);
        for task in tasks {
            let (held, done) = task.await.map_err(|e| e.to_string())?;
            waits.push(done.saturating_duration_since(t0));
            match held {
                Ok((true, token)) => drop(component.insert(token)),
                Ok((false, token)) => drop(authorizer.insert(token)),
                Err(e) => {
                    if errors == 0 {
                        eprintln!("wxfleet caller failed: {e}");
                    }
                    errors += 1;
                }
            }
        }
        let elapsed = t0.elapsed();
        let after = self.requests();
        Ok(Storm {
            component_requests: after.0 - before.0,
            authorizer_requests: after.1 - before.1,
            elapsed,
            median_wait: median_of(waits),
            distinct: (component.len(), authorizer.len()),
            errors,
        })
    }

    /// Runs the wechatpy script: it obtains both tokens and says `ready`; the counters are read; on
    /// `go` it lets them expire and starts its threads; it prints its report when all have one.
    async fn wechatpy(&self, python: &PathBuf, script: &PathBuf, callers: usize, scenario: Scenario) -> Result<(Storm, String), String> {
        let platform = &self.sandbox.info.platform;
        let config = serde_json::json!({
            "base_url": self.sandbox.info.base_url,
            "component_appid": platform.component_appid,
            "component_appsecret": platform.component_appsecret,
            "token": platform.token,
            "encoding_aes_key": platform.encoding_aes_key,
            "ticket": self.ticket,
            "appid": self.appid,
            "refresh_token": self.refresh_token,
            "callers": callers,
            "scenario": scenario.name(),
        });
        let mut child = Command::new(python)
            .arg(script)
            .arg(config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {} {}: {e}", python.display(), script.display()))?;
        let mut stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        // The child talks to the simulator served by this runtime: block elsewhere.
        let (before, report) = tokio::task::block_in_place(|| {
            let mut line = String::new();
            stdout.read_line(&mut line).map_err(|e| e.to_string())?;
            if line.trim() != "ready" {
                return Err(format!("the wechatpy script said {line:?} instead of ready"));
            }
            let before = self.requests();
            writeln!(stdin, "go").map_err(|e| e.to_string())?;
            line.clear();
            stdout.read_line(&mut line).map_err(|e| e.to_string())?;
            let report: PeerReport = serde_json::from_str(&line).map_err(|e| format!("the wechatpy script's report {line:?}: {e}"))?;
            Ok((before, report))
        })?;
        drop(stdin);
        let status = tokio::task::block_in_place(|| child.wait()).map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("the wechatpy script exited with {status}"));
        }
        if let Some(error) = &report.first_error {
            eprintln!("wechatpy caller failed: {error}");
        }
        let after = self.requests();
        let storm = Storm {
            component_requests: after.0 - before.0,
            authorizer_requests: after.1 - before.1,
            elapsed: Duration::from_secs_f64(report.elapsed_s),
            median_wait: Duration::from_secs_f64(report.median_wait_s),
            distinct: (report.distinct_component, report.distinct_authorizer),
            errors: report.errors,
        };
        Ok((storm, report.version))
    }
}
