//! Tokens at rest: the value sealed in `secrets` under `token/{kind}/{owner}`, its times in `tokens`.
//! Both are written in one transaction, so a restart finds a whole token or none.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Issued, TokenKind};
use crate::error::Result;
use crate::secrets::{self, Vault};

/// The secret name of a token.
pub fn secret_name(kind: TokenKind, owner: &str) -> String {
    format!("token/{}/{owner}", kind.as_str())
}

/// The persisted token, if there is a whole one.
pub(crate) fn load(conn: &Connection, vault: &Vault, kind: TokenKind, owner: &str) -> Result<Option<Issued>> {
    let times: Option<(i64, i64)> = conn
        .query_row("SELECT obtained_at, expires_at FROM tokens WHERE kind = ?1 AND owner = ?2", params![kind.as_str(), owner], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((obtained_at, expires_at)) = times else { return Ok(None) };
    let Some(token) = secrets::get_str(conn, vault, &secret_name(kind, owner))? else { return Ok(None) };
    Ok(Some(Issued { token: token.expose().to_owned(), obtained_at, expires_at }))
}

/// Stores `issued` as the owner's token, replacing the previous one.
pub(crate) fn save(conn: &Connection, vault: &Vault, kind: TokenKind, owner: &str, component_appid: &str, issued: &Issued) -> Result<()> {
    conn.execute(
        "INSERT INTO tokens (kind, owner, component_appid, obtained_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind, owner) DO UPDATE SET component_appid = excluded.component_appid,
           obtained_at = excluded.obtained_at, expires_at = excluded.expires_at",
        params![kind.as_str(), owner, component_appid, issued.obtained_at, issued.expires_at],
    )?;
    secrets::put_str(conn, vault, &secret_name(kind, owner), &issued.token, issued.obtained_at)
}

/// Deletes the owner's token if it is still `failed` (a newer one stored meanwhile stays). Returns
/// whether it was deleted.
pub(crate) fn expire_if(conn: &Connection, vault: &Vault, kind: TokenKind, owner: &str, failed: &str) -> Result<bool> {
    let current = secrets::get_str(conn, vault, &secret_name(kind, owner))?;
    if current.is_none_or(|token| token.expose() != failed) {
        return Ok(false);
    }
    forget(conn, kind, owner)?;
    Ok(true)
}

/// Deletes the owner's token, whatever it is.
pub(crate) fn forget(conn: &Connection, kind: TokenKind, owner: &str) -> Result<()> {
    conn.execute("DELETE FROM tokens WHERE kind = ?1 AND owner = ?2", params![kind.as_str(), owner])?;
    secrets::delete(conn, &secret_name(kind, owner))
}
