//! Checkpoints beside the writer: copying the WAL back into the database file on a thread of
//! their own, so that the writer is not the one waiting for it.
//!
//! A checkpoint ends with an fsync of the database file that writes back every page it copied
//! (megabytes under load), tens of milliseconds on a busy disk. Run by the writer (SQLite's
//! automatic checkpoint), that fsync stalls every push waiting for the next commit. Here a
//! second connection copies most of the WAL while the writer goes on committing; the writer still
//! checkpoints at [`WRITER_CHECKPOINT_PAGES`], which then has only the last few frames to copy and
//! almost nothing to write back, and which lets SQLite start the WAL over from its beginning
//! (it can only do that when everything in it has been copied, which a checkpoint running beside
//! a busy writer rarely achieves on its own).
//!
//! Durability is unchanged: a push is durable once its commit has synced the WAL; checkpoints
//! only move committed pages to where they will live.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use rusqlite::Connection;

use super::BUSY_TIMEOUT;
use crate::store::StoreError;

/// Rows appended between two nudges to the checkpointer (≈ 1 000 pages of WAL at WeChat's push size).
pub(super) const ROWS_PER_CHECKPOINT: usize = 4_000;
/// The writer's own (automatic) checkpoint: when the WAL reaches this many pages.
pub(super) const WRITER_CHECKPOINT_PAGES: u32 = 4_000;

/// Tells the checkpointer thread when there is enough to copy. Dropping it stops the thread.
pub(crate) struct Checkpoints {
    nudge: SyncSender<()>,
    rows: usize,
}

impl Checkpoints {
    /// Starts the checkpointer thread on its own connection to `path`.
    pub(super) fn start(path: &Path) -> Result<Checkpoints, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // FULL, as the writer: the checkpoint syncs the WAL before copying and the database after.
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (nudge, nudges) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || run(&conn, &nudges))
            .map_err(|e| StoreError::Other(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpoints { nudge, rows: 0 })
    }

    /// `rows` more were committed; nudges the checkpointer when enough have been since the last time.
    pub(crate) fn committed(&mut self, rows: usize) {
        self.rows += rows;
        if self.rows >= ROWS_PER_CHECKPOINT {
            self.rows = 0;
            // Full: a nudge is already waiting, which will copy these rows too.
            if let Err(TrySendError::Disconnected(())) = self.nudge.try_send(()) {
                tracing::warn!("the SQLite checkpoint thread stopped; the writer checkpoints alone");
            }
        }
    }
}

fn run(conn: &Connection, nudges: &Receiver<()>) {
    while nudges.recv().is_ok() {
        // PASSIVE: copies what it can without waiting for the writer or readers.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(error = %e, "background checkpoint did not run");
        }
    }
}
