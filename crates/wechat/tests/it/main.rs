//! The `wechat` crate's integration tests: one binary, one module per area.

mod fixture;

mod api_audit;
mod api_auth;
mod api_basic;
mod api_category;
mod api_client;
mod api_code;
mod api_component;
mod api_domain;
mod api_privacy;
mod api_qrcode;
mod api_quota;
mod api_register;
mod api_release;
mod api_template;
mod api_tester;
mod crypto;
mod errcode;
mod xml;
