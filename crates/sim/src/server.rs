//! Starting and stopping the simulator: the shared state handle [`Sim`], [`Simulator::start`] and
//! the [`RunningSim`] it returns.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch, Notify};
use tokio::task::JoinHandle;
use url::Url;

use crate::config::SimConfig;
use crate::faults::FaultPlan;
use crate::world::{Ids, World};
use crate::SimClock;

/// A handle on the running simulator's state, shared by every handler and background task.
#[derive(Clone)]
pub struct Sim {
    inner: Arc<Inner>,
}

struct Inner {
    world: Mutex<World>,
    clock: SimClock,
    config: SimConfig,
    base_url: Url,
    push_wakeup: Notify,
    faults: Mutex<FaultPlan>,
    http: reqwest::Client,
    stopping: watch::Sender<bool>,
}

impl Sim {
    /// A simulator state around `world` with virtual time from `clock` (not listening yet;
    /// [`Simulator::start`] does that).
    pub fn new(world: World, config: SimConfig, base_url: Url, clock: SimClock) -> Self {
        let faults = FaultPlan::from_config(&config);
        // The receiver's time limit (WeChat: 5 s) is set per request from the config.
        let http = reqwest::Client::builder()
            .no_proxy()
            .user_agent("Mozilla/4.0")
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("static client config");
        Sim {
            inner: Arc::new(Inner {
                world: Mutex::new(world),
                clock,
                config,
                base_url,
                push_wakeup: Notify::new(),
                faults: Mutex::new(faults),
                http,
                stopping: watch::channel(false).0,
            }),
        }
    }

    /// Resolves when the simulator starts shutting down (held requests give up then).
    pub async fn stopping(&self) {
        let mut rx = self.inner.stopping.subscribe();
        let _ = rx.wait_for(|stopping| *stopping).await;
    }

    fn signal_stop(&self) {
        self.inner.stopping.send_replace(true);
    }

    /// Virtual now, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The virtual clock.
    pub fn clock(&self) -> &SimClock {
        &self.inner.clock
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &SimConfig {
        &self.inner.config
    }

    /// Where it listens, e.g. `http://127.0.0.1:43121`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Runs `f` on the locked world with the current virtual time, then wakes the push delivery if
    /// `f` queued pushes. Never hold this across an `.await` (it is a plain mutex).
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World, i64) -> R) -> R {
        let now = self.now();
        let mut world = self.inner.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = f(&mut world, now);
        let queued = !world.outbox.pending.is_empty();
        drop(world);
        if queued {
            self.inner.push_wakeup.notify_one();
        }
        result
    }

    /// Signalled when pushes are queued.
    pub fn push_wakeup(&self) -> &Notify {
        &self.inner.push_wakeup
    }

    /// The injected latency and faults, changeable at run time (`POST /admin/faults`).
    pub fn faults(&self) -> &Mutex<FaultPlan> {
        &self.inner.faults
    }

    /// The HTTP client pushes are delivered with (no timeout of its own: the push code sets it).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

/// What the simulator prints as its first stdout line: where it is and what it seeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupInfo {
    /// The API's base URL, without a trailing slash (`http://127.0.0.1:43121`).
    pub base_url: String,
    /// The demo platform's credentials.
    pub platform: PlatformInfo,
    /// The seeded merchants' mini programs (not yet authorized).
    pub merchants: Vec<MerchantInfo>,
}

/// A platform's credentials, as the agency would copy them from the open platform's console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformInfo {
    /// `component_appid`.
    pub component_appid: String,
    /// `component_appsecret`.
    pub component_appsecret: String,
    /// The message Token.
    pub token: String,
    /// The EncodingAESKey.
    pub encoding_aes_key: String,
}

/// A seeded merchant's mini program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantInfo {
    /// `wx…`.
    pub appid: String,
    /// `gh_…`.
    pub original_id: String,
    /// Its name.
    pub nickname: String,
}

/// Starts simulators.
pub struct Simulator;

/// A simulator serving on a loopback port, with its background tasks (pushes, tickets, audits).
pub struct RunningSim {
    /// The shared state (for tests that look inside or change it directly).
    pub sim: Sim,
    /// Where it listens and what it seeded.
    pub info: StartupInfo,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Simulator {
    /// Binds `config.listen`, seeds (or loads `config.state_file`), and starts serving.
    pub async fn start(config: SimConfig) -> std::io::Result<RunningSim> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let base_url: Url = format!("http://{addr}").parse().expect("socket address makes a URL");
        let clock = SimClock::default();
        let mut world = match &config.state_file {
            Some(path) if path.exists() => {
                let saved = load_state(path)?;
                clock.advance(saved.clock_offset_secs);
                saved.world
            }
            _ => World { ids: Ids::seeded(config.seed), ..World::default() },
        };
        if config.quota_daily_limit.is_some() {
            world.quotas.default_limit = config.quota_daily_limit;
        }
        // WeChat keeps pushing tickets on its own schedule; after a restart the first comes soon.
        for platform in world.platforms.values_mut() {
            platform.next_ticket_at = None;
        }
        let info = crate::demo::seed(&mut world, &config, &base_url, clock.now());
        let sim = Sim::new(world, config, base_url, clock);

        let (tx, rx) = oneshot::channel::<()>();
        let app = crate::http::router(sim.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let serve = tokio::spawn(async move {
            let stopped = async {
                rx.await.ok();
            };
            if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stopped).await {
                tracing::error!("simulator server stopped: {e}");
            }
        });
        let tasks = vec![serve, tokio::spawn(crate::push::deliver(sim.clone())), tokio::spawn(crate::ticker::run(sim.clone()))];
        Ok(RunningSim { sim, info, shutdown: Some(tx), tasks })
    }
}

impl RunningSim {
    /// The API's base URL.
    pub fn base_url(&self) -> &Url {
        self.sim.base_url()
    }

    /// Stops serving, stops the background tasks and saves the state when a state file is set.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.sim.signal_stop();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let mut tasks = std::mem::take(&mut self.tasks).into_iter();
        if let Some(serve) = tasks.next() {
            let _ = serve.await;
        }
        for task in tasks {
            task.abort();
        }
        match self.sim.config().state_file.clone() {
            Some(path) => save_state(&self.sim, &path),
            None => Ok(()),
        }
    }
}

impl RunningSim {
    /// Writes the state file now (when configured): a host that has just changed the world in bulk
    /// (seeded demo data) makes it durable without waiting for the shutdown.
    pub fn save(&self) -> std::io::Result<()> {
        match self.sim.config().state_file.clone() {
            Some(path) => save_state(&self.sim, &path),
            None => Ok(()),
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.sim.signal_stop();
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The state file: the world and how far virtual time was ahead, so that a restart does not move
/// time backwards for the tokens and tickets it holds.
#[derive(Deserialize)]
struct SavedState {
    clock_offset_secs: i64,
    world: World,
}

/// [`SavedState`] as it is written, borrowing the world.
#[derive(Serialize)]
struct SavingState<'a> {
    clock_offset_secs: i64,
    world: &'a World,
}

fn load_state(path: &std::path::Path) -> std::io::Result<SavedState> {
    let text = std::fs::read_to_string(path)?;
    serde_json::from_str(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
}

fn save_state(sim: &Sim, path: &std::path::Path) -> std::io::Result<()> {
    let offset = sim.clock().offset();
    let text = sim
        .with_world(|world, _| serde_json::to_string(&SavingState { clock_offset_secs: offset, world }))
        .map_err(std::io::Error::other)?;
    // Write then rename, so a crash mid-write leaves the previous state intact.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
