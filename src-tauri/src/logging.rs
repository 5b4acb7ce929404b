//! Logs: `tracing` to daily-rotated files in `<workspace>/logs` (14 kept), plus stderr. Metadata
//! only — the core never logs secrets or push bodies.
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// How many daily files are kept.
const KEEP_FILES: usize = 14;
const PREFIX: &str = "wxfleet-desktop";

/// The log directory of a workspace.
pub fn dir(workspace: &Path) -> PathBuf {
    workspace.join("logs")
}

/// Starts logging; keep the guard alive for the app's lifetime (it flushes on drop).
pub fn init(workspace: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("WXFLEET_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = std::fs::create_dir_all(dir(workspace));
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir(workspace));
    let (file_layer, guard) = match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (Some(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(writer)), Some(guard))
        }
        Err(e) => {
            eprintln!("wxfleet: logging to files is off ({e})");
            (None, None)
        }
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .try_init();
    guard
}

/// The last `lines` lines of the newest log file.
pub fn tail(workspace: &Path, lines: usize) -> String {
    let newest = std::fs::read_dir(dir(workspace))
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
        .max_by_key(|e| e.file_name());
    let Some(entry) = newest else { return String::new() };
    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
