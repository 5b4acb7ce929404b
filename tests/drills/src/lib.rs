//! What the fault drills share. Each drill family is one integration test binary in `tests/`:
//! `delivery` (the relay killed mid-burst, a desktop offline for a day), `campaign_kill` (the
//! campaign runner killed at random points), `faults` (WeChat answering errors and timeouts) and
//! `disk` (a full disk, a read-only database).
//!
//! * [`procs`] — the real programs (`wxfleet-sim`, `wxfleet-relay`, this binary as a worker) as processes.
//! * [`relay`] — `wxfleet-relay` as a process that can be killed and restarted on the same port and database.
//! * [`desk`] — the desktop core on a temporary workspace, and what the drills read back from it.
//! * [`merchant`] — a merchant consenting on an authorization link, as a phone's browser does.
//! * [`seed`] — seeded randomness, the seed printed so a failing run can be replayed.

pub mod desk;
pub mod merchant;
pub mod procs;
pub mod relay;
pub mod sandbox_world;
pub mod seed;
pub mod small_disk;
