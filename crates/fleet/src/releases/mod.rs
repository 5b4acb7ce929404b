//! Per mini program version history and single actions: commit, submit, undo, speed-up, release,
//! gray release, revert, visit status.
