//! What the agency knows about a template and WeChat does not: the changelog, screenshots, the
//! JSON Schema of the `ext` object merchants fill in, and what the template needs from a mini program
//! (domains, privacy declarations, category, base library) — read by campaign pre-flight.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wechat::api::domain::ServerDomains;

use crate::error::{FleetError, Result};
use crate::ext::schema;

/// A template's local metadata. Syncing the library never touches it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateMeta {
    /// What changed in this version, for the staff and the merchants (free text, Markdown welcome).
    #[serde(default)]
    pub changelog: String,
    /// Screenshots of the template, as files on this machine.
    #[serde(default)]
    pub screenshots: Vec<Screenshot>,
    /// The JSON Schema of the `ext` object each merchant fills in (modules, styles, feature
    /// switches); `properties.*.default` values are filled in when composing `ext_json`.
    #[serde(default)]
    pub ext_schema: Option<Value>,
    /// What a mini program needs before this template can go live on it.
    #[serde(default)]
    pub requirements: Requirements,
}

/// One screenshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Screenshot {
    /// The image file (absolute path on this machine).
    pub path: String,
    /// What it shows.
    #[serde(default)]
    pub caption: String,
}

/// What a template needs from a mini program. Domain fields are spelled as in `modify_domain` and
/// `setwebviewdomain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Requirements {
    /// The server domains (`requestdomain`, `wsrequestdomain`, `uploaddomain`, `downloaddomain`,
    /// `udpdomain`, `tcpdomain`), flat in the JSON as in `modify_domain`.
    #[serde(flatten)]
    pub domains: ServerDomains,
    /// `https://` domains `<web-view>` opens.
    #[serde(default)]
    pub webviewdomain: Vec<String>,
    /// `privacy_key`s the privacy guide must declare (`UserInfo`, `Location`, `PhoneNumber`, …).
    #[serde(default)]
    pub privacy_keys: Vec<String>,
    /// The mini program needs one of these categories (empty: any).
    #[serde(default)]
    pub categories: Vec<RequiredCategory>,
    /// The lowest base library (基础库) version the code runs on, e.g. `2.21.2`.
    #[serde(default)]
    pub min_base_library: Option<String>,
}

/// A category a template is made for, by WeChat's ids (as `get_category` lists them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredCategory {
    /// First-level id.
    pub first: i64,
    /// Second-level id.
    pub second: i64,
    /// Its name, for people (`商家自营 > 百货`).
    #[serde(default)]
    pub name: String,
}

/// Checks `meta` and returns it tidied (domains trimmed, duplicates dropped). Every problem is
/// reported, each under the field it concerns.
pub fn check(mut meta: TemplateMeta) -> Result<TemplateMeta> {
    let mut problems: Vec<String> = Vec::new();
    for (i, shot) in meta.screenshots.iter_mut().enumerate() {
        shot.path = shot.path.trim().to_owned();
        if shot.path.is_empty() {
            problems.push(format!("screenshots[{i}].path: empty; give the image file's path"));
        }
    }
    if let Some(ext_schema) = &meta.ext_schema {
        for issue in schema::check_schema(ext_schema) {
            problems.push(format!("ext_schema{}: {}", issue.pointer, issue.message));
        }
    }
    let r = &mut meta.requirements;
    let domain_fields: [(&str, &mut Vec<String>, &[&str]); 7] = [
        ("requestdomain", &mut r.domains.requestdomain, &["https://"]),
        ("wsrequestdomain", &mut r.domains.wsrequestdomain, &["wss://"]),
        ("uploaddomain", &mut r.domains.uploaddomain, &["https://"]),
        ("downloaddomain", &mut r.domains.downloaddomain, &["https://"]),
        ("udpdomain", &mut r.domains.udpdomain, &["udp://"]),
        ("tcpdomain", &mut r.domains.tcpdomain, &["tcp://"]),
        ("webviewdomain", &mut r.webviewdomain, &["https://"]),
    ];
    for (field, domains, schemes) in domain_fields {
        tidy(domains);
        for domain in domains.iter() {
            if let Some(reason) = bad_domain(domain, schemes) {
                problems.push(format!("requirements.{field}: {domain:?} {reason}"));
            }
        }
    }
    tidy(&mut r.privacy_keys);
    for key in &r.privacy_keys {
        if !key.chars().all(|c| c.is_ascii_alphanumeric()) || key.is_empty() {
            problems.push(format!("requirements.privacy_keys: {key:?} is not a privacy_key (like UserInfo, Location, PhoneNumber)"));
        }
    }
    for (i, c) in r.categories.iter().enumerate() {
        if c.first <= 0 || c.second <= 0 {
            problems.push(format!("requirements.categories[{i}]: first and second must be WeChat's category ids (positive numbers)"));
        }
    }
    if let Some(version) = &mut r.min_base_library {
        *version = version.trim().to_owned();
        let parts: Vec<&str> = version.split('.').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            problems.push(format!("requirements.min_base_library: {version:?} is not a version like 2.21.2"));
        }
    }
    if problems.is_empty() {
        Ok(meta)
    } else {
        let listed: String = problems.iter().map(|problem| format!("\n  {problem}")).collect();
        Err(FleetError::invalid("template metadata", format!("{} problem(s):{listed}", problems.len())))
    }
}

fn tidy(list: &mut Vec<String>) {
    for item in list.iter_mut() {
        *item = item.trim().trim_end_matches('/').to_owned();
    }
    let mut seen = std::collections::HashSet::new();
    list.retain(|item| seen.insert(item.clone()));
}

fn bad_domain(domain: &str, schemes: &[&str]) -> Option<String> {
    let Some(rest) = schemes.iter().find_map(|s| domain.strip_prefix(s)) else {
        return Some(format!("must start with {}", schemes.join(" or ")));
    };
    let host = rest.split(':').next().unwrap_or("");
    if host.is_empty() || rest.contains('/') || !host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Some("is not a domain (scheme and host only, no path)".to_owned());
    }
    None
}

/// The stored metadata, when any was set.
pub fn load(conn: &Connection, platform: &str, template_id: i64) -> Result<Option<TemplateMeta>> {
    let row: Option<(String, String, Option<String>, String)> = conn
        .query_row(
            "SELECT changelog, screenshots, ext_schema, requirements FROM template_meta WHERE component_appid = ?1 AND template_id = ?2",
            params![platform, template_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((changelog, screenshots, ext_schema, requirements)) = row else { return Ok(None) };
    Ok(Some(TemplateMeta {
        changelog,
        screenshots: serde_json::from_str(&screenshots)?,
        ext_schema: ext_schema.map(|s| serde_json::from_str(&s)).transpose()?,
        requirements: serde_json::from_str(&requirements)?,
    }))
}

/// Stores `meta` (already checked) for the template, replacing what was there.
pub fn save(conn: &Connection, platform: &str, template_id: i64, meta: &TemplateMeta, actor: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO template_meta (component_appid, template_id, changelog, screenshots, ext_schema, requirements, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (component_appid, template_id) DO UPDATE SET changelog = excluded.changelog, screenshots = excluded.screenshots,
           ext_schema = excluded.ext_schema, requirements = excluded.requirements, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by",
        params![
            platform,
            template_id,
            meta.changelog,
            serde_json::to_string(&meta.screenshots)?,
            meta.ext_schema.as_ref().map(serde_json::to_string).transpose()?,
            serde_json::to_string(&meta.requirements)?,
            now_ms,
            actor
        ],
    )?;
    Ok(())
}
