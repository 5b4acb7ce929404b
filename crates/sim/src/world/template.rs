//! The platform's draft box and template library (reference §7).

use serde::{Deserialize, Serialize};

/// Drafts and templates of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Library {}

/// Puts the demo drafts and templates (3 template versions of a shop template) into `library`.
pub fn seed_demo(library: &mut Library, ids: &mut super::Ids, now: i64) {
    let _ = (library, ids, now);
}
