//! The PostgreSQL schema: numbered, forward-only migrations, applied in one transaction.
//!
//! Several relay instances may start at once against one database: the migration takes a
//! transaction-scoped advisory lock first, so exactly one of them migrates and the others then find
//! the schema current. A database migrated by a newer relay is refused rather than misread.

use tokio_postgres::Client;

use crate::store::StoreError;

/// Serialises migrations across relay instances (advisory locks are per database).
const MIGRATION_LOCK: i64 = 0x7778_666c_6565_7400; // "wxfleet\0"

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`. Append only; never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: the log, its counters, devices, authorization links.
    r#"
    CREATE TABLE relay_events (
        seq         BIGINT PRIMARY KEY,
        platform    TEXT   NOT NULL,
        source      TEXT   NOT NULL CHECK (source IN ('component', 'app', 'authorize')),
        appid       TEXT,
        -- BYTEA, not TEXT: byte-exact whatever the server encoding, NUL included.
        query       BYTEA  NOT NULL,
        body        BYTEA  NOT NULL,
        received_at BIGINT NOT NULL
    );
    CREATE INDEX relay_events_received_at ON relay_events (received_at);

    -- last_seq: the highest sequence ever assigned (sequences are never reused, even after a purge);
    -- purged_through: the highest sequence ever purged (a cursor below it has a gap).
    CREATE TABLE relay_meta (
        key   TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );
    INSERT INTO relay_meta (key, value) VALUES ('last_seq', 0), ('purged_through', 0);

    CREATE TABLE relay_devices (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name            TEXT   NOT NULL,
        credential_hash TEXT   NOT NULL UNIQUE, -- hex SHA-256 of the bearer credential (store::credential)
        created_at      BIGINT NOT NULL,
        revoked_at      BIGINT,
        acked_seq       BIGINT NOT NULL DEFAULT 0,
        last_seen       BIGINT
    );

    CREATE TABLE relay_authorize_links (
        id             TEXT PRIMARY KEY,
        platform       TEXT   NOT NULL,
        pre_auth_code  TEXT   NOT NULL,
        mode           TEXT   NOT NULL,
        auth_type      SMALLINT,
        biz_appid      TEXT,
        consent_origin TEXT,
        created_at     BIGINT NOT NULL,
        expires_at     BIGINT NOT NULL,
        state          TEXT   NOT NULL
    );
    "#,
    // 2: the log's identity (one row, filled in by `PgStore::connect`): seq restarts at 1 in a
    // wiped or replaced database, so devices check which log their cursor belongs to.
    r#"
    CREATE TABLE relay_log (
        singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
        id        TEXT    NOT NULL
    );
    "#,
];

/// The schema version this binary writes.
pub const LATEST: i32 = MIGRATIONS.len() as i32;

/// Brings the database to [`LATEST`]; refuses one that is newer. Returns the version found.
pub async fn migrate(client: &mut Client) -> Result<i32, StoreError> {
    let tx = client.transaction().await?;
    tx.batch_execute(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS relay_schema_version (version INTEGER NOT NULL);"
    ))
    .await?;
    let found: i32 = match tx.query_opt("SELECT version FROM relay_schema_version", &[]).await? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO relay_schema_version (version) VALUES (0)", &[]).await?;
            0
        }
    };
    if found > LATEST {
        return Err(StoreError::SchemaTooNew { found: found.into(), supported: LATEST.into() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).await?;
        tracing::info!(version = index + 1, "postgres schema migrated");
    }
    tx.execute("UPDATE relay_schema_version SET version = $1", &[&LATEST]).await?;
    tx.commit().await?;
    Ok(found)
}
