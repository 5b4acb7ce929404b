//! What the core tells its front ends as it happens (the desktop forwards these to the UI; the CLI
//! prints them with `--follow`). A broadcast: slow listeners miss events (they re-read the state),
//! the core never waits for them.

use serde::Serialize;

/// Something changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FleetEvent {
    /// A `component_verify_ticket` was stored.
    TicketReceived {
        /// The component appid.
        platform: String,
    },
    /// WeChat rejected a token we had just obtained: someone else (another server or tool) is
    /// refreshing this platform's tokens and kicks ours out. Only one owner may refresh.
    TokenContested {
        /// `component` or `authorizer`.
        kind: String,
        /// The component appid or authorizer appid.
        owner: String,
    },
    /// A push was stored in the inbox (and handled, or kept with the step that failed).
    PushReceived {
        /// The inbox row.
        inbox_id: i64,
        /// What it was (`component_verify_ticket`, `authorized`, `weapp_audit_success`, …), or the
        /// failing step (`signature`, `aes`, `padding`, `appid`, `xml`).
        kind: String,
        /// Whether it opened and was handled.
        ok: bool,
    },
    /// A mini program was authorized, changed its grant, or was revoked.
    AuthorizerChanged {
        /// The mini program.
        appid: String,
        /// `authorized` or `revoked`.
        status: String,
    },
    /// An authorization link completed, expired or failed.
    LinkChanged {
        /// The link id.
        link_id: String,
        /// `pending`, `done`, `expired` or `failed`.
        state: String,
        /// The authorized mini program, when done.
        appid: Option<String>,
    },
    /// A mini program's version state changed (commit, audit result, release, revert).
    ReleaseChanged {
        /// The mini program.
        appid: String,
        /// What happened (`committed`, `submitted`, `audit_passed`, `audit_rejected`, `audit_delayed`,
        /// `released`, `reverted`, …).
        what: String,
    },
    /// A campaign moved.
    CampaignProgress {
        /// The campaign.
        campaign_id: i64,
        /// Its state (`running`, `paused`, `waiting_canary`, `stopped_quota`, `done`, `cancelled`).
        state: String,
        /// Items finished (released, waiting to release, or failed for good).
        done: u32,
        /// Items that failed for good.
        failed: u32,
        /// All items.
        total: u32,
    },
    /// The relay connection changed (connected, backing off, gap).
    RelayStatus {
        /// The platform.
        platform: String,
        /// `connecting`, `connected`, `backing_off`, `stopped`.
        state: String,
        /// The last error, if any.
        error: Option<String>,
    },
}
