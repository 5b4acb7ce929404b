//! Release, revert, gray release, visit status, version info (reference §8).
