//! Re-syncing with WeChat: the platform's authorizer list (new authorizations found, revocations
//! found, refresh tokens recovered — field notes #4) and one mini program's profile.

use std::collections::{HashMap, HashSet};

use rusqlite::params;
use serde::Serialize;
use wechat::api::auth::{
    ApiGetAuthorizerInfoRequest, ApiGetAuthorizerInfoResponse, ApiGetAuthorizerListRequest, AuthorizerListItem, MAX_AUTHORIZER_LIST_COUNT,
};
use wechat::api::ComponentToken;

use super::list::{detail, AuthorizerDetail};
use super::revoke::{mark_revoked, revoke};
use super::{func_ids, record_authorization, refresh_token_secret, WECHAT_ACTOR};
use crate::error::{FleetError, Result};
use crate::events::FleetEvent;
use crate::secrets;
use crate::{audit_log, Fleet};

/// WeChat's "component is not authorized by this account".
const NOT_AUTHORIZED: i64 = 61003;

/// What a re-sync with WeChat's authorizer list changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    /// Mini programs newly found authorized: unknown here, or revoked here but authorized at WeChat
    /// (a missed push).
    pub added: Vec<String>,
    /// Mini programs no longer in WeChat's list: marked revoked.
    pub revoked: Vec<String>,
    /// Mini programs whose refresh token was missing or differed here and was replaced by WeChat's.
    pub recovered: Vec<String>,
    /// How many refresh tokens were replaced by WeChat's (`recovered.len()`).
    pub refresh_tokens_recovered: u32,
    /// How many mini programs WeChat lists for the platform.
    pub total: u32,
}

/// Calls `api_get_authorizer_info` for `appid`.
pub(crate) async fn fetch_info(fleet: &Fleet, component_appid: &str, appid: &str) -> Result<ApiGetAuthorizerInfoResponse> {
    let request = ApiGetAuthorizerInfoRequest { component_appid: component_appid.to_owned(), authorizer_appid: appid.to_owned() };
    fleet
        .with_component_token(component_appid, |api, cat| {
            let request = request.clone();
            async move { api.api_get_authorizer_info(ComponentToken(&cat), &request).await }
        })
        .await
}

/// Stores a profile inside the caller's transaction: names, avatar, the whole answer, the granted
/// permission sets (WeChat's view wins) and the refresh token when WeChat's differs.
fn store_info(
    conn: &rusqlite::Connection,
    vault: &crate::Vault,
    appid: &str,
    answer: &ApiGetAuthorizerInfoResponse,
    now_ms: i64,
) -> Result<bool> {
    let info = &answer.authorizer_info;
    let granted = func_ids(&answer.authorization_info.func_info);
    let updated = conn.execute(
        "UPDATE authorizers SET nick_name = ?2, user_name = ?3, principal_name = ?4, head_img = ?5, info = ?6, info_synced_at = ?7,
           func_ids = CASE WHEN ?8 = '[]' THEN func_ids ELSE ?8 END, updated_at = ?7
         WHERE appid = ?1",
        params![
            appid,
            info.nick_name,
            info.user_name,
            info.principal_name.clone().unwrap_or_default(),
            info.head_img.clone().unwrap_or_default(),
            serde_json::to_string(info)?,
            now_ms,
            serde_json::to_string(&granted)?,
        ],
    )?;
    let mut recovered = false;
    if let Some(refresh) = answer.authorization_info.authorizer_refresh_token.as_deref().filter(|r| !r.is_empty()) {
        let name = refresh_token_secret(appid);
        if secrets::get_str(conn, vault, &name)?.is_none_or(|known| known.expose() != refresh) {
            secrets::put_str(conn, vault, &name, refresh, now_ms)?;
            recovered = true;
        }
    }
    if updated == 0 {
        return Err(FleetError::not_found(format!("mini program {appid}")));
    }
    Ok(recovered)
}

/// Fetches and stores one mini program's profile (no audit entry: the caller decides).
pub(crate) async fn refresh_info(fleet: &Fleet, component_appid: &str, appid: &str) -> Result<AuthorizerDetail> {
    let answer = match fetch_info(fleet, component_appid, appid).await {
        Err(e) if e.errcode() == Some(NOT_AUTHORIZED) => {
            mark_revoked(fleet, component_appid, appid, fleet.now_ms()).await?;
            return Err(FleetError::Revoked { appid: appid.to_owned() });
        }
        other => other?,
    };
    keep_info(fleet, appid, answer).await
}

/// Stores an `api_get_authorizer_info` answer already at hand.
pub(crate) async fn keep_info(fleet: &Fleet, appid: &str, answer: ApiGetAuthorizerInfoResponse) -> Result<AuthorizerDetail> {
    let (vault, now, app) = (fleet.vault().clone(), fleet.now_ms(), appid.to_owned());
    fleet
        .store()
        .write(move |tx| {
            store_info(tx, &vault, &app, &answer, now)?;
            detail(tx, &app)
        })
        .await
}

impl Fleet {
    /// Re-reads one mini program's profile from WeChat (`api_get_authorizer_info`): name, avatar,
    /// subject, domains and categories as WeChat reports them, the granted permission sets, and the
    /// refresh token when WeChat's differs. A mini program WeChat says is no longer authorized
    /// (61003) is marked revoked.
    pub async fn sync_authorizer_info(&self, appid: &str) -> Result<AuthorizerDetail> {
        let outcome = async {
            let platform = self.authorizer_platform(appid).await?;
            refresh_info(self, &platform, appid).await
        }
        .await;
        self.record("authorizer.sync_info", &[appid.to_owned()], &outcome, "").await;
        outcome
    }

    /// "Re-sync all": [`sync_all`] as an operator action.
    pub async fn sync_authorizers(&self, component_appid: &str) -> Result<SyncReport> {
        let outcome = sync_all(self, component_appid).await;
        let detail = match &outcome {
            Ok(r) => format!(
                "{component_appid}: {} listed, {} added, {} revoked, {} refresh tokens recovered",
                r.total,
                r.added.len(),
                r.revoked.len(),
                r.refresh_tokens_recovered
            ),
            Err(_) => component_appid.to_owned(),
        };
        self.record("authorizers.sync", &[], &outcome, &detail).await;
        outcome
    }
}

/// Every page of `api_get_authorizer_list` (`count` ≤ 500).
async fn whole_list(fleet: &Fleet, component_appid: &str) -> Result<Vec<AuthorizerListItem>> {
    let mut listed: Vec<AuthorizerListItem> = Vec::new();
    loop {
        let request = ApiGetAuthorizerListRequest {
            component_appid: component_appid.to_owned(),
            offset: listed.len() as u32,
            count: MAX_AUTHORIZER_LIST_COUNT,
        };
        let page = fleet
            .with_component_token(component_appid, |api, cat| {
                let request = request.clone();
                async move { api.api_get_authorizer_list(ComponentToken(&cat), &request).await }
            })
            .await?;
        let got = page.list.len();
        listed.extend(page.list);
        if got == 0 || listed.len() as i64 >= page.total_count {
            return Ok(listed);
        }
    }
}

/// How a listed mini program stands here.
enum Local {
    Unknown,
    Revoked,
    Authorized { refresh_matches: bool },
}

/// Reconciles the platform's authorizers with `api_get_authorizer_list` (after a relay gap, or on
/// "re-sync all"): new ones recorded, missing ones revoked, refresh tokens recovered.
///
/// Nothing is revoked unless the whole list was read. New mini programs get their permission sets
/// from `api_get_authorizer_info` (the list does not carry them).
pub async fn sync_all(fleet: &Fleet, component_appid: &str) -> Result<SyncReport> {
    fleet.platform(component_appid).await?;
    let listed = whole_list(fleet, component_appid).await?;

    let (vault, platform) = (fleet.vault().clone(), component_appid.to_owned());
    let local: HashMap<String, (String, Option<String>)> = fleet
        .store()
        .read(move |conn| {
            let mut stmt = conn.prepare("SELECT appid, status FROM authorizers WHERE component_appid = ?1")?;
            let rows = stmt.query_map([&platform], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = HashMap::new();
            for row in rows {
                let (appid, status) = row?;
                let refresh = secrets::get_str(conn, &vault, &refresh_token_secret(&appid))?.map(|s| s.expose().to_owned());
                out.insert(appid, (status, refresh));
            }
            Ok(out)
        })
        .await?;
    let stand = |item: &AuthorizerListItem| match local.get(&item.authorizer_appid) {
        None => Local::Unknown,
        Some((status, _)) if status == "revoked" => Local::Revoked,
        Some((_, refresh)) => Local::Authorized { refresh_matches: refresh.as_deref() == Some(item.refresh_token.as_str()) },
    };

    // Profiles (with the permission sets) of the mini programs to record, fetched before the write.
    let mut profiles = HashMap::new();
    for item in &listed {
        if matches!(stand(item), Local::Unknown | Local::Revoked) {
            match fetch_info(fleet, component_appid, &item.authorizer_appid).await {
                Ok(profile) => {
                    profiles.insert(item.authorizer_appid.clone(), profile);
                }
                // Revoked between the list and this call: not added.
                Err(e) if e.errcode() == Some(NOT_AUTHORIZED) => {}
                Err(e) => return Err(e),
            }
        }
    }

    let mut report = SyncReport { total: listed.len() as u32, ..SyncReport::default() };
    let listed_ids: HashSet<&str> = listed.iter().map(|i| i.authorizer_appid.as_str()).collect();
    report.revoked = local
        .iter()
        .filter(|(appid, (status, _))| status == "authorized" && !listed_ids.contains(appid.as_str()))
        .map(|(appid, _)| appid.clone())
        .collect();
    report.revoked.sort();
    for item in &listed {
        match stand(item) {
            Local::Unknown | Local::Revoked if profiles.contains_key(&item.authorizer_appid) => {
                report.added.push(item.authorizer_appid.clone())
            }
            Local::Unknown | Local::Revoked => {}
            Local::Authorized { refresh_matches: false } => report.recovered.push(item.authorizer_appid.clone()),
            Local::Authorized { refresh_matches: true } => {}
        }
    }
    report.refresh_tokens_recovered = report.recovered.len() as u32;

    let (vault, platform, now) = (fleet.vault().clone(), component_appid.to_owned(), fleet.now_ms());
    let written = report.clone();
    fleet
        .store()
        .write(move |tx| {
            for item in &listed {
                let appid = &item.authorizer_appid;
                if let Some(profile) = profiles.get(appid) {
                    let granted = func_ids(&profile.authorization_info.func_info);
                    record_authorization(tx, &vault, &platform, appid, &item.refresh_token, &granted, now)?;
                    store_info(tx, &vault, appid, profile, now)?;
                    // The list is newer than the profile: its refresh token is the one to keep.
                    secrets::put_str(tx, &vault, &refresh_token_secret(appid), &item.refresh_token, now)?;
                    let sets = granted.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                    let detail = format!("found in api_get_authorizer_list; permission sets {sets}");
                    audit_log::append(tx, now, WECHAT_ACTOR, "authorizer.authorize", std::slice::from_ref(appid), "ok", &detail)?;
                } else if written.recovered.contains(appid) {
                    secrets::put_str(tx, &vault, &refresh_token_secret(appid), &item.refresh_token, now)?;
                    let detail = "refresh token recovered from api_get_authorizer_list";
                    audit_log::append(tx, now, WECHAT_ACTOR, "authorizer.refresh_token", std::slice::from_ref(appid), "ok", detail)?;
                }
                tx.execute("UPDATE authorizers SET list_synced_at = ?2 WHERE appid = ?1", params![appid, now])?;
            }
            for appid in &written.revoked {
                revoke(tx, &platform, appid, now, now, "no longer in api_get_authorizer_list")?;
            }
            Ok(())
        })
        .await?;
    for appid in &report.added {
        fleet.emit(FleetEvent::AuthorizerChanged { appid: appid.clone(), status: "authorized".to_owned() });
    }
    for appid in &report.revoked {
        super::revoke::revoked(fleet, appid).await;
    }
    Ok(report)
}
