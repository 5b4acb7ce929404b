//! What the staff see of the mini programs: the list (status, name, granted permission sets, last
//! sync) and one mini program with its last `api_get_authorizer_info` answer.

use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};
use wechat::api::auth::AuthorizerInfo;

use crate::error::{FleetError, Result};
use crate::{permissions, Fleet};

/// Whether the platform may act for the mini program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuthorizerStatus {
    /// Authorized (or re-authorized).
    Authorized,
    /// The merchant revoked the authorization: every action is refused.
    Revoked,
}

impl AuthorizerStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorizerStatus::Authorized => "authorized",
            AuthorizerStatus::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> Result<AuthorizerStatus> {
        match text {
            "authorized" => Ok(AuthorizerStatus::Authorized),
            "revoked" => Ok(AuthorizerStatus::Revoked),
            other => Err(FleetError::Store(format!("authorizers.status {other:?}"))),
        }
    }
}

/// A permission set the merchant granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrantedSet {
    /// `funcscope_category.id`.
    pub id: u32,
    /// Its name (zh-CN / en).
    pub name: String,
}

/// A mini program of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Authorizer {
    /// The mini program's appid.
    pub appid: String,
    /// The platform it authorized.
    pub component_appid: String,
    /// Its name (empty until the info is synced, and for freshly registered mini programs).
    pub nick_name: String,
    /// The original id (`gh_…`).
    pub user_name: String,
    /// The subject (company) name.
    pub principal_name: String,
    /// The avatar URL.
    pub head_img: String,
    /// Authorized or revoked.
    pub status: AuthorizerStatus,
    /// The permission sets granted, by id.
    pub granted: Vec<GrantedSet>,
    /// When it (last) authorized (unix ms).
    pub authorized_at: Option<i64>,
    /// When it revoked (unix ms).
    pub revoked_at: Option<i64>,
    /// When the info was last synced (unix ms).
    pub info_synced_at: Option<i64>,
    /// When it was last seen in WeChat's authorizer list (unix ms).
    pub list_synced_at: Option<i64>,
    /// Last change (unix ms).
    pub updated_at: i64,
}

impl Authorizer {
    /// Whether the merchant granted permission set `set`.
    pub fn has(&self, set: u32) -> bool {
        self.granted.iter().any(|g| g.id == set)
    }

    fn from_row(row: &Row<'_>) -> Result<Authorizer> {
        let func_ids: String = row.get("func_ids")?;
        let ids: Vec<u32> = serde_json::from_str(&func_ids)?;
        let status: String = row.get("status")?;
        Ok(Authorizer {
            appid: row.get("appid")?,
            component_appid: row.get("component_appid")?,
            nick_name: row.get("nick_name")?,
            user_name: row.get("user_name")?,
            principal_name: row.get("principal_name")?,
            head_img: row.get("head_img")?,
            status: AuthorizerStatus::parse(&status)?,
            granted: ids.into_iter().map(|id| GrantedSet { id, name: permissions::name(id).to_owned() }).collect(),
            authorized_at: row.get("authorized_at")?,
            revoked_at: row.get("revoked_at")?,
            info_synced_at: row.get("info_synced_at")?,
            list_synced_at: row.get("list_synced_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

/// One mini program with its profile as WeChat last reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorizerDetail {
    /// The list row.
    pub authorizer: Authorizer,
    /// The last `api_get_authorizer_info` profile (`None` until synced).
    pub info: Option<AuthorizerInfo>,
}

/// Which mini programs to list (every field narrows; the default lists all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AuthorizerFilter {
    /// Only this platform's.
    pub component_appid: Option<String>,
    /// Only authorized, or only revoked.
    pub status: Option<AuthorizerStatus>,
    /// Name, appid, original id or subject containing this (case-insensitive).
    pub search: Option<String>,
    /// Only those that granted this permission set.
    pub granted: Option<u32>,
    /// Only those that did not grant this permission set (to ask them to authorize again).
    pub missing: Option<u32>,
}

impl AuthorizerFilter {
    fn keeps(&self, a: &Authorizer) -> bool {
        let search = self.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let matches = |s: &str| search.as_deref().is_none_or(|needle| s.to_lowercase().contains(needle));
        (search.is_none() || [&a.appid, &a.nick_name, &a.user_name, &a.principal_name].iter().any(|s| matches(s)))
            && self.granted.is_none_or(|set| a.has(set))
            && self.missing.is_none_or(|set| !a.has(set))
    }
}

/// Every mini program matching `filter`, by platform then name.
pub fn list(conn: &Connection, filter: &AuthorizerFilter) -> Result<Vec<Authorizer>> {
    let mut stmt = conn.prepare(
        "SELECT * FROM authorizers WHERE (?1 IS NULL OR component_appid = ?1) AND (?2 IS NULL OR status = ?2)
         ORDER BY component_appid, nick_name, appid",
    )?;
    let mut rows = stmt.query(rusqlite::params![filter.component_appid, filter.status.map(AuthorizerStatus::as_str)])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let authorizer = Authorizer::from_row(row)?;
        if filter.keeps(&authorizer) {
            out.push(authorizer);
        }
    }
    Ok(out)
}

/// One mini program, with its stored profile.
pub fn detail(conn: &Connection, appid: &str) -> Result<AuthorizerDetail> {
    let mut stmt = conn.prepare("SELECT * FROM authorizers WHERE appid = ?1")?;
    let mut rows = stmt.query([appid])?;
    let row = rows.next()?.ok_or_else(|| FleetError::not_found(format!("mini program {appid}")))?;
    let authorizer = Authorizer::from_row(row)?;
    let info: String = row.get("info")?;
    // '{}' until the first sync; a profile that no longer parses is shown as not synced.
    let info = serde_json::from_str::<AuthorizerInfo>(&info).ok();
    Ok(AuthorizerDetail { authorizer, info })
}

impl Fleet {
    /// The mini programs matching `filter`.
    pub async fn authorizers(&self, filter: AuthorizerFilter) -> Result<Vec<Authorizer>> {
        self.store().read(move |conn| list(conn, &filter)).await
    }

    /// One mini program with its profile.
    pub async fn authorizer(&self, appid: &str) -> Result<AuthorizerDetail> {
        let appid = appid.to_owned();
        self.store().read(move |conn| detail(conn, &appid)).await
    }
}
