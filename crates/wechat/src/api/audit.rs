//! Audit: submit, status, undo, speed-up, quota (reference §8).
