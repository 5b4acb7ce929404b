//! `wxfleet-relay serve|device …`: the relay server and its device enrolment.
//!
//! ```text
//! wxfleet-relay serve --config relay.toml
//! wxfleet-relay device add --config relay.toml --name "front desk"   # prints the credential once
//! wxfleet-relay device list --config relay.toml
//! wxfleet-relay device revoke --config relay.toml 3
//! ```
//!
//! `serve` prints one JSON line on stdout once listening
//! (`{"listen": "…", "tls": …, "store": "…", "proxy": "…"|null}`)
//! and logs to stderr. Environment overrides: `WXFLEET_RELAY_LISTEN`, `WXFLEET_RELAY_STORE`,
//! `WXFLEET_RELAY_PUBLIC_URL`; `RUST_LOG` sets the log filter (default `info`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use wxfleet_relay::proxy::{Proxy, ProxyMetrics, ProxyOptions};
use wxfleet_relay::server::{self, system_clock, RelayState, Started};
use wxfleet_relay::store::{EventStore, Store};
use wxfleet_relay::RelayConfig;

/// The allocator (see Cargo.toml): measurably cheaper per push than the system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "wxfleet-relay",
    version,
    about = "Durable, zero-knowledge inbox for WeChat pushes, pulled by desktops without a public address."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the relay.
    Serve {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
        /// Log lines as text (default) or JSON objects.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Enrols, lists and revokes devices (desktops allowed to pull).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Enrols a device and prints its credential — once; only a hash of it is kept.
    Add {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
        /// A name to recognise it by ("front desk PC").
        #[arg(long)]
        name: String,
        /// Print `{"id", "name", "credential"}` instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Lists devices with their cursor and last contact.
    List {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: it can no longer pull, ack or use the proxy.
    Revoke {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
        /// The device id (see `device list`).
        id: i64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { config, log_format } => {
            init_logs(log_format);
            serve(config).await
        }
        Command::Device { command } => {
            init_logs(LogFormat::Text);
            device(command).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wxfleet-relay: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: journald and log files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

fn load_config(path: &std::path::Path) -> Result<RelayConfig, String> {
    RelayConfig::load(path, |name| std::env::var(name).ok()).map_err(|e| e.to_string())
}

async fn open_store(config: &RelayConfig) -> Result<Store, String> {
    Store::open(&config.store).await.map_err(|e| format!("cannot open the store: {e}"))
}

async fn serve(path: PathBuf) -> Result<(), String> {
    let config = load_config(&path)?;
    let store = Arc::new(open_store(&config).await?);
    let kind = store.kind();
    tracing::info!(
        listen = %config.listen,
        store = kind,
        platforms = config.platforms.len(),
        retention_days = config.retention_days,
        tls = config.tls.is_some(),
        proxy = config.proxy.is_some(),
        "starting wxfleet-relay {}",
        env!("CARGO_PKG_VERSION")
    );
    // One signal, two listeners (the HTTP server and the proxy).
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|&s| s).await;
        }
    };

    let state = RelayState::new(config.clone(), Arc::clone(&store), system_clock());
    let proxy_addr = match &config.proxy {
        Some(proxy_config) => {
            let metrics = Arc::new(ProxyMetrics::default());
            state.attach_proxy_metrics(Arc::clone(&metrics));
            let proxy = Proxy::bind(proxy_config, ProxyOptions::default(), Arc::clone(&store), metrics).await.map_err(|e| e.to_string())?;
            let addr = proxy.local_addr();
            let stop = until_stopped();
            tokio::spawn(async move {
                if let Err(e) = proxy.serve(stop).await {
                    tracing::error!(error = %e, "egress proxy stopped");
                }
            });
            Some(addr.to_string())
        }
        None => None,
    };
    server::serve(state, until_stopped(), move |started: Started| {
        // The one stdout line: scripts and tests read the bound addresses from it.
        println!("{}", serde_json::json!({ "listen": started.addr.to_string(), "tls": started.tls, "store": kind, "proxy": proxy_addr }));
        tracing::info!(addr = %started.addr, tls = started.tls, "listening");
    })
    .await
    .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM (systemd, docker stop) or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT received"),
        _ = terminate => tracing::info!("SIGTERM received"),
    }
}

async fn device(command: DeviceCommand) -> Result<(), String> {
    let now = system_clock()();
    match command {
        DeviceCommand::Add { config, name, json } => {
            let name = name.trim();
            if name.is_empty() {
                return Err("--name must not be empty".to_owned());
            }
            let store = open_store(&load_config(&config)?).await?;
            let device = store.add_device(name, now).await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", serde_json::to_string(&device).map_err(|e| e.to_string())?);
            } else {
                println!("Device {} ({}) enrolled.", device.id, device.name);
                println!();
                println!("    {}", device.credential);
                println!();
                println!("Copy this credential into the desktop now: it is shown only this once and cannot be");
                println!("shown again (the relay keeps only a hash). Lost it? Revoke this device and add another.");
            }
            Ok(())
        }
        DeviceCommand::List { config, json } => {
            let store = open_store(&load_config(&config)?).await?;
            let devices = store.list_devices().await.map_err(|e| e.to_string())?;
            let latest = store.latest_seq().await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", serde_json::to_string(&devices).map_err(|e| e.to_string())?);
                return Ok(());
            }
            println!(
                "{:>4}  {:<24}  {:<8}  {:>10}  {:>8}  {:<20}  {:<20}",
                "id", "name", "status", "acked_seq", "backlog", "last_seen (UTC)", "created (UTC)"
            );
            for d in devices {
                let status = if d.revoked_at.is_some() { "revoked" } else { "active" };
                println!(
                    "{:>4}  {:<24}  {:<8}  {:>10}  {:>8}  {:<20}  {:<20}",
                    d.id,
                    d.name,
                    status,
                    d.acked_seq,
                    (latest - d.acked_seq).max(0),
                    d.last_seen.map(utc).unwrap_or_else(|| "never".to_owned()),
                    utc(d.created_at)
                );
            }
            Ok(())
        }
        DeviceCommand::Revoke { config, id } => {
            let store = open_store(&load_config(&config)?).await?;
            if store.revoke_device(id, now).await.map_err(|e| e.to_string())? {
                println!("Device {id} revoked: it can no longer pull, ack or use the proxy.");
                Ok(())
            } else {
                Err(format!("no device {id} (see `wxfleet-relay device list`)"))
            }
        }
    }
}

/// `2026-05-01 12:34:56` from Unix milliseconds (UTC; no time zone database needed).
fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = wechat::calendar::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}
