//! Shared by the core's tests: a workspace in a temporary directory, and the sandbox (simulator +
//! relay on loopback) wired to it.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use fleet::sandbox::{Sandbox, SandboxOptions};
use fleet::{Fleet, FleetEvent, FleetOptions};
use tempfile::TempDir;

/// A workspace in its own temporary directory (key file, never the OS keychain).
pub struct Workspace {
    pub dir: TempDir,
    pub fleet: Fleet,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let fleet = Fleet::open(FleetOptions::in_dir_with_key_file(dir.path())).unwrap();
        Workspace { dir, fleet }
    }

    /// Reopens the same directory (as after a restart).
    pub fn reopen(&self) -> Fleet {
        Fleet::open(FleetOptions::in_dir_with_key_file(self.dir.path())).unwrap()
    }

    pub fn with_clock(clock: Arc<dyn fleet::Clock>) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let fleet = Fleet::open(FleetOptions { clock, ..FleetOptions::in_dir_with_key_file(dir.path()) }).unwrap();
        Workspace { dir, fleet }
    }
}

/// A workspace with the sandbox running: `merchants` demo merchants, not yet authorized.
pub struct World {
    pub ws: Workspace,
    pub sandbox: Sandbox,
}

impl World {
    pub async fn start(merchants: usize) -> World {
        World::start_with(merchants, |_| {}).await
    }

    /// With changes to the simulator's settings (latency, faults, audit timing…).
    pub async fn start_with(merchants: usize, tweak: impl FnOnce(&mut SandboxOptions)) -> World {
        let ws = Workspace::new();
        let mut options = SandboxOptions::new(&ws.dir.path().join("sandbox"), merchants);
        options.sim.audit_after_secs = 1;
        tweak(&mut options);
        let sandbox = Sandbox::start(&ws.fleet, options).await.unwrap();
        World { ws, sandbox }
    }

    pub fn fleet(&self) -> &Fleet {
        &self.ws.fleet
    }

    pub fn platform(&self) -> &str {
        &self.sandbox.platform
    }

    /// POSTs JSON to the simulator's admin API.
    pub async fn admin(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response = reqwest::Client::new().post(format!("{}{path}", self.sandbox.sim_url())).json(&body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// Waits (up to 20 s) for an event matching `pred`, from a receiver taken before the action.
    pub async fn wait_event(rx: &mut tokio::sync::broadcast::Receiver<FleetEvent>, pred: impl Fn(&FleetEvent) -> bool) -> FleetEvent {
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match rx.recv().await {
                    Ok(event) if pred(&event) => return event,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(e) => panic!("event stream ended: {e}"),
                }
            }
        })
        .await
        .expect("the event did not come within 20 s")
    }
}

/// Polls `check` every 50 ms for up to 20 s.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not within 20 s: {what}");
}
