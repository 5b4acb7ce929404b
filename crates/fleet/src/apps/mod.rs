//! A mini program's settings: basic info, avatar, categories, domains, privacy, testers, QR codes,
//! payment configuration.
