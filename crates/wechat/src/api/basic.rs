//! Basic info: name, avatar, signature, search status, account info, temporary media (reference §5.1).
