//! `wxfleet-sim`: WeChat's third-party platform on loopback.
//!
//! The simulator answers on WeChat's own paths with WeChat's field names, error codes, limits and
//! encryption (reference: shared/wechat-open-platform.md), serves the consent pages a merchant sees,
//! and pushes encrypted events (tickets, authorizations, audit results) to the configured callback
//! URLs. It is the test double of every test, the engine of the desktop's sandbox, and the load
//! generator of the benchmarks.
//!
//! * [`world`] — all state, as plain data with pure operations that take `now` (virtual seconds).
//! * [`http`] — the axum router: one module per API area, plus the consent pages and the admin API.
//! * [`Simulator`] — starts it in-process on a loopback port; `wxfleet-sim` is the same as a binary.
#![warn(missing_docs)]

pub mod clock;
pub mod config;
pub mod demo;
pub mod faults;
pub mod http;
pub mod push;
pub mod server;
pub mod ticker;
pub mod world;
pub mod wx_error;

pub use clock::SimClock;
pub use config::{AuditDefault, SimConfig};
pub use server::{RunningSim, Sim, Simulator, StartupInfo};
pub use wx_error::WxError;
