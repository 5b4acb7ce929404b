//! The master key: from the OS keychain where there is one, else from a key file only the user can
//! read. The choice sticks: once a workspace has a key file, the key file is used, so secrets sealed
//! under it are never orphaned by a keychain that appears later.

use std::path::{Path, PathBuf};

use serde::Serialize;
use zeroize::Zeroizing;

use crate::error::{FleetError, Result};

/// Where to look for the master key.
#[derive(Debug, Clone)]
pub enum MasterKeyConfig {
    /// The key file when it exists; else the OS keychain entry `service`/`account`; else a new key
    /// file. `WXFLEET_NO_KEYCHAIN=1` skips the keychain.
    Auto {
        /// The key file to use (or create) when there is no keychain.
        key_file: PathBuf,
        /// The keychain service name (`wxfleet`).
        service: String,
        /// The keychain account: one per workspace (its database path).
        account: String,
    },
    /// Only this key file (created when missing). Tests use it, so they never touch a real keychain.
    KeyFile(PathBuf),
}

/// Which master key is in use — shown in Settings and by `wxfleet platform list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
    Keychain {
        /// The entry's service.
        service: String,
        /// The entry's account.
        account: String,
    },
    /// A key file readable only by the user.
    KeyFile {
        /// Where it is.
        path: PathBuf,
    },
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Keychain { service, account } => write!(f, "OS keychain ({service} / {account})"),
            KeySource::KeyFile { path } => write!(f, "key file {} (no OS keychain)", path.display()),
        }
    }
}

/// Loads (or creates) the master key.
pub fn load(config: &MasterKeyConfig) -> Result<(Zeroizing<[u8; 32]>, KeySource)> {
    match config {
        MasterKeyConfig::KeyFile(path) => Ok((key_file(path)?, KeySource::KeyFile { path: path.clone() })),
        MasterKeyConfig::Auto { key_file: path, service, account } => {
            if path.exists() || std::env::var_os("WXFLEET_NO_KEYCHAIN").is_some_and(|v| v != "0" && !v.is_empty()) {
                return Ok((key_file(path)?, KeySource::KeyFile { path: path.clone() }));
            }
            match keychain(service, account) {
                Ok(key) => Ok((key, KeySource::Keychain { service: service.clone(), account: account.clone() })),
                Err(reason) => {
                    tracing::info!(%reason, key_file = %path.display(), "no usable OS keychain; using a key file");
                    Ok((key_file(path)?, KeySource::KeyFile { path: path.clone() }))
                }
            }
        }
    }
}

fn new_key() -> Zeroizing<[u8; 32]> {
    Zeroizing::new(rand::random::<[u8; 32]>())
}

fn parse_hex(text: &str, origin: &str) -> Result<Zeroizing<[u8; 32]>> {
    let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| FleetError::Secrets(format!("{origin} does not hold a hex key")))?);
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| FleetError::Secrets(format!("{origin} does not hold a 32-byte key")))?;
    Ok(Zeroizing::new(key))
}

/// The keychain entry, created when missing. Runs on its own thread: the Secret Service client
/// blocks on its own runtime, which must not nest in the caller's.
fn keychain(service: &str, account: &str) -> std::result::Result<Zeroizing<[u8; 32]>, String> {
    let (service, account) = (service.to_owned(), account.to_owned());
    std::thread::spawn(move || -> std::result::Result<Zeroizing<[u8; 32]>, String> {
        let entry = keyring::Entry::new(&service, &account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(text) => parse_hex(&Zeroizing::new(text), "the keychain entry").map_err(|e| e.to_string()),
            Err(keyring::Error::NoEntry) => {
                let key = new_key();
                entry.set_password(&hex::encode(*key)).map_err(|e| e.to_string())?;
                // Some backends accept a write they cannot keep (a locked or session-only store):
                // only a key that reads back is trusted with secrets.
                let back = entry.get_password().map_err(|e| e.to_string())?;
                let back = parse_hex(&Zeroizing::new(back), "the keychain entry").map_err(|e| e.to_string())?;
                if *back != *key {
                    return Err("the keychain did not keep the key".to_owned());
                }
                Ok(key)
            }
            Err(e) => Err(e.to_string()),
        }
    })
    .join()
    .map_err(|_| "the keychain client panicked".to_owned())?
}

/// Reads the key file, or creates it (mode 0600) with a new key.
fn key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    if path.exists() {
        check_private(path)?;
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|e| FleetError::Secrets(format!("cannot read {}: {e}", path.display())))?);
        return parse_hex(&text, &path.display().to_string());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| FleetError::Secrets(format!("cannot create {}: {e}", parent.display())))?;
    }
    let key = new_key();
    write_private(path, format!("{}\n", hex::encode(*key)).as_bytes())?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| FleetError::Secrets(format!("cannot create the key file {}: {e}", path.display())))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| FleetError::Secrets(format!("cannot write {}: {e}", path.display())))
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    // On Windows the file inherits the user profile's ACL (readable by the user and administrators).
    std::fs::write(path, contents).map_err(|e| FleetError::Secrets(format!("cannot write {}: {e}", path.display())))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        std::fs::metadata(path).map_err(|e| FleetError::Secrets(format!("cannot read {}: {e}", path.display())))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(FleetError::Secrets(format!(
            "the key file {} can be read by other users (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<()> {
    Ok(())
}
