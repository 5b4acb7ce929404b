//! `wxfleet-sim`: the simulator as a program. Prints one JSON line (base URL, platform credentials,
//! seeded merchants) on stdout, then logs to stderr; stops on SIGINT or SIGTERM, saving the state
//! when `--state` is given.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use wxfleet_sim::{AuditDefault, SimConfig, Simulator};

/// A WeChat third-party platform simulator on loopback.
#[derive(Debug, Parser)]
#[command(name = "wxfleet-sim", version, about)]
struct Args {
    /// A TOML file with the same keys as the flags (in snake_case); flags win over it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Where to listen, e.g. 127.0.0.1:8080 (port 0 picks a free one).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Create the demo platform, 3 templates and this many demo merchants (up to 10000).
    #[arg(long)]
    seed_demo: Option<usize>,
    /// The authorization-event URL of the demo platform (tickets, authorizations).
    #[arg(long)]
    push_url: Option<String>,
    /// The message-and-event URL of the demo platform; `$APPID$` is replaced by the mini program.
    #[arg(long)]
    message_url: Option<String>,
    /// Seconds between ticket pushes (virtual time; WeChat: 600).
    #[arg(long = "ticket-interval")]
    ticket_interval_secs: Option<u64>,
    /// How audits end by default.
    #[arg(long, value_enum)]
    audit_default: Option<AuditDefault>,
    /// Seconds from submission to the audit result (virtual time).
    #[arg(long = "audit-after")]
    audit_after_secs: Option<u64>,
    /// The demo platform's authorization launch-page domain.
    #[arg(long)]
    launch_domain: Option<String>,
    /// Added latency of every API call, in milliseconds.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Share of API calls (0.0–1.0) that fail with an injected fault.
    #[arg(long)]
    fault_rate: Option<f64>,
    /// Seed of every random choice, so runs repeat.
    #[arg(long)]
    seed: Option<u64>,
    /// Load the state from this file if it exists, and save it there on shutdown.
    #[arg(long = "state")]
    state_file: Option<PathBuf>,
}

impl Args {
    /// The TOML file's config (or the defaults) with every given flag applied on top.
    fn config(self) -> Result<SimConfig, String> {
        let mut config = match &self.config {
            Some(path) => SimConfig::from_toml_file(path)?,
            None => SimConfig::default(),
        };
        macro_rules! apply {
            ($($field:ident),*) => { $( if let Some(value) = self.$field { config.$field = value; } )* };
        }
        apply!(listen, seed_demo, ticket_interval_secs, audit_default, audit_after_secs, launch_domain, latency_ms, fault_rate, seed);
        if self.push_url.is_some() {
            config.push_url = self.push_url;
        }
        if self.message_url.is_some() {
            config.message_url = self.message_url;
        }
        if self.state_file.is_some() {
            config.state_file = self.state_file;
        }
        if config.seed_demo > wxfleet_sim::demo::MAX_MERCHANTS {
            return Err(format!("--seed-demo is at most {}", wxfleet_sim::demo::MAX_MERCHANTS));
        }
        if !(0.0..=1.0).contains(&config.fault_rate) {
            return Err("--fault-rate must be between 0 and 1".to_owned());
        }
        Ok(config)
    }
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = match Args::parse().config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("wxfleet-sim: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wxfleet-sim: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wxfleet-sim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: SimConfig) -> std::io::Result<()> {
    // Listen for the stop signals before announcing: whoever reads the line may signal at once.
    let stop = StopSignal::install()?;
    let running = Simulator::start(config).await?;
    let line = serde_json::to_string(&running.info).map_err(std::io::Error::other)?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }
    tracing::info!(base_url = %running.base_url(), merchants = running.info.merchants.len(), "wxfleet-sim is serving");
    stop.wait().await;
    tracing::info!("stopping");
    running.shutdown().await
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere), registered when installed.
#[cfg(unix)]
struct StopSignal {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignal {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(StopSignal { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct StopSignal;

#[cfg(not(unix))]
impl StopSignal {
    fn install() -> std::io::Result<Self> {
        Ok(StopSignal)
    }

    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
