//! The merchant revoked the platform (`unauthorized`, a 61003, or missing from WeChat's list).

use rusqlite::{params, Connection};

use super::WECHAT_ACTOR;
use crate::error::Result;
use crate::events::FleetEvent;
use crate::tokens::TokenKind;
use crate::{audit_log, Fleet};

/// Marks `appid` revoked inside the caller's transaction when it is authorized to `component_appid`
/// and did not authorize again after `at_ms`. Returns whether anything changed.
pub(crate) fn revoke(conn: &Connection, component_appid: &str, appid: &str, at_ms: i64, now_ms: i64, why: &str) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE authorizers SET status = 'revoked', revoked_at = ?3, updated_at = ?4
         WHERE appid = ?1 AND component_appid = ?2 AND status = 'authorized' AND (authorized_at IS NULL OR authorized_at <= ?3)",
        params![appid, component_appid, at_ms, now_ms],
    )?;
    if changed > 0 {
        audit_log::append(conn, now_ms, WECHAT_ACTOR, "authorizer.revoke", &[appid.to_owned()], "ok", why)?;
    }
    Ok(changed > 0)
}

/// Marks a mini program revoked (`unauthorized` push, or 61003 seen); its actions are refused from
/// now on with the reason. Idempotent.
///
/// An `unauthorized` older than the mini program's last authorization (pushes can arrive out of
/// order) changes nothing. The mini program's token is dropped: WeChat no longer accepts it.
pub async fn mark_revoked(fleet: &Fleet, component_appid: &str, appid: &str, at_ms: i64) -> Result<()> {
    let (platform, app, now) = (component_appid.to_owned(), appid.to_owned(), fleet.now_ms());
    let changed = fleet.store().write(move |tx| revoke(tx, &platform, &app, at_ms, now, "the merchant revoked the authorization")).await?;
    if changed {
        revoked(fleet, appid).await;
    }
    Ok(())
}

/// After a mini program was marked revoked: its token dropped, the listeners told.
pub(crate) async fn revoked(fleet: &Fleet, appid: &str) {
    if let Err(e) = fleet.forget_token(TokenKind::Authorizer, appid).await {
        tracing::warn!(appid, error = %e, "could not drop the token of a revoked mini program");
    }
    fleet.emit(FleetEvent::AuthorizerChanged { appid: appid.to_owned(), status: "revoked".to_owned() });
}
