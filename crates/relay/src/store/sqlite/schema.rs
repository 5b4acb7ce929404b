//! The SQLite schema, as forward-only migrations numbered by `PRAGMA user_version`.
//!
//! A migration is appended, never edited: a database at version N has run exactly the first N.
//! A database from a newer binary (version above what this binary knows) is refused rather than
//! written with assumptions that may no longer hold.

use rusqlite::Connection;

use crate::store::StoreError;

/// The migrations, oldest first; index i brings the schema from version i to i + 1.
const MIGRATIONS: &[&str] = &[
    // 1: the log, devices with their cursors, authorization links, and store-wide facts.
    r#"
    CREATE TABLE events (
        -- AUTOINCREMENT: a purged seq is never handed out again (sqlite_sequence remembers it).
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        platform    TEXT    NOT NULL,
        source      TEXT    NOT NULL,
        appid       TEXT,
        query       TEXT    NOT NULL,
        body        TEXT    NOT NULL,
        received_at INTEGER NOT NULL
    );
    CREATE INDEX events_received_at ON events (received_at);

    CREATE TABLE devices (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        name              TEXT    NOT NULL,
        credential_sha256 TEXT    NOT NULL UNIQUE,
        created_at        INTEGER NOT NULL,
        revoked_at        INTEGER,
        acked_seq         INTEGER NOT NULL DEFAULT 0,
        last_seen         INTEGER
    );

    CREATE TABLE links (
        id             TEXT    PRIMARY KEY,
        platform       TEXT    NOT NULL,
        pre_auth_code  TEXT    NOT NULL,
        mode           TEXT    NOT NULL,
        auth_type      INTEGER,
        biz_appid      TEXT,
        consent_origin TEXT,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        state          TEXT    NOT NULL
    );

    -- purged_through: the highest seq ever purged (a device behind it has a gap).
    CREATE TABLE meta (
        key   TEXT    PRIMARY KEY,
        value INTEGER NOT NULL
    );
    "#,
    // 2: the log's identity (one row, filled in by `SqliteStore::open`): seq restarts at 1 in a
    // wiped or replaced database, so devices check which log their cursor belongs to.
    r#"
    CREATE TABLE log_identity (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id        TEXT    NOT NULL
    );
    "#,
    // 3: no index on received_at. Only the hourly purge looked at it, and it finds its cut by
    // walking the log from the oldest seq (it stops at the first event to keep); the index cost
    // every push an index insert and every group commit one more page written and synced.
    "DROP INDEX IF EXISTS events_received_at;",
];

/// The schema version this binary writes.
pub(crate) fn supported_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the database up to [`supported_version`], or refuses one that is newer.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let supported = supported_version();
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
