//! Fast registration tasks of a platform (reference §4).

use serde::{Deserialize, Serialize};

/// The fast-registration tasks of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FastRegistrations {}
