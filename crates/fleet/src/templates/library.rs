//! The local copy of a platform's draft box and template library: what a sync writes, what the
//! rest of the core reads.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension, Row};
use wechat::api::template::{Template as WxTemplate, TemplateDraft};

use super::{Draft, Template, TemplateSync};
use crate::error::{FleetError, Result};

/// Replaces the platform's drafts with `drafts` and upserts `templates`; templates no longer listed
/// are marked gone (their local metadata stays). Inside the caller's transaction.
pub fn apply_sync(
    conn: &Connection,
    platform: &str,
    drafts: &[TemplateDraft],
    templates: &[WxTemplate],
    now_ms: i64,
) -> Result<TemplateSync> {
    conn.execute("DELETE FROM template_drafts WHERE component_appid = ?1", [platform])?;
    for d in drafts {
        conn.execute(
            "INSERT INTO template_drafts (component_appid, draft_id, user_version, user_desc, create_time,
               source_miniprogram_appid, source_miniprogram, developer, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (component_appid, draft_id) DO NOTHING",
            params![
                platform,
                d.draft_id,
                d.user_version,
                d.user_desc,
                d.create_time,
                d.source_miniprogram_appid,
                d.source_miniprogram,
                d.developer,
                now_ms
            ],
        )?;
    }

    let known: HashSet<i64> = live_template_ids(conn, platform)?;
    let mut added = Vec::new();
    for t in templates {
        if !known.contains(&t.template_id) {
            added.push(t.template_id);
        }
        conn.execute(
            "INSERT INTO templates (component_appid, template_id, template_type, user_version, user_desc, create_time, draft_id,
               source_miniprogram_appid, source_miniprogram, developer, audit_status, reason, category_list,
               first_seen_at, synced_at, gone_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, NULL)
             ON CONFLICT (component_appid, template_id) DO UPDATE SET
               template_type = excluded.template_type, user_version = excluded.user_version, user_desc = excluded.user_desc,
               create_time = excluded.create_time, draft_id = excluded.draft_id,
               source_miniprogram_appid = excluded.source_miniprogram_appid, source_miniprogram = excluded.source_miniprogram,
               developer = excluded.developer, audit_status = excluded.audit_status, reason = excluded.reason,
               category_list = excluded.category_list, synced_at = excluded.synced_at, gone_at = NULL",
            params![
                platform,
                t.template_id,
                t.template_type.map(i64::from).unwrap_or(0),
                t.user_version,
                t.user_desc,
                t.create_time,
                t.draft_id,
                t.source_miniprogram_appid,
                t.source_miniprogram,
                t.developer,
                t.audit_status.map(i64::from),
                t.reason,
                serde_json::to_string(&t.category_list)?,
                now_ms
            ],
        )?;
    }

    let listed: HashSet<i64> = templates.iter().map(|t| t.template_id).collect();
    let mut gone: Vec<i64> = known.difference(&listed).copied().collect();
    gone.sort_unstable();
    for template_id in &gone {
        mark_gone(conn, platform, *template_id, now_ms)?;
    }
    added.sort_unstable();
    Ok(TemplateSync { drafts: drafts.len(), templates: templates.len(), added, gone })
}

/// Marks a template gone from WeChat's library (deleted here or elsewhere).
pub fn mark_gone(conn: &Connection, platform: &str, template_id: i64, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE templates SET gone_at = ?3 WHERE component_appid = ?1 AND template_id = ?2 AND gone_at IS NULL",
        params![platform, template_id, now_ms],
    )?;
    Ok(())
}

fn live_template_ids(conn: &Connection, platform: &str) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare("SELECT template_id FROM templates WHERE component_appid = ?1 AND gone_at IS NULL")?;
    let ids = stmt.query_map([platform], |r| r.get(0))?.collect::<rusqlite::Result<HashSet<i64>>>()?;
    Ok(ids)
}

/// The platform's drafts as last synced, newest first.
pub fn drafts(conn: &Connection, platform: &str) -> Result<Vec<Draft>> {
    let mut stmt = conn.prepare(
        "SELECT component_appid, draft_id, user_version, user_desc, create_time, source_miniprogram_appid, source_miniprogram,
                developer, synced_at
         FROM template_drafts WHERE component_appid = ?1 ORDER BY create_time DESC, draft_id DESC",
    )?;
    let rows = stmt.query_map([platform], |r| {
        Ok(Draft {
            component_appid: r.get(0)?,
            draft_id: r.get(1)?,
            user_version: r.get(2)?,
            user_desc: r.get(3)?,
            create_time: r.get(4)?,
            source_miniprogram_appid: r.get(5)?,
            source_miniprogram: r.get(6)?,
            developer: r.get(7)?,
            synced_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The draft `draft_id` as last synced.
pub fn draft(conn: &Connection, platform: &str, draft_id: i64) -> Result<Option<Draft>> {
    Ok(drafts(conn, platform)?.into_iter().find(|d| d.draft_id == draft_id))
}

const TEMPLATE_COLUMNS: &str = "t.component_appid, t.template_id, t.template_type, t.user_version, t.user_desc, t.create_time,
    t.draft_id, t.source_miniprogram_appid, t.source_miniprogram, t.developer, t.audit_status, t.reason, t.category_list,
    t.first_seen_at, t.synced_at, t.gone_at, m.template_id IS NOT NULL, m.ext_schema IS NOT NULL";

fn template_row(r: &Row<'_>, in_use: &HashSet<i64>) -> rusqlite::Result<(Template, String)> {
    let template_id: i64 = r.get(1)?;
    Ok((
        Template {
            component_appid: r.get(0)?,
            template_id,
            template_type: r.get(2)?,
            user_version: r.get(3)?,
            user_desc: r.get(4)?,
            create_time: r.get(5)?,
            draft_id: r.get(6)?,
            source_miniprogram_appid: r.get(7)?,
            source_miniprogram: r.get(8)?,
            developer: r.get(9)?,
            audit_status: r.get(10)?,
            reason: r.get(11)?,
            category_list: serde_json::Value::Null,
            first_seen_at: r.get(13)?,
            synced_at: r.get(14)?,
            gone_at: r.get(15)?,
            has_meta: r.get(16)?,
            has_ext_schema: r.get(17)?,
            in_use: in_use.contains(&template_id),
        },
        r.get(12)?,
    ))
}

fn with_categories((mut template, categories): (Template, String)) -> Result<Template> {
    template.category_list =
        serde_json::from_str(&categories).map_err(|e| FleetError::Store(format!("templates.category_list does not parse: {e}")))?;
    Ok(template)
}

/// Every template of the platform ever synced (gone ones included, marked), newest first.
pub fn templates(conn: &Connection, platform: &str) -> Result<Vec<Template>> {
    let in_use = super::in_use(conn)?;
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM templates t
         LEFT JOIN template_meta m ON m.component_appid = t.component_appid AND m.template_id = t.template_id
         WHERE t.component_appid = ?1 ORDER BY t.create_time DESC, t.template_id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([platform], |r| template_row(r, &in_use))?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(with_categories).collect()
}

/// One template of the platform, if it was ever synced.
pub fn find(conn: &Connection, platform: &str, template_id: i64) -> Result<Option<Template>> {
    let in_use = super::in_use(conn)?;
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM templates t
         LEFT JOIN template_meta m ON m.component_appid = t.component_appid AND m.template_id = t.template_id
         WHERE t.component_appid = ?1 AND t.template_id = ?2"
    );
    let row = conn.query_row(&sql, params![platform, template_id], |r| template_row(r, &in_use)).optional()?;
    row.map(with_categories).transpose()
}

/// One template of the platform, or a not-found error telling to sync.
pub fn require_template(conn: &Connection, platform: &str, template_id: i64) -> Result<Template> {
    find(conn, platform, template_id)?
        .ok_or_else(|| FleetError::not_found(format!("template {template_id} of {platform} (sync the template library first)")))
}
