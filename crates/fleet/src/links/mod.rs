//! Authorization links and their QR codes (PC and mobile), tracked until the merchant completes,
//! the link expires, or the consent fails.
//!
//! WeChat opens its consent page only from the platform's registered launch-page domain (登录授权的
//! 发起页域名, field notes #8), so a link is the relay's one-time `/authorize/{id}` page on that
//! domain: [`Fleet::create_authorization_link`] takes a pre-auth code from WeChat and asks the relay
//! for the page; the QR code holds its URL ([`qr`]). The relay catches WeChat's redirect and reports
//! the outcome ([`on_link_result`]); the `authorized` push carries the same code.

pub mod qr;

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use wechat::api::component::ApiCreatePreauthcodeRequest;
use wechat::api::ComponentToken;
use wechat::errcode::ErrorClass;
use wxfleet_relay::client::{AuthorizeLinkRequest, RelayClient};

use crate::error::{FleetError, Result};
use crate::events::FleetEvent;
use crate::platforms::secret;
use crate::{authorizers, Fleet};

/// Which consent page the link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// `componentloginpage`: the merchant scans the QR code shown on a PC.
    Pc,
    /// `bindcomponent`: the merchant opens the link inside WeChat on the phone.
    Mobile,
}

impl LinkMode {
    /// As stored and sent to the relay.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkMode::Pc => "pc",
            LinkMode::Mobile => "mobile",
        }
    }

    fn parse(text: &str) -> Result<LinkMode> {
        match text {
            "pc" => Ok(LinkMode::Pc),
            "mobile" => Ok(LinkMode::Mobile),
            other => Err(FleetError::Store(format!("links.mode {other:?}"))),
        }
    }

    fn relay(self) -> wxfleet_relay::client::LinkMode {
        match self {
            LinkMode::Pc => wxfleet_relay::client::LinkMode::Pc,
            LinkMode::Mobile => wxfleet_relay::client::LinkMode::Mobile,
        }
    }
}

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    /// Waiting for the merchant.
    Pending,
    /// The merchant authorized (the mini program is in `appid`).
    Done,
    /// Past its lifetime (the pre-auth code's) before the merchant finished.
    Expired,
    /// The consent failed, or WeChat refused the authorization code.
    Failed,
}

impl LinkState {
    /// As stored and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Pending => "pending",
            LinkState::Done => "done",
            LinkState::Expired => "expired",
            LinkState::Failed => "failed",
        }
    }

    /// Reads `pending`, `done`, `expired` or `failed`.
    pub fn parse(text: &str) -> Result<LinkState> {
        match text {
            "pending" => Ok(LinkState::Pending),
            "done" => Ok(LinkState::Done),
            "expired" => Ok(LinkState::Expired),
            "failed" => Ok(LinkState::Failed),
            other => Err(FleetError::invalid("state", format!("{other:?}: a link is pending, done, expired or failed"))),
        }
    }
}

/// A tracked authorization link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Link {
    /// The relay's one-time id.
    pub id: String,
    /// The platform.
    pub component_appid: String,
    /// PC or mobile.
    pub mode: LinkMode,
    /// Only this mini program may authorize through it.
    pub biz_appid: Option<String>,
    /// The relay's entry page: what the QR code holds.
    pub url: String,
    /// Where it stands, as of now (a pending link past `expires_at` reads as expired).
    pub state: LinkState,
    /// The authorized mini program, when done.
    pub appid: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms: when the pre-auth code (and so the link) expires.
    pub expires_at: i64,
    /// Unix ms: when it was done or failed.
    pub finished_at: Option<i64>,
}

impl Link {
    fn from_row(row: &Row<'_>, now_ms: i64) -> Result<Link> {
        let state = LinkState::parse(&row.get::<_, String>("state")?)?;
        let expires_at: i64 = row.get("expires_at")?;
        Ok(Link {
            id: row.get("id")?,
            component_appid: row.get("component_appid")?,
            mode: LinkMode::parse(&row.get::<_, String>("mode")?)?,
            biz_appid: row.get("biz_appid")?,
            url: row.get("url")?,
            state: if state == LinkState::Pending && now_ms > expires_at { LinkState::Expired } else { state },
            appid: row.get("appid")?,
            created_at: row.get("created_at")?,
            expires_at,
            finished_at: row.get("finished_at")?,
        })
    }
}

/// Which links to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct LinkFilter {
    /// Only this platform's.
    pub component_appid: Option<String>,
    /// Only those in this state (as of now).
    pub state: Option<LinkState>,
    /// At most this many, newest first (all when `None`).
    pub limit: Option<u32>,
}

/// Moves a pending link of `component_appid` to `state` inside the caller's transaction. Returns
/// whether it changed (an unknown link, another platform's, or one already finished: no change).
pub fn finish(conn: &Connection, component_appid: &str, link_id: &str, state: LinkState, appid: Option<&str>, now_ms: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE links SET state = ?3, appid = COALESCE(?4, appid), finished_at = ?5
         WHERE id = ?1 AND component_appid = ?2 AND state = 'pending'",
        params![link_id, component_appid, state.as_str(), appid, now_ms],
    )?;
    Ok(changed > 0)
}

fn link_row(conn: &Connection, id: &str, now_ms: i64) -> Result<Link> {
    let mut stmt = conn.prepare("SELECT * FROM links WHERE id = ?1")?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => Link::from_row(row, now_ms),
        None => Err(FleetError::not_found(format!("authorization link {id}"))),
    }
}

/// The relay's limit on a link's lifetime (seconds).
const MAX_LINK_SECS: i64 = 3600;

impl Fleet {
    /// Creates an authorization link for a merchant: a fresh pre-auth code from WeChat, then the
    /// relay's one-time entry page for it (PC: a QR code to scan; mobile: a link to open inside
    /// WeChat). With `biz_appid`, only that mini program can authorize; otherwise the consent page
    /// lists mini programs only (`auth_type=2`).
    ///
    /// Refused without a relay: WeChat shows its consent page only when it is opened from the
    /// platform's registered launch-page domain, which is the relay's.
    pub async fn create_authorization_link(&self, component_appid: &str, mode: LinkMode, biz_appid: Option<&str>) -> Result<Link> {
        let outcome = self.create_link_inner(component_appid, mode, biz_appid).await;
        let appids: Vec<String> = biz_appid.map(str::to_owned).into_iter().collect();
        let detail = match &outcome {
            Ok(link) => format!("{component_appid} {} link {}", mode.as_str(), link.id),
            Err(_) => format!("{component_appid} {} link", mode.as_str()),
        };
        self.record("link.create", &appids, &outcome, &detail).await;
        outcome
    }

    async fn create_link_inner(&self, component_appid: &str, mode: LinkMode, biz_appid: Option<&str>) -> Result<Link> {
        let platform = self.platform(component_appid).await?;
        let (Some(relay_url), Some(relay_platform)) = (platform.relay_url.clone(), platform.relay_platform.clone()) else {
            return Err(FleetError::invalid(
                "relay",
                format!(
                    "platform {component_appid} has no relay: WeChat opens its consent page only from the platform's registered \
                     launch-page domain (登录授权的发起页域名), so authorization links are pages on the relay's domain — add the relay \
                     (its URL, this platform's id there and the device credential) to the platform, and register the relay's domain \
                     as the launch-page domain in the open platform's console"
                ),
            ));
        };
        let biz_appid = biz_appid.map(str::trim).filter(|b| !b.is_empty()).map(str::to_owned);
        if let Some(biz) = &biz_appid {
            if !biz.starts_with("wx") || biz.len() < 10 {
                return Err(FleetError::invalid("biz_appid", format!("{biz:?} is not a mini program appid (wx…)")));
            }
        }
        let request = ApiCreatePreauthcodeRequest { component_appid: component_appid.to_owned() };
        let pre = self
            .with_component_token(component_appid, |api, cat| {
                let request = request.clone();
                async move { api.api_create_preauthcode(ComponentToken(&cat), &request).await }
            })
            .await?;
        let credential = self.platform_secret(secret::relay_credential(component_appid)).await?;
        let relay = RelayClient::new(&relay_url, credential.expose())?.with_timeout(self.http_timeout());
        let expires_in = pre.expires_in.clamp(1, MAX_LINK_SECS);
        let created = relay
            .create_authorize_link(&AuthorizeLinkRequest {
                platform: relay_platform,
                pre_auth_code: pre.pre_auth_code,
                mode: mode.relay(),
                auth_type: if biz_appid.is_none() { Some(wechat::api::auth::AuthType::MiniPrograms.code()) } else { None },
                biz_appid: biz_appid.clone(),
                consent_origin: platform.consent_origin.clone(),
                expires_in: expires_in as u64,
            })
            .await?;
        let now = self.now_ms();
        let link = Link {
            id: created.id,
            component_appid: component_appid.to_owned(),
            mode,
            biz_appid,
            url: created.url,
            state: LinkState::Pending,
            appid: None,
            created_at: now,
            expires_at: now + expires_in * 1000,
            finished_at: None,
        };
        let row = link.clone();
        self.store()
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO links (id, component_appid, mode, biz_appid, url, state, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7)",
                    params![row.id, row.component_appid, row.mode.as_str(), row.biz_appid, row.url, row.created_at, row.expires_at],
                )?;
                Ok(())
            })
            .await?;
        self.emit(FleetEvent::LinkChanged { link_id: link.id.clone(), state: "pending".to_owned(), appid: None });
        Ok(link)
    }

    /// One link, its state as of now.
    pub async fn link(&self, id: &str) -> Result<Link> {
        let (id, now) = (id.to_owned(), self.now_ms());
        self.store().read(move |conn| link_row(conn, &id, now)).await
    }

    /// The links matching `filter`, newest first, their states as of now.
    pub async fn links(&self, filter: LinkFilter) -> Result<Vec<Link>> {
        let now = self.now_ms();
        self.store()
            .read(move |conn| {
                let mut stmt = conn.prepare("SELECT * FROM links WHERE ?1 IS NULL OR component_appid = ?1 ORDER BY created_at DESC, id")?;
                let mut rows = stmt.query([&filter.component_appid])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let link = Link::from_row(row, now)?;
                    if filter.state.is_none_or(|s| s == link.state) {
                        out.push(link);
                    }
                    if filter.limit.is_some_and(|limit| out.len() >= limit as usize) {
                        break;
                    }
                }
                Ok(out)
            })
            .await
    }

    /// The QR code of a pending link's URL as a PNG image.
    pub async fn link_qr_png(&self, id: &str) -> Result<Vec<u8>> {
        let link = self.pending_link(id).await?;
        qr::png(&link.url)
    }

    /// The QR code of a pending link's URL as an SVG document.
    pub async fn link_qr_svg(&self, id: &str) -> Result<String> {
        let link = self.pending_link(id).await?;
        qr::svg(&link.url)
    }

    async fn pending_link(&self, id: &str) -> Result<Link> {
        let link = self.link(id).await?;
        match link.state {
            LinkState::Pending => Ok(link),
            state => Err(FleetError::Conflict(format!(
                "authorization link {id} is {}: its QR code would lead nowhere — create a new link",
                state.as_str()
            ))),
        }
    }
}

/// The relay's `redirect_uri` catcher reported a link's outcome (`done`, `expired`, `failed`; with
/// the `auth_code` when done). Idempotent.
///
/// `done` exchanges the code ([`authorizers::accept_auth_code`], which marks the link done). When
/// WeChat refuses the code for good (forged, used elsewhere) the link is marked failed and this
/// returns `Ok`: retrying cannot help. Transient failures are returned, to be retried; so is an
/// expired code (61010), which leaves the link pending: the merchant did consent, and the
/// `authorized` push with the same code completes the authorization, after which this finds the
/// code done (the inbox hands the link's result over again then).
pub async fn on_link_result(fleet: &Fleet, component_appid: &str, link_id: &str, state: &str, auth_code: Option<&str>) -> Result<()> {
    let state = LinkState::parse(state)?;
    match (state, auth_code.map(str::trim).filter(|c| !c.is_empty())) {
        (LinkState::Done, Some(code)) => match authorizers::accept_auth_code(fleet, component_appid, code, Some(link_id)).await {
            Ok(_) => Ok(()),
            Err(e @ FleetError::WeChat { .. }) if e.class() == ErrorClass::Final && e.errcode() != Some(authorizers::CODE_EXPIRED) => {
                tracing::warn!(link = %link_id, error = %e, "WeChat refused the authorization code of a link");
                Ok(())
            }
            Err(e) => Err(e),
        },
        (LinkState::Pending, _) => Ok(()),
        (state, code) => {
            // A `done` without a code is a catcher that saw no code: the consent did not complete.
            let state = if code.is_none() && state == LinkState::Done { LinkState::Failed } else { state };
            let (platform, link, now) = (component_appid.to_owned(), link_id.to_owned(), fleet.now_ms());
            let changed = fleet.store().write(move |tx| finish(tx, &platform, &link, state, None, now)).await?;
            if changed {
                fleet.emit(FleetEvent::LinkChanged { link_id: link_id.to_owned(), state: state.as_str().to_owned(), appid: None });
            }
            Ok(())
        }
    }
}
