//! The platform itself: component token, pre-auth code, ticket push, jscode2session (reference §2.1, §3.1, §3.2, §3.9).
