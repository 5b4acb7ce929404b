//! Domains: those registered on the platform, and each mini program's own (reference §6).

use serde::{Deserialize, Serialize};

/// The server and business (jump) domains registered on one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlatformDomains {}

/// The domains of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AppDomains {}
