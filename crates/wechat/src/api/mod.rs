//! A typed async client for the third-party platform API (reference §3–§10, §12).
//!
//! One module per area; each endpoint is a method on [`Client`] named after the endpoint, taking a
//! request struct named after it and returning its response struct, with field names exactly as
//! WeChat spells them. The token an endpoint needs is in its signature: [`ComponentToken`] for the
//! platform's own calls, [`AuthorizerToken`] for calls on behalf of a mini program. Which query
//! parameter carries it (`component_access_token=` or `access_token=`) follows the reference per
//! endpoint and is decided inside the endpoint, not by the caller.

mod client;
mod error;
mod token;

pub mod audit;
pub mod auth;
pub mod basic;
pub mod category;
pub mod code;
pub mod component;
pub mod domain;
pub mod privacy;
pub mod qrcode;
pub mod quota;
pub mod register;
pub mod release;
pub mod template;
pub mod tester;

pub use client::{Client, ClientConfig, Media, ProxyConfig, Upload, DEFAULT_BASE_URL};
pub use error::{ApiError, Error};
pub(crate) use token::TokenParam;
pub use token::{AuthorizerToken, ComponentToken};
