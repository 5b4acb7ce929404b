//! An authorization code becomes an authorizer: `api_query_auth` through the platform's token, the
//! authorization recorded with its permission sets and refresh token, the profile fetched.
//!
//! A code reaches us twice — the `authorized` push and the relay's `redirect_uri` catcher (and a
//! fast registration's push once) — but WeChat accepts it once. So each accepted code is kept by its
//! SHA-256 (never the code itself) with the mini program it gave; the second source finds it done.
//! Within one process the two arrivals are serialised per code, so they cannot both reach WeChat.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use wechat::api::auth::{ApiGetAuthorizerInfoResponse, ApiQueryAuthRequest, AuthorizationInfo};
use wechat::api::ComponentToken;
use wechat::errcode::ErrorClass;
use wechat::xml::Authorization;

use super::{func_ids, record_authorization, sync, WECHAT_ACTOR};
use crate::error::{FleetError, Result};
use crate::events::FleetEvent;
use crate::links::{self, LinkState};
use crate::{audit_log, Fleet};

/// The hex SHA-256 of an authorization code: what is stored instead of the code.
pub fn code_sha256(auth_code: &str) -> String {
    hex::encode(Sha256::digest(auth_code.as_bytes()))
}

/// One async lock per code in flight. Process-wide on purpose: a code is unique at WeChat, so two
/// workspaces can never contend on one, and the lock outlives neither of its holders (weak entries).
static IN_FLIGHT: LazyLock<Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>> = LazyLock::new(Default::default);

fn code_lock(hash: &str) -> Arc<tokio::sync::Mutex<()>> {
    let mut map = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(lock) = map.get(hash).and_then(Weak::upgrade) {
        return lock;
    }
    map.retain(|_, lock| lock.strong_count() > 0);
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    map.insert(hash.to_owned(), Arc::downgrade(&lock));
    lock
}

fn seen(conn: &Connection, hash: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT appid FROM auth_codes WHERE code_sha256 = ?1", [hash], |r| r.get(0)).optional()?)
}

/// WeChat's errcode for an authorization code used after its 10 minutes.
pub const CODE_EXPIRED: i64 = 61010;

/// How WeChat confirmed an authorization.
enum Confirmed {
    /// `api_query_auth` exchanged the code (with the first authorizer token).
    Exchanged(AuthorizationInfo),
    /// The code had expired; `api_get_authorizer_info` told the authorization (and the profile).
    Read(Box<ApiGetAuthorizerInfoResponse>),
}

impl Confirmed {
    fn info(&self) -> &AuthorizationInfo {
        match self {
            Confirmed::Exchanged(info) => info,
            Confirmed::Read(answer) => &answer.authorization_info,
        }
    }
}

fn non_empty(auth_code: &str) -> Result<&str> {
    let auth_code = auth_code.trim();
    if auth_code.is_empty() {
        return Err(FleetError::invalid("auth_code", "empty: the push or the redirect carried no authorization code"));
    }
    Ok(auth_code)
}

async fn known(fleet: &Fleet, hash: &str) -> Result<Option<String>> {
    let hash = hash.to_owned();
    fleet.store().read(move |conn| seen(conn, &hash)).await
}

async fn query_auth(fleet: &Fleet, component_appid: &str, auth_code: &str) -> Result<AuthorizationInfo> {
    let request = ApiQueryAuthRequest { component_appid: component_appid.to_owned(), authorization_code: auth_code.to_owned() };
    let answer = fleet
        .with_component_token(component_appid, |api, cat| {
            let request = request.clone();
            async move { api.api_query_auth(ComponentToken(&cat), &request).await }
        })
        .await?;
    Ok(answer.authorization_info)
}

/// Exchanges an authorization code (from an `authorized`/`updateauthorized` push, a fast-registration
/// push, or the relay's `redirect_uri` catcher) for the authorization: `api_query_auth`, then the
/// authorizer recorded with its permission sets and refresh token. Idempotent per code (a code is
/// single use at WeChat: the second source finds it done). Returns the mini program's appid.
/// `link_id` names the authorization link the code came through, when known.
///
/// A link whose code expired before it was exchanged (61010) stays pending and the error is
/// returned: the `authorized` push with the same code names the mini program
/// ([`accept_authorized_push`]), and the link's result, handled again, then finds the code done.
pub async fn accept_auth_code(fleet: &Fleet, component_appid: &str, auth_code: &str, link_id: Option<&str>) -> Result<String> {
    let auth_code = non_empty(auth_code)?;
    let hash = code_sha256(auth_code);
    let lock = code_lock(&hash);
    let _in_flight = lock.lock().await;

    if let Some(appid) = known(fleet, &hash).await? {
        if let Some(link_id) = link_id {
            link_done(fleet, component_appid, link_id, &appid).await?;
        }
        return Ok(appid);
    }
    match query_auth(fleet, component_appid, auth_code).await {
        Ok(info) => record_accepted(fleet, component_appid, hash, link_id, Confirmed::Exchanged(info)).await,
        Err(e) => refused(fleet, component_appid, &hash, link_id, e).await,
    }
}

/// An `authorized`/`updateauthorized` push: its code exchanged like [`accept_auth_code`]; when the
/// code expired first (a desktop away for longer than its 10 minutes, the push waiting at the relay
/// — by the push's expiry time, or WeChat's 61010), the authorization as WeChat reports it for the
/// mini program the push names (`api_get_authorizer_info`: the refresh token and the granted
/// permission sets), recorded under the code all the same, so the redirect that brought the code
/// finds it done. The merchant did authorize; an expired code must not lose that.
pub async fn accept_authorized_push(fleet: &Fleet, component_appid: &str, push: &Authorization) -> Result<String> {
    let auth_code = non_empty(&push.authorization_code)?;
    let appid = push.authorizer_appid.trim();
    let hash = code_sha256(auth_code);
    let lock = code_lock(&hash);
    let _in_flight = lock.lock().await;

    if let Some(appid) = known(fleet, &hash).await? {
        return Ok(appid);
    }
    let expired = push.authorization_code_expired_time > 0 && fleet.now_ms() / 1000 >= push.authorization_code_expired_time;
    if !expired || appid.is_empty() {
        match query_auth(fleet, component_appid, auth_code).await {
            Ok(info) => return record_accepted(fleet, component_appid, hash, None, Confirmed::Exchanged(info)).await,
            Err(e) if e.errcode() == Some(CODE_EXPIRED) && !appid.is_empty() => {}
            Err(e) => return refused(fleet, component_appid, &hash, None, e).await,
        }
    }
    tracing::info!(appid, "the authorization code expired before it was exchanged: reading the authorization from WeChat");
    let answer = sync::fetch_info(fleet, component_appid, appid).await?;
    if answer.authorization_info.authorizer_appid != appid {
        return Err(FleetError::Network {
            detail: format!("api_get_authorizer_info for {appid} answered for {}", answer.authorization_info.authorizer_appid),
            transient: false,
        });
    }
    record_accepted(fleet, component_appid, hash, None, Confirmed::Read(Box::new(answer))).await
}

/// Records an authorization WeChat confirmed, under the hash of the code that brought it, and the
/// link it came through as done.
async fn record_accepted(
    fleet: &Fleet,
    component_appid: &str,
    hash: String,
    link_id: Option<&str>,
    confirmed: Confirmed,
) -> Result<String> {
    let info = confirmed.info();
    let appid = info.authorizer_appid.clone();
    let refresh_token = info.authorizer_refresh_token.clone().ok_or_else(|| FleetError::Network {
        detail: format!("WeChat confirmed the authorization of {appid} without authorizer_refresh_token"),
        transient: false,
    })?;
    let granted = func_ids(&info.func_info);
    let read = matches!(confirmed, Confirmed::Read(_));

    let (vault, now) = (fleet.vault().clone(), fleet.now_ms());
    let (platform, link, app) = (component_appid.to_owned(), link_id.map(str::to_owned), appid.clone());
    let link_changed = fleet
        .store()
        .write(move |tx| {
            record_authorization(tx, &vault, &platform, &app, &refresh_token, &granted, now)?;
            tx.execute(
                "INSERT INTO auth_codes (code_sha256, component_appid, appid, link_id, accepted_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hash, platform, app, link, now],
            )?;
            let link_changed = match &link {
                Some(link) => links::finish(tx, &platform, link, LinkState::Done, Some(&app), now)?,
                None => false,
            };
            let sets = granted.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let via = link.as_deref().map_or_else(|| "push".to_owned(), |l| format!("link {l}"));
            let how = if read { " (the code had expired: read with api_get_authorizer_info)" } else { "" };
            audit_log::append(tx, now, WECHAT_ACTOR, "authorizer.authorize", &[app], "ok", &format!("{via}{how}; permission sets {sets}"))?;
            Ok(link_changed)
        })
        .await?;

    let profile = match confirmed {
        Confirmed::Exchanged(info) => {
            // The first authorizer token comes with the authorization: kept, so the first call needs
            // no refresh, and after a re-authorization (which kills the old token) the old one is replaced.
            if let (Some(token), Some(expires_in)) = (info.authorizer_access_token.as_deref(), info.expires_in) {
                if let Err(e) = fleet.store_authorizer_token(component_appid, &appid, token, expires_in).await {
                    tracing::warn!(appid = %appid, error = %e, "could not keep the authorizer token of a new authorization");
                }
            }
            sync::refresh_info(fleet, component_appid, &appid).await
        }
        Confirmed::Read(answer) => sync::keep_info(fleet, &appid, *answer).await,
    };
    // The authorization is safe; the profile is a nicety that a later sync repairs.
    if let Err(e) = profile {
        tracing::warn!(appid = %appid, error = %e, "authorized, but the profile (api_get_authorizer_info) could not be stored");
    }
    fleet.emit(FleetEvent::AuthorizerChanged { appid: appid.clone(), status: "authorized".to_owned() });
    if let (true, Some(link_id)) = (link_changed, link_id) {
        fleet.emit(FleetEvent::LinkChanged { link_id: link_id.to_owned(), state: "done".to_owned(), appid: Some(appid.clone()) });
    }
    Ok(appid)
}

/// Marks `link_id` done with `appid` (when it is still pending) and tells the listeners.
async fn link_done(fleet: &Fleet, component_appid: &str, link_id: &str, appid: &str) -> Result<()> {
    let (platform, link, app, now) = (component_appid.to_owned(), link_id.to_owned(), appid.to_owned(), fleet.now_ms());
    let changed = fleet.store().write(move |tx| links::finish(tx, &platform, &link, LinkState::Done, Some(&app), now)).await?;
    if changed {
        fleet.emit(FleetEvent::LinkChanged { link_id: link_id.to_owned(), state: "done".to_owned(), appid: Some(appid.to_owned()) });
    }
    Ok(())
}

/// `api_query_auth` failed: another process on this workspace may have used the code meanwhile
/// (then its mini program is the answer); otherwise the failure is logged, and a link whose code
/// WeChat refuses for good fails.
async fn refused(fleet: &Fleet, component_appid: &str, hash: &str, link_id: Option<&str>, error: FleetError) -> Result<String> {
    let hash_owned = hash.to_owned();
    if let Ok(Some(appid)) = fleet.store().read(move |conn| seen(conn, &hash_owned)).await {
        if let Some(link_id) = link_id {
            link_done(fleet, component_appid, link_id, &appid).await?;
        }
        return Ok(appid);
    }
    // An expired code is no verdict on the consent: the `authorized` push names the mini program and
    // completes the link (see `accept_authorized_push`).
    let final_refusal =
        matches!(error, FleetError::WeChat { .. }) && error.class() == ErrorClass::Final && error.errcode() != Some(CODE_EXPIRED);
    let (platform, link, now) = (component_appid.to_owned(), link_id.map(str::to_owned), fleet.now_ms());
    let detail = format!("{}: {error}", link.as_deref().map_or_else(|| "push".to_owned(), |l| format!("link {l}")));
    let result = error.code().to_owned();
    let written = fleet
        .store()
        .write(move |tx| {
            let failed = match (&link, final_refusal) {
                (Some(link), true) => links::finish(tx, &platform, link, LinkState::Failed, None, now)?,
                _ => false,
            };
            audit_log::append(tx, now, WECHAT_ACTOR, "authorizer.authorize", &[], &result, &detail)?;
            Ok(failed)
        })
        .await;
    match written {
        Ok(true) => {
            if let Some(link_id) = link_id {
                fleet.emit(FleetEvent::LinkChanged { link_id: link_id.to_owned(), state: "failed".to_owned(), appid: None });
            }
        }
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "could not record a refused authorization code"),
    }
    Err(error)
}
