//! Campaigns: one template to many mini programs, with pre-flight, canary, pacing and resume.
use fleet::campaigns::{Campaign, CampaignSpec, CampaignView, PreflightReport};

use super::DeskState;
use crate::error::Answer;

/// Checks every target without writing anything at WeChat.
#[tauri::command]
#[specta::specta]
pub async fn preflight_campaign(desk: DeskState<'_>, spec: CampaignSpec) -> Answer<Vec<PreflightReport>> {
    Ok(desk.fleet.preflight_campaign(&spec).await?)
}

/// Creates a campaign (after its pre-flight); it starts with [`start_campaign`].
#[tauri::command]
#[specta::specta]
pub async fn create_campaign(desk: DeskState<'_>, spec: CampaignSpec) -> Answer<CampaignView> {
    Ok(desk.fleet.create_campaign(spec).await?)
}

/// Starts running a campaign in this app.
#[tauri::command]
#[specta::specta]
pub async fn start_campaign(desk: DeskState<'_>, id: i64) -> Answer<Campaign> {
    Ok(desk.fleet.start_campaign(id).await?)
}

/// Resumes a paused (or stopped on quota, or waiting canary) campaign.
#[tauri::command]
#[specta::specta]
pub async fn resume_campaign(desk: DeskState<'_>, id: i64) -> Answer<Campaign> {
    Ok(desk.fleet.resume_campaign(id).await?)
}

/// Pauses a campaign (calls in flight finish).
#[tauri::command]
#[specta::specta]
pub async fn pause_campaign(desk: DeskState<'_>, id: i64) -> Answer<Campaign> {
    Ok(desk.fleet.pause_campaign(id).await?)
}

/// Cancels a campaign (what is done stays done).
#[tauri::command]
#[specta::specta]
pub async fn cancel_campaign(desk: DeskState<'_>, id: i64) -> Answer<Campaign> {
    Ok(desk.fleet.cancel_campaign(id).await?)
}

/// Releases the campaign's audited items (all, or those listed). Returns how many.
#[tauri::command]
#[specta::specta]
pub async fn release_campaign_items(desk: DeskState<'_>, id: i64, appids: Option<Vec<String>>) -> Answer<u32> {
    Ok(desk.fleet.release_campaign_items(id, appids).await?)
}

/// A campaign with its items.
#[tauri::command]
#[specta::specta]
pub async fn campaign(desk: DeskState<'_>, id: i64) -> Answer<CampaignView> {
    Ok(desk.fleet.campaign(id).await?)
}

/// Every campaign, newest first.
#[tauri::command]
#[specta::specta]
pub async fn campaigns(desk: DeskState<'_>) -> Answer<Vec<Campaign>> {
    Ok(desk.fleet.campaigns().await?)
}
