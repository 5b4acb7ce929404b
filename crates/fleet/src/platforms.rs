//! Third-party platforms (component appids) of the workspace: their credentials (sealed), where
//! their API calls go (WeChat, the simulator, or through the relay's egress proxy), and their relay.

use std::collections::HashMap;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use url::Url;
use wechat::api::{Client, ClientConfig, ProxyConfig};
use wechat::crypto::MsgCrypt;

use crate::error::{FleetError, Result};
use crate::secrets::{self, SecretString};
use crate::Fleet;

/// What the agency copies from the open platform's console (and the relay's enrolment) to add a
/// platform.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformInput {
    /// `component_appid` (wx…).
    pub component_appid: String,
    /// A name for the staff.
    pub name: String,
    /// `component_appsecret`.
    pub appsecret: SecretInput,
    /// The message Token (消息校验Token).
    pub token: SecretInput,
    /// The EncodingAESKey (43 characters).
    pub encoding_aes_key: SecretInput,
    /// `https://api.weixin.qq.com` (default) or the simulator's URL.
    #[serde(default)]
    pub api_base_url: Option<String>,
    /// The relay: base URL, this platform's id there, and the device credential.
    #[serde(default)]
    pub relay: Option<RelayInput>,
    /// Send API calls through the relay's CONNECT proxy at this URL (`http://relay.example.com:3128`),
    /// so they leave from the relay's whitelisted IP.
    #[serde(default)]
    pub proxy_url: Option<String>,
    /// Where consent pages are (`None` = WeChat's); the simulator's URL in the sandbox.
    #[serde(default)]
    pub consent_origin: Option<String>,
    /// A sandbox platform (the simulator's), shown as such everywhere.
    #[serde(default)]
    pub sandbox: bool,
}

/// A secret as typed in: never printed by `Debug`.
pub type SecretInput = String;

impl std::fmt::Debug for PlatformInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformInput").field("component_appid", &self.component_appid).field("name", &self.name).finish_non_exhaustive()
    }
}

/// The relay a platform's pushes come through.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelayInput {
    /// The relay's public base URL (`https://relay.example.com`).
    pub url: String,
    /// The platform's id in the relay's config (`/wx/{id}/component`).
    pub platform_id: String,
    /// This desktop's device credential (`wxfleet-relay device add`).
    pub credential: SecretInput,
}

/// A platform as stored (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Platform {
    /// `component_appid`.
    pub component_appid: String,
    /// The staff's name for it.
    pub name: String,
    /// Where API calls go.
    pub api_base_url: String,
    /// The relay's base URL.
    pub relay_url: Option<String>,
    /// The platform's id at the relay.
    pub relay_platform: Option<String>,
    /// The egress proxy, when calls go through the relay.
    pub proxy_url: Option<String>,
    /// Where consent pages are (`None` = WeChat's).
    pub consent_origin: Option<String>,
    /// A sandbox platform.
    pub sandbox: bool,
    /// Unix ms.
    pub created_at: i64,
}

impl Platform {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Platform> {
        Ok(Platform {
            component_appid: row.get("component_appid")?,
            name: row.get("name")?,
            api_base_url: row.get("api_base_url")?,
            relay_url: row.get("relay_url")?,
            relay_platform: row.get("relay_platform")?,
            proxy_url: row.get("proxy_url")?,
            consent_origin: row.get("consent_origin")?,
            sandbox: row.get("sandbox")?,
            created_at: row.get("created_at")?,
        })
    }

    /// The relay's `/wx/{id}/component` URL to enter as the authorization-event URL (授权事件接收URL).
    pub fn component_push_url(&self) -> Option<String> {
        Some(format!("{}/wx/{}/component", self.relay_url.as_deref()?.trim_end_matches('/'), self.relay_platform.as_deref()?))
    }

    /// The relay's message-and-event URL (消息与事件接收URL), with WeChat's `$APPID$` placeholder.
    pub fn message_push_url(&self) -> Option<String> {
        Some(format!("{}/wx/{}/app/$APPID$", self.relay_url.as_deref()?.trim_end_matches('/'), self.relay_platform.as_deref()?))
    }
}

/// The secret names of a platform.
pub mod secret {
    /// `component_appsecret`.
    pub fn appsecret(appid: &str) -> String {
        format!("platform/{appid}/appsecret")
    }
    /// The message Token.
    pub fn token(appid: &str) -> String {
        format!("platform/{appid}/token")
    }
    /// The EncodingAESKey.
    pub fn aes_key(appid: &str) -> String {
        format!("platform/{appid}/aes_key")
    }
    /// The relay device credential.
    pub fn relay_credential(appid: &str) -> String {
        format!("platform/{appid}/relay_credential")
    }
}

/// One API client per platform (they share nothing; each may have its own proxy).
#[derive(Default)]
pub(crate) struct Clients(Mutex<HashMap<String, Client>>);

fn check_url(field: &str, value: &str) -> Result<Url> {
    let url = Url::parse(value).map_err(|e| FleetError::invalid(field, format!("{value:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FleetError::invalid(field, format!("{value:?} must start with https:// (or http:// on loopback)")));
    }
    Ok(url)
}

fn validate(input: &PlatformInput) -> Result<()> {
    if !input.component_appid.starts_with("wx") || input.component_appid.len() < 10 {
        return Err(FleetError::invalid("component_appid", "a component appid starts with wx (copy it from the open platform's console)"));
    }
    if input.appsecret.trim().is_empty() {
        return Err(FleetError::invalid("appsecret", "required"));
    }
    if input.token.trim().is_empty() {
        return Err(FleetError::invalid("token", "required"));
    }
    // The key's own checks (length, alphabet) name what is wrong.
    MsgCrypt::new(input.token.trim(), input.encoding_aes_key.trim(), &input.component_appid)
        .map_err(|e| FleetError::invalid("encoding_aes_key", e.to_string()))?;
    if let Some(url) = &input.api_base_url {
        check_url("api_base_url", url)?;
    }
    if let Some(url) = &input.proxy_url {
        check_url("proxy_url", url)?;
        if input.relay.is_none() {
            return Err(FleetError::invalid(
                "proxy_url",
                "the egress proxy authenticates with the relay's device credential: add the relay too",
            ));
        }
    }
    if let Some(relay) = &input.relay {
        check_url("relay.url", &relay.url)?;
        if relay.platform_id.trim().is_empty() || relay.credential.trim().is_empty() {
            return Err(FleetError::invalid("relay", "the platform id and the device credential are required"));
        }
    }
    Ok(())
}

impl Fleet {
    /// Adds a platform, or replaces the settings and secrets of one with the same appid.
    pub async fn add_platform(&self, input: PlatformInput) -> Result<Platform> {
        let appid = input.component_appid.trim().to_owned();
        let input = PlatformInput { component_appid: appid.clone(), ..input };
        let outcome = self.add_platform_inner(input).await;
        self.record("platform.add", &[], &outcome, &appid).await;
        outcome
    }

    async fn add_platform_inner(&self, input: PlatformInput) -> Result<Platform> {
        validate(&input)?;
        let (vault, now) = (self.vault().clone(), self.now_ms());
        let appid = input.component_appid.clone();
        self.store()
            .write(move |tx| {
                let base = input.api_base_url.as_deref().unwrap_or(wechat::api::DEFAULT_BASE_URL).trim_end_matches('/').to_owned();
                tx.execute(
                    "INSERT INTO platforms (component_appid, name, api_base_url, relay_url, relay_platform, proxy_url, consent_origin, sandbox, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (component_appid) DO UPDATE SET name = excluded.name, api_base_url = excluded.api_base_url,
                       relay_url = excluded.relay_url, relay_platform = excluded.relay_platform, proxy_url = excluded.proxy_url,
                       consent_origin = excluded.consent_origin, sandbox = excluded.sandbox",
                    params![
                        input.component_appid,
                        input.name.trim(),
                        base,
                        input.relay.as_ref().map(|r| r.url.trim_end_matches('/').to_owned()),
                        input.relay.as_ref().map(|r| r.platform_id.trim().to_owned()),
                        input.proxy_url,
                        input.consent_origin.as_ref().map(|o| o.trim_end_matches('/').to_owned()),
                        input.sandbox,
                        now
                    ],
                )?;
                secrets::put_str(tx, &vault, &secret::appsecret(&appid), input.appsecret.trim(), now)?;
                secrets::put_str(tx, &vault, &secret::token(&appid), input.token.trim(), now)?;
                secrets::put_str(tx, &vault, &secret::aes_key(&appid), input.encoding_aes_key.trim(), now)?;
                match &input.relay {
                    Some(relay) => secrets::put_str(tx, &vault, &secret::relay_credential(&appid), relay.credential.trim(), now)?,
                    None => secrets::delete(tx, &secret::relay_credential(&appid))?,
                }
                platform_row(tx, &appid)?.ok_or_else(|| FleetError::not_found(format!("platform {appid}")))
            })
            .await
            .inspect(|platform| self.clients().forget(&platform.component_appid))
    }

    /// Adds (or updates) a platform and starts receiving its pushes: what a desktop, which pulls
    /// all the time, does when a platform is configured.
    pub async fn connect_platform(&self, input: PlatformInput) -> Result<Platform> {
        let platform = self.add_platform(input).await?;
        self.start_inbox(&platform.component_appid).await?;
        Ok(platform)
    }

    /// Every platform of the workspace.
    pub async fn platforms(&self) -> Result<Vec<Platform>> {
        self.store()
            .read(|conn| {
                let mut stmt = conn.prepare("SELECT * FROM platforms ORDER BY created_at, component_appid")?;
                let rows = stmt.query_map([], Platform::from_row)?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .await
    }

    /// One platform.
    pub async fn platform(&self, component_appid: &str) -> Result<Platform> {
        let appid = component_appid.to_owned();
        self.store().read(move |conn| platform_row(conn, &appid)?.ok_or_else(|| FleetError::not_found(format!("platform {appid}")))).await
    }

    /// Removes a platform with its secrets, tokens and mini programs (WeChat is not told).
    pub async fn remove_platform(&self, component_appid: &str) -> Result<()> {
        // Its pushes would otherwise keep arriving for rows that no longer exist.
        self.stop_inbox(component_appid).await?;
        let appid = component_appid.to_owned();
        let outcome = self
            .store()
            .write(move |tx| {
                let removed = tx.execute("DELETE FROM platforms WHERE component_appid = ?1", [&appid])?;
                if removed == 0 {
                    return Err(FleetError::not_found(format!("platform {appid}")));
                }
                tx.execute("DELETE FROM secrets WHERE name LIKE 'platform/' || ?1 || '/%'", [&appid])?;
                Ok(())
            })
            .await;
        self.clients().forget(component_appid);
        self.record("platform.remove", &[], &outcome, component_appid).await;
        outcome
    }

    /// A secret of a platform (see [`secret`]).
    pub(crate) async fn platform_secret(&self, name: String) -> Result<SecretString> {
        let vault = self.vault().clone();
        self.store().read(move |conn| secrets::require_str(conn, &vault, &name)).await
    }

    /// The platform's message crypto (Token, EncodingAESKey, appid).
    pub async fn msg_crypt(&self, component_appid: &str) -> Result<MsgCrypt> {
        let token = self.platform_secret(secret::token(component_appid)).await?;
        let key = self.platform_secret(secret::aes_key(component_appid)).await?;
        MsgCrypt::new(token.expose(), key.expose(), component_appid).map_err(|e| FleetError::Secrets(format!("stored EncodingAESKey: {e}")))
    }

    /// The API client of a platform: its base URL, through the relay's egress proxy when set.
    pub async fn api(&self, component_appid: &str) -> Result<Client> {
        if let Some(client) = self.clients().get(component_appid) {
            return Ok(client);
        }
        let platform = self.platform(component_appid).await?;
        let mut config = ClientConfig::with_base_url(check_url("api_base_url", &platform.api_base_url)?);
        config.timeout = self.http_timeout();
        if let Some(proxy) = &platform.proxy_url {
            let credential = self.platform_secret(secret::relay_credential(component_appid)).await?;
            config.proxy =
                Some(ProxyConfig { url: check_url("proxy_url", proxy)?, authorization: Some(format!("Bearer {}", credential.expose())) });
        }
        let client = Client::new(config).map_err(FleetError::from)?;
        self.clients().put(component_appid, client.clone());
        Ok(client)
    }
}

impl Clients {
    fn get(&self, appid: &str) -> Option<Client> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(appid).cloned()
    }

    fn put(&self, appid: &str, client: Client) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(appid.to_owned(), client);
    }

    fn forget(&self, appid: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(appid);
    }
}

/// The platform row, if any.
pub fn platform_row(conn: &Connection, component_appid: &str) -> Result<Option<Platform>> {
    Ok(conn.query_row("SELECT * FROM platforms WHERE component_appid = ?1", [component_appid], Platform::from_row).optional()?)
}
