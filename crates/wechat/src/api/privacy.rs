//! The user privacy protection guide and privacy interfaces (reference §5.3).
