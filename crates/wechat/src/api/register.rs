//! Fast registration of mini programs (reference §4).
