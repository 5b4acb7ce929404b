//! The desktop's side of the relay: the pull/ack delivery loop, its status, and authorization links.
//!
//! ```text
//!  relay ── GET /v1/events?after=cursor&wait=25 ──▶ RelayClient ──▶ EventHandler::handle (durable)
//!        ◀── POST /v1/ack {seq} ◀── CursorStore::save ◀──────────────┘  (highest contiguous seq)
//! ```
//!
//! * [`RelayClient`] — the device API over HTTP: [`RelayClient::pull`], [`RelayClient::ack`],
//!   [`RelayClient::create_authorize_link`], and [`RelayClient::deliver`], which runs the loop.
//! * [`EventHandler`] and [`CursorStore`] — what the caller provides: where events go, and where the
//!   cursor lives (the desktop keeps it in its own SQLite, next to the events it stored).
//! * [`RelayStatus`] — a `tokio::sync::watch` stream for the UI: connecting, connected, backing off,
//!   stopped; lag, last event, gap.
//! * [`authorize_entry_url`] — the `/authorize/{id}` URL a QR code points to.
//!
//! Delivery is at-least-once: an event is acked only after the handler returned `Ok` (it has been
//! durably processed), a failing event is retried after a backoff and never skipped, and a crash
//! between handling and saving the cursor hands the same events over again. The desktop removes
//! duplicates by WeChat's own keys after decrypting.
//!
//! The cursor counts in one relay log, named by the log id the relay sends with every pull (kept
//! through [`CursorStore::save_log_id`]). If the relay's database was wiped or replaced, its log is
//! another one and the relay answers with a reset: the loop reports a [`Gap`] and starts again from
//! 0 in the new log. A gap the handler has taken care of moves the cursor past it (to the relay's
//! purge point), so it is reported once.

mod api;
mod backoff;
mod cursor;
mod delivery;
mod error;
mod handler;
mod link;
mod status;

pub use api::{AckOutcome, Credential, PullResponse, RelayClient};
pub use backoff::{Backoff, Clock, EqualJitter, Jitter, NoJitter, SystemClock};
pub use cursor::{CursorError, CursorStore, MemoryCursor};
pub use delivery::{Delivery, DeliveryOptions, Shutdown};
pub use error::{ClientError, ErrorKind};
pub use handler::{EventHandler, Gap, HandlerError};
pub use link::{authorize_entry_url, AuthorizeLinkRequest, CreatedLink, LinkMode};
pub use status::{LastError, RelayState, RelayStatus, StopReason};
