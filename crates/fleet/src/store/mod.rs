//! The workspace database: SQLite through rusqlite, WAL, forward-only migrations.
//!
//! One connection behind a mutex; async callers hop to a blocking thread for every access
//! ([`Store::read`], [`Store::write`]), so the async core never blocks its runtime on disk. Writes run
//! in an IMMEDIATE transaction and commit before they return: what a write returned is durable.

pub mod migrate;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{FleetError, Result};

/// The workspace database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Whether a file can be created in `dir` (a read-only mount or permissions say no).
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".wxfleet-write-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => std::fs::remove_file(&probe).is_ok(),
        Err(e) => e.kind() == std::io::ErrorKind::AlreadyExists,
    }
}

impl Store {
    /// Opens (creating when missing) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| FleetError::Io(format!("cannot create {}: {e}", parent.display())))?;
        }
        let conn = Connection::open(path).map_err(|e| FleetError::Store(format!("cannot open {}: {e}", path.display())))?;
        // SQLite says only "unable to open database file" when the folder cannot take its log files.
        Store::setup(conn, Some(path.to_owned())).map_err(|e| match e {
            FleetError::Store(_) if path.parent().is_some_and(|dir| !writable(dir)) => FleetError::ReadOnly,
            other => other,
        })
    }

    /// A private database in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        // The version check comes first: a newer database is refused before anything touches it.
        let found = migrate::version(&conn)?;
        if found > migrate::latest() {
            return Err(FleetError::DatabaseNewer { found, supported: migrate::latest() });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a committed campaign step survives a power cut, not only a killed process.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate::migrate(&mut conn)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)), path })
    }

    /// The database file, when not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&conn)
        })
        .await
        .map_err(|e| FleetError::Store(format!("database task failed: {e}")))?
    }

    /// Runs `f` in an IMMEDIATE transaction on a blocking thread and commits when it returns `Ok`
    /// (rolls back on `Err`).
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
        .map_err(|e| FleetError::Store(format!("database task failed: {e}")))?
    }

    /// Synchronous access, for start-up code that runs outside the runtime.
    pub fn blocking_write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}
