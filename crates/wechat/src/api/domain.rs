//! Domains, platform level and per mini program (reference §6).
