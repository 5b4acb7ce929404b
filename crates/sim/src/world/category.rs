//! A mini program's categories and their review (reference §5.2).

use serde::{Deserialize, Serialize};

/// The categories of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Categories {}

/// A category a mini program may use in `submit_audit` (approved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedCategory {
    /// First-level id.
    pub first_id: i64,
    /// First-level name.
    pub first_class: String,
    /// Second-level id.
    pub second_id: i64,
    /// Second-level name.
    pub second_class: String,
    /// Third-level id, if any.
    pub third_id: Option<i64>,
    /// Third-level name, if any.
    pub third_class: Option<String>,
}

impl Categories {
    /// The approved categories (`/wxa/get_category`).
    pub fn approved(&self) -> Vec<ApprovedCategory> {
        Vec::new()
    }
}

/// Moves category reviews whose time has come and queues `wxa_category_audit` pushes.
pub fn advance(world: &mut super::World, now: i64) {
    let _ = (world, now);
}
