//! Where the delivery cursor lives: the caller's storage.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};

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

/// The highest sequence number this device has durably processed, kept by the caller, and the id
/// of the relay log it counts in.
///
/// Async, so an implementation can hop to a blocking thread for its SQLite write
/// (`tokio::task::spawn_blocking`) or share the connection its handler writes with. The loop calls
/// `load` (and `load_log_id`) once at start and `save` after each handled batch (and before acking
/// it to the relay). A fresh device loads 0 and receives everything the relay retains.
///
/// The value moves forward, with one exception: when the relay's log is not the one the cursor
/// counts in (its database was wiped or replaced, and sequence numbers started again at 1), the
/// loop tells the handler of a [`Gap`](super::Gap), then saves 0 and the new log id — in that
/// order — and receives the new log from its start. So `save` must store a lower value when given
/// one (no `MAX(old, new)`).
///
/// Ideally the handler commits the cursor in the same transaction as the events it stores; then
/// `save` has nothing left to do and can return `Ok(())` after checking.
pub trait CursorStore: Send + Sync + 'static {
    /// The saved cursor, 0 when none.
    fn load(&self) -> impl Future<Output = Result<i64, CursorError>> + Send;
    /// Saves the cursor durably.
    fn save(&self, seq: i64) -> impl Future<Output = Result<(), CursorError>> + Send;

    /// The id of the relay log the saved cursor counts in; `None` when not known (a fresh device,
    /// or a store that does not keep it).
    ///
    /// The default keeps nothing: the loop then learns the id from its first pull and checks it
    /// while it runs, but after a restart it can only tell a replaced log by a cursor beyond the
    /// log's end. Keep it (next to the cursor) so that a wiped relay is always noticed.
    fn load_log_id(&self) -> impl Future<Output = Result<Option<String>, CursorError>> + Send {
        async { Ok(None) }
    }

    /// Saves the log id durably. Called when the relay first names its log, and after a reset,
    /// right after `save(0)`.
    fn save_log_id(&self, log_id: &str) -> impl Future<Output = Result<(), CursorError>> + Send {
        let _ = log_id;
        async { Ok(()) }
    }
}

/// A cursor in memory: for tests and for callers that persist elsewhere (read it with
/// [`MemoryCursor::get`] and [`MemoryCursor::log_id`]).
#[derive(Debug, Default)]
pub struct MemoryCursor {
    seq: AtomicI64,
    log_id: Mutex<Option<String>>,
}

impl MemoryCursor {
    /// Starts at `seq`, in no known log.
    pub fn new(seq: i64) -> MemoryCursor {
        MemoryCursor { seq: AtomicI64::new(seq), log_id: Mutex::new(None) }
    }

    /// Starts at `seq` in the log `log_id` (as a desktop's database would reload them).
    pub fn in_log(seq: i64, log_id: &str) -> MemoryCursor {
        MemoryCursor { seq: AtomicI64::new(seq), log_id: Mutex::new(Some(log_id.to_owned())) }
    }

    /// The current value.
    pub fn get(&self) -> i64 {
        self.seq.load(Ordering::SeqCst)
    }

    /// The saved log id.
    pub fn log_id(&self) -> Option<String> {
        self.log_id.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl CursorStore for MemoryCursor {
    async fn load(&self) -> Result<i64, CursorError> {
        Ok(self.get())
    }

    async fn save(&self, seq: i64) -> Result<(), CursorError> {
        self.seq.store(seq, Ordering::SeqCst);
        Ok(())
    }

    async fn load_log_id(&self) -> Result<Option<String>, CursorError> {
        Ok(self.log_id())
    }

    async fn save_log_id(&self, log_id: &str) -> Result<(), CursorError> {
        *self.log_id.lock().unwrap_or_else(PoisonError::into_inner) = Some(log_id.to_owned());
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

    fn load_log_id(&self) -> impl Future<Output = Result<Option<String>, CursorError>> + Send {
        (**self).load_log_id()
    }

    fn save_log_id(&self, log_id: &str) -> impl Future<Output = Result<(), CursorError>> + Send {
        (**self).save_log_id(log_id)
    }
}
