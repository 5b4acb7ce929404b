//! The CLI's tests: the `wxfleet` binary as a user runs it, with the simulator and the relay as
//! their own processes where the test is about their interplay.

mod procs;
mod push;
mod story;
mod workspace;
