//! Secrets at rest: AppSecret, Token, EncodingAESKey, relay credentials, access and refresh tokens,
//! payment keys and certificates — sealed with AES-256-GCM under a master key that never touches the
//! database.
//!
//! * [`master_key`] — where the master key comes from: the OS keychain (`keyring`), or where none
//!   exists, a key file readable only by the user. [`KeySource`] says which one is in use.
//! * [`Vault`] — seals and opens values; the secret's name is the associated data.
//! * [`put`], [`get`], [`delete`] — the `secrets` table.

pub mod master_key;
mod vault;

pub use master_key::{KeySource, MasterKeyConfig};
pub use vault::{SecretString, Vault};

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{FleetError, Result};

/// Seals `value` and stores it under `name` (replacing what was there).
pub fn put(conn: &Connection, vault: &Vault, name: &str, value: &[u8], now_ms: i64) -> Result<()> {
    let sealed = vault.seal(name, value)?;
    conn.execute(
        "INSERT INTO secrets (name, sealed, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        params![name, sealed, now_ms],
    )?;
    Ok(())
}

/// Stores a text secret.
pub fn put_str(conn: &Connection, vault: &Vault, name: &str, value: &str, now_ms: i64) -> Result<()> {
    put(conn, vault, name, value.as_bytes(), now_ms)
}

/// The secret stored under `name`, opened.
pub fn get(conn: &Connection, vault: &Vault, name: &str) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>> {
    let sealed: Option<Vec<u8>> = conn.query_row("SELECT sealed FROM secrets WHERE name = ?1", [name], |row| row.get(0)).optional()?;
    sealed.map(|sealed| vault.open(name, &sealed)).transpose()
}

/// A text secret.
pub fn get_str(conn: &Connection, vault: &Vault, name: &str) -> Result<Option<SecretString>> {
    match get(conn, vault, name)? {
        None => Ok(None),
        Some(bytes) => {
            let text = std::str::from_utf8(&bytes).map_err(|_| FleetError::Secrets(format!("{name} is not text")))?;
            Ok(Some(SecretString::new(text.to_owned())))
        }
    }
}

/// A text secret that must exist.
pub fn require_str(conn: &Connection, vault: &Vault, name: &str) -> Result<SecretString> {
    get_str(conn, vault, name)?.ok_or_else(|| FleetError::Secrets(format!("{name} is missing from the workspace")))
}

/// Removes the secret `name` (no error when absent).
pub fn delete(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM secrets WHERE name = ?1", [name])?;
    Ok(())
}
