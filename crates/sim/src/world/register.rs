//! Fast registration tasks of a platform (reference §4).
//!
//! A task waits for the legal person (or, for personal mini programs, the person) to confirm in
//! WeChat; the simulator stands for them with a deterministic rule on the submitted fields, so a test
//! or a sandbox user can script every outcome from the outside:
//!
//! | submitted | outcome |
//! |---|---|
//! | `legal_persona_name` contains "不一致" | `61070` at once (legal name ≠ WeChat account's name) |
//! | `legal_persona_name` contains "错误" | status 103, legal name mismatch |
//! | `name` contains "注销" | status 101, company deregistered |
//! | `name` contains "不存在" | status 102, company not found |
//! | `name` contains "黑名单" | status 1002, subject blacklisted |
//! | `legal_persona_wechat` contains "timeout" | status 100003 after 24 h, not confirmed |
//! | anything else | status 0: a new mini program, authorized to the platform |
//!
//! Personal tasks: `idname` containing "错误" ends with status 14 (verification failed),
//! `wxuser` containing "timeout" with status 1 after 24 h; otherwise 12 (created).

use serde::{Deserialize, Serialize};
use wechat::api::register::{
    FastregisterpersonalweappCreateRequest, FastregisterpersonalweappResponse, FastregisterweappCreateRequest,
    FastregisterweappSearchRequest,
};
use wechat::xml::{ComponentHeader, Event, FasteregisterInfo, NotifyThirdFasteregister};

use super::consent::{AuthCode, AUTH_CODE_TTL_SECS, PERMISSION_SETS};
use super::{Grant, MiniProgram, OutgoingPush, PushTarget, World};
use crate::WxError;

/// How long the legal person takes to confirm when no script says otherwise (virtual seconds).
pub const DEFAULT_CONFIRM_SECS: i64 = 300;
/// How long WeChat waits for the confirmation.
pub const CONFIRM_WINDOW_SECS: i64 = 24 * 3600;
/// The permission sets a fast-registered mini program grants its platform: every set the
/// simulator knows (the doc requires account, development, platform-account, basic-info and plugin
/// management; the platform gets what it holds).
pub fn fast_registration_func_ids() -> Vec<u32> {
    PERMISSION_SETS.iter().map(|s| s.id).collect()
}

/// The fast-registration tasks of one platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FastRegistrations {
    /// Enterprise tasks, oldest first.
    pub tasks: Vec<RegistrationTask>,
    /// Personal tasks, oldest first.
    pub personal_tasks: Vec<PersonalTask>,
    /// Seconds until the (simulated) person confirms; [`DEFAULT_CONFIRM_SECS`] when `None`.
    pub confirm_secs: Option<i64>,
}

/// One enterprise registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationTask {
    /// What was submitted.
    pub request: FastregisterweappCreateRequest,
    /// When.
    pub created_at: i64,
    /// When the outcome is known.
    pub complete_at: i64,
    /// The `status` it ends with and its message.
    pub planned: (i64, String),
    /// The created mini program, once done with status 0.
    pub appid: Option<String>,
    /// Whether it is done (the push was queued).
    pub done: bool,
}

/// One personal registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalTask {
    /// The `taskid`.
    pub taskid: String,
    /// What was submitted.
    pub request: FastregisterpersonalweappCreateRequest,
    /// The link the person opens.
    pub authorize_url: String,
    /// When.
    pub created_at: i64,
    /// When the outcome is known.
    pub complete_at: i64,
    /// The final status (12 created, 14 verification failed, 1 timed out).
    pub planned_status: i64,
    /// The created mini program, once done with status 12.
    pub appid: Option<String>,
    /// Whether it is done.
    pub done: bool,
}

impl PersonalTask {
    /// The `status` the query answers at `now`: 0 task created, 3 the person agreed (past half
    /// the wait), then the final status.
    pub fn status(&self, now: i64) -> i64 {
        if self.done || now >= self.complete_at {
            self.planned_status
        } else if now >= self.created_at + (self.complete_at - self.created_at) / 2 {
            3
        } else {
            0
        }
    }

    fn answer(&self, now: i64) -> FastregisterpersonalweappResponse {
        FastregisterpersonalweappResponse {
            taskid: self.taskid.clone(),
            authorize_url: Some(self.authorize_url.clone()),
            status: Some(self.status(now)),
        }
    }
}

fn missing() -> WxError {
    WxError::new(89253, "缺少参数")
}

/// The string field `name` of `body`; `89253` when absent or empty.
pub fn required_str<'a>(body: &'a serde_json::Value, name: &str) -> Result<&'a str, WxError> {
    body.get(name).and_then(serde_json::Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(missing)
}

/// `89255` unless `code` has the form `code_type` needs: 18 characters of digits and capitals (unified
/// social credit code), `XXXXXXXX-X` or 9 characters (organization code), 15 digits (licence number).
fn check_code(code: &str, code_type: i64) -> Result<(), WxError> {
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    let ok = match code_type {
        1 => code.len() == 18 && alnum(code),
        2 => match code.split_once('-') {
            Some((body, check)) => body.len() == 8 && check.len() == 1 && alnum(body) && alnum(check),
            None => code.len() == 9 && alnum(code),
        },
        3 => code.len() == 15 && code.chars().all(|c| c.is_ascii_digit()),
        _ => return Err(WxError::new(89248, "企业代码类型无效，请选择正确类型填写")),
    };
    if ok {
        Ok(())
    } else {
        Err(WxError::new(89255, "code参数无效，请检查code长度以及内容是否正确；注意code_type的值不同需要传的code长度不一样"))
    }
}

fn plan(req: &FastregisterweappCreateRequest) -> (i64, String, bool) {
    let (status, msg) = if req.legal_persona_name.contains("错误") {
        (103, "法人姓名与工商信息不一致")
    } else if req.name.contains("注销") {
        (101, "工商数据返回：企业已注销")
    } else if req.name.contains("不存在") {
        (102, "工商数据返回：企业不存在或企业信息未更新")
    } else if req.name.contains("黑名单") {
        (1002, "主体违规命中黑名单")
    } else if req.legal_persona_wechat.contains("timeout") {
        (100003, "法人 24 小时内未确认")
    } else {
        (0, "OK")
    };
    (status, msg.to_owned(), status == 100003)
}

fn confirm_delay(registrations: &FastRegistrations) -> i64 {
    registrations.confirm_secs.unwrap_or(DEFAULT_CONFIRM_SECS).max(0)
}

/// `POST /cgi-bin/component/fastregisterweapp?action=create`. `body` is the raw JSON, so missing
/// fields answer 89253 as WeChat does (not 47001).
pub fn create(world: &mut World, component_appid: &str, body: &serde_json::Value, now: i64) -> Result<(), WxError> {
    for field in ["name", "code", "legal_persona_wechat", "legal_persona_name"] {
        required_str(body, field)?;
    }
    let code_type = body.get("code_type").ok_or_else(missing)?;
    let code_type = code_type
        .as_i64()
        .or_else(|| code_type.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| WxError::new(89248, "企业代码类型无效，请选择正确类型填写"))?;
    let mut body = body.clone();
    body["code_type"] = code_type.into();
    let req: FastregisterweappCreateRequest = serde_json::from_value(body).map_err(WxError::data_format)?;
    check_code(req.code.trim(), req.code_type)?;
    if !super::tester::is_wechat_id(&req.legal_persona_wechat) {
        return Err(WxError::new(86004, "invalid wechat"));
    }
    if req.legal_persona_name.contains("不一致") {
        return Err(WxError::new(61070, "法人姓名与微信号不一致"));
    }
    let registrations = &mut world.platform_mut(component_appid)?.fast_registrations;
    let same_subject = |t: &RegistrationTask| t.request.name == req.name || t.request.code == req.code;
    if registrations.tasks.iter().any(|t| !t.done && same_subject(t)) {
        return Err(WxError::new(89249, "该主体已有任务执行中，距上次任务 24h 后再试"));
    }
    let (status, msg, waits_full_window) = plan(&req);
    let complete_at = now + if waits_full_window { CONFIRM_WINDOW_SECS } else { confirm_delay(registrations) };
    registrations.tasks.push(RegistrationTask {
        request: req,
        created_at: now,
        complete_at,
        planned: (status, msg),
        appid: None,
        done: false,
    });
    Ok(())
}

/// `POST /cgi-bin/component/fastregisterweapp?action=search`: `89250` no such task, `89251` still
/// waiting for the legal person; `ok` once the outcome was pushed.
pub fn search(world: &World, component_appid: &str, req: &FastregisterweappSearchRequest) -> Result<(), WxError> {
    let task = world
        .platform(component_appid)?
        .fast_registrations
        .tasks
        .iter()
        .rev()
        .find(|t| {
            t.request.name == req.name
                && t.request.legal_persona_wechat == req.legal_persona_wechat
                && t.request.legal_persona_name == req.legal_persona_name
        })
        .ok_or_else(|| WxError::new(89250, "未找到该任务"))?;
    if task.done {
        Ok(())
    } else {
        Err(WxError::new(89251, "模板消息已下发，待法人人脸核身校验"))
    }
}

/// `POST /wxa/component/fastregisterpersonalweapp?action=create`.
pub fn create_personal(
    world: &mut World,
    component_appid: &str,
    body: &serde_json::Value,
    now: i64,
) -> Result<FastregisterpersonalweappResponse, WxError> {
    required_str(body, "idname")?;
    required_str(body, "wxuser")?;
    let req: FastregisterpersonalweappCreateRequest = serde_json::from_value(body.clone()).map_err(WxError::data_format)?;
    if !super::tester::is_wechat_id(&req.wxuser) {
        return Err(WxError::new(86004, "invalid wechat"));
    }
    let taskid = world.ids.opaque("", 32);
    let registrations = &mut world.platform_mut(component_appid)?.fast_registrations;
    if registrations.personal_tasks.iter().any(|t| !t.done && t.request.wxuser == req.wxuser) {
        return Err(WxError::new(89249, "该主体已有任务执行中，距上次任务 24h 后再试"));
    }
    let (planned_status, complete_at) = if req.wxuser.contains("timeout") {
        (1, now + CONFIRM_WINDOW_SECS)
    } else if req.idname.contains("错误") {
        (14, now + confirm_delay(registrations))
    } else {
        (12, now + confirm_delay(registrations))
    };
    let authorize_url = format!("https://mp.weixin.qq.com/wxopen/fastregisterpersonal?component_appid={component_appid}&taskid={taskid}");
    let task = PersonalTask { taskid, request: req, authorize_url, created_at: now, complete_at, planned_status, appid: None, done: false };
    let answer = task.answer(now);
    registrations.personal_tasks.push(task);
    Ok(answer)
}

/// `POST /wxa/component/fastregisterpersonalweapp?action=query`: `89250` unknown task.
pub fn query_personal(world: &World, component_appid: &str, taskid: &str, now: i64) -> Result<FastregisterpersonalweappResponse, WxError> {
    let registrations = &world.platform(component_appid)?.fast_registrations;
    let task = registrations.personal_tasks.iter().find(|t| t.taskid == taskid).ok_or_else(|| WxError::new(89250, "未找到该任务"))?;
    Ok(task.answer(now))
}

/// Creates the registered mini program, authorized to `component_appid` with every
/// fast-registration permission set; returns its appid.
fn create_app(
    world: &mut World,
    component_appid: &str,
    principal_name: &str,
    admin_wechat: &str,
    personal: bool,
    credential: Option<String>,
    now: i64,
) -> String {
    let (appid, original_id) = loop {
        let digest = super::tester::userstr("fastregister", &world.ids.number().to_string());
        let appid = format!("wx{}", &digest[..16]);
        if !world.apps.contains_key(&appid) {
            break (appid, format!("gh_{}", &digest[16..28]));
        }
    };
    let refresh_token = world.ids.opaque("refreshtoken@@@", 43);
    let mut app = MiniProgram {
        appid: appid.clone(),
        original_id,
        // A new mini program has no name until `setnickname`.
        nickname: String::new(),
        principal_name: principal_name.to_owned(),
        personal,
        admin_wechat: admin_wechat.to_owned(),
        ..MiniProgram::default()
    };
    app.profile.credential = credential;
    app.grants.insert(component_appid.to_owned(), Grant { func_ids: fast_registration_func_ids(), refresh_token, auth_time: now });
    world.apps.insert(appid.clone(), app);
    appid
}

/// An authorization code for the new mini program's grant, exchangeable once with `api_query_auth`
/// (the consent flow's own codes, [`super::consent::AuthCode`]).
fn issue_auth_code(world: &mut World, component_appid: &str, appid: &str, now: i64) -> String {
    let code = world.ids.opaque("queryauthcode@@@", 86);
    let entry = AuthCode {
        component_appid: component_appid.to_owned(),
        authorizer_appid: appid.to_owned(),
        expires_at: now + AUTH_CODE_TTL_SECS,
        used: false,
    };
    world.consent.auth_codes.insert(code.clone(), entry);
    code
}

fn notify(world: &mut World, component_appid: &str, appid: String, status: i64, msg: String, info: FasteregisterInfo, now: i64) {
    let auth_code = if status == 0 { issue_auth_code(world, component_appid, &appid, now) } else { String::new() };
    let event = Event::NotifyThirdFasteregister(NotifyThirdFasteregister {
        header: ComponentHeader { app_id: component_appid.to_owned(), create_time: now },
        appid,
        status,
        auth_code,
        msg,
        info,
    });
    world.outbox.push(OutgoingPush { component_appid: component_appid.to_owned(), target: PushTarget::Component, xml: event.to_xml() });
}

/// Completes fast-registration tasks whose time has come and queues `notify_third_fasteregister`.
pub fn advance(world: &mut super::World, now: i64) {
    let mut due = Vec::new();
    for (component_appid, platform) in &world.platforms {
        let regs = &platform.fast_registrations;
        due.extend(
            regs.tasks
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.done && t.complete_at <= now)
                .map(|(i, _)| (component_appid.clone(), false, i)),
        );
        due.extend(
            regs.personal_tasks
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.done && t.complete_at <= now)
                .map(|(i, _)| (component_appid.clone(), true, i)),
        );
    }
    for (component_appid, personal, i) in due {
        let Some(platform) = world.platforms.get_mut(&component_appid) else { continue };
        if personal {
            let task = &mut platform.fast_registrations.personal_tasks[i];
            task.done = true;
            let task = task.clone();
            let info = FasteregisterInfo {
                name: task.request.idname.clone(),
                code: String::new(),
                code_type: 0,
                legal_persona_wechat: task.request.wxuser.clone(),
                legal_persona_name: task.request.idname.clone(),
                component_phone: task.request.component_phone.clone().unwrap_or_default(),
            };
            let (appid, status, msg) = if task.planned_status == 12 {
                let appid = create_app(world, &component_appid, &task.request.idname, &task.request.wxuser, true, None, now);
                (appid, 0, "OK".to_owned())
            } else {
                let msg = if task.planned_status == 1 { "任务超时" } else { "验证失败" };
                (String::new(), task.planned_status, msg.to_owned())
            };
            if let Some(t) = world.platforms.get_mut(&component_appid).and_then(|p| p.fast_registrations.personal_tasks.get_mut(i)) {
                t.appid = Some(appid.clone()).filter(|a| !a.is_empty());
            }
            notify(world, &component_appid, appid, status, msg, info, now);
        } else {
            let task = &mut platform.fast_registrations.tasks[i];
            task.done = true;
            let task = task.clone();
            let req = &task.request;
            let info = FasteregisterInfo {
                name: req.name.clone(),
                code: req.code.clone(),
                code_type: req.code_type as i32,
                legal_persona_wechat: req.legal_persona_wechat.clone(),
                legal_persona_name: req.legal_persona_name.clone(),
                component_phone: req.component_phone.clone().unwrap_or_default(),
            };
            let (status, msg) = task.planned.clone();
            let appid = if status == 0 {
                create_app(world, &component_appid, &req.name, &req.legal_persona_wechat, false, Some(req.code.clone()), now)
            } else {
                String::new()
            };
            if let Some(t) = world.platforms.get_mut(&component_appid).and_then(|p| p.fast_registrations.tasks.get_mut(i)) {
                t.appid = Some(appid.clone()).filter(|a| !a.is_empty());
            }
            notify(world, &component_appid, appid, status, msg, info, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_forms() {
        assert!(check_code("91440300MA5XXXXX1A", 1).is_ok());
        assert_eq!(check_code("91440300", 1).unwrap_err().errcode, 89255);
        assert!(check_code("12345678-9", 2).is_ok());
        assert!(check_code("12345678X", 2).is_ok());
        assert_eq!(check_code("1234-5678", 2).unwrap_err().errcode, 89255);
        assert!(check_code("440301000000001", 3).is_ok());
        assert_eq!(check_code("44030100000000A", 3).unwrap_err().errcode, 89255);
        assert_eq!(check_code("x", 4).unwrap_err().errcode, 89248);
    }
}
