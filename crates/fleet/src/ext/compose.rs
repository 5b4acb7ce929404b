//! The `ext_json` string of a `wxa/commit`, composed from a mini program's latest configuration and
//! the template's schema; and the same as a pretty preview for the UI.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use super::{config, history, ExtIssue};
use crate::error::{FleetError, Result};
use crate::templates::{self, meta};
use crate::Fleet;

/// What [`compose`] gives the releases area for `wxa/commit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComposedExt {
    /// The mini program.
    pub appid: String,
    /// The template it is composed for.
    pub template_id: i64,
    /// The exact `ext_json` string for `wxa/commit`: `{"extAppid":…,"ext":{…},…}`.
    pub ext_json: String,
    /// The configuration revision it came from; `None` when the mini program has none yet (then
    /// `ext` holds the schema's defaults only). Pass it to [`super::mark_committed`].
    pub revision_id: Option<i64>,
    /// Field-level overrides that replace the template's `app.json` entries wholesale, and other
    /// things worth a look.
    pub warnings: Vec<ExtIssue>,
    /// JSON pointers filled from the schema's defaults.
    pub filled_defaults: Vec<String>,
}

/// What the UI shows before a commit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExtPreview {
    /// The mini program.
    pub appid: String,
    /// The template.
    pub template_id: i64,
    /// The configuration revision it came from, if any.
    pub revision_id: Option<i64>,
    /// The composed `ext_json` object.
    pub value: Value,
    /// The same, pretty-printed.
    pub pretty: String,
    /// What would stop a commit (empty when it can go).
    pub issues: Vec<ExtIssue>,
    /// What deserves a look.
    pub warnings: Vec<ExtIssue>,
    /// JSON pointers filled from the schema's defaults.
    pub filled_defaults: Vec<String>,
}

/// Builds the exact `ext_json` string for committing `template_id` to `appid` from the mini
/// program's latest configuration, inside the caller's connection (a campaign's transaction).
/// Refused, with every problem listed, when the configuration does not fit the template (its
/// schema, the standard-template rule).
pub fn compose_in(conn: &Connection, appid: &str, template_id: i64) -> Result<ComposedExt> {
    let preview = preview_in(conn, appid, template_id, None)?;
    if !preview.issues.is_empty() {
        return Err(issues_error(&preview.issues));
    }
    Ok(ComposedExt {
        appid: preview.appid,
        template_id,
        ext_json: serde_json::to_string(&preview.value)?,
        revision_id: preview.revision_id,
        warnings: preview.warnings,
        filled_defaults: preview.filled_defaults,
    })
}

/// [`compose_in`] on the workspace's database.
pub async fn compose(fleet: &Fleet, appid: &str, template_id: i64) -> Result<ComposedExt> {
    let appid = appid.to_owned();
    fleet.store().read(move |conn| compose_in(conn, &appid, template_id)).await
}

/// The composed `ext_json` of the latest configuration (or of `config`, an edit not saved yet)
/// for `template_id`, with its issues and warnings: never refused for what the configuration
/// holds, so the editor can show all of it.
pub fn preview_in(conn: &Connection, appid: &str, template_id: i64, config: Option<&Value>) -> Result<ExtPreview> {
    let platform = crate::authorizers::platform_of(conn, appid)?;
    let known = templates::find(conn, &platform, template_id)?;
    let ext_schema = match &known {
        Some(_) => meta::load(conn, &platform, template_id)?.and_then(|m| m.ext_schema),
        None => None,
    };
    let (revision_id, config) = match config {
        Some(config) => (None, config.clone()),
        None => match history::latest(conn, appid)? {
            Some(revision) => (Some(revision.id), revision.config),
            None => (None, Value::Null),
        },
    };
    let mut built = config::build(appid, template_id, known.as_ref().is_some_and(|t| t.is_standard()), ext_schema.as_ref(), &config);
    match &known {
        Some(template) if template.gone_at.is_some() => built
            .issues
            .push(ExtIssue::new("", format!("template {template_id} is no longer in WeChat's library (deleted); pick a current one"))),
        Some(_) => {}
        // WeChat checks the template itself (85014); what only the local copy knows is skipped, and said so.
        None => built.warnings.push(ExtIssue::new(
            "",
            format!(
                "template {template_id} is not in the local copy of the library (sync templates): its kind and ext schema were not checked"
            ),
        )),
    }
    let value = Value::Object(built.value);
    Ok(ExtPreview {
        appid: appid.to_owned(),
        template_id,
        revision_id,
        pretty: serde_json::to_string_pretty(&value)?,
        value,
        issues: built.issues,
        warnings: built.warnings,
        filled_defaults: built.filled_defaults,
    })
}

/// [`preview_in`] of the latest saved configuration, on the workspace's database.
pub async fn preview(fleet: &Fleet, appid: &str, template_id: i64) -> Result<ExtPreview> {
    let appid = appid.to_owned();
    fleet.store().read(move |conn| preview_in(conn, &appid, template_id, None)).await
}

/// [`preview_in`] of an edit not saved yet.
pub async fn preview_unsaved(fleet: &Fleet, appid: &str, template_id: i64, config: Value) -> Result<ExtPreview> {
    let appid = appid.to_owned();
    fleet.store().read(move |conn| preview_in(conn, &appid, template_id, Some(&config))).await
}

/// One error naming every problem, each under its JSON pointer.
pub fn issues_error(issues: &[ExtIssue]) -> FleetError {
    let listed: String = issues.iter().map(|issue| format!("\n  {issue}")).collect();
    let count = if issues.len() == 1 { "1 problem".to_owned() } else { format!("{} problems", issues.len()) };
    FleetError::invalid("ext_json", format!("{count}:{listed}"))
}
