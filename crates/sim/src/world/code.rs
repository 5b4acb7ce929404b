//! The code lifecycle of a mini program: commit, audit, release, revert, gray release, visit status
//! (reference §8), and the rules that decide audits.

use serde::{Deserialize, Serialize};

/// The code state of one mini program: committed version, audits, releases.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CodeState {}

/// The platform's monthly audit-submission quota and speed-up quota (`queryquota`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditQuota {}

/// How audits end: the configured default and per-app scripts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditRules {}
