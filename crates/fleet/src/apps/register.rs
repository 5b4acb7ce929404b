//! Fast registration (快速注册) of an enterprise mini program: the platform asks WeChat to create
//! one for a company; the legal person confirms in WeChat within 24 hours; the result arrives as the
//! `notify_third_fasteregister` push ([`on_fast_registration_result`]), whose code makes the new mini
//! program an authorizer. Requests are tracked here.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use wechat::api::register::{FastregisterweappCreateRequest, FastregisterweappSearchRequest};
use wechat::api::ComponentToken;
use wechat::xml::NotifyThirdFasteregister;

use crate::authorizers;
use crate::error::{FleetError, Result};
use crate::Fleet;

/// WeChat's "no such task" for `fastregisterweapp?action=search`.
const TASK_NOT_FOUND: i64 = 89250;
/// WeChat's "waiting for the legal person's face check".
const WAITING_FOR_LEGAL_PERSON: i64 = 89251;

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// Sent; the legal person has 24 hours to confirm.
    Waiting,
    /// The mini program was created and authorized (`appid`).
    Done,
    /// WeChat reported a failure (`status`, `msg`).
    Failed,
}

impl RegistrationState {
    fn as_str(self) -> &'static str {
        match self {
            RegistrationState::Waiting => "waiting",
            RegistrationState::Done => "done",
            RegistrationState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<RegistrationState> {
        match text {
            "waiting" => Ok(RegistrationState::Waiting),
            "done" => Ok(RegistrationState::Done),
            "failed" => Ok(RegistrationState::Failed),
            other => Err(FleetError::Store(format!("fast_registrations.state {other:?}"))),
        }
    }
}

/// A fast registration requested from this workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FastRegistration {
    /// Row id.
    pub id: i64,
    /// The platform.
    pub component_appid: String,
    /// The company name.
    pub name: String,
    /// The company code.
    pub code: String,
    /// 1 unified social credit code, 2 organization code, 3 business licence number.
    pub code_type: i64,
    /// The legal person's WeChat id.
    pub legal_persona_wechat: String,
    /// The legal person's name.
    pub legal_persona_name: String,
    /// Where it stands.
    pub state: RegistrationState,
    /// The push's status (0 ok; the failure codes of reference §4).
    pub status: Option<i64>,
    /// WeChat's message.
    pub msg: Option<String>,
    /// The new mini program.
    pub appid: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub finished_at: Option<i64>,
}

impl FastRegistration {
    fn from_row(row: &Row<'_>) -> Result<FastRegistration> {
        Ok(FastRegistration {
            id: row.get("id")?,
            component_appid: row.get("component_appid")?,
            name: row.get("name")?,
            code: row.get("code")?,
            code_type: row.get("code_type")?,
            legal_persona_wechat: row.get("legal_persona_wechat")?,
            legal_persona_name: row.get("legal_persona_name")?,
            state: RegistrationState::parse(&row.get::<_, String>("state")?)?,
            status: row.get("status")?,
            msg: row.get("msg")?,
            appid: row.get("appid")?,
            created_at: row.get("created_at")?,
            finished_at: row.get("finished_at")?,
        })
    }
}

/// What WeChat says of a task (`action=search`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SearchStatus {
    /// The outcome was pushed.
    Finished,
    /// Still waiting for the legal person's confirmation and face check.
    WaitingForLegalPerson,
    /// WeChat knows no such task.
    NotFound,
}

fn check(request: &FastregisterweappCreateRequest) -> Result<()> {
    for (field, value) in [
        ("name", &request.name),
        ("code", &request.code),
        ("legal_persona_wechat", &request.legal_persona_wechat),
        ("legal_persona_name", &request.legal_persona_name),
    ] {
        if value.trim().is_empty() {
            return Err(FleetError::invalid(field, "required"));
        }
    }
    let code = request.code.trim();
    let fits = match request.code_type {
        1 => code.len() == 18,
        2 => code.len() == 10 && code.as_bytes()[8] == b'-',
        3 => code.len() == 15,
        _ => return Err(FleetError::invalid("code_type", "1 unified social credit code, 2 organization code, 3 business licence number")),
    };
    if !fits {
        return Err(FleetError::invalid(
            "code",
            "does not fit code_type: 18 characters for a credit code, xxxxxxxx-x for an organization code, 15 for a licence number",
        ));
    }
    Ok(())
}

fn registration(conn: &Connection, id: i64) -> Result<FastRegistration> {
    let mut stmt = conn.prepare("SELECT * FROM fast_registrations WHERE id = ?1")?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => FastRegistration::from_row(row),
        None => Err(FleetError::not_found(format!("fast registration {id}"))),
    }
}

impl Fleet {
    /// Asks WeChat to register a mini program for a company; WeChat then messages the legal person.
    pub async fn fast_register(&self, component_appid: &str, request: FastregisterweappCreateRequest) -> Result<FastRegistration> {
        let detail = format!("{component_appid}: {}", request.name);
        let outcome = async {
            check(&request)?;
            self.platform(component_appid).await?;
            let sent = request.clone();
            self.with_component_token(component_appid, |api, cat| {
                let sent = sent.clone();
                async move { api.fastregisterweapp_create(ComponentToken(&cat), &sent).await }
            })
            .await?;
            let (platform, now) = (component_appid.to_owned(), self.now_ms());
            self.store()
                .write(move |tx| {
                    tx.execute(
                        "INSERT INTO fast_registrations (component_appid, name, code, code_type, legal_persona_wechat, legal_persona_name, state, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7)",
                        params![
                            platform,
                            request.name,
                            request.code,
                            request.code_type,
                            request.legal_persona_wechat,
                            request.legal_persona_name,
                            now
                        ],
                    )?;
                    registration(tx, tx.last_insert_rowid())
                })
                .await
        }
        .await;
        self.record("platform.fast_register", &[], &outcome, &detail).await;
        outcome
    }

    /// The platform's fast registrations, newest first.
    pub async fn fast_registrations(&self, component_appid: &str) -> Result<Vec<FastRegistration>> {
        let platform = component_appid.to_owned();
        self.store()
            .read(move |conn| {
                let mut stmt = conn.prepare("SELECT * FROM fast_registrations WHERE component_appid = ?1 ORDER BY id DESC")?;
                let mut rows = stmt.query([platform])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(FastRegistration::from_row(row)?);
                }
                Ok(out)
            })
            .await
    }

    /// Asks WeChat where a registration stands (`action=search`).
    pub async fn search_fast_registration(&self, id: i64) -> Result<SearchStatus> {
        let task = self.store().read(move |conn| registration(conn, id)).await?;
        let request = FastregisterweappSearchRequest {
            name: task.name,
            legal_persona_wechat: task.legal_persona_wechat,
            legal_persona_name: task.legal_persona_name,
        };
        let answer = self
            .with_component_token(&task.component_appid, |api, cat| {
                let request = request.clone();
                async move { api.fastregisterweapp_search(ComponentToken(&cat), &request).await }
            })
            .await;
        match answer {
            Ok(()) => Ok(SearchStatus::Finished),
            Err(e) if e.errcode() == Some(WAITING_FOR_LEGAL_PERSON) => Ok(SearchStatus::WaitingForLegalPerson),
            Err(e) if e.errcode() == Some(TASK_NOT_FOUND) => Ok(SearchStatus::NotFound),
            Err(e) => Err(e),
        }
    }
}

/// The `notify_third_fasteregister` push: on success its code is accepted (the new mini program
/// becomes an authorizer) and the matching registration marked done; otherwise marked failed with
/// WeChat's status. Returns the new mini program's appid on success. Idempotent.
pub async fn on_fast_registration_result(
    fleet: &Fleet,
    component_appid: &str,
    notify: &NotifyThirdFasteregister,
) -> Result<Option<String>> {
    let appid = if notify.succeeded() && !notify.auth_code.is_empty() {
        Some(authorizers::accept_auth_code(fleet, component_appid, &notify.auth_code, None).await?)
    } else {
        None
    };
    let state = if appid.is_some() { RegistrationState::Done } else { RegistrationState::Failed };
    let (platform, info, status, msg, app, now) =
        (component_appid.to_owned(), notify.info.clone(), notify.status, notify.msg.clone(), appid.clone(), fleet.now_ms());
    fleet
        .store()
        .write(move |tx| {
            // The newest waiting request for this subject and legal person (tasks per subject are serial).
            tx.execute(
                "UPDATE fast_registrations SET state = ?1, status = ?2, msg = ?3, appid = ?4, finished_at = ?5
                 WHERE id = (SELECT id FROM fast_registrations WHERE component_appid = ?6 AND name = ?7 AND legal_persona_wechat = ?8
                             AND state = 'waiting' ORDER BY id DESC LIMIT 1)",
                params![state.as_str(), status, msg, app, now, platform, info.name, info.legal_persona_wechat],
            )?;
            Ok(())
        })
        .await?;
    Ok(appid)
}
