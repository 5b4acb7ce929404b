//! `wxfleet sandbox`: the simulated WeChat and the relay on loopback, wired to the workspace as its
//! demo platform, until Ctrl-C. Other `wxfleet` commands (in another terminal) work on it meanwhile.

use clap::Args;
use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, Result};
use serde::Serialize;

use crate::output::Output;

/// Sandbox settings.
#[derive(Args)]
pub struct SandboxArgs {
    /// Demo merchants to seed on the first start (they have not authorized yet).
    #[arg(long, default_value_t = 30)]
    merchants: usize,
    /// Added latency of every simulated API call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API calls (0.0–1.0) that fail with an injected fault (-1, 45009, timeouts…).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Virtual seconds from an audit submission to its result.
    #[arg(long, default_value_t = 30)]
    audit_after_secs: u64,
}

#[derive(Serialize)]
struct Started<'a> {
    platform: &'a str,
    simulator: String,
    simulator_admin: String,
    relay: &'a str,
    merchants: usize,
}

impl SandboxArgs {
    /// Runs the sandbox until Ctrl-C.
    pub async fn run(self, fleet: &Fleet, dir: &std::path::Path, out: Output) -> Result<()> {
        let mut options = SandboxOptions::new(&dir.join("sandbox"), self.merchants);
        options.sim.latency_ms = self.latency_ms;
        options.sim.fault_rate = self.fault_rate;
        options.sim.audit_after_secs = self.audit_after_secs;
        let sandbox = Sandbox::start(fleet, options).await?;
        fleet.start_inbox(&sandbox.platform).await?;
        let started = Started {
            platform: &sandbox.platform,
            simulator: sandbox.sim_url(),
            simulator_admin: format!("{}/admin", sandbox.sim_url()),
            relay: &sandbox.relay.base_url,
            merchants: sandbox.info.merchants.len(),
        };
        out.line(&started, |s| {
            format!(
                "sandbox running — platform {} with {} demo merchants\n  simulated WeChat  {}  (status page: {})\n  relay             {}\nCtrl-C stops it (the simulated world is saved).",
                s.platform, s.merchants, s.simulator, s.simulator_admin, s.relay
            )
        });
        stop_requested().await;
        sandbox.shutdown().await
    }
}

/// Ctrl-C, or SIGTERM (a service manager, `timeout`): either way the simulated world is saved.
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
