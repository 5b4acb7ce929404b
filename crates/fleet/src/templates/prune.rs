//! Keeping the library under WeChat's cap (200 templates; 85065 when full) by deleting the oldest
//! templates no mini program runs — niucloud deletes the previous template after every add; here
//! the operator sees the plan first.

use std::collections::HashSet;

use rusqlite::Connection;
use serde::Serialize;

use super::Template;
use crate::error::Result;

/// How many templates WeChat's library holds (the field notes: 200; older docs said 50).
pub const LIBRARY_CAP: usize = 200;

/// Template ids some mini program's latest commit was made from (recorded by
/// [`crate::ext::mark_committed`], which the releases area calls in every commit transaction).
/// Templates a running campaign is about to commit are not known here: campaigns pass them to
/// [`crate::Fleet::prune_templates`] as `protect`.
pub fn in_use(conn: &Connection) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare(
        "SELECT c.template_id FROM ext_commits c
         WHERE c.id = (SELECT MAX(id) FROM ext_commits l WHERE l.appid = c.appid)",
    )?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<HashSet<i64>>>()?;
    Ok(ids)
}

/// What pruning does (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrunePlan {
    /// The platform.
    pub component_appid: String,
    /// Templates in WeChat's library before pruning.
    pub library_size: usize,
    /// The size asked for.
    pub keep: usize,
    /// The templates deleted (or to delete), oldest first.
    pub delete: Vec<Template>,
    /// Templates that stay although older than some deleted one: in use or protected.
    pub kept_in_use: Vec<i64>,
    /// How many more than `keep` remain because everything left is in use, protected or the newest.
    pub short_by: usize,
    /// Whether this was a dry run (nothing deleted).
    pub dry_run: bool,
}

/// Chooses, from the live `templates` (any order), the oldest ones to delete so that at most
/// `keep` remain, skipping those in use, protected, and the newest one (the template most likely
/// about to be committed).
pub fn plan(component_appid: &str, templates: &[Template], keep: usize, in_use: &HashSet<i64>, protect: &[i64]) -> PrunePlan {
    let mut live: Vec<&Template> = templates.iter().filter(|t| t.gone_at.is_none()).collect();
    live.sort_by_key(|t| (t.create_time, t.template_id));
    let newest = live.last().map(|t| t.template_id);
    let excess = live.len().saturating_sub(keep);
    let mut delete = Vec::new();
    let mut kept_in_use = Vec::new();
    for t in &live {
        if delete.len() == excess {
            break;
        }
        if in_use.contains(&t.template_id) || protect.contains(&t.template_id) {
            kept_in_use.push(t.template_id);
        } else if Some(t.template_id) != newest {
            delete.push((*t).clone());
        }
    }
    PrunePlan {
        component_appid: component_appid.to_owned(),
        library_size: live.len(),
        keep,
        short_by: excess - delete.len(),
        delete,
        kept_in_use,
        dry_run: true,
    }
}
