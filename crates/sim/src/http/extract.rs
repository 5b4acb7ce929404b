//! Extractors that do what WeChat does before any endpoint logic: find and check the token, check
//! the caller's IP against the platform's whitelist, count the call against the daily quota, and
//! read the JSON body (47001 when it is not the documented shape).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::world::{Platform, TokenKind, World};
use crate::{Sim, WxError};

/// A call made with a `component_access_token`, sent as `component_access_token=` (the
/// `cgi-bin/component/api_*` form) or `access_token=` (the newer form).
#[derive(Debug, Clone)]
pub struct PlatformCall {
    /// The platform the token belongs to.
    pub component_appid: String,
}

/// A call made with an `authorizer_access_token` (`access_token=`) on behalf of a mini program.
#[derive(Debug, Clone)]
pub struct AppCall {
    /// The platform acting.
    pub component_appid: String,
    /// The mini program it acts for.
    pub appid: String,
    /// The permission sets the mini program granted the platform.
    pub func_ids: Vec<u32>,
}

impl AppCall {
    /// `61007` unless the merchant granted permission set `perm`.
    pub fn require(&self, perm: u32) -> Result<(), WxError> {
        if self.func_ids.contains(&perm) {
            Ok(())
        } else {
            Err(WxError::unauthorized_perm(perm))
        }
    }
}

/// A call made with either kind of token about the token's own account (`clear_quota`,
/// `openapi/quota/get`, `openapi/rid/get`).
#[derive(Debug, Clone)]
pub struct AccountCall {
    /// The account: the component appid for a CAT, the mini program's appid for an AAT.
    pub account: String,
    /// The platform the token belongs to.
    pub component_appid: String,
    /// The token is the platform's own (CAT).
    pub platform: bool,
}

/// The query parameter named `name`, percent-decoded.
pub fn query_param(parts_query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(parts_query.unwrap_or("").as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The caller's address, from the connection (the relay's egress proxy connects from its own IP).
pub fn peer_ip(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())
}

/// The caller's address as an extractor, for the calls that carry no token.
#[derive(Debug, Clone, Copy)]
pub struct PeerIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerIp(peer_ip(parts)))
    }
}

/// `61004` when the platform has a whitelist and `peer` is not on it.
pub fn check_whitelist(platform: &Platform, peer: Option<IpAddr>) -> Result<(), WxError> {
    match (&platform.ip_whitelist, peer) {
        (Some(list), Some(ip)) if !list.contains(&ip) => {
            Err(WxError::new(61004, format!("access clientip is not registered, requesting ip: {ip}")))
        }
        _ => Ok(()),
    }
}

fn token_from(parts: &Parts, names: &[&str]) -> Result<String, WxError> {
    names.iter().find_map(|name| query_param(parts.uri.query(), name)).filter(|t| !t.is_empty()).ok_or_else(WxError::token_missing)
}

impl FromRequestParts<Sim> for PlatformCall {
    type Rejection = WxError;

    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Self, Self::Rejection> {
        let token = token_from(parts, &["component_access_token", "access_token"])?;
        let peer = peer_ip(parts);
        let api = parts.uri.path().to_owned();
        sim.with_world(|world: &mut World, now| {
            let component_appid = match world.tokens.validate(&token, now)? {
                TokenKind::Component { component_appid } => component_appid.clone(),
                TokenKind::Authorizer { .. } => return Err(WxError::invalid_credential()),
            };
            check_whitelist(world.platform(&component_appid)?, peer)?;
            world.quotas.hit(&component_appid, &api, now)?;
            Ok(PlatformCall { component_appid })
        })
    }
}

impl FromRequestParts<Sim> for AppCall {
    type Rejection = WxError;

    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Self, Self::Rejection> {
        let token = token_from(parts, &["access_token"])?;
        let peer = peer_ip(parts);
        let api = parts.uri.path().to_owned();
        sim.with_world(|world: &mut World, now| {
            let (component_appid, appid) = match world.tokens.validate(&token, now)? {
                TokenKind::Authorizer { component_appid, appid } => (component_appid.clone(), appid.clone()),
                TokenKind::Component { .. } => return Err(WxError::invalid_credential()),
            };
            check_whitelist(world.platform(&component_appid)?, peer)?;
            let func_ids = world.app(&appid)?.grant(&component_appid)?.func_ids.clone();
            // Calls on behalf of a mini program use that mini program's quota (reference §12.2).
            world.quotas.hit(&appid, &api, now)?;
            Ok(AppCall { component_appid, appid, func_ids })
        })
    }
}

impl FromRequestParts<Sim> for AccountCall {
    type Rejection = WxError;

    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Self, Self::Rejection> {
        let token = token_from(parts, &["access_token", "component_access_token"])?;
        let peer = peer_ip(parts);
        let api = parts.uri.path().to_owned();
        sim.with_world(|world: &mut World, now| {
            let call = match world.tokens.validate(&token, now)? {
                TokenKind::Component { component_appid } => {
                    AccountCall { account: component_appid.clone(), component_appid: component_appid.clone(), platform: true }
                }
                TokenKind::Authorizer { component_appid, appid } => {
                    AccountCall { account: appid.clone(), component_appid: component_appid.clone(), platform: false }
                }
            };
            check_whitelist(world.platform(&call.component_appid)?, peer)?;
            world.quotas.hit(&call.account, &api, now)?;
            Ok(call)
        })
    }
}

/// The account whose token a request carries, if the token is valid: for the rid log.
pub fn token_owner(world: &World, query: Option<&str>, now: i64) -> Option<String> {
    let token = ["access_token", "component_access_token"].iter().find_map(|name| query_param(query, name))?;
    match world.tokens.validate(&token, now).ok()? {
        TokenKind::Component { component_appid } => Some(component_appid.clone()),
        TokenKind::Authorizer { appid, .. } => Some(appid.clone()),
    }
}

/// A JSON body of type `T`; anything else is WeChat's `47001 data format error`.
#[derive(Debug, Clone)]
pub struct WxJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WxJson<T> {
    type Rejection = WxError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(WxError::data_format)?;
        serde_json::from_slice(&bytes).map(WxJson).map_err(WxError::data_format)
    }
}
