//! A mini program's basic info: nickname (with its review), avatar, signature, search status, and the yearly change quotas (reference §5.1).

use serde::{Deserialize, Serialize};

/// Basic info of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profile {}
