//! Each merchant's ext_json: edited against the template's JSON Schema, validated, diffed against the
//! previous commit, kept in history.
//!
//! A mini program's *configuration* is everything of `ext_json` but `extAppid`: the `ext` object
//! (the merchant's values the template's code reads with `wx.getExtConfigSync()`) and optional
//! `app.json`-level overrides (`window`, `tabBar`, `extPages`, `requiredPrivateInfos`, …). Every save
//! is a new revision (who, when). [`compose`] turns the latest into the `ext_json` string of
//! `wxa/commit`, schema defaults filled in; the releases area records each commit with
//! [`mark_committed`], so "what changed since the last commit" is always answerable.

mod compose;
pub mod config;
mod diff;
mod history;
pub mod schema;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::Fleet;

pub use compose::{compose, compose_in, issues_error, preview, preview_in, preview_unsaved, ComposedExt, ExtPreview};
pub use diff::{changes, ExtChange};

/// A problem or a warning about one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtIssue {
    /// The field's JSON pointer in `ext_json` (`/ext/theme/primary`; `` for the whole).
    pub pointer: String,
    /// What is wrong, and what would be accepted.
    pub message: String,
}

impl ExtIssue {
    /// An issue at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> ExtIssue {
        ExtIssue { pointer: pointer.into(), message: message.into() }
    }
}

impl std::fmt::Display for ExtIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() { "(whole)" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

/// One saved configuration of a mini program.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtRevision {
    /// The revision id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// The template it was checked against when saved.
    pub template_id: i64,
    /// `{"ext": {…}, "window": {…}, …}` as saved (defaults are filled when composing, not here).
    pub config: Value,
    /// Who saved it.
    pub actor: String,
    /// When (unix ms).
    pub created_at: i64,
    /// When it was last committed (unix ms), if ever.
    pub committed_at: Option<i64>,
}

/// One `wxa/commit`, as the releases area recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtCommit {
    /// Row id.
    pub id: i64,
    /// The mini program.
    pub appid: String,
    /// The configuration committed (`None`: the mini program had none).
    pub revision_id: Option<i64>,
    /// The template committed.
    pub template_id: i64,
    /// When (unix ms).
    pub committed_at: i64,
}

/// What changed between two points of a mini program's configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtDiff {
    /// The mini program.
    pub appid: String,
    /// The revision compared from (`None`: nothing, e.g. never committed).
    pub from_revision: Option<i64>,
    /// The revision compared to (`None`: nothing saved).
    pub to_revision: Option<i64>,
    /// The template committed last, when comparing against the commit.
    pub from_template: Option<i64>,
    /// The template of the revision compared to.
    pub to_template: Option<i64>,
    /// The changes, in order.
    pub changes: Vec<ExtChange>,
}

/// Records, inside the releases area's commit transaction, that `appid` was committed from
/// `template_id` with configuration `revision_id` (from [`ComposedExt::revision_id`]) at `at_ms`.
/// Makes the template count as in use ([`crate::templates::in_use`]) and the revision the base of
/// [`Fleet::ext_diff_against_committed`].
pub fn mark_committed(conn: &Connection, appid: &str, revision_id: Option<i64>, template_id: i64, at_ms: i64) -> Result<()> {
    if let Some(id) = revision_id {
        // A revision of another mini program would make every later diff wrong.
        history::revision(conn, appid, id)?;
    }
    history::insert_commit(conn, appid, revision_id, template_id, at_ms)?;
    Ok(())
}

/// The latest commit of `appid` recorded by [`mark_committed`].
pub fn last_commit(conn: &Connection, appid: &str) -> Result<Option<ExtCommit>> {
    history::last_commit(conn, appid)
}

impl Fleet {
    /// The mini program's latest saved configuration, if any (not found: no such mini program).
    pub async fn ext_config(&self, appid: &str) -> Result<Option<ExtRevision>> {
        let appid = appid.to_owned();
        self.store()
            .read(move |conn| {
                crate::authorizers::platform_of(conn, &appid)?;
                history::latest(conn, &appid)
            })
            .await
    }

    /// Every problem `config` would have as the configuration of `appid` for `template_id` (empty:
    /// it can be saved). For the editor, before saving.
    pub async fn check_ext_config(&self, appid: &str, template_id: i64, config: Value) -> Result<Vec<ExtIssue>> {
        Ok(preview_unsaved(self, appid, template_id, config).await?.issues)
    }

    /// Saves `config` (`{"ext": {…}, "window": {…}, …}`) as the mini program's configuration, checked
    /// against template `template_id` (its ext schema with defaults filled, the keys `ext_json`
    /// takes, the standard-template rule). Refused with every problem listed, each under its JSON
    /// pointer. Saving what is already the latest (same template) adds no revision.
    pub async fn set_ext_config(&self, appid: &str, template_id: i64, config: Value) -> Result<ExtRevision> {
        let outcome = self.save_ext_config(appid, template_id, config).await;
        let detail = match &outcome {
            Ok(revision) => format!("template {template_id}, revision {}", revision.id),
            Err(_) => format!("template {template_id}"),
        };
        self.record("ext.set", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    async fn save_ext_config(&self, appid: &str, template_id: i64, config: Value) -> Result<ExtRevision> {
        let (appid, actor, now) = (appid.to_owned(), self.actor().to_owned(), self.now_ms());
        self.store()
            .write(move |tx| {
                // Saved only against a template known here: its kind and schema are what it is checked by.
                crate::templates::require_template(tx, &crate::authorizers::platform_of(tx, &appid)?, template_id)?;
                let checked = preview_in(tx, &appid, template_id, Some(&config))?;
                if !checked.issues.is_empty() {
                    return Err(issues_error(&checked.issues));
                }
                if let Some(latest) = history::latest(tx, &appid)? {
                    if latest.config == config && latest.template_id == template_id {
                        return Ok(latest);
                    }
                }
                let id = history::insert(tx, &appid, template_id, &config, &actor, now)?;
                history::revision(tx, &appid, id)
            })
            .await
    }

    /// Every saved configuration of the mini program, newest first.
    pub async fn ext_history(&self, appid: &str) -> Result<Vec<ExtRevision>> {
        let appid = appid.to_owned();
        self.store()
            .read(move |conn| {
                crate::authorizers::platform_of(conn, &appid)?;
                history::all(conn, &appid)
            })
            .await
    }

    /// What changed from revision `from_rev` to revision `to_rev` of the mini program.
    pub async fn ext_diff(&self, appid: &str, from_rev: i64, to_rev: i64) -> Result<Vec<ExtChange>> {
        let appid = appid.to_owned();
        self.store()
            .read(move |conn| {
                let from = history::revision(conn, &appid, from_rev)?;
                let to = history::revision(conn, &appid, to_rev)?;
                Ok(changes(&from.config, &to.config))
            })
            .await
    }

    /// What changed in the mini program's configuration since its last commit (everything, when it
    /// was never committed or committed without one).
    pub async fn ext_diff_against_committed(&self, appid: &str) -> Result<ExtDiff> {
        let appid = appid.to_owned();
        self.store()
            .read(move |conn| {
                crate::authorizers::platform_of(conn, &appid)?;
                let commit = history::last_commit(conn, &appid)?;
                let from = match commit.as_ref().and_then(|c| c.revision_id) {
                    Some(id) => Some(history::revision(conn, &appid, id)?),
                    None => None,
                };
                let to = history::latest(conn, &appid)?;
                let empty = Value::Object(Default::default());
                let changes = changes(from.as_ref().map_or(&empty, |r| &r.config), to.as_ref().map_or(&empty, |r| &r.config));
                Ok(ExtDiff {
                    appid: appid.clone(),
                    from_revision: from.as_ref().map(|r| r.id),
                    to_revision: to.as_ref().map(|r| r.id),
                    from_template: commit.map(|c| c.template_id),
                    to_template: to.as_ref().map(|r| r.template_id),
                    changes,
                })
            })
            .await
    }
}
