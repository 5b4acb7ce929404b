//! Checkpoints beside the writer: copying the WAL back into the database file on a thread of
//! their own, so that the writer is not the one waiting for it.
//!
//! A checkpoint ends with an fsync of the database file that writes back every page it copied
//! (megabytes under load), tens of milliseconds on a busy disk. Run by the writer (SQLite's
//! automatic checkpoint), that fsync stalls every push waiting for the next commit. Here a
//! second connection copies most of the WAL while the writer goes on committing; the writer still
//! checkpoints at [`WRITER_CHECKPOINT_PAGES`] (a quarter as often as SQLite's default), copying
//! what the checkpoint thread has not yet, and that is what lets SQLite start the WAL over from
//! its beginning (only possible once everything in it has been copied, which a checkpoint running
//! beside a busy writer rarely achieves on its own).
//!
//! Durability is unchanged: a push is durable once its commit has synced the WAL; checkpoints
//! only move committed pages to where they will live.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use rusqlite::Connection;

use super::BUSY_TIMEOUT;
use crate::store::StoreError;

/// Rows appended between two nudges to the checkpointer: ≈ 700 pages of rows at WeChat's push
/// size, about half of [`WRITER_CHECKPOINT_PAGES`] in WAL frames (each group rewrites a few pages).
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use rusqlite::Connection;

    use super::{Checkpoints, ROWS_PER_CHECKPOINT};

    /// Pages committed to the WAL reach the database file through the checkpoint thread alone
    /// (the committing connection's own checkpoints are off), once enough rows were reported.
    #[test]
    fn the_thread_copies_the_wal_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.db");
        let conn = Connection::open(&path).unwrap();
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (body TEXT NOT NULL);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO t SELECT printf('%0500d', i) FROM n;",
        )
        .unwrap();
        let file_len = || std::fs::metadata(&path).unwrap().len();
        let before = file_len();
        assert!(before < 64 * 1024, "the rows are still in the WAL only ({before} bytes in the file)");

        let mut checkpoints = Checkpoints::start(&path).unwrap();
        checkpoints.committed(ROWS_PER_CHECKPOINT - 1);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(file_len(), before, "no checkpoint before enough rows were committed");

        checkpoints.committed(1);
        let deadline = Instant::now() + Duration::from_secs(10);
        while file_len() < 250 * 1024 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(file_len() >= 250 * 1024, "the 500 rows of 500 bytes were not copied into the file ({} bytes)", file_len());
    }
}
