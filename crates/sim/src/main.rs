//! `wxfleet-sim`: the simulator as a program. Prints one JSON line (base URL, platform credentials,
//! seeded merchants) on stdout, then logs to stderr.

fn main() {}
