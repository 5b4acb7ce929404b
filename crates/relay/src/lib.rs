//! `wxfleet-relay`: the tiny cloud endpoint between WeChat and desktops that have no public address.
//!
//! WeChat pushes tickets, authorizations and audit results to public URLs and waits at most 5 s for
//! `success`. The relay checks each push's `msg_signature` with the platform's Token (the only
//! secret it holds — never the EncodingAESKey or the AppSecret, so it cannot read what it stores),
//! stores the raw body and query byte-exact in an append-only log, durably, and only then answers
//! `success`. Enrolled desktops pull the log with long-polls and ack what they have durably
//! processed; each device has its own cursor, so every staff desktop gets every event.
//!
//! * [`config`] — the TOML configuration.
//! * [`store`] — the log, devices and cursors: SQLite (embedded default) or PostgreSQL (several relay
//!   instances on one replicated database).
//! * [`server`] — the HTTP surface: WeChat-facing inbox, device API, authorization pages, health and
//!   metrics; [`proxy`] — the optional CONNECT egress proxy.
//! * [`client`] — the desktop side: the pull/ack loop, its status, and authorization links.
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod proxy;
pub mod server;
pub mod store;

pub use config::RelayConfig;
