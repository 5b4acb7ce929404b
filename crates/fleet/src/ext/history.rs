//! Saved configurations (append-only revisions) and the commits that used them.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

use super::{ExtCommit, ExtRevision};
use crate::error::{FleetError, Result};

const REVISION_COLUMNS: &str = "r.id, r.appid, r.template_id, r.config, r.actor, r.created_at,
    (SELECT MAX(c.committed_at) FROM ext_commits c WHERE c.revision_id = r.id)";

fn revision_row(r: &Row<'_>) -> rusqlite::Result<(ExtRevision, String)> {
    Ok((
        ExtRevision {
            id: r.get(0)?,
            appid: r.get(1)?,
            template_id: r.get(2)?,
            config: Value::Null,
            actor: r.get(4)?,
            created_at: r.get(5)?,
            committed_at: r.get(6)?,
        },
        r.get(3)?,
    ))
}

fn with_config((mut revision, config): (ExtRevision, String)) -> Result<ExtRevision> {
    revision.config = serde_json::from_str(&config).map_err(|e| FleetError::Store(format!("ext_revisions.config does not parse: {e}")))?;
    Ok(revision)
}

/// The newest revision of `appid`, if any.
pub fn latest(conn: &Connection, appid: &str) -> Result<Option<ExtRevision>> {
    let sql = format!("SELECT {REVISION_COLUMNS} FROM ext_revisions r WHERE r.appid = ?1 ORDER BY r.id DESC LIMIT 1");
    conn.query_row(&sql, [appid], revision_row).optional()?.map(with_config).transpose()
}

/// Revision `id` of `appid`.
pub fn revision(conn: &Connection, appid: &str, id: i64) -> Result<ExtRevision> {
    let sql = format!("SELECT {REVISION_COLUMNS} FROM ext_revisions r WHERE r.appid = ?1 AND r.id = ?2");
    conn.query_row(&sql, params![appid, id], revision_row)
        .optional()?
        .map(with_config)
        .transpose()?
        .ok_or_else(|| FleetError::not_found(format!("ext revision {id} of {appid}")))
}

/// Every revision of `appid`, newest first.
pub fn all(conn: &Connection, appid: &str) -> Result<Vec<ExtRevision>> {
    let sql = format!("SELECT {REVISION_COLUMNS} FROM ext_revisions r WHERE r.appid = ?1 ORDER BY r.id DESC");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([appid], revision_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(with_config).collect()
}

/// Appends a revision; returns its id.
pub fn insert(conn: &Connection, appid: &str, template_id: i64, config: &Value, actor: &str, now_ms: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO ext_revisions (appid, template_id, config, actor, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![appid, template_id, serde_json::to_string(config)?, actor, now_ms],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The latest commit of `appid`, if any.
pub fn last_commit(conn: &Connection, appid: &str) -> Result<Option<ExtCommit>> {
    Ok(conn
        .query_row(
            "SELECT id, appid, revision_id, template_id, committed_at FROM ext_commits WHERE appid = ?1 ORDER BY id DESC LIMIT 1",
            [appid],
            |r| Ok(ExtCommit { id: r.get(0)?, appid: r.get(1)?, revision_id: r.get(2)?, template_id: r.get(3)?, committed_at: r.get(4)? }),
        )
        .optional()?)
}

/// Records a commit.
pub fn insert_commit(conn: &Connection, appid: &str, revision_id: Option<i64>, template_id: i64, at_ms: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO ext_commits (appid, revision_id, template_id, committed_at) VALUES (?1, ?2, ?3, ?4)",
        params![appid, revision_id, template_id, at_ms],
    )?;
    Ok(conn.last_insert_rowid())
}
