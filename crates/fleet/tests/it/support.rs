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

impl World {
    /// A valid `component_verify_ticket` for the demo platform without the relay: the simulator
    /// pushes one now and hands it back; it is stored as the inbox would.
    pub async fn ticket(&self) {
        let answer = self.admin("/admin/push-ticket", serde_json::json!({})).await;
        let ticket = answer["ticket"].as_str().expect("the simulator answers with the ticket").to_owned();
        let (platform, vault, now) = (self.platform().to_owned(), self.fleet().vault().clone(), self.fleet().now_ms());
        self.fleet().store().write(move |tx| fleet::tickets::store(tx, &vault, &platform, &ticket, now / 1000, now)).await.unwrap();
    }

    /// Authorizes demo merchant `index` (permission sets 17, 18, 30) without a browser — pre-auth
    /// code, the simulator's `/admin/consent`, `api_query_auth` — and records it with
    /// `authorizers::record_authorization`, not through the merchants area. Needs [`World::ticket`].
    pub async fn authorize_directly(&self, index: usize) -> String {
        use wechat::api::auth::ApiQueryAuthRequest;
        use wechat::api::component::ApiCreatePreauthcodeRequest;
        use wechat::api::ComponentToken;

        let appid = self.sandbox.info.merchants[index].appid.clone();
        let platform = self.platform().to_owned();
        let fleet = self.fleet();
        let pre_auth_code = fleet
            .with_component_token(&platform, |api, cat| {
                let component_appid = platform.clone();
                async move { api.api_create_preauthcode(ComponentToken(&cat), &ApiCreatePreauthcodeRequest { component_appid }).await }
            })
            .await
            .unwrap()
            .pre_auth_code;
        let consented = self
            .admin(
                "/admin/consent",
                serde_json::json!({
                    "component_appid": platform, "pre_auth_code": pre_auth_code, "authorizer_appid": appid, "func_ids": [17, 18, 30]
                }),
            )
            .await;
        let auth_code = consented["auth_code"].as_str().expect("an auth_code").to_owned();
        let info = fleet
            .with_component_token(&platform, |api, cat| {
                let req = ApiQueryAuthRequest { component_appid: platform.clone(), authorization_code: auth_code.clone() };
                async move { api.api_query_auth(ComponentToken(&cat), &req).await }
            })
            .await
            .unwrap()
            .authorization_info;
        let refresh = info.authorizer_refresh_token.expect("a refresh token");
        let func_ids: Vec<u32> = info.func_info.iter().map(|f| f.funcscope_category.id as u32).collect();
        let (vault, now, recorded) = (fleet.vault().clone(), fleet.now_ms(), appid.clone());
        fleet
            .store()
            .write(move |tx| fleet::authorizers::record_authorization(tx, &vault, &platform, &recorded, &refresh, &func_ids, now))
            .await
            .unwrap();
        appid
    }
}

/// A world whose workspace reads the time from `clock` (the simulator and the relay keep theirs).
pub async fn world_with_clock(merchants: usize, clock: Arc<dyn fleet::Clock>) -> World {
    let ws = Workspace::with_clock(clock);
    let mut options = SandboxOptions::new(&ws.dir.path().join("sandbox"), merchants);
    options.sim.audit_after_secs = 1;
    let sandbox = Sandbox::start(&ws.fleet, options).await.unwrap();
    World { ws, sandbox }
}

/// What a merchant's browser went through on an authorization link.
pub struct Consent {
    /// The `auth_code` WeChat (the simulator) put on the redirect.
    pub auth_code: String,
    /// The page the relay's `/authorized` showed.
    pub done_page: String,
}

/// A browser that does not follow redirects (each hop is checked).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl World {
    /// Authorizes demo merchant `index` with `func_ids` through the merchants area: pre-auth code,
    /// the simulator's `/admin/consent`, then `authorizers::accept_auth_code`. Needs [`World::ticket`].
    pub async fn authorize(&self, index: usize, func_ids: &[u32]) -> String {
        let auth_code = self.consent_code(index, func_ids).await;
        fleet::authorizers::accept_auth_code(self.fleet(), self.platform(), &auth_code, None).await.unwrap()
    }

    /// The `auth_code` of demo merchant `index` consenting to `func_ids` (not yet exchanged).
    pub async fn consent_code(&self, index: usize, func_ids: &[u32]) -> String {
        use wechat::api::component::ApiCreatePreauthcodeRequest;
        use wechat::api::ComponentToken;

        let appid = self.sandbox.info.merchants[index].appid.clone();
        let platform = self.platform().to_owned();
        let pre_auth_code = self
            .fleet()
            .with_component_token(&platform, |api, cat| {
                let component_appid = platform.clone();
                async move { api.api_create_preauthcode(ComponentToken(&cat), &ApiCreatePreauthcodeRequest { component_appid }).await }
            })
            .await
            .unwrap()
            .pre_auth_code;
        let consented = self
            .admin(
                "/admin/consent",
                serde_json::json!({ "component_appid": platform, "pre_auth_code": pre_auth_code, "authorizer_appid": appid, "func_ids": func_ids }),
            )
            .await;
        consented["auth_code"].as_str().expect("an auth_code").to_owned()
    }

    /// A merchant's browser on an authorization link: the relay's entry page, WeChat's consent page
    /// opened from it (its origin as `Referer`, as browsers send it), the form posted for demo
    /// merchant `index` with `func_ids`, and the redirect followed to the relay's `/authorized`.
    pub async fn consent_through_link(&self, link_url: &str, index: usize, func_ids: &[u32]) -> Consent {
        let browser = browser();
        let entry = browser.get(link_url).send().await.unwrap();
        assert_eq!(entry.status(), 200, "the relay's entry page");
        let html = entry.text().await.unwrap();
        let start = html.find("id=\"go\" class=\"button\" href=\"").expect("the entry page links to the consent page") + 29;
        let end = start + html[start..].find('"').unwrap();
        let consent_url = html[start..end].replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'");
        let relay_origin = url::Url::parse(link_url).unwrap().origin().ascii_serialization() + "/";
        let page = browser.get(&consent_url).header("Referer", &relay_origin).send().await.unwrap().text().await.unwrap();
        let appid = &self.sandbox.info.merchants[index].appid;
        assert!(page.contains(appid.as_str()), "the consent page lists the merchant: {page}");
        let pre_auth_code = url::Url::parse(&consent_url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "pre_auth_code")
            .map(|(_, v)| v.into_owned())
            .expect("the consent URL has the pre-auth code");
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("component_appid", self.platform())
            .append_pair("pre_auth_code", &pre_auth_code)
            .append_pair("authorizer_appid", appid);
        for id in func_ids {
            form.append_pair("func_id", &id.to_string());
        }
        let confirmed = browser
            .post(&consent_url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Referer", &consent_url)
            .body(form.finish())
            .send()
            .await
            .unwrap();
        assert_eq!(confirmed.status(), 302, "the consent page redirects: {}", confirmed.text().await.unwrap_or_default());
        let location = confirmed.headers()["location"].to_str().unwrap().to_owned();
        let auth_code = url::Url::parse(&location)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "auth_code")
            .map(|(_, v)| v.into_owned())
            .expect("the redirect carries auth_code");
        let done = browser.get(&location).send().await.unwrap();
        assert_eq!(done.status(), 200, "the relay's /authorized page");
        Consent { auth_code, done_page: done.text().await.unwrap() }
    }

    /// Scripts the simulator: the next `count` calls of `path` answer `fault` (an errcode or name).
    pub async fn script_fault(&self, path: &str, fault: serde_json::Value, count: u32) {
        self.admin("/admin/faults", serde_json::json!({ "script": [{ "path": path, "fault": fault, "count": count }] })).await;
    }

    /// How many scripted calls of `path` are left (0 when none).
    pub async fn scripted_left(&self, path: &str) -> u64 {
        let plan =
            reqwest::get(format!("{}/admin/faults", self.sandbox.sim_url())).await.unwrap().json::<serde_json::Value>().await.unwrap();
        plan["script"].as_array().into_iter().flatten().filter(|s| s["path"] == path).filter_map(|s| s["count"].as_u64()).sum()
    }
}

/// Decodes the one QR code in a PNG.
pub fn read_qr(png: &[u8]) -> String {
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("a PNG");
    let mut prepared = rqrr::PreparedImage::prepare(image.to_luma8());
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code");
    grids[0].decode().expect("the QR code decodes").1
}
