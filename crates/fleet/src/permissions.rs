//! Permission sets (权限集, `func_info`): which ones an action needs, checked before calling WeChat,
//! so a missing grant is named ("ask the merchant to grant 开发管理") instead of failing with
//! 61007/48001 half-way through a batch.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{FleetError, Result};
use crate::Fleet;

/// QR-code APIs (§10).
pub const QRCODE: u32 = 17;
/// Development management: code, domains, testers, privacy guide, audit quota (§5.3, §6.2, §8, §9).
pub const DEVELOPMENT: u32 = 18;
/// Mini-program basic info and categories (§5.1, §5.2).
pub const BASIC_INFO: u32 = 30;

/// The name of a permission set, as the merchant sees it on the consent page (zh-CN / en).
pub fn name(set: u32) -> &'static str {
    match set {
        QRCODE => "小程序码与二维码 / mini program codes",
        DEVELOPMENT => "开发管理与数据分析 / development management",
        BASIC_INFO => "小程序基本信息管理 / basic information",
        _ => "权限集 / permission set",
    }
}

/// Checks inside a transaction that `appid` is authorized and granted `set`.
pub fn require(conn: &Connection, appid: &str, set: u32) -> Result<()> {
    let row: Option<(String, String)> =
        conn.query_row("SELECT status, func_ids FROM authorizers WHERE appid = ?1", [appid], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    let (status, func_ids) = row.ok_or_else(|| FleetError::not_found(format!("mini program {appid}")))?;
    if status == "revoked" {
        return Err(FleetError::Revoked { appid: appid.to_owned() });
    }
    let granted: Vec<u32> = serde_json::from_str(&func_ids)?;
    if !granted.contains(&set) {
        return Err(FleetError::MissingPermission { appid: appid.to_owned(), set, name: name(set).to_owned() });
    }
    Ok(())
}

impl Fleet {
    /// Refuses (before any call to WeChat) when `appid` was revoked or did not grant `set`.
    pub async fn require_permission(&self, appid: &str, set: u32) -> Result<()> {
        let appid = appid.to_owned();
        self.store().read(move |conn| require(conn, &appid, set)).await
    }
}
