//! `wxfleet-relay serve|device …`. (to be written)
fn main() {}
