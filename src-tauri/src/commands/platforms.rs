//! Platforms (third-party platforms), their tickets and their relay connection.
use fleet::inbox::RelayCheck;
use fleet::platforms::{Platform, PlatformInput};
use fleet::tickets::TicketStatus;

use super::DeskState;
use crate::error::Answer;

/// Every platform of the workspace.
#[tauri::command]
#[specta::specta]
pub async fn platforms(desk: DeskState<'_>) -> Answer<Vec<Platform>> {
    Ok(desk.fleet.platforms().await?)
}

/// Adds (or updates) a platform, then starts receiving its pushes.
#[tauri::command]
#[specta::specta]
pub async fn add_platform(desk: DeskState<'_>, input: PlatformInput) -> Answer<Platform> {
    Ok(desk.fleet.connect_platform(input).await?)
}

/// Removes a platform and everything kept for it.
#[tauri::command]
#[specta::specta]
pub async fn remove_platform(desk: DeskState<'_>, component_appid: String) -> Answer<()> {
    Ok(desk.fleet.remove_platform(&component_appid).await?)
}

/// Ticket age and validity of every platform.
#[tauri::command]
#[specta::specta]
pub async fn ticket_statuses(desk: DeskState<'_>) -> Answer<Vec<TicketStatus>> {
    Ok(desk.fleet.ticket_statuses().await?)
}

/// Asks WeChat to push a ticket now.
#[tauri::command]
#[specta::specta]
pub async fn request_ticket_push(desk: DeskState<'_>, component_appid: String) -> Answer<()> {
    Ok(desk.fleet.request_ticket_push(&component_appid).await?)
}

/// Checks the relay: reachable, this device accepted, pushes waiting.
#[tauri::command]
#[specta::specta]
pub async fn check_relay(desk: DeskState<'_>, component_appid: String) -> Answer<RelayCheck> {
    Ok(desk.fleet.check_relay(&component_appid).await?)
}

/// The live state of the pull loop (connected, lag, last event, gap), when it runs.
#[tauri::command]
#[specta::specta]
pub fn relay_status(desk: DeskState<'_>, component_appid: String) -> Option<wxfleet_relay::client::RelayStatus> {
    desk.fleet.relay_status(&component_appid)
}
