//! Merchants' mini programs authorized to a platform (authorizers): recorded from `api_query_auth`,
//! synced from the authorizer list and info, revoked on `unauthorized`, refresh tokens durable and
//! recoverable through `api_get_authorizer_list`.
//!
//! * [`accept_auth_code`] — an authorization code (push, redirect catcher, fast registration) becomes
//!   an authorizer; idempotent per code. [`accept_authorized_push`] — the same for a push, which
//!   survives the code's expiry (it names the mini program).
//! * [`mark_revoked`] — the merchant revoked the platform.
//! * [`sync_all`] — reconcile with WeChat's authorizer list; [`Fleet::sync_authorizer_info`] — one
//!   mini program's profile.
//! * [`Fleet::authorizers`], [`Fleet::authorizer`] — what the staff see.

mod accept;
mod list;
mod revoke;
mod sync;

pub use accept::{accept_auth_code, accept_authorized_push, code_sha256, CODE_EXPIRED};
pub use list::{Authorizer, AuthorizerDetail, AuthorizerFilter, AuthorizerStatus, GrantedSet};
pub use revoke::mark_revoked;
pub use sync::{sync_all, SyncReport};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{FleetError, Result};
use crate::secrets::{self, Vault};
use crate::Fleet;

/// The audit log's actor for what WeChat did (authorizations, revocations), not an operator.
pub const WECHAT_ACTOR: &str = "wechat";

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

/// The permission set ids of a `func_info` list, as stored.
pub(crate) fn func_ids(func_info: &[wechat::api::auth::FuncInfo]) -> Vec<u32> {
    let mut ids: Vec<u32> = func_info.iter().filter_map(|f| u32::try_from(f.funcscope_category.id).ok()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
