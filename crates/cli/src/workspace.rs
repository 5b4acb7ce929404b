//! Which workspace a command works on: `--workspace DIR`, `WXFLEET_HOME`, or the user's data
//! directory (`$XDG_DATA_HOME/wxfleet`, `~/.local/share/wxfleet`, `%APPDATA%\wxfleet`).

use std::path::PathBuf;

use fleet::{Fleet, FleetOptions, Result};

/// The default workspace directory.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("wxfleet");
    }
    if let Some(dir) = std::env::var_os("APPDATA").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("wxfleet");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/wxfleet"),
        None => PathBuf::from(".wxfleet"),
    }
}

/// Opens the workspace in `dir` (created on first use).
pub fn open(dir: &std::path::Path) -> Result<Fleet> {
    Fleet::open(FleetOptions::for_user(dir))
}
