//! Where the desktop keeps its workspace: `--workspace DIR` on the command line, else `$WXFLEET_HOME`
//! (the variable the CLI reads too, so `wxfleet` works on the desktop's data), else the OS's
//! per-user app data directory.
use std::ffi::OsString;
use std::path::PathBuf;

use tauri::Manager;

/// The workspace directory for this run.
pub fn dir(app: &tauri::AppHandle) -> Result<PathBuf, String> {
    if let Some(dir) = from_args(std::env::args_os()) {
        return Ok(dir);
    }
    if let Some(home) = std::env::var_os("WXFLEET_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    app.path().app_data_dir().map_err(|e| format!("no per-user data directory on this system ({e}); set WXFLEET_HOME"))
}

/// `--workspace DIR` or `--workspace=DIR`.
fn from_args(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--workspace" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--workspace=")) {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn reads_the_workspace_argument_in_both_spellings() {
        assert_eq!(from_args(args(&["app", "--workspace", "/tmp/w"])), Some(PathBuf::from("/tmp/w")));
        assert_eq!(from_args(args(&["app", "--workspace=/tmp/x"])), Some(PathBuf::from("/tmp/x")));
        assert_eq!(from_args(args(&["app"])), None);
        assert_eq!(from_args(args(&["app", "--workspace"])), None);
    }
}
