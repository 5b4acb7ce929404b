//! The sandbox: the simulator and the relay in-process on loopback, wired to a workspace as a demo
//! platform — what a first start opens, what `wxfleet sandbox` runs, and what the core's tests use.
//!
//! ```text
//!  simulator (WeChat) ──pushes──▶ relay /wx/demo/… ──pull/ack──▶ inbox ──▶ Fleet
//!        ▲                          │ /authorize, /authorized
//!        └──────── API calls ───────┼──────────────────────────────── Fleet
//! ```
//!
//! Everything lives in one directory: `sim-state.json` (the simulated WeChat: merchants, their
//! authorizations, versions), `relay.db` (the relay's log), and the workspace itself. Ports are new
//! on each start; the workspace's demo platform is updated to them.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::oneshot;
use wxfleet_relay::config::PlatformEntry;
use wxfleet_relay::store::EventStore;
use wxfleet_relay::RelayConfig;
use wxfleet_sim::{RunningSim, SimConfig, Simulator, StartupInfo};

use crate::error::{FleetError, Result};
use crate::platforms::{PlatformInput, RelayInput};
use crate::Fleet;

/// The demo platform's id in the sandbox relay.
pub const RELAY_PLATFORM_ID: &str = "demo";
const DEVICE_SETTING: &str = "sandbox.relay_device";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where the simulator's state and the relay's database live.
    pub dir: PathBuf,
    /// The simulator's settings (its listen address, push URLs and state file are set here).
    pub sim: SimConfig,
}

impl SandboxOptions {
    /// A sandbox in `dir` with `merchants` demo merchants, tickets every 10 minutes, audits ending
    /// after 30 virtual seconds.
    pub fn new(dir: &Path, merchants: usize) -> SandboxOptions {
        let sim = SimConfig { seed_demo: merchants, audit_after_secs: 30, ..SimConfig::default() };
        SandboxOptions { dir: dir.to_owned(), sim }
    }
}

/// A running relay (in-process).
pub struct RunningRelay {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningRelay {
    /// Stops it (in-flight requests finish).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// The simulator and the relay, wired to a workspace.
pub struct Sandbox {
    /// The simulated WeChat.
    pub sim: RunningSim,
    /// What the simulator seeded (the demo platform's credentials, the merchants).
    pub info: StartupInfo,
    /// The relay.
    pub relay: RunningRelay,
    /// The demo platform's component appid.
    pub platform: String,
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| FleetError::Io(format!("no free loopback port: {e}")))?;
    Ok(listener.local_addr().map_err(|e| FleetError::Io(e.to_string()))?.port())
}

impl Sandbox {
    /// Starts the simulator and the relay, and adds (or updates) the demo platform in `fleet`, with
    /// its pushes coming through the relay. Call [`Fleet::start_inbox`] to start receiving them.
    pub async fn start(fleet: &Fleet, options: SandboxOptions) -> Result<Sandbox> {
        std::fs::create_dir_all(&options.dir).map_err(|e| FleetError::Io(format!("cannot create {}: {e}", options.dir.display())))?;
        let relay_port = free_port()?;
        let relay_url = format!("http://127.0.0.1:{relay_port}");
        let sim_config = SimConfig {
            push_url: Some(format!("{relay_url}/wx/{RELAY_PLATFORM_ID}/component")),
            message_url: Some(format!("{relay_url}/wx/{RELAY_PLATFORM_ID}/app/$APPID$")),
            state_file: Some(options.dir.join("sim-state.json")),
            ..options.sim
        };
        let sim = Simulator::start(sim_config).await.map_err(|e| FleetError::Io(format!("the simulator did not start: {e}")))?;
        let info = sim.info.clone();

        let relay_config = RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], relay_port)),
            public_url: relay_url.clone(),
            store: format!("sqlite:{}", options.dir.join("relay.db").display()),
            retention_days: 7,
            platforms: vec![PlatformEntry {
                id: RELAY_PLATFORM_ID.to_owned(),
                component_appid: info.platform.component_appid.clone(),
                token: info.platform.token.clone(),
            }],
            proxy: None,
            tls: None,
        };
        let store = wxfleet_relay::store::Store::open(&relay_config.store).await.map_err(|e| FleetError::Relay(e.to_string()))?;
        let store = Arc::new(store);
        let credential = sandbox_device(fleet, &store).await?;
        let state = wxfleet_relay::server::RelayState::new(relay_config, store, wxfleet_relay::server::system_clock());
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, is_ready) = oneshot::channel();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = wxfleet_relay::server::serve(state, shutdown, move |started| {
                let _ = ready.send(started.addr);
            })
            .await
            {
                tracing::error!(error = %e, "the sandbox relay stopped");
            }
        });
        is_ready.await.map_err(|_| FleetError::Relay(format!("the sandbox relay did not start on port {relay_port}")))?;
        let relay = RunningRelay { base_url: relay_url.clone(), stop: Some(stop), task };

        let platform = info.platform.component_appid.clone();
        fleet
            .add_platform(PlatformInput {
                component_appid: platform.clone(),
                name: "演示服务商 (sandbox)".to_owned(),
                appsecret: info.platform.component_appsecret.clone(),
                token: info.platform.token.clone(),
                encoding_aes_key: info.platform.encoding_aes_key.clone(),
                api_base_url: Some(info.base_url.clone()),
                relay: Some(RelayInput { url: relay_url, platform_id: RELAY_PLATFORM_ID.to_owned(), credential }),
                proxy_url: None,
                consent_origin: Some(info.base_url.clone()),
                sandbox: true,
            })
            .await?;
        Ok(Sandbox { sim, info, relay, platform })
    }

    /// The simulator's base URL (its admin page is at `/admin`).
    pub fn sim_url(&self) -> String {
        self.info.base_url.clone()
    }

    /// Stops the relay and the simulator (which saves its state).
    pub async fn shutdown(self) -> Result<()> {
        self.relay.shutdown().await;
        self.sim.shutdown().await.map_err(|e| FleetError::Io(format!("saving the simulator's state: {e}")))
    }
}

/// The sandbox desktop's device credential at the sandbox relay: enrolled once, kept sealed in the
/// workspace (the relay's database keeps only its hash).
async fn sandbox_device(fleet: &Fleet, store: &Arc<wxfleet_relay::store::Store>) -> Result<String> {
    let (vault, name) = (fleet.vault().clone(), DEVICE_SETTING.to_owned());
    let known = fleet.store().read(move |conn| crate::secrets::get_str(conn, &vault, &name)).await?;
    if let Some(credential) = known {
        if store.authenticate(credential.expose(), fleet.now_ms()).await.map_err(|e| FleetError::Relay(e.to_string()))?.is_some() {
            return Ok(credential.expose().to_owned());
        }
    }
    let device = store.add_device("sandbox desktop", fleet.now_ms()).await.map_err(|e| FleetError::Relay(e.to_string()))?;
    let (vault, now, credential) = (fleet.vault().clone(), fleet.now_ms(), device.credential.clone());
    fleet.store().write(move |tx| crate::secrets::put_str(tx, &vault, DEVICE_SETTING, &credential, now)).await?;
    Ok(device.credential)
}

impl Sandbox {
    /// Authorizes the first `count` demo merchants that have not authorized yet, as if each admin had
    /// scanned a link and confirmed the consent page: a real pre-auth code, the simulator's consent
    /// (which also pushes `authorized`), and the auth code accepted through the same path as a push.
    /// A first start uses it so the sandbox opens with a fleet to look at; the rest stay for the
    /// "authorize a merchant" flow. Returns the appids authorized now.
    pub async fn authorize_demo_merchants(&self, fleet: &Fleet, count: usize) -> Result<Vec<String>> {
        use wechat::api::component::ApiCreatePreauthcodeRequest;
        use wechat::api::ComponentToken;

        let known: std::collections::HashSet<String> =
            fleet.authorizers(crate::authorizers::AuthorizerFilter::default()).await?.into_iter().map(|a| a.appid).collect();
        let http = reqwest::Client::new();
        let mut authorized = Vec::new();
        for merchant in self.info.merchants.iter().filter(|m| !known.contains(&m.appid)).take(count) {
            let platform = self.platform.clone();
            let pre_auth_code = fleet
                .with_component_token(&platform, |api, cat| {
                    let component_appid = platform.clone();
                    async move { api.api_create_preauthcode(ComponentToken(&cat), &ApiCreatePreauthcodeRequest { component_appid }).await }
                })
                .await?
                .pre_auth_code;
            let consent = serde_json::json!({
                "component_appid": self.platform, "pre_auth_code": pre_auth_code,
                "authorizer_appid": merchant.appid, "func_ids": [17, 18, 30]
            });
            let answer: serde_json::Value = http
                .post(format!("{}/admin/consent", self.sim_url()))
                .json(&consent)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| FleetError::Io(format!("the simulator refused the demo consent: {e}")))?
                .json()
                .await
                .map_err(|e| FleetError::Io(format!("the simulator's consent answer: {e}")))?;
            let auth_code =
                answer["auth_code"].as_str().ok_or_else(|| FleetError::Io("the simulator's consent carried no auth_code".into()))?;
            authorized.push(crate::authorizers::accept_auth_code(fleet, &self.platform, auth_code, None).await?);
        }
        Ok(authorized)
    }
}

impl Sandbox {
    /// Gets the demo platform a fresh ticket: asks the simulator to push one now and waits for it to
    /// arrive through the relay and the inbox (start the inbox first). Every start does: the ticket
    /// kept from the last run may be one a simulator that did not save its world never issued, and
    /// WeChat's 10-minute push schedule would make the first calls wait.
    pub async fn ensure_ticket(&self, fleet: &Fleet, timeout: std::time::Duration) -> Result<()> {
        let mut events = fleet.subscribe();
        fleet.request_ticket_push(&self.platform).await?;
        let arrived = tokio::time::timeout(timeout, async {
            loop {
                match events.recv().await {
                    Ok(crate::FleetEvent::TicketReceived { platform }) if platform == self.platform => return true,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return false,
                }
            }
        })
        .await;
        match arrived {
            Ok(true) => Ok(()),
            _ if fleet.ticket_status(&self.platform).await?.valid => Ok(()),
            _ => Err(FleetError::Relay(format!("no ticket arrived through the sandbox relay within {} s", timeout.as_secs()))),
        }
    }
}

/// The category the demo merchants get (工具 › 办公: no qualification needed, approved at once), so a
/// first campaign's audit submission is not refused for lacking one (85008).
const DEMO_CATEGORY: (i64, i64) = (287, 289);
/// The privacy guide the demo merchants get: what the demo templates' code uses.
const DEMO_PRIVACY_TEMPLATE: &str = "演示隐私指引 (sandbox)";

impl Sandbox {
    /// Gets demo merchants ready for a first campaign, as an operator would: an approved category
    /// and a privacy guide declaring what the demo templates use (else audits are refused or fail).
    pub async fn prepare_demo_merchants(&self, fleet: &Fleet, appids: &[String]) -> Result<()> {
        for appid in appids {
            let category = wechat::api::category::NewCategory { first: DEMO_CATEGORY.0, second: DEMO_CATEGORY.1, certicates: Vec::new() };
            fleet.add_categories(appid, vec![category]).await?;
        }
        let settings: Vec<serde_json::Value> = ["UserInfo", "PhoneNumber", "Address", "Location"]
            .iter()
            .map(|key| serde_json::json!({ "privacy_key": key, "privacy_text": "完成下单、配送与会员服务" }))
            .collect();
        let template: crate::apps::privacy::PrivacyTemplate = serde_json::from_value(serde_json::json!({
            "name": DEMO_PRIVACY_TEMPLATE,
            "owner_setting": { "contact_email": "privacy@demo.example", "notice_method": "弹窗提示" },
            "setting_list": settings,
            "updated_at": 0,
        }))
        .map_err(|e| FleetError::Io(format!("the demo privacy guide: {e}")))?;
        fleet.save_privacy_template(template).await?;
        let report = fleet.apply_privacy_template(DEMO_PRIVACY_TEMPLATE, appids).await?;
        match report.results.iter().find_map(|r| r.error.as_ref().map(|e| (&r.appid, e))) {
            Some((appid, problem)) => {
                Err(FleetError::Io(format!("applying the demo privacy guide to {appid} failed: {}", problem.message)))
            }
            None => Ok(()),
        }
    }
}
