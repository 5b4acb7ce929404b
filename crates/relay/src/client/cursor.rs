//! Where the delivery cursor lives: the caller's storage.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};

/// Why the cursor store failed; the loop backs off and retries.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CursorError(Box<dyn std::error::Error + Send + Sync>);

impl CursorError {
    /// Wraps any error (or a message).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CursorError {
        CursorError(error.into())
    }
}

/// The highest sequence number this device has durably processed, kept by the caller.
///
/// Async, so an implementation can hop to a blocking thread for its SQLite write
/// (`tokio::task::spawn_blocking`) or share the connection its handler writes with. The loop calls
/// `load` once at start and `save` after each handled batch (and before acking it to the relay);
/// the value only moves forward. A fresh device loads 0 and receives everything the relay retains.
///
/// Ideally the handler commits the cursor in the same transaction as the events it stores; then
/// `save` has nothing left to do and can return `Ok(())` after checking.
pub trait CursorStore: Send + Sync + 'static {
    /// The saved cursor, 0 when none.
    fn load(&self) -> impl Future<Output = Result<i64, CursorError>> + Send;
    /// Saves the cursor durably.
    fn save(&self, seq: i64) -> impl Future<Output = Result<(), CursorError>> + Send;
}

/// A cursor in memory: for tests and for callers that persist elsewhere (read it with
/// [`MemoryCursor::get`]).
#[derive(Debug, Default)]
pub struct MemoryCursor(AtomicI64);

impl MemoryCursor {
    /// Starts at `seq`.
    pub fn new(seq: i64) -> MemoryCursor {
        MemoryCursor(AtomicI64::new(seq))
    }

    /// The current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl CursorStore for MemoryCursor {
    async fn load(&self) -> Result<i64, CursorError> {
        Ok(self.get())
    }

    async fn save(&self, seq: i64) -> Result<(), CursorError> {
        self.0.store(seq, Ordering::SeqCst);
        Ok(())
    }
}

impl<T: CursorStore> CursorStore for std::sync::Arc<T> {
    fn load(&self) -> impl Future<Output = Result<i64, CursorError>> + Send {
        (**self).load()
    }

    fn save(&self, seq: i64) -> impl Future<Output = Result<(), CursorError>> + Send {
        (**self).save(seq)
    }
}
