//! Forward-only, numbered migrations, all pending ones in one transaction; a database newer than
//! this binary is refused untouched. The version lives in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{FleetError, Result};

/// The migrations, in order; migration `i` brings the database to version `i + 1`. Never edit one
/// that has shipped: add the next.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_store", include_str!("migrations/0001_store.sql")),
    ("0002_platforms", include_str!("migrations/0002_platforms.sql")),
    ("0003_inbox", include_str!("migrations/0003_inbox.sql")),
    ("0004_merchants", include_str!("migrations/0004_merchants.sql")),
    ("0005_templates", include_str!("migrations/0005_templates.sql")),
    ("0006_releases", include_str!("migrations/0006_releases.sql")),
    ("0007_campaigns", include_str!("migrations/0007_campaigns.sql")),
];

/// The schema version this binary writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The database's schema version.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Applies every pending migration in one transaction. Returns the versions applied (empty when
/// the database is current).
pub fn migrate(conn: &mut Connection) -> Result<Vec<i64>> {
    let found = version(conn)?;
    if found > latest() {
        return Err(FleetError::DatabaseNewer { found, supported: latest() });
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    // Re-read inside the lock: another process may have migrated meanwhile.
    let found = version(&tx)?;
    if found > latest() {
        return Err(FleetError::DatabaseNewer { found, supported: latest() });
    }
    let mut applied = Vec::new();
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let to = index as i64 + 1;
        tx.execute_batch(sql).map_err(|e| FleetError::Store(format!("migration {name} failed: {e}")))?;
        applied.push(to);
    }
    if let Some(&to) = applied.last() {
        tx.pragma_update(None, "user_version", to)?;
    }
    tx.commit()?;
    Ok(applied)
}
