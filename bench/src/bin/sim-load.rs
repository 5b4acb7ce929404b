//! `sim-load`: how many WeChat API calls per second the simulator serves on loopback.
//!
//! Starts the simulator in-process (latency and faults off, quotas out of the way), authorizes a
//! set of demo merchants and gives each a committed version under audit, then drives it from N
//! concurrent keep-alive clients with the mix an agency console produces while it watches a
//! release: audit status and version polls, token refreshes, authorizer look-ups, quota checks.
//! Bounded by a call count and a time limit; prints calls/s and the latency percentiles.
//!
//! Client and server share the machine's cores, so the figure is a floor for the server alone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::Value;
use wechat::api::audit::SubmitAuditRequest;
use wechat::api::category::{AddcategoryRequest, NewCategory};
use wechat::api::code::{CommitRequest, ExtJson};
use wechat::api::template::GettemplatelistRequest;
use wechat::{AuthorizerToken, Client, ClientConfig, ComponentToken};
use wxfleet_sim::world::Confirmation;
use wxfleet_sim::{SimConfig, Simulator};

/// Load test of the simulator.
#[derive(Debug, Parser)]
#[command(name = "sim-load", about)]
struct Args {
    /// Concurrent keep-alive clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Calls to measure (after the warm-up).
    #[arg(long, default_value_t = 200_000)]
    calls: u64,
    /// Stop after this many seconds even if fewer calls were made.
    #[arg(long, default_value_t = 60)]
    max_secs: u64,
    /// Authorized mini programs the calls are spread over.
    #[arg(long, default_value_t = 200)]
    apps: usize,
    /// Unmeasured calls first (connections, allocator, caches).
    #[arg(long, default_value_t = 5_000)]
    warmup: u64,
    /// Runtime worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
}

/// One kind of call in the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    LatestAuditStatus,
    VersionInfo,
    AuthorizerToken,
    AuthorizerInfo,
    QueryQuota,
    QuotaGet,
}

/// The mix, by weight out of 20: what a console polling a release looks like.
const MIX: &[(Op, u32)] = &[
    (Op::LatestAuditStatus, 6),
    (Op::VersionInfo, 5),
    (Op::AuthorizerToken, 3),
    (Op::AuthorizerInfo, 3),
    (Op::QueryQuota, 2),
    (Op::QuotaGet, 1),
];

/// A prepared request: method, full URL, body.
struct Call {
    get: bool,
    url: String,
    body: String,
}

/// What the benchmark calls for one mini program.
struct AppCalls {
    calls: Vec<(Op, Call)>,
}

fn main() {
    let args = Args::parse();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads);
    }
    let runtime = runtime.enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(args)) {
        eprintln!("sim-load: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let config = SimConfig { seed_demo: args.apps, ticket_interval_secs: 3600, audit_after_secs: 3600, ..SimConfig::default() };
    let running = Simulator::start(config).await.map_err(|e| format!("starting the simulator: {e}"))?;
    let sim = running.sim.clone();
    let base = running.base_url().as_str().trim_end_matches('/').to_owned();
    let component_appid = running.info.platform.component_appid.clone();
    let appids: Vec<String> = running.info.merchants.iter().map(|m| m.appid.clone()).collect();

    // Quotas would stop a load test long before it means anything.
    sim.with_world(|world, _| {
        world.quotas.default_limit = Some(u64::MAX / 2);
        for path in ["/cgi-bin/component/api_authorizer_token", "/cgi-bin/component/api_get_authorizer_info"] {
            world.quotas.limits.insert(path.to_owned(), u64::MAX / 2);
        }
    });

    // Authorize every merchant (the consent page's code path) and take their tokens.
    let (cat, tokens) = sim.with_world(|world, now| {
        let (cat, _) = world.issue_component_token(&component_appid, now);
        let mut tokens = Vec::new();
        for appid in &appids {
            let (pre_auth_code, _) = world.create_pre_auth_code(&component_appid, now).map_err(|e| e.to_string())?;
            let confirmation =
                Confirmation { pre_auth_code, authorizer_appid: appid.clone(), func_ids: vec![17, 18, 30], ..Confirmation::default() };
            let consented = world.confirm_consent(&confirmation, now).map_err(|e| e.to_string())?;
            let info = world.query_auth(&component_appid, &consented.auth_code, now).map_err(|e| e.to_string())?;
            tokens.push((info.authorizer_access_token.unwrap_or_default(), info.authorizer_refresh_token.unwrap_or_default()));
        }
        Ok::<_, String>((cat, tokens))
    })?;

    // Give each a committed version under audit, through the API.
    let client = Client::new(ClientConfig::with_base_url(running.base_url().clone())).map_err(|e| e.to_string())?;
    let templates = client.gettemplatelist(ComponentToken(&cat), &GettemplatelistRequest::default()).await.map_err(|e| e.to_string())?;
    let template_id = templates.template_list.iter().map(|t| t.template_id).max().ok_or("no demo template")?;
    for (appid, (aat, _)) in appids.iter().zip(&tokens) {
        // An approved category is what `submit_audit` needs besides code (a food-and-drink one that
        // asks for no certificate).
        let category = AddcategoryRequest { categories: vec![NewCategory { first: 287, second: 290, certicates: vec![] }] };
        client.addcategory(AuthorizerToken(aat), &category).await.map_err(|e| format!("addcategory: {e}"))?;
        let ext = ExtJson { ext_appid: Some(appid.clone()), ..ExtJson::default() };
        let commit = CommitRequest::new(template_id, &ext, "1.0.0", "load test");
        client.commit(AuthorizerToken(aat), &commit).await.map_err(|e| format!("commit: {e}"))?;
    }
    // The privacy scan of committed code takes a minute.
    sim.clock().advance(120);
    wxfleet_sim::ticker::tick(&sim);
    let mut audited = 0;
    // The demo template calls privacy interfaces its ext.json does not declare; the load test
    // promises not to use them rather than applying for them.
    let submission = SubmitAuditRequest { privacy_api_not_use: Some(true), ..SubmitAuditRequest::default() };
    for (aat, _) in &tokens {
        match client.submit_audit(AuthorizerToken(aat), &submission).await {
            Ok(_) => audited += 1,
            Err(e) => return Err(format!("submit_audit: {e}")),
        }
    }

    let apps: Arc<Vec<AppCalls>> = Arc::new(
        appids
            .iter()
            .zip(&tokens)
            .map(|(appid, (aat, refresh))| AppCalls { calls: prepare(&base, &component_appid, &cat, appid, aat, refresh) })
            .collect(),
    );
    let schedule: Arc<Vec<usize>> = Arc::new(MIX.iter().enumerate().flat_map(|(i, (_, w))| std::iter::repeat_n(i, *w as usize)).collect());

    println!(
        "sim-load: {} apps authorized, {audited} under audit; {} clients, {} calls (+{} warm-up), at most {} s; runtime threads: {}",
        apps.len(),
        args.clients,
        args.calls,
        args.warmup,
        args.max_secs,
        args.threads
            .map_or_else(|| format!("{} (one per core)", std::thread::available_parallelism().map_or(1, |n| n.get())), |t| t.to_string())
    );

    let http = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(args.clients).build().map_err(|e| e.to_string())?;
    let warm = drive(&http, &apps, &schedule, args.clients, args.warmup, Duration::from_secs(args.max_secs)).await;
    if warm.failures > 0 {
        eprintln!("warm-up: {} failed calls: {:?}", warm.failures, warm.first_failure);
    }
    let result = drive(&http, &apps, &schedule, args.clients, args.calls, Duration::from_secs(args.max_secs)).await;
    report(&result);
    running.shutdown().await.map_err(|e| e.to_string())?;
    if result.failures > 0 {
        return Err(format!("{} calls failed; first: {:?}", result.failures, result.first_failure));
    }
    Ok(())
}

/// The calls of one mini program, with their URLs and bodies built once.
fn prepare(base: &str, component_appid: &str, cat: &str, appid: &str, aat: &str, refresh: &str) -> Vec<(Op, Call)> {
    let component_body = |extra: Value| {
        let mut body = serde_json::json!({ "component_appid": component_appid, "authorizer_appid": appid });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body.to_string()
    };
    MIX.iter()
        .map(|(op, _)| {
            let call = match op {
                Op::LatestAuditStatus => {
                    Call { get: true, url: format!("{base}/wxa/get_latest_auditstatus?access_token={aat}"), body: String::new() }
                }
                Op::VersionInfo => Call { get: false, url: format!("{base}/wxa/getversioninfo?access_token={aat}"), body: "{}".to_owned() },
                Op::AuthorizerToken => Call {
                    get: false,
                    url: format!("{base}/cgi-bin/component/api_authorizer_token?component_access_token={cat}"),
                    body: component_body(serde_json::json!({ "authorizer_refresh_token": refresh })),
                },
                Op::AuthorizerInfo => Call {
                    get: false,
                    url: format!("{base}/cgi-bin/component/api_get_authorizer_info?component_access_token={cat}"),
                    body: component_body(serde_json::json!({})),
                },
                Op::QueryQuota => Call { get: true, url: format!("{base}/wxa/queryquota?access_token={aat}"), body: String::new() },
                Op::QuotaGet => Call {
                    get: false,
                    url: format!("{base}/cgi-bin/openapi/quota/get?access_token={aat}"),
                    body: r#"{"cgi_path":"/wxa/get_latest_auditstatus"}"#.to_owned(),
                },
            };
            (*op, call)
        })
        .collect()
}

/// What a run measured.
struct Outcome {
    calls: u64,
    failures: u64,
    first_failure: Option<String>,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

/// Runs `clients` workers until `calls` calls were made or `limit` passed.
async fn drive(
    http: &reqwest::Client,
    apps: &Arc<Vec<AppCalls>>,
    schedule: &Arc<Vec<usize>>,
    clients: usize,
    calls: u64,
    limit: Duration,
) -> Outcome {
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(clients);
    for worker in 0..clients {
        let (http, apps, schedule, issued) = (http.clone(), apps.clone(), schedule.clone(), issued.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            let mut first_failure = None;
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= calls || started.elapsed() >= limit {
                    break;
                }
                // Spread the calls over apps and kinds deterministically.
                let app = &apps[(n as usize).wrapping_mul(7919).wrapping_add(worker) % apps.len()];
                let (op, call) = &app.calls[schedule[n as usize % schedule.len()]];
                let t0 = Instant::now();
                let result = send(&http, call).await;
                latencies.push(u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX));
                if let Err(e) = result {
                    failures += 1;
                    first_failure.get_or_insert_with(|| format!("{op:?}: {e}"));
                }
            }
            (latencies, failures, first_failure)
        }));
    }
    let mut outcome = Outcome { calls: 0, failures: 0, first_failure: None, elapsed: Duration::ZERO, latencies_us: Vec::new() };
    for worker in workers {
        let Ok((latencies, failures, first_failure)) = worker.await else { continue };
        outcome.calls += latencies.len() as u64;
        outcome.latencies_us.extend(latencies);
        outcome.failures += failures;
        if outcome.first_failure.is_none() {
            outcome.first_failure = first_failure;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome
}

/// One call; `Err` unless WeChat's answer is a success (HTTP 200, no non-zero `errcode`).
async fn send(http: &reqwest::Client, call: &Call) -> Result<(), String> {
    let request = if call.get { http.get(&call.url) } else { http.post(&call.url).body(call.body.clone()) };
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let answer: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    match answer.get("errcode").and_then(Value::as_i64) {
        None | Some(0) => Ok(()),
        Some(code) => Err(format!("errcode {code}: {}", answer["errmsg"])),
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

fn report(outcome: &Outcome) {
    let mut sorted = outcome.latencies_us.clone();
    sorted.sort_unstable();
    let secs = outcome.elapsed.as_secs_f64();
    println!("calls:      {} in {secs:.2} s ({} failed)", outcome.calls, outcome.failures);
    println!("throughput: {:.0} calls/s", outcome.calls as f64 / secs.max(f64::EPSILON));
    println!(
        "latency:    p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.99),
        percentile(&sorted, 0.999),
        percentile(&sorted, 1.0)
    );
}
