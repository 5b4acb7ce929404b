//! The running app: the workspace's [`Fleet`], and the sandbox (simulated WeChat + relay on loopback)
//! while the workspace uses it. A first start — no platform configured — opens the sandbox, seeded
//! with demo merchants, so a newcomer can do the whole job without a WeChat account.
use std::path::{Path, PathBuf};
use std::time::Duration;

use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetError, FleetOptions};
use serde::Serialize;
use specta::Type;
use tokio::sync::{watch, Mutex};

/// Demo merchants in a new sandbox, and how many of them have already authorized: the rest are there
/// for the "authorize a merchant" flow.
pub const DEMO_MERCHANTS: usize = 30;
/// See [`DEMO_MERCHANTS`].
pub const DEMO_AUTHORIZED: usize = 24;

/// How often audits that no push has settled are asked about (a push can be lost on WeChat's side).
const AUDIT_POLL_EVERY: Duration = Duration::from_secs(120);
const AUDIT_STALE_AFTER: Duration = Duration::from_secs(600);
/// How long a new sandbox waits for its first ticket (it arrives in milliseconds on loopback).
const TICKET_WAIT: Duration = Duration::from_secs(15);

/// What the app is doing, for the UI's first screen and the status bar.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DeskStatus {
    /// Opening the workspace and, in sandbox mode, starting the simulator and the relay.
    Starting,
    /// Ready.
    Ready {
        /// Whether the simulated WeChat is running.
        sandbox: bool,
        /// The simulator's base URL (its status page is at `/admin`), in sandbox mode.
        simulator_url: Option<String>,
        /// The workspace directory.
        workspace: String,
        /// Where the master key is kept (`keychain` or a key file).
        key_source: String,
    },
    /// Starting failed; the UI shows this and the way out.
    Failed {
        /// What went wrong.
        message: String,
    },
}

/// The app's state, shared by every command.
pub struct Desk {
    /// The core.
    pub fleet: Fleet,
    dir: PathBuf,
    sandbox: Mutex<Option<Sandbox>>,
    status: watch::Sender<DeskStatus>,
}

impl Desk {
    /// Opens the workspace in `dir` (creating it). Quick: nothing on the network yet.
    pub fn open(dir: &Path) -> fleet::Result<Desk> {
        std::fs::create_dir_all(dir).map_err(|e| FleetError::Io(format!("cannot create the workspace {}: {e}", dir.display())))?;
        let fleet = Fleet::open(FleetOptions::for_user(dir))?;
        Ok(Desk { fleet, dir: dir.to_owned(), sandbox: Mutex::new(None), status: watch::Sender::new(DeskStatus::Starting) })
    }

    /// The workspace directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the app is doing now.
    pub fn status(&self) -> DeskStatus {
        self.status.borrow().clone()
    }

    /// Waits until starting has finished (ready or failed).
    pub async fn started(&self) -> DeskStatus {
        let mut rx = self.status.subscribe();
        let _ = rx.wait_for(|s| *s != DeskStatus::Starting).await;
        self.status()
    }

    /// Starts the sandbox when the workspace uses it, the inbox of every platform, and the audit
    /// poller. Failing to start is reported in [`Desk::status`], not fatal: Settings can fix it.
    pub async fn start(&self) {
        let outcome = self.start_inner().await;
        self.status.send_replace(match outcome {
            Ok(()) => self.ready_status().await,
            Err(e) => {
                tracing::error!(error = %e, "starting failed");
                DeskStatus::Failed { message: e.to_string() }
            }
        });
    }

    async fn start_inner(&self) -> fleet::Result<()> {
        let platforms = self.fleet.platforms().await?;
        if platforms.is_empty() || platforms.iter().any(|p| p.sandbox) {
            self.start_sandbox().await?;
        }
        for platform in self.fleet.platforms().await?.into_iter().filter(|p| !p.sandbox) {
            if let Err(e) = self.fleet.start_inbox(&platform.component_appid).await {
                tracing::warn!(platform = %platform.component_appid, error = %e, "the inbox did not start");
            }
        }
        self.spawn_audit_poller();
        Ok(())
    }

    /// Starts the sandbox and its inbox; a new one is seeded: a ticket, demo merchants authorized,
    /// the template library synced.
    async fn start_sandbox(&self) -> fleet::Result<()> {
        let dir = self.sandbox_dir();
        let first = !dir.join("sim-state.json").exists();
        if first {
            // A simulated world that was never saved (the app was killed before it could) is gone:
            // what the workspace kept of it would only disagree with the new one.
            for platform in self.fleet.platforms().await?.into_iter().filter(|p| p.sandbox) {
                self.fleet.remove_platform(&platform.component_appid).await?;
            }
        }
        let sandbox = Sandbox::start(&self.fleet, SandboxOptions::new(&dir, DEMO_MERCHANTS)).await?;
        self.fleet.start_inbox(&sandbox.platform).await?;
        sandbox.ensure_ticket(&self.fleet, TICKET_WAIT).await?;
        if first {
            let seeded = sandbox.authorize_demo_merchants(&self.fleet, DEMO_AUTHORIZED).await?;
            sandbox.prepare_demo_merchants(&self.fleet, &seeded).await?;
            tracing::info!(merchants = seeded.len(), "sandbox seeded with demo merchants");
            self.fleet.sync_templates(&sandbox.platform).await?;
            sandbox.sim.save().map_err(|e| FleetError::Io(format!("saving the simulated world: {e}")))?;
        }
        *self.sandbox.lock().await = Some(sandbox);
        Ok(())
    }

    fn sandbox_dir(&self) -> PathBuf {
        self.dir.join("sandbox")
    }

    async fn ready_status(&self) -> DeskStatus {
        let simulator_url = self.sandbox.lock().await.as_ref().map(Sandbox::sim_url);
        DeskStatus::Ready {
            sandbox: simulator_url.is_some(),
            simulator_url,
            workspace: self.dir.display().to_string(),
            key_source: self.fleet.key_source().to_string(),
        }
    }

    /// Throws the sandbox away and starts a new one with fresh demo data (real platforms untouched).
    pub async fn reset_sandbox(&self) -> fleet::Result<DeskStatus> {
        self.status.send_replace(DeskStatus::Starting);
        let outcome = async {
            if let Some(sandbox) = self.sandbox.lock().await.take() {
                let platform = sandbox.platform.clone();
                sandbox.shutdown().await?;
                self.fleet.remove_platform(&platform).await?;
            }
            for platform in self.fleet.platforms().await?.into_iter().filter(|p| p.sandbox) {
                self.fleet.remove_platform(&platform.component_appid).await?;
            }
            let dir = self.sandbox_dir();
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| FleetError::Io(format!("cannot remove {}: {e}", dir.display())))?;
            }
            self.start_sandbox().await
        }
        .await;
        self.fleet.record("sandbox.reset", &[], &outcome, "").await;
        let status = match &outcome {
            Ok(()) => self.ready_status().await,
            Err(e) => DeskStatus::Failed { message: e.to_string() },
        };
        self.status.send_replace(status.clone());
        outcome.map(|()| status)
    }

    /// Stops the sandbox (saving the simulated world) before the app exits.
    pub async fn shutdown(&self) {
        if let Some(sandbox) = self.sandbox.lock().await.take() {
            if let Err(e) = sandbox.shutdown().await {
                tracing::warn!(error = %e, "the sandbox did not stop cleanly");
            }
        }
    }

    fn spawn_audit_poller(&self) {
        let fleet = self.fleet.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(AUDIT_POLL_EVERY);
            loop {
                every.tick().await;
                let Ok(platforms) = fleet.platforms().await else { continue };
                for platform in platforms {
                    if let Err(e) = fleet.poll_audits(&platform.component_appid, AUDIT_STALE_AFTER).await {
                        tracing::warn!(platform = %platform.component_appid, error = %e, "polling audits failed");
                    }
                }
            }
        });
    }
}
