//! The core's events, carried to the window (as a typed `fleet-changed` event), to desktop
//! notifications (audit results, finished campaigns) and to the tray's relay status.
use fleet::FleetEvent;
use serde::Serialize;
use specta::Type;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// Something changed in the core; the UI refreshes what shows it.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct FleetChanged(pub FleetEvent);

/// Forwards until the core's channel closes. A lagging window only misses events (it re-reads).
pub async fn run(app: AppHandle, mut events: tokio::sync::broadcast::Receiver<FleetEvent>) {
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Some((title, body)) = notification(&event) {
                    if let Err(e) = app.notification().builder().title(title).body(body).show() {
                        tracing::debug!(error = %e, "no desktop notification");
                    }
                }
                if let FleetEvent::RelayStatus { state, .. } = &event {
                    crate::tray::show_relay_state(&app, state);
                }
                if let Err(e) = FleetChanged(event).emit(&app) {
                    tracing::warn!(error = %e, "could not tell the window");
                }
            }
            Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "the window missed events"),
            Err(RecvError::Closed) => return,
        }
    }
}

/// What deserves a desktop notification: audit results and campaigns that finished or stopped.
pub fn notification(event: &FleetEvent) -> Option<(String, String)> {
    match event {
        FleetEvent::ReleaseChanged { appid, what } if what == "audit_passed" => Some(("审核通过 Audit passed".into(), appid.clone())),
        FleetEvent::ReleaseChanged { appid, what } if what == "audit_rejected" => Some(("审核未通过 Audit rejected".into(), appid.clone())),
        FleetEvent::CampaignProgress { campaign_id, state, done, failed, total }
            if matches!(state.as_str(), "done" | "stopped_quota" | "cancelled") =>
        {
            Some((format!("批量发布 Campaign #{campaign_id}: {state}"), format!("{done}/{total} done, {failed} failed")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifies_audit_results_and_finished_campaigns_only() {
        let passed = FleetEvent::ReleaseChanged { appid: "wx1".into(), what: "audit_passed".into() };
        assert_eq!(notification(&passed).unwrap().1, "wx1");
        assert!(notification(&FleetEvent::ReleaseChanged { appid: "wx1".into(), what: "committed".into() }).is_none());
        let done = FleetEvent::CampaignProgress { campaign_id: 3, state: "done".into(), done: 20, failed: 1, total: 20 };
        assert_eq!(notification(&done).unwrap().1, "20/20 done, 1 failed");
        let running = FleetEvent::CampaignProgress { campaign_id: 3, state: "running".into(), done: 2, failed: 0, total: 20 };
        assert!(notification(&running).is_none());
    }
}
