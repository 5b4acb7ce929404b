//! The real programs as separate processes: `wxfleet-sim` (WeChat) and `wxfleet-relay` (the cloud
//! relay), and this test binary again as a child (the campaign runner). Every child is killed
//! (SIGKILL) when its handle drops, so a failing drill leaves nothing behind holding its pipes.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// A binary of another workspace package in the target directory this test binary runs from
/// (`cargo test --workspace` builds them all; a drill run alone builds them once, here).
pub fn sibling_bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    // target/<profile>/deps/<test binary> → target/<profile>
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(Path::parent).expect("the target directory").to_owned();
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        BUILT.get_or_init(|| {
            let status = Command::new(env!("CARGO"))
                .args(["build", "-p", "wxfleet-sim", "-p", "wxfleet-relay", "--bins"])
                .env("CARGO_TARGET_DIR", dir.parent().expect("the target directory's parent"))
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building wxfleet-sim and wxfleet-relay failed");
        });
    }
    assert!(path.exists(), "{} is missing: run `cargo build -p wxfleet-sim -p wxfleet-relay`", path.display());
    path
}

/// A child process that announces itself with one JSON line on stdout; killed when dropped.
pub struct Proc {
    child: Child,
    /// Its first stdout line, parsed.
    pub started: Value,
}

impl Proc {
    /// Starts `cmd` and reads its first stdout line as JSON.
    pub fn start(mut cmd: Command) -> Proc {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("the program starts");
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        reader.read_line(&mut line).expect("the start line");
        let started = serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("start line {line:?}: {e}"));
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Proc { child, started }
    }

    /// SIGKILL and reap: no shutdown, no flush — what a power cut looks like to the process.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A child without a start line (this test binary as a worker); killed when dropped.
pub struct Worker(pub Child);

impl Worker {
    /// SIGKILL and reap.
    pub fn kill9(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A free loopback port (for a program whose address must be known before it starts).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a loopback port").local_addr().expect("its address").port()
}

/// An HTTP client that ignores proxies from the environment and follows no redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}
