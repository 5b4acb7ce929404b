//! Testers (体验者) bound to a mini program (reference §9).

use serde::{Deserialize, Serialize};

/// The testers of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Testers {}
