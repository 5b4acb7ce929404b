//! Code: commit, pages, the trial-version QR code (reference §8).
