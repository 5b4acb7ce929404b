//! What the fault drills share. Each drill family is one integration test binary in `tests/`:
//! `delivery` (the relay killed mid-burst, a desktop offline for a day), `campaign_kill` (the
//! campaign runner killed at random points), `faults` (WeChat answering errors and timeouts) and
//! `disk` (a full disk, a read-only database).
