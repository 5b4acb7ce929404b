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
