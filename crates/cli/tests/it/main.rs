//! The CLI's tests: the `wxfleet` binary as a user runs it.

mod push;
mod workspace;
