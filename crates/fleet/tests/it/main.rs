//! The core's tests: one binary, against the real simulator and relay on loopback sockets.

mod support;

mod store;
mod templates;
mod ext;
mod merchants;
mod links;
mod apps;
mod tokens;
mod inbox;
mod releases;
mod campaigns;
mod crash;
