//! `wxfleet-relay` as a process on a fixed loopback port with a SQLite store in a directory, so it
//! can be killed and started again on the same address and database.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::procs::{free_port, sibling_bin, Proc};

/// A relay's configuration on disk, and the running process (if any).
pub struct RelayProcess {
    config: PathBuf,
    proc: Option<Proc>,
    /// `http://127.0.0.1:PORT`, the same across restarts.
    pub url: String,
}

impl RelayProcess {
    /// Writes `dir/relay.toml` (one platform `platform_id` with its component appid and Token, the
    /// store `dir/relay.db`) and starts the relay.
    pub fn start(dir: &Path, platform_id: &str, component_appid: &str, token: &str) -> RelayProcess {
        let url = format!("http://127.0.0.1:{}", free_port());
        let config = dir.join("relay.toml");
        std::fs::write(
            &config,
            format!(
                "listen = \"{listen}\"\npublic_url = \"{url}\"\nstore = \"sqlite:{db}\"\n\n[[platform]]\nid = \"{platform_id}\"\ncomponent_appid = \"{component_appid}\"\ntoken = \"{token}\"\n",
                listen = url.trim_start_matches("http://"),
                db = dir.join("relay.db").display(),
            ),
        )
        .expect("the relay's configuration is written");
        let mut relay = RelayProcess { config, proc: None, url };
        relay.restart();
        relay
    }

    /// Enrols a desktop device through the relay's CLI; returns its credential.
    pub fn add_device(&self, name: &str) -> String {
        let out = Command::new(sibling_bin("wxfleet-relay"))
            .args(["device", "add", "--config", self.config.to_str().unwrap(), "--name", name, "--json"])
            .env_remove("RUST_LOG")
            .output()
            .expect("wxfleet-relay runs");
        assert!(out.status.success(), "wxfleet-relay device add: {}", String::from_utf8_lossy(&out.stderr));
        let device: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the device as JSON");
        device["credential"].as_str().expect("a credential").to_owned()
    }

    /// `kill -9`: no shutdown, no flush.
    pub fn kill9(&mut self) {
        if let Some(mut proc) = self.proc.take() {
            proc.kill9();
        }
    }

    /// Starts the relay (again) on the same address and database; returns once it listens.
    pub fn restart(&mut self) {
        self.kill9();
        let mut cmd = Command::new(sibling_bin("wxfleet-relay"));
        cmd.args(["serve", "--config", self.config.to_str().unwrap()]).env("RUST_LOG", "warn");
        self.proc = Some(Proc::start(cmd));
    }
}
