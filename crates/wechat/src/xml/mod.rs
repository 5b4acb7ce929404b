//! The push envelopes and typed events (reference §1.4, §2). (to be written)
