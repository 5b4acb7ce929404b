//! The app itself: versions, start-up status, the sandbox, diagnostics, the audit log, errcodes.
use fleet::audit_log::AuditEntry;
use fleet::Problem;

use super::DeskState;
use crate::about::{self, About};
use crate::desk::DeskStatus;
use crate::error::{Answer, AppError};

/// Versions and the protocol self-test, for the About page.
#[tauri::command]
#[specta::specta]
pub fn about() -> About {
    about::collect()
}

/// The UI's first screen is interactive: logged once with the time since start (what the start-up
/// benchmark measures).
#[tauri::command]
#[specta::specta]
pub fn mark_interactive() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let ms = crate::uptime_ms();
        tracing::info!(ms, "interactive");
        eprintln!("wxfleet: interactive after {ms} ms");
    });
}

/// Waits until the app has started (in sandbox mode: the simulator and the relay are up).
#[tauri::command]
#[specta::specta]
pub async fn desk_status(desk: DeskState<'_>) -> Answer<DeskStatus> {
    Ok(desk.started().await)
}

/// Throws the sandbox away and starts a fresh one with new demo data.
#[tauri::command]
#[specta::specta]
pub async fn reset_sandbox(desk: DeskState<'_>) -> Answer<DeskStatus> {
    Ok(desk.reset_sandbox().await?)
}

/// The operator audit log, newest first (one mini program's, or everything).
#[tauri::command]
#[specta::specta]
pub async fn audit_log(desk: DeskState<'_>, appid: Option<String>, limit: u32) -> Answer<Vec<AuditEntry>> {
    Ok(desk.fleet.audit_log(appid.as_deref(), limit).await?)
}

/// What an errcode means and what to do about it, in zh-CN and en.
#[tauri::command]
#[specta::specta]
pub fn explain_errcode(errcode: i32) -> Problem {
    Problem::for_errcode(errcode.into())
}

/// A text to paste into a support request: versions, the start-up status, platforms, relay states
/// and the last log lines — no secrets (the core never puts any in its views or logs).
#[tauri::command]
#[specta::specta]
pub async fn diagnostics(desk: DeskState<'_>) -> Answer<String> {
    Ok(crate::diagnostics::collect(&desk).await)
}

/// Asks where to save an image (a QR code) and writes it there. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_image(app: tauri::AppHandle, data_url: String, file_name: String) -> Answer<Option<String>> {
    crate::files::save_data_url(&app, &data_url, &file_name).await.map_err(AppError::internal)
}
