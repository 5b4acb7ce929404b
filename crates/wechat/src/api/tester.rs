//! Testers (reference §9).
