//! One runner per campaign across processes (the desktop and the CLI may share a workspace): the
//! runner holds an exclusive SQLite lock on a small file next to the database for as long as it
//! runs. The operating system releases it when the process ends, however it ends — so a campaign
//! whose runner was killed can be resumed at once, and one still running cannot be run twice.

use std::path::PathBuf;

use rusqlite::{Connection, ErrorCode};

use crate::error::{FleetError, Result};
use crate::Store;

/// Held while a campaign runs.
#[derive(Debug)]
pub struct RunnerLock {
    _held: Option<Connection>,
}

impl RunnerLock {
    /// Takes the lock of `campaign_id`, or says that another process runs it.
    pub fn acquire(store: &Store, campaign_id: i64) -> Result<RunnerLock> {
        let Some(db) = store.path() else {
            // A database in memory belongs to this process alone.
            return Ok(RunnerLock { _held: None });
        };
        let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "wxfleet.db".to_owned());
        let path: PathBuf = db.with_file_name(format!("{name}.campaign-{campaign_id}.lock"));
        let conn = Connection::open(&path).map_err(|e| FleetError::Io(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        match conn.execute_batch("BEGIN EXCLUSIVE") {
            Ok(()) => Ok(RunnerLock { _held: Some(conn) }),
            Err(e) if matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)) => {
                Err(FleetError::Conflict(format!(
                    "campaign {campaign_id} is being run by another wxfleet process (the desktop or the CLI) on this workspace"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runner_per_campaign_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wxfleet.db")).unwrap();
        // Another handle on the same database, as another process would have.
        let other = Store::open(&dir.path().join("wxfleet.db")).unwrap();
        let held = RunnerLock::acquire(&store, 7).unwrap();
        let refused = RunnerLock::acquire(&other, 7).unwrap_err();
        assert!(refused.to_string().contains("another wxfleet process"), "{refused}");
        RunnerLock::acquire(&other, 8).expect("another campaign is free");
        drop(held);
        RunnerLock::acquire(&other, 7).expect("free once the runner ends");
    }
}
