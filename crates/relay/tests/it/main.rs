//! The relay's one integration-test binary (`cargo test -p wxfleet-relay --test it`), one module
//! per concern.
//!
//! * `store_suite` — the contract every store meets (run on SQLite here, on PostgreSQL in `postgres`).
//! * `router` — the HTTP surface without a socket (`oneshot`): every status code, the exact `success`.
//! * `devices`, `authorize` — the device API and the authorization pages, also without a socket.
//! * `loopback` — separate processes on loopback: pushes in, devices pulling, TLS, the simulator.
//! * `crash` — `kill -9` in the middle of a burst: nothing that got `success` is lost.
//! * `client`, `postgres` — the desktop-side client and the PostgreSQL store.

mod authorize;
mod client;
mod crash;
mod devices;
mod harness;
mod loopback;
mod postgres;
mod proxy;
mod router;
mod store_suite;
