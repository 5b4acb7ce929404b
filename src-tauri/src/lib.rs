//! The wxfleet desktop shell: wires the window to the core ([`desk::Desk`] holds the `fleet` and,
//! in sandbox mode, the simulated WeChat). Commands live in [`commands`] and stay thin; the
//! TypeScript the UI calls them through is generated from [`bindings::builder`].
#![warn(missing_docs)]

pub mod about;
pub mod bindings;
pub mod commands;
pub mod desk;
pub mod diagnostics;
pub mod error;
pub mod files;
pub mod forward;
pub mod image;
pub mod logging;
mod renderer;
pub mod tray;
pub mod workspace;

use std::sync::Arc;

use tauri::{Manager, RunEvent};

pub use error::{Answer, AppError};

/// Brings the main window to the front (a second launch, the tray menu).
pub fn show_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// When the process started, for the "interactive after N ms" line (the start-up benchmark reads it).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since [`run`] began.
pub fn uptime_ms() -> u64 {
    STARTED.get().map_or(0, |t| t.elapsed().as_millis().try_into().unwrap_or(u64::MAX))
}

/// Opens the main window and runs until it is closed.
pub fn run() {
    renderer::prefer_software_rendering();
    STARTED.get_or_init(std::time::Instant::now);
    let commands = bindings::builder();
    let invoke = commands.invoke_handler();
    let app = tauri::Builder::default()
        // First: a second launch only focuses the running window (one process owns the workspace).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| show_main_window(app)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(invoke)
        .setup(move |app| {
            commands.mount_events(app);
            let dir = workspace::dir(app.handle())?;
            let guard = logging::init(&dir);
            app.manage(LogGuard(guard));
            let desk = Arc::new(desk::Desk::open(&dir)?);
            tauri::async_runtime::spawn(forward::run(app.handle().clone(), desk.fleet.subscribe()));
            let starting = desk.clone();
            tauri::async_runtime::spawn(async move { starting.start().await });
            app.manage(desk);
            tauri::async_runtime::spawn(exit_on_signal(app.handle().clone()));
            if let Err(e) = tray::install(app.handle()) {
                tracing::warn!(error = %e, "no tray icon");
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            if let Some(desk) = app.try_state::<Arc<desk::Desk>>() {
                tauri::async_runtime::block_on(desk.shutdown());
            }
        }
    });
}

/// SIGTERM or Ctrl-C (a session ending, `kill`, a service manager) exits like closing the window:
/// the sandbox saves its simulated world first.
async fn exit_on_signal(app: tauri::AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            app.exit(0);
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        app.exit(0);
    }
}

/// Keeps the log writer flushing until the app exits.
struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);
