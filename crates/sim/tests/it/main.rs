//! The simulator's integration tests: one binary, one module per area. Each test starts its own
//! simulator in-process on a free loopback port.

mod support;

mod admin;
mod audit;
mod auth;
mod basic;
mod category;
mod code;
mod component;
mod consent;
mod domain;
mod faults;
mod privacy;
mod pushes;
mod qrcode;
mod quota;
mod raw_http;
mod register;
mod release;
mod story;
mod template;
mod tester;
