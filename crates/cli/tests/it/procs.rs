//! The real programs as separate processes: `wxfleet-sim` (WeChat), `wxfleet-relay` (the cloud
//! relay) and `wxfleet` (the core, as a user or a script runs it). Killed when dropped.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

// Finding the binaries, a child killed when dropped, a free port: the drills' helpers.
pub use wxfleet_drills::procs::{free_port, sibling_bin, Proc};

/// The simulated WeChat and a relay, as two processes, wired together.
pub struct Cloud {
    pub dir: tempfile::TempDir,
    pub sim: Proc,
    pub relay: Proc,
    /// `http://127.0.0.1:PORT` of the simulator.
    pub sim_url: String,
    /// `http://127.0.0.1:PORT` of the relay.
    pub relay_url: String,
    /// A device credential at the relay.
    pub credential: String,
    /// The demo platform's credentials (`component_appid`, `component_appsecret`, `token`, `encoding_aes_key`).
    pub platform: Value,
    /// The demo merchants (`appid`, `nickname`, …).
    pub merchants: Vec<Value>,
}

impl Cloud {
    /// Starts both with `merchants` demo merchants and extra simulator flags.
    pub fn start(merchants: usize, sim_flags: &[&str]) -> Cloud {
        let dir = tempfile::tempdir().unwrap();
        let relay_port = free_port();
        let relay_url = format!("http://127.0.0.1:{relay_port}");
        let mut sim = Command::new(sibling_bin("wxfleet-sim"));
        sim.args(["--listen", "127.0.0.1:0", "--seed-demo", &merchants.to_string()])
            .args(["--push-url", &format!("{relay_url}/wx/demo/component")])
            .args(["--message-url", &format!("{relay_url}/wx/demo/app/$APPID$")])
            .args(sim_flags)
            .env("RUST_LOG", "warn");
        let sim = Proc::start(sim);
        let sim_url = sim.started["base_url"].as_str().unwrap().to_owned();
        let platform = sim.started["platform"].clone();
        let merchants = sim.started["merchants"].as_array().unwrap().clone();

        let config = dir.path().join("relay.toml");
        std::fs::write(
            &config,
            format!(
                "listen = \"127.0.0.1:{relay_port}\"\npublic_url = \"{relay_url}\"\nstore = \"sqlite:{}\"\n\n[[platform]]\nid = \"demo\"\ncomponent_appid = \"{}\"\ntoken = \"{}\"\n",
                dir.path().join("relay.db").display(),
                platform["component_appid"].as_str().unwrap(),
                platform["token"].as_str().unwrap()
            ),
        )
        .unwrap();
        let added = Command::new(sibling_bin("wxfleet-relay"))
            .args(["device", "add", "--config", config.to_str().unwrap(), "--name", "test desk", "--json"])
            .output()
            .unwrap();
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
        let device: Value = serde_json::from_slice(&added.stdout).unwrap();
        let credential = device["credential"].as_str().unwrap().to_owned();
        let mut relay = Command::new(sibling_bin("wxfleet-relay"));
        relay.args(["serve", "--config", config.to_str().unwrap()]).env("RUST_LOG", "warn");
        let relay = Proc::start(relay);
        Cloud { dir, sim, relay, sim_url, relay_url, credential, platform, merchants }
    }

    /// POSTs to the simulator's admin API.
    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let response = http().post(format!("{}{path}", self.sim_url)).json(&body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

/// An HTTP client without proxies from the environment and without following redirects (the tests
/// look at each hop like a browser's network panel).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Runs `wxfleet --workspace DIR --json ARGS` to completion.
pub fn wxfleet(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wxfleet"))
        .arg("--workspace")
        .arg(workspace)
        .arg("--json")
        .args(args)
        .env("WXFLEET_NO_KEYCHAIN", "1")
        .env_remove("WXFLEET_HOME")
        .output()
        .unwrap()
}

/// Like [`wxfleet`], panicking with stderr on failure; returns stdout as JSON.
pub fn wxfleet_ok(workspace: &Path, args: &[&str]) -> Value {
    let out = wxfleet(workspace, args);
    assert!(out.status.success(), "wxfleet {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("wxfleet {args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A `wxfleet` process killed when dropped: a failing test must not leave one behind holding the
/// test's output pipe (the run would never end).
pub struct Running(Child);

impl Running {
    /// SIGKILL, now.
    pub fn kill9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Starts a long-running `wxfleet` command (e.g. the inbox) as a process.
pub fn wxfleet_spawn(workspace: &Path, args: &[&str]) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_wxfleet"))
        .arg("--workspace")
        .arg(workspace)
        .arg("--json")
        .args(args)
        .env("WXFLEET_NO_KEYCHAIN", "1")
        .env_remove("WXFLEET_HOME")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Running(child)
}
