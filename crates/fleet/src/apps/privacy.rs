//! The user privacy protection guide (用户隐私保护指引, perm 18): templates kept here — the
//! collector's contact and notice method plus the privacy types the template's code uses, with
//! their purposes — applied to many mini programs in one action (field notes #9).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use wechat::api::privacy::{GetprivacysettingRequest, GetprivacysettingResponse, OwnerSetting, PrivacySetting, SetprivacysettingRequest};
use wechat::api::AuthorizerToken;

use super::batch::{self, BatchReport};
use crate::error::{FleetError, Result};
use crate::permissions::DEVELOPMENT;
use crate::Fleet;

/// The guide version being edited (takes effect with the next release); 1 is the live one.
const DEV_VERSION: i64 = 2;

/// A privacy guide template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrivacyTemplate {
    /// Its name (unique in the workspace).
    pub name: String,
    /// The collector: notice method and at least one contact.
    pub owner_setting: OwnerSetting,
    /// The privacy types used (`privacy_key`, e.g. `UserInfo`, `Location`) with their purposes.
    pub setting_list: Vec<PrivacySetting>,
    /// Last saved (unix ms; ignored when saving).
    #[serde(default)]
    pub updated_at: i64,
}

impl PrivacyTemplate {
    fn from_row(row: &Row<'_>) -> Result<PrivacyTemplate> {
        Ok(PrivacyTemplate {
            name: row.get("name")?,
            owner_setting: serde_json::from_str(&row.get::<_, String>("owner_setting")?)?,
            setting_list: serde_json::from_str(&row.get::<_, String>("setting_list")?)?,
            updated_at: row.get("updated_at")?,
        })
    }

    /// What WeChat would refuse (86069 and 40097), named before anything is sent.
    fn check(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(FleetError::invalid("name", "a template needs a name"));
        }
        let owner = &self.owner_setting;
        if owner.notice_method.trim().is_empty() {
            return Err(FleetError::invalid("owner_setting.notice_method", "required: how users are told about changes (e.g. 弹窗提示)"));
        }
        let filled = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        if ![&owner.contact_email, &owner.contact_phone, &owner.contact_qq, &owner.contact_weixin].into_iter().any(filled) {
            return Err(FleetError::invalid(
                "owner_setting",
                "at least one contact: contact_email, contact_phone, contact_qq or contact_weixin",
            ));
        }
        if owner.ext_file_media_id.as_deref().is_some_and(|m| !m.is_empty()) {
            return Err(FleetError::invalid(
                "owner_setting.ext_file_media_id",
                "a custom guide file is uploaded per mini program; a template cannot carry one",
            ));
        }
        if self.setting_list.is_empty() {
            return Err(FleetError::invalid("setting_list", "list every privacy type the template's code uses, with its purpose"));
        }
        for (i, s) in self.setting_list.iter().enumerate() {
            if s.privacy_key.trim().is_empty() || s.privacy_text.trim().is_empty() {
                return Err(FleetError::invalid(format!("setting_list[{i}]"), "privacy_key and privacy_text are required"));
            }
            if self.setting_list[..i].iter().any(|o| o.privacy_key == s.privacy_key) {
                return Err(FleetError::invalid(format!("setting_list[{i}]"), format!("{} is listed twice", s.privacy_key)));
            }
        }
        Ok(())
    }
}

fn template_row(conn: &Connection, name: &str) -> Result<PrivacyTemplate> {
    let mut stmt = conn.prepare("SELECT * FROM privacy_templates WHERE name = ?1")?;
    let row = stmt.query_row([name], |row| Ok(PrivacyTemplate::from_row(row))).optional()?;
    row.ok_or_else(|| FleetError::not_found(format!("privacy template {name}")))?
}

impl Fleet {
    /// Saves (creates or replaces) a privacy template after checking it as WeChat would.
    pub async fn save_privacy_template(&self, template: PrivacyTemplate) -> Result<PrivacyTemplate> {
        let name = template.name.trim().to_owned();
        let outcome = async {
            let mut template = PrivacyTemplate { name: name.clone(), ..template };
            template.check()?;
            template.updated_at = self.now_ms();
            let row = template.clone();
            self.store()
                .write(move |tx| {
                    tx.execute(
                        "INSERT INTO privacy_templates (name, owner_setting, setting_list, updated_at) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (name) DO UPDATE SET owner_setting = excluded.owner_setting, setting_list = excluded.setting_list,
                           updated_at = excluded.updated_at",
                        params![
                            row.name,
                            serde_json::to_string(&row.owner_setting)?,
                            serde_json::to_string(&row.setting_list)?,
                            row.updated_at
                        ],
                    )?;
                    Ok(())
                })
                .await?;
            Ok(template)
        }
        .await;
        self.record("privacy.template.save", &[], &outcome, &name).await;
        outcome
    }

    /// Every privacy template, by name.
    pub async fn privacy_templates(&self) -> Result<Vec<PrivacyTemplate>> {
        self.store()
            .read(|conn| {
                let mut stmt = conn.prepare("SELECT * FROM privacy_templates ORDER BY name")?;
                let mut rows = stmt.query([])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(PrivacyTemplate::from_row(row)?);
                }
                Ok(out)
            })
            .await
    }

    /// One privacy template.
    pub async fn privacy_template(&self, name: &str) -> Result<PrivacyTemplate> {
        let name = name.to_owned();
        self.store().read(move |conn| template_row(conn, &name)).await
    }

    /// Deletes a privacy template (mini programs keep what was applied).
    pub async fn delete_privacy_template(&self, name: &str) -> Result<()> {
        let owned = name.to_owned();
        let outcome = self
            .store()
            .write(move |tx| match tx.execute("DELETE FROM privacy_templates WHERE name = ?1", [&owned])? {
                0 => Err(FleetError::not_found(format!("privacy template {owned}"))),
                _ => Ok(()),
            })
            .await;
        self.record("privacy.template.delete", &[], &outcome, name).await;
        outcome
    }

    /// Applies a privacy template to each mini program (`setprivacysetting`, the guide of the next
    /// release): each one's result, none stopping the others.
    pub async fn apply_privacy_template(&self, name: &str, appids: &[String]) -> Result<BatchReport<()>> {
        let template = self.privacy_template(name).await?;
        template.check()?;
        let request = SetprivacysettingRequest {
            privacy_ver: Some(DEV_VERSION),
            owner_setting: template.owner_setting.clone(),
            setting_list: template.setting_list.clone(),
        };
        let request = &request;
        Ok(batch::for_each(appids, |appid| async move {
            let outcome = self
                .call_app(&appid, DEVELOPMENT, |api, aat| {
                    let request = request.clone();
                    async move { api.setprivacysetting(AuthorizerToken(&aat), &request).await }
                })
                .await;
            self.record("app.privacy.apply", std::slice::from_ref(&appid), &outcome, &format!("template {name}")).await;
            outcome
        })
        .await)
    }

    /// The mini program's privacy guide as WeChat has it (the one being edited for the next release,
    /// and the privacy types its last committed code uses).
    pub async fn privacy_setting(&self, appid: &str) -> Result<GetprivacysettingResponse> {
        let request = GetprivacysettingRequest { privacy_ver: Some(DEV_VERSION) };
        self.call_app(appid, DEVELOPMENT, |api, aat| {
            let request = request.clone();
            async move { api.getprivacysetting(AuthorizerToken(&aat), &request).await }
        })
        .await
    }
}
