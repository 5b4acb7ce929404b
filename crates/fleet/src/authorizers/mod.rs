//! Merchants' mini programs authorized to a platform (authorizers): recorded from `api_query_auth`,
//! synced from the authorizer list and info, revoked on `unauthorized`, refresh tokens durable and
//! recoverable through `api_get_authorizer_list`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{FleetError, Result};
use crate::secrets::{self, Vault};
use crate::Fleet;

/// The secret name of a mini program's refresh token.
pub fn refresh_token_secret(appid: &str) -> String {
    format!("authorizer/{appid}/refresh_token")
}

/// Records (or updates) an authorization inside the caller's transaction: the mini program is
/// `authorized` with these permission sets and this refresh token.
pub fn record_authorization(
    conn: &Connection,
    vault: &Vault,
    component_appid: &str,
    appid: &str,
    refresh_token: &str,
    func_ids: &[u32],
    now_ms: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO authorizers (appid, component_appid, func_ids, status, authorized_at, updated_at)
         VALUES (?1, ?2, ?3, 'authorized', ?4, ?4)
         ON CONFLICT (appid) DO UPDATE SET component_appid = excluded.component_appid, func_ids = excluded.func_ids,
           status = 'authorized', authorized_at = excluded.authorized_at, revoked_at = NULL, updated_at = excluded.updated_at",
        params![appid, component_appid, serde_json::to_string(func_ids)?, now_ms],
    )?;
    secrets::put_str(conn, vault, &refresh_token_secret(appid), refresh_token, now_ms)?;
    Ok(())
}

/// The platform a mini program is authorized to.
pub fn platform_of(conn: &Connection, appid: &str) -> Result<String> {
    conn.query_row("SELECT component_appid FROM authorizers WHERE appid = ?1", [appid], |r| r.get(0))
        .optional()?
        .ok_or_else(|| FleetError::not_found(format!("mini program {appid}")))
}

impl Fleet {
    /// The component appid `appid` is authorized to.
    pub async fn authorizer_platform(&self, appid: &str) -> Result<String> {
        let appid = appid.to_owned();
        self.store().read(move |conn| platform_of(conn, &appid)).await
    }
}

/// Exchanges an authorization code (from an `authorized`/`updateauthorized` push, a fast-registration
/// push, or the relay's `redirect_uri` catcher) for the authorization: `api_query_auth`, then the
/// authorizer recorded with its permission sets and refresh token. Idempotent per code (a code is
/// single use at WeChat: the second source finds it done). Returns the mini program's appid.
/// `link_id` names the authorization link the code came through, when known.
pub async fn accept_auth_code(fleet: &Fleet, component_appid: &str, auth_code: &str, link_id: Option<&str>) -> Result<String> {
    // SKELETON: the merchants area implements this.
    let _ = (fleet, component_appid, auth_code, link_id);
    Err(FleetError::Conflict("accept_auth_code is not implemented yet".to_owned()))
}

/// Marks a mini program revoked (`unauthorized` push, or 61003 seen); its actions are refused from
/// now on with the reason. Idempotent.
pub async fn mark_revoked(fleet: &Fleet, component_appid: &str, appid: &str, at_ms: i64) -> Result<()> {
    // SKELETON: the merchants area implements this.
    let _ = (fleet, component_appid, appid, at_ms);
    Ok(())
}

/// What a re-sync with WeChat's authorizer list changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Mini programs newly found authorized (or with a recovered refresh token).
    pub added: Vec<String>,
    /// Mini programs no longer in WeChat's list: marked revoked.
    pub revoked: Vec<String>,
    /// Mini programs whose refresh token was replaced by WeChat's.
    pub refresh_tokens_recovered: u32,
}

/// Reconciles the platform's authorizers with `api_get_authorizer_list` (after a relay gap, or on
/// "re-sync all"): new ones recorded, missing ones revoked, refresh tokens recovered.
pub async fn sync_all(fleet: &Fleet, component_appid: &str) -> Result<SyncReport> {
    // SKELETON: the merchants area implements this.
    let _ = (fleet, component_appid);
    Ok(SyncReport::default())
}
