//! Campaigns: one template to many mini programs — pre-flight, commit, submit, canary, release;
//! bounded concurrency and rate, quota-aware, pause/resume/cancel, resumable after a crash.

/// The campaigns running in this process.
#[derive(Default)]
pub struct Runners {}

impl crate::Fleet {
    #[allow(dead_code)]
    fn runners_placeholder(&self) -> &Runners {
        self.campaign_runners()
    }
}
