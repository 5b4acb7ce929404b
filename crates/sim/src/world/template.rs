//! The platform's draft box and template library (reference §7).

use serde::{Deserialize, Serialize};

/// Drafts and templates of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Library {}
