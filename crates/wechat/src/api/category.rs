//! Categories (reference §5.2).
