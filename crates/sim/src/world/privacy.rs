//! The user privacy protection guide of a mini program and its privacy interfaces (reference §5.3).

use serde::{Deserialize, Serialize};

/// Privacy settings of one mini program (dev and live versions).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Privacy {}

impl Privacy {
    /// The privacy keys the development-version guide (`privacy_ver` 2) configures.
    pub fn configured_keys(&self) -> Vec<String> {
        Vec::new()
    }
}
