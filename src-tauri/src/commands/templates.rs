//! Templates: the drafts and the library, with local metadata (changelog, ext schema, requirements).
use fleet::templates::{Draft, PrunePlan, Template, TemplateMeta, TemplateSync};

use super::DeskState;
use crate::error::Answer;

/// Re-reads the drafts and the library from WeChat.
#[tauri::command]
#[specta::specta]
pub async fn sync_templates(desk: DeskState<'_>, component_appid: String) -> Answer<TemplateSync> {
    Ok(desk.fleet.sync_templates(&component_appid).await?)
}

/// The drafts (uploads from the developer tools), as last synced.
#[tauri::command]
#[specta::specta]
pub async fn drafts(desk: DeskState<'_>, component_appid: String) -> Answer<Vec<Draft>> {
    Ok(desk.fleet.drafts(&component_appid).await?)
}

/// The template library, as last synced.
#[tauri::command]
#[specta::specta]
pub async fn templates(desk: DeskState<'_>, component_appid: String) -> Answer<Vec<Template>> {
    Ok(desk.fleet.templates(&component_appid).await?)
}

/// Adds a draft to the library.
#[tauri::command]
#[specta::specta]
pub async fn add_draft_to_template(desk: DeskState<'_>, component_appid: String, draft_id: i64) -> Answer<Template> {
    Ok(desk.fleet.add_draft_to_template(&component_appid, draft_id).await?)
}

/// Deletes a template from the library.
#[tauri::command]
#[specta::specta]
pub async fn delete_template(desk: DeskState<'_>, component_appid: String, template_id: i64) -> Answer<()> {
    Ok(desk.fleet.delete_template(&component_appid, template_id).await?)
}

/// Deletes old templates, keeping the newest `keep`, those in use and `protect` (a dry run first).
#[tauri::command]
#[specta::specta]
pub async fn prune_templates(
    desk: DeskState<'_>,
    component_appid: String,
    keep: u32,
    protect: Vec<i64>,
    dry_run: bool,
) -> Answer<PrunePlan> {
    Ok(desk.fleet.prune_templates(&component_appid, keep as usize, &protect, dry_run).await?)
}

/// A template's local metadata: changelog, screenshots, ext schema, requirements.
#[tauri::command]
#[specta::specta]
pub async fn template_meta(desk: DeskState<'_>, component_appid: String, template_id: i64) -> Answer<TemplateMeta> {
    Ok(desk.fleet.template_meta(&component_appid, template_id).await?)
}

/// Saves a template's local metadata (the ext schema is checked to be a JSON Schema).
#[tauri::command]
#[specta::specta]
pub async fn set_template_meta(desk: DeskState<'_>, component_appid: String, template_id: i64, meta: TemplateMeta) -> Answer<TemplateMeta> {
    Ok(desk.fleet.set_template_meta(&component_appid, template_id, meta).await?)
}
