//! `push-latency`: how long a push takes from WeChat to the desktop core while it is connected.
//!
//! The simulator (in this process) pushes `component_verify_ticket` and `weapp_audit_success`
//! events, alternately, at a steady rate to a real `wxfleet-relay` process on loopback (SQLite,
//! `success` only after the commit); a `fleet` core (in this process, its workspace in a temporary
//! directory, SQLite `synchronous=FULL`) pulls them through the relay client's long-poll, stores each
//! in its inbox, handles it (the ticket stored; the audit result written to the mini program's
//! history) and records the outcome on the inbox row, then emits `FleetEvent::PushReceived`.
//!
//! Measured per push: from the moment it is queued at the simulator (which seals it and POSTs it at
//! once) to the `PushReceived` of its inbox row — i.e. durably processed by the core. Tickets are
//! matched in order (one URL, delivered one after another); audit results by their mini program (a
//! URL each, so they may overtake each other), read back from the inbox rows.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use fleet::platforms::{PlatformInput, RelayInput};
use fleet::{Fleet, FleetEvent, FleetOptions};
use tokio::sync::broadcast::error::RecvError;
use wechat::xml::{Event, MessageHeader, WeappAuditSuccess};
use wxfleet_sim::world::{OutgoingPush, PushTarget};
use wxfleet_sim::{RunningSim, SimConfig, Simulator};

/// Push → desktop-core latency through a real relay process, at steady rates.
#[derive(Debug, Parser)]
#[command(name = "push-latency", about)]
struct Args {
    /// Pushes per rate (half tickets, half audit results).
    #[arg(long, default_value_t = 1_000)]
    pushes: usize,
    /// The rates, pushes per second, one series each.
    #[arg(long, value_delimiter = ',', default_value = "20,200")]
    rates: Vec<u32>,
    /// The `wxfleet-relay` binary (default: next to this one).
    #[arg(long)]
    relay_bin: Option<PathBuf>,
    /// Pushes sent and awaited before the first series (connections, caches), not measured.
    #[arg(long, default_value_t = 20)]
    warm_up: usize,
}

const RELAY_PLATFORM: &str = "demo";
const TICKET: &str = "component_verify_ticket";
const AUDIT: &str = "weapp_audit_success";

fn main() {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(args)) {
        eprintln!("push-latency: {e}");
        std::process::exit(1);
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("no free loopback port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// A `wxfleet-relay serve` process, killed when dropped.
struct Relay {
    child: Child,
    credential: String,
}

impl Relay {
    /// Writes its config for the simulator's platform, enrolls a device, starts it on `port`.
    fn start(bin: &Path, dir: &Path, port: u16, component_appid: &str, token: &str) -> Result<Relay, String> {
        let config = dir.join("relay.toml");
        let toml = format!(
            "listen = \"127.0.0.1:{port}\"\npublic_url = \"http://127.0.0.1:{port}\"\nstore = \"sqlite:{}\"\n\n[[platform]]\nid = \"{RELAY_PLATFORM}\"\ncomponent_appid = \"{component_appid}\"\ntoken = \"{token}\"\n",
            dir.join("relay.db").display()
        );
        std::fs::write(&config, toml).map_err(|e| format!("{}: {e}", config.display()))?;
        let added = Command::new(bin)
            .args(["device", "add", "--config"])
            .arg(&config)
            .args(["--name", "bench desk", "--json"])
            .output()
            .map_err(|e| format!("{} did not run ({e}): build it with `cargo build --release -p wxfleet-relay`", bin.display()))?;
        if !added.status.success() {
            return Err(format!("wxfleet-relay device add: {}", String::from_utf8_lossy(&added.stderr)));
        }
        let device: serde_json::Value = serde_json::from_slice(&added.stdout).map_err(|e| format!("wxfleet-relay device add: {e}"))?;
        let credential = device["credential"].as_str().ok_or("wxfleet-relay device add printed no credential")?.to_owned();
        // Logs as in production (info), where nobody reads them here.
        let mut child = Command::new(bin)
            .args(["serve", "--config"])
            .arg(&config)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("wxfleet-relay serve: {e}"))?;
        let mut reader = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| format!("wxfleet-relay serve: {e}"))?;
        if line.trim().is_empty() {
            let _ = child.kill();
            return Err("wxfleet-relay serve exited before listening".into());
        }
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Ok(Relay { child, credential })
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The simulator, the relay and a connected core.
struct Rig {
    sim: RunningSim,
    _relay: Relay,
    fleet: Fleet,
    platform: String,
    /// (appid, original id) of the demo merchants: one per audit push of a series.
    merchants: Vec<(String, String)>,
}

impl Rig {
    async fn start(dir: &Path, relay_bin: &Path, merchants: usize) -> Result<Rig, String> {
        let relay_port = free_port()?;
        let relay_url = format!("http://127.0.0.1:{relay_port}");
        let config = SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed_demo: merchants,
            push_url: Some(format!("{relay_url}/wx/{RELAY_PLATFORM}/component")),
            message_url: Some(format!("{relay_url}/wx/{RELAY_PLATFORM}/app/$APPID$")),
            // Only the pushes this bench queues.
            ticket_interval_secs: 30 * 86_400,
            ..SimConfig::default()
        };
        let sim = Simulator::start(config).await.map_err(|e| format!("the simulator did not start: {e}"))?;
        let info = sim.info.clone();
        // The simulator schedules a first ticket a second after start: it would land in a series.
        sim.sim.with_world(|world, now| {
            for platform in world.platforms.values_mut() {
                platform.next_ticket_at = Some(now + 30 * 86_400);
            }
        });
        let relay = Relay::start(relay_bin, dir, relay_port, &info.platform.component_appid, &info.platform.token)?;
        let fleet = Fleet::open(FleetOptions::in_dir_with_key_file(&dir.join("workspace"))).map_err(|e| e.to_string())?;
        let platform = info.platform.component_appid.clone();
        fleet
            .add_platform(PlatformInput {
                component_appid: platform.clone(),
                name: "bench".to_owned(),
                appsecret: info.platform.component_appsecret.clone(),
                token: info.platform.token.clone(),
                encoding_aes_key: info.platform.encoding_aes_key.clone(),
                api_base_url: Some(info.base_url.clone()),
                relay: Some(RelayInput { url: relay_url, platform_id: RELAY_PLATFORM.to_owned(), credential: relay.credential.clone() }),
                proxy_url: None,
                consent_origin: None,
                sandbox: true,
            })
            .await
            .map_err(|e| format!("add platform: {e}"))?;
        fleet.start_inbox(&platform).await.map_err(|e| format!("start inbox: {e}"))?;
        let merchants = info.merchants.iter().map(|m| (m.appid.clone(), m.original_id.clone())).collect();
        Ok(Rig { sim, _relay: relay, fleet, platform, merchants })
    }

    /// Queues push `i` of a series at the simulator: even ones a ticket, odd ones an audit result
    /// for merchant `i / 2`. Returns its kind.
    fn queue(&self, i: usize) -> Result<&'static str, String> {
        let platform = &self.platform;
        self.sim.sim.with_world(|world, now| {
            if i % 2 == 0 {
                world.push_ticket(platform, now).map(|_| TICKET).map_err(|e| e.to_string())
            } else {
                let (appid, original_id) = &self.merchants[i / 2];
                let header = MessageHeader {
                    to_user_name: original_id.clone(),
                    from_user_name: "oWxaAuditNotify0000000000000".to_owned(),
                    create_time: now,
                };
                let event = Event::WeappAuditSuccess(WeappAuditSuccess { header, succ_time: now });
                world.outbox.push(OutgoingPush {
                    component_appid: platform.clone(),
                    target: PushTarget::App { appid: appid.clone() },
                    xml: event.to_xml(),
                });
                Ok(AUDIT)
            }
        })
    }

    /// The mini program (`subject`) of each inbox row from `first_id` on.
    async fn subjects(&self, first_id: i64) -> Result<HashMap<i64, String>, String> {
        self.fleet
            .store()
            .read(move |conn| {
                let mut statement = conn.prepare("SELECT id, subject FROM inbox WHERE id >= ?1 AND subject IS NOT NULL")?;
                let rows = statement.query_map([first_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
                let mut subjects = HashMap::new();
                for row in rows {
                    let (id, subject) = row?;
                    subjects.insert(id, subject);
                }
                Ok(subjects)
            })
            .await
            .map_err(|e| e.to_string())
    }
}

/// One `PushReceived` as the core announced it.
struct Received {
    inbox_id: i64,
    kind: String,
    ok: bool,
    at: Instant,
}

/// What one series measured.
struct Series {
    rate: u32,
    sent: usize,
    sending: Duration,
    /// Latencies of the tickets and of the audit results, in send order.
    tickets: Vec<Duration>,
    audits: Vec<Duration>,
    failed: usize,
    /// Pushes without a matching `PushReceived` (none expected).
    missed: usize,
    /// Events the broadcast dropped because this listener lagged (none expected).
    lagged: u64,
    load: (String, String),
}

/// Sends `count` pushes at `rate` per second and waits for the core to have processed them all.
async fn series(rig: &Rig, rate: u32, count: usize) -> Result<Series, String> {
    let load_before = load_average();
    let mut events = rig.fleet.subscribe();
    let deadline = Duration::from_secs_f64(count as f64 / f64::from(rate.max(1))) + Duration::from_secs(60);
    let collector = tokio::spawn(async move {
        let (mut received, mut lagged) = (Vec::with_capacity(count), 0u64);
        let give_up = tokio::time::Instant::now() + deadline;
        while received.len() < count {
            match tokio::time::timeout_at(give_up, events.recv()).await {
                Ok(Ok(FleetEvent::PushReceived { inbox_id, kind, ok })) => {
                    received.push(Received { inbox_id, kind, ok, at: Instant::now() })
                }
                Ok(Ok(_)) => {}
                Ok(Err(RecvError::Lagged(n))) => lagged += n,
                Ok(Err(RecvError::Closed)) | Err(_) => break,
            }
        }
        (received, lagged)
    });

    let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let start = tokio::time::Instant::now();
    let mut sent = Vec::with_capacity(count);
    for i in 0..count {
        tokio::time::sleep_until(start + period * u32::try_from(i).unwrap_or(u32::MAX)).await;
        let at = Instant::now();
        let kind = rig.queue(i)?;
        sent.push((kind, at));
    }
    let sending = start.elapsed();
    let (received, lagged) = collector.await.map_err(|e| e.to_string())?;

    // Tickets in order; audit results by mini program.
    let first_id = received.iter().map(|r| r.inbox_id).min().unwrap_or(0);
    let subjects = rig.subjects(first_id).await?;
    let audit_index: HashMap<&str, usize> = (0..count).filter(|i| i % 2 == 1).map(|i| (rig.merchants[i / 2].0.as_str(), i)).collect();
    let mut tickets_received: Vec<&Received> = received.iter().filter(|r| r.kind == TICKET).collect();
    tickets_received.sort_by_key(|r| r.inbox_id);
    let ticket_sent: Vec<Instant> = sent.iter().filter(|(k, _)| *k == TICKET).map(|(_, at)| *at).collect();
    let tickets: Vec<Duration> = ticket_sent.iter().zip(&tickets_received).map(|(sent, got)| got.at.duration_since(*sent)).collect();
    let mut audits = Vec::new();
    for got in received.iter().filter(|r| r.kind == AUDIT) {
        let index = subjects.get(&got.inbox_id).and_then(|appid| audit_index.get(appid.as_str()));
        if let Some(&i) = index {
            audits.push(got.at.duration_since(sent[i].1));
        }
    }
    Ok(Series {
        rate,
        sent: count,
        sending,
        failed: received.iter().filter(|r| !r.ok).count(),
        missed: count.saturating_sub(tickets.len() + audits.len()),
        lagged,
        tickets,
        audits,
        load: (load_before, load_average()),
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn row(series: &Series, what: &str, latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    println!(
        "| {}/s | {what} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} → {} |",
        series.rate,
        sorted.len(),
        ms(percentile(&sorted, 0.5)),
        ms(percentile(&sorted, 0.9)),
        ms(percentile(&sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
        ms(sorted.iter().sum::<Duration>()) / sorted.len().max(1) as f64,
        series.load.0,
        series.load.1
    );
}

async fn run(args: Args) -> Result<(), String> {
    let relay_bin = match &args.relay_bin {
        Some(bin) => bin.clone(),
        None => std::env::current_exe().map_err(|e| e.to_string())?.with_file_name("wxfleet-relay"),
    };
    let dir = tempfile::tempdir_in(std::env::temp_dir()).map_err(|e| e.to_string())?;
    let most = args.pushes.max(args.warm_up);
    let rig = Rig::start(dir.path(), &relay_bin, most.div_ceil(2)).await?;
    println!(
        "push-latency: {} pushes per rate {:?} (tickets and audit results alternately), relay {}; {} cores; load average {}",
        args.pushes,
        args.rates,
        relay_bin.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average()
    );
    if args.warm_up > 0 {
        let warm = series(&rig, 50, args.warm_up).await?;
        println!("warm-up: {} pushes, {} processed", warm.sent, warm.tickets.len() + warm.audits.len());
    }
    let mut all = Vec::new();
    for &rate in &args.rates {
        let series = series(&rig, rate, args.pushes).await?;
        println!(
            "{:>5}/s: {} sent in {:.2} s, {} processed ({} tickets, {} audit results), {} failed, {} not matched, {} events lagged",
            rate,
            series.sent,
            series.sending.as_secs_f64(),
            series.tickets.len() + series.audits.len(),
            series.tickets.len(),
            series.audits.len(),
            series.failed,
            series.missed,
            series.lagged
        );
        all.push(series);
    }
    println!();
    println!(
        "push queued at the simulator → `PushReceived` (stored, handled, outcome written) in the core, through a wxfleet-relay process"
    );
    println!("| rate | pushes | n | p50 ms | p90 ms | p99 ms | max ms | mean ms | load average (before → after) |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---|");
    for series in &all {
        let both: Vec<Duration> = series.tickets.iter().chain(&series.audits).copied().collect();
        row(series, "all", &both);
        row(series, "component_verify_ticket", &series.tickets);
        row(series, "weapp_audit_success", &series.audits);
    }
    rig.fleet.stop_inbox(&rig.platform).await.map_err(|e| e.to_string())?;
    rig.sim.shutdown().await.map_err(|e| e.to_string())?;
    Ok(())
}
