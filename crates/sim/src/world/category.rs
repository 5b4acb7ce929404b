//! A mini program's categories and their review (reference §5.2).

use serde::{Deserialize, Serialize};

/// The categories of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Categories {}
