//! Saving what the UI shows (QR codes) where the user chooses. The dialog runs here, not in the
//! page, so the window needs no file-system permission at all.
use tauri_plugin_dialog::DialogExt;

/// Asks for a path (suggesting `file_name`) and writes the image there. `Ok(None)`: cancelled.
pub async fn save_data_url(app: &tauri::AppHandle, data_url: &str, file_name: &str) -> Result<Option<String>, String> {
    let bytes = crate::image::decode_data_url(data_url)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_file_name(file_name).add_filter("PNG", &["png"]).save_file(move |path| {
        let _ = tx.send(path);
    });
    let Some(path) = rx.await.map_err(|_| "the save dialog closed unexpectedly".to_owned())? else { return Ok(None) };
    let path = path.into_path().map_err(|e| format!("cannot save there: {e}"))?;
    tokio::fs::write(&path, bytes).await.map_err(|e| format!("could not write {}: {e}", path.display()))?;
    Ok(Some(path.display().to_string()))
}
