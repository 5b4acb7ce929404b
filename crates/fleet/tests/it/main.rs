//! The core's tests: one binary, against the real simulator and relay on loopback sockets.

mod support;

mod app_rows;
mod apps;
mod campaigns;
mod crash;
mod ext;
mod inbox;
mod links;
mod merchants;
mod releases;
mod store;
mod templates;
mod tokens;
