//! "Copy diagnostics": what a support request needs, as text — never a secret (views and logs
//! carry none).
use std::fmt::Write;

use crate::desk::Desk;

/// Log lines included.
const LOG_LINES: usize = 200;

/// Gathers versions, the start-up status, platforms with ticket and relay state, and the log tail.
pub async fn collect(desk: &Desk) -> String {
    let about = crate::about::collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wxfleet {} (tauri {}, wechat {}) on {}/{}",
        about.app_version, about.tauri_version, about.wechat_version, about.os, about.arch
    );
    let _ = writeln!(out, "self-test: {} passed, {} failed", about.self_test.passed, about.self_test.failed);
    let _ = writeln!(out, "status: {}", serde_json::to_string(&desk.status()).unwrap_or_default());
    match desk.fleet.platforms().await {
        Ok(platforms) => {
            for p in platforms {
                let ticket = desk.fleet.ticket_status(&p.component_appid).await.ok();
                let relay = desk.fleet.relay_status(&p.component_appid);
                let _ = writeln!(
                    out,
                    "platform {} sandbox={} relay={} ticket={} relay_status={}",
                    p.component_appid,
                    p.sandbox,
                    p.relay_url.as_deref().unwrap_or("-"),
                    ticket.map(|t| serde_json::to_string(&t).unwrap_or_default()).unwrap_or_else(|| "-".into()),
                    relay.map(|r| serde_json::to_string(&r).unwrap_or_default()).unwrap_or_else(|| "-".into()),
                );
            }
        }
        Err(e) => {
            let _ = writeln!(out, "platforms: {e}");
        }
    }
    let _ = writeln!(out, "--- last {LOG_LINES} log lines ---\n{}", crate::logging::tail(desk.dir(), LOG_LINES));
    out
}
