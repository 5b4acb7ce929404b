//! The WeChat Open Platform third-party platform ("component") protocol, as a library.
//!
//! * [`crypto`] — WXBizMsgCrypt: URL and message signatures, AES-256-CBC with 32-byte PKCS#7.
//! * [`xml`] — the push envelopes and the typed events carried inside them.
//! * [`api`] — a typed async client for the component and mini-program endpoints.
//! * [`errcode`] — every `errcode` WeChat returns: meaning, remedy (zh-CN and en), and what to do about it.
//! * [`selftest`] — the public crypto test vectors, checked at start-up by the desktop.
//!
//! Nothing here stores state or reads the clock: time and randomness are passed in.
#![warn(missing_docs)]

#[cfg(feature = "client")]
pub mod api;
pub mod calendar;
pub mod crypto;
pub mod errcode;
pub mod selftest;
pub mod xml;

/// This crate's version (the protocol layer the desktop reports on its About page).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(feature = "client")]
pub use api::{AuthorizerToken, Client, ClientConfig, ComponentToken, Error};
pub use errcode::{ErrorClass, Lang};
