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
use wechat::api::auth::ApiQueryAuthRequest;
use wechat::api::ComponentToken;
use wechat::errcode::ErrorClass;

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

/// Exchanges an authorization code (from an `authorized`/`updateauthorized` push, a fast-registration
/// push, or the relay's `redirect_uri` catcher) for the authorization: `api_query_auth`, then the
/// authorizer recorded with its permission sets and refresh token. Idempotent per code (a code is
/// single use at WeChat: the second source finds it done). Returns the mini program's appid.
/// `link_id` names the authorization link the code came through, when known.
pub async fn accept_auth_code(fleet: &Fleet, component_appid: &str, auth_code: &str, link_id: Option<&str>) -> Result<String> {
    let auth_code = auth_code.trim();
    if auth_code.is_empty() {
        return Err(FleetError::invalid("auth_code", "empty: the push or the redirect carried no authorization code"));
    }
    let hash = code_sha256(auth_code);
    let lock = code_lock(&hash);
    let _in_flight = lock.lock().await;

    let known = {
        let hash = hash.clone();
        fleet.store().read(move |conn| seen(conn, &hash)).await?
    };
    if let Some(appid) = known {
        if let Some(link_id) = link_id {
            link_done(fleet, component_appid, link_id, &appid).await?;
        }
        return Ok(appid);
    }

    let request = ApiQueryAuthRequest { component_appid: component_appid.to_owned(), authorization_code: auth_code.to_owned() };
    let answer = fleet
        .with_component_token(component_appid, |api, cat| {
            let request = request.clone();
            async move { api.api_query_auth(ComponentToken(&cat), &request).await }
        })
        .await;
    let info = match answer {
        Ok(answer) => answer.authorization_info,
        Err(e) => return refused(fleet, component_appid, &hash, link_id, e).await,
    };
    let appid = info.authorizer_appid.clone();
    let refresh_token = info.authorizer_refresh_token.clone().ok_or_else(|| FleetError::Network {
        detail: format!("api_query_auth answered for {appid} without authorizer_refresh_token"),
        transient: false,
    })?;
    let granted = func_ids(&info.func_info);

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
            audit_log::append(tx, now, WECHAT_ACTOR, "authorizer.authorize", &[app], "ok", &format!("{via}; permission sets {sets}"))?;
            Ok(link_changed)
        })
        .await?;

    // The first authorizer token comes with the authorization: kept, so the first call needs no
    // refresh, and after a re-authorization (which kills the old token) the old one is replaced.
    if let (Some(token), Some(expires_in)) = (info.authorizer_access_token.as_deref(), info.expires_in) {
        if let Err(e) = fleet.store_authorizer_token(component_appid, &appid, token, expires_in).await {
            tracing::warn!(appid = %appid, error = %e, "could not keep the authorizer token of a new authorization");
        }
    }
    // The authorization is safe; the profile is a nicety that a later sync repairs.
    if let Err(e) = sync::refresh_info(fleet, component_appid, &appid).await {
        tracing::warn!(appid = %appid, error = %e, "authorized, but the profile (api_get_authorizer_info) could not be fetched");
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
    let final_refusal = matches!(error, FleetError::WeChat { .. }) && error.class() == ErrorClass::Final;
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
