//! The user privacy protection guide of a mini program and its privacy interfaces (reference §5.3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wechat::api::privacy::{
    ApplyPrivacyInterfaceRequest, GetCodePrivacyInfoResponse, GetPrivacyInterfaceResponse, GetprivacysettingResponse, OwnerSetting,
    PrivacyDesc, PrivacyDescItem, PrivacyInterface, PrivacySetting, SetprivacysettingRequest,
};

use super::profile::ReviewScript;
use super::MiniProgram;
use crate::WxError;

/// Largest custom guide file `uploadprivacyextfile` takes.
pub const EXT_FILE_MAX_BYTES: usize = 100 * 1024;

/// Every privacy type WeChat knows (`privacy_desc`), with its description.
pub const PRIVACY_KEYS: &[(&str, &str)] = &[
    ("UserInfo", "用户信息（微信昵称、头像）"),
    ("Location", "位置信息"),
    ("Address", "地址"),
    ("Invoice", "发票信息"),
    ("RunData", "微信运动数据"),
    ("Record", "麦克风"),
    ("Album", "选中的照片或视频信息"),
    ("Camera", "摄像头"),
    ("PhoneNumber", "手机号码"),
    ("Contact", "通讯录（仅写入）权限"),
    ("DeviceInfo", "设备信息"),
    ("EXIDNumber", "身份证号码"),
    ("EXOrderInfo", "订单信息"),
    ("EXUserPublishContent", "发布内容"),
    ("EXUserFollowAcct", "所关注账号"),
    ("EXUserOpLog", "操作日志"),
    ("AlbumWriteOnly", "相册（仅写入）权限"),
    ("LicensePlate", "车牌号"),
    ("BlueTooth", "蓝牙"),
    ("CalendarWriteOnly", "日历（仅写入）权限"),
    ("Email", "邮箱"),
    ("MessageFile", "选中的文件"),
    ("ChooseLocation", "选择的位置信息"),
    ("Accelerometer", "加速传感器"),
    ("Compass", "磁场传感器"),
    ("DeviceMotion", "方向传感器"),
    ("Gyroscope", "陀螺仪传感器"),
    ("Clipboard", "剪切板"),
];

/// The APIs that must be applied for (all in the "地理位置" group): name, Chinese name, what it does,
/// and the privacy key whose use in code means the API is used.
const INTERFACES: &[(&str, &str, &str, Option<&str>)] = &[
    ("wx.getLocation", "获取当前的地理位置、速度", "获取当前的地理位置、速度", Some("Location")),
    ("wx.getFuzzyLocation", "获取模糊地理位置", "获取当前的模糊地理位置", None),
    ("wx.onLocationChange", "监听实时地理位置变化事件", "监听实时地理位置变化事件", None),
    ("wx.startLocationUpdate", "接收位置消息（前台）", "开启小程序进入前台时接收位置消息", None),
    ("wx.startLocationUpdateBackground", "接收位置消息（前后台）", "开启小程序进入前后台时均接收位置消息", None),
    ("wx.chooseLocation", "打开地图选择位置", "打开地图选择位置", Some("ChooseLocation")),
    ("wx.choosePoi", "打开POI列表选择位置", "打开 POI 列表选择位置", None),
    ("wx.chooseAddress", "获取用户收货地址", "获取用户收货地址", Some("Address")),
];

/// APIs personal mini programs cannot get (status 2).
const NOT_FOR_PERSONAL: &[&str] = &["wx.startLocationUpdateBackground"];

fn privacy_desc(key: &str) -> Option<&'static str> {
    PRIVACY_KEYS.iter().find(|(k, _)| *k == key).map(|(_, d)| *d)
}

/// Privacy settings of one mini program (dev and live versions).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Privacy {
    /// The development-version guide (`privacy_ver` 2), what the next audit checks.
    pub dev: Option<Guide>,
    /// The live guide (`privacy_ver` 1); exists once a version was released with a guide.
    pub live: Option<Guide>,
    /// Uploaded custom guide files, by `ext_file_media_id`, with their upload time.
    pub ext_files: BTreeMap<String, i64>,
    /// Applications for privacy interfaces, by API name.
    pub interfaces: BTreeMap<String, InterfaceApplication>,
    /// How interface applications end (tests and the admin set it).
    pub review_script: ReviewScript,
}

/// One version of the guide.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    /// Who collects and how users are told.
    pub owner_setting: OwnerSetting,
    /// What is collected and why (`privacy_label` not stored; it is derived from the key).
    pub setting_list: Vec<PrivacySetting>,
    /// When it last changed.
    pub update_time: i64,
}

/// An application for a privacy interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceApplication {
    /// Its `audit_id`.
    pub audit_id: i64,
    /// When it was applied for.
    pub apply_time: i64,
    /// When it is (or was) decided.
    pub decide_at: i64,
    /// The reason it is rejected with, decided at application (`None` grants).
    pub planned_rejection: Option<String>,
}

impl InterfaceApplication {
    /// 3 applying, 4 rejected, 5 granted — as of `now` (decided lazily: no push is documented).
    pub fn status(&self, now: i64) -> i64 {
        match (now >= self.decide_at, &self.planned_rejection) {
            (false, _) => 3,
            (true, Some(_)) => 4,
            (true, None) => 5,
        }
    }
}

impl Privacy {
    /// The privacy keys the development-version guide (`privacy_ver` 2) configures.
    pub fn configured_keys(&self) -> Vec<String> {
        self.dev.iter().flat_map(|g| g.setting_list.iter().map(|s| s.privacy_key.clone())).collect()
    }

    /// A version was released: its guide (the development one) becomes the live one. The code
    /// lifecycle calls this at release.
    pub fn on_release(&mut self, now: i64) {
        if let Some(dev) = &self.dev {
            self.live = Some(Guide { update_time: now, ..dev.clone() });
        }
    }

    /// Whether `api_name` is granted at `now`.
    pub fn interface_granted(&self, api_name: &str, now: i64) -> bool {
        self.interfaces.get(api_name).is_some_and(|a| a.status(now) == 5)
    }
}

fn filled(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

fn check_version(privacy_ver: Option<i64>) -> Result<i64, WxError> {
    match privacy_ver.unwrap_or(2) {
        v @ (1 | 2) => Ok(v),
        _ => Err(WxError::new(86071, "privacy_ver 取值无效")),
    }
}

/// `POST /cgi-bin/component/setprivacysetting`.
pub fn setprivacysetting(app: &mut MiniProgram, req: &SetprivacysettingRequest, now: i64) -> Result<(), WxError> {
    let version = check_version(req.privacy_ver)?;
    let owner = &req.owner_setting;
    let contact = [&owner.contact_email, &owner.contact_phone, &owner.contact_qq, &owner.contact_weixin].into_iter().any(filled);
    if owner.notice_method.trim().is_empty() || !contact {
        return Err(WxError::new(86069, "owner_setting必填字段字段缺失"));
    }
    let privacy = &mut app.privacy;
    if version == 1 {
        // Only the collector may change on the live guide, at once; its custom file stays.
        let live = privacy.live.as_mut().ok_or_else(|| WxError::new(86074, "现网隐私协议不存在"))?;
        let ext_file_media_id = live.owner_setting.ext_file_media_id.take();
        live.owner_setting = OwnerSetting { ext_file_media_id, ..owner.clone() };
        live.update_time = now;
        return Ok(());
    }
    if let Some(id) = owner.ext_file_media_id.as_deref().filter(|id| !id.is_empty()) {
        if !privacy.ext_files.contains_key(id) {
            return Err(WxError::new(40007, "invalid media_id: ext_file_media_id"));
        }
    }
    // The doc names no codes for a bad setting_list; 40097 (invalid args) is the generic one.
    if req.setting_list.is_empty() {
        return Err(WxError::new(40097, "invalid args: setting_list is required for privacy_ver 2"));
    }
    let mut setting_list: Vec<PrivacySetting> = Vec::new();
    for s in &req.setting_list {
        if privacy_desc(&s.privacy_key).is_none() {
            return Err(WxError::new(40097, format!("invalid args: unknown privacy_key {}", s.privacy_key)));
        }
        if s.privacy_text.trim().is_empty() {
            return Err(WxError::new(40097, format!("invalid args: privacy_text of {} is empty", s.privacy_key)));
        }
        setting_list.retain(|x| x.privacy_key != s.privacy_key);
        setting_list.push(PrivacySetting { privacy_key: s.privacy_key.clone(), privacy_text: s.privacy_text.clone(), privacy_label: None });
    }
    privacy.dev = Some(Guide { owner_setting: owner.clone(), setting_list, update_time: now });
    Ok(())
}

/// `POST /cgi-bin/component/getprivacysetting`.
pub fn getprivacysetting(app: &MiniProgram, privacy_ver: Option<i64>) -> Result<GetprivacysettingResponse, WxError> {
    let version = check_version(privacy_ver)?;
    let guide = if version == 1 { app.privacy.live.as_ref() } else { app.privacy.dev.as_ref() };
    let setting_list = guide
        .map(|g| {
            g.setting_list
                .iter()
                .map(|s| PrivacySetting { privacy_label: privacy_desc(&s.privacy_key).map(str::to_owned), ..s.clone() })
                .collect()
        })
        .unwrap_or_default();
    Ok(GetprivacysettingResponse {
        code_exist: i64::from(app.code.committed_at().is_some()),
        privacy_list: app.code.detected_privacy_keys(),
        setting_list,
        update_time: guide.map(|g| g.update_time).unwrap_or(0),
        owner_setting: Some(guide.map(|g| g.owner_setting.clone()).unwrap_or_default()),
        privacy_desc: Some(PrivacyDesc {
            privacy_desc_list: PRIVACY_KEYS
                .iter()
                .map(|(k, d)| PrivacyDescItem { privacy_key: (*k).to_owned(), privacy_desc: (*d).to_owned() })
                .collect(),
        }),
    })
}

/// `POST /cgi-bin/component/uploadprivacyextfile`: a text file ≤ 100 KB; returns its id.
pub fn upload_ext_file(app: &mut MiniProgram, media_id: String, file_name: &str, bytes: &[u8], now: i64) -> Result<String, WxError> {
    if bytes.is_empty() {
        return Err(WxError::new(41005, "media data missing"));
    }
    if !file_name.to_lowercase().ends_with(".txt") || std::str::from_utf8(bytes).is_err() {
        return Err(WxError::new(40005, "invalid file type: the custom guide must be a UTF-8 .txt file"));
    }
    if bytes.len() > EXT_FILE_MAX_BYTES {
        return Err(WxError::new(40006, "invalid meida size: the custom guide must be at most 100 KB"));
    }
    app.privacy.ext_files.insert(media_id.clone(), now);
    Ok(media_id)
}

/// `GET /wxa/security/get_code_privacy_info`: `86001` before any commit, `61039` while the
/// post-commit scan runs (the code lifecycle's scan, the same one `submit_audit` waits for; a
/// minute by default, "请稍等一分钟再重试"); then the location APIs the code uses without a grant.
///
/// `without_conf_list` (APIs missing from `requiredPrivateInfos` in ext.json) is always empty: the
/// simulator's code scan reports privacy keys, not API calls.
pub fn code_privacy_info(app: &MiniProgram, now: i64) -> Result<GetCodePrivacyInfoResponse, WxError> {
    let scan_done_at = app.code.privacy_scan_done_at().ok_or_else(|| WxError::new(86001, "no code committed by the component"))?;
    if now < scan_done_at {
        return Err(WxError::new(61039, "隐私接口检查任务未完成，请稍等一分钟再重试"));
    }
    let keys = app.code.detected_privacy_keys();
    let without_auth_list = INTERFACES
        .iter()
        .filter(|(api, _, _, key)| key.is_some_and(|k| keys.iter().any(|d| d == k)) && !app.privacy.interface_granted(api, now))
        .map(|(api, ..)| (*api).to_owned())
        .collect();
    Ok(GetCodePrivacyInfoResponse { without_auth_list, without_conf_list: Vec::new() })
}

/// `GET /wxa/security/get_privacy_interface`.
pub fn privacy_interfaces(app: &MiniProgram, now: i64) -> GetPrivacyInterfaceResponse {
    let interface_list = INTERFACES
        .iter()
        .map(|(api, ch_name, desc, _)| {
            let application = app.privacy.interfaces.get(*api);
            let unavailable = app.personal && NOT_FOR_PERSONAL.contains(api);
            let status = match application {
                _ if unavailable => 2,
                Some(a) => a.status(now),
                None => 1,
            };
            PrivacyInterface {
                api_name: (*api).to_owned(),
                api_ch_name: (*ch_name).to_owned(),
                api_desc: (*desc).to_owned(),
                apply_time: application.map(|a| a.apply_time),
                status: Some(status),
                audit_id: application.map(|a| a.audit_id),
                fail_reason: match status {
                    2 => Some("个人主体小程序暂不支持申请该接口".to_owned()),
                    4 => application.and_then(|a| a.planned_rejection.clone()),
                    _ => None,
                },
                api_link: format!("https://developers.weixin.qq.com/miniprogram/dev/api/location/{api}.html"),
                group_name: "地理位置".to_owned(),
            }
        })
        .collect();
    GetPrivacyInterfaceResponse { interface_list }
}

/// `POST /wxa/security/apply_privacy_interface`: starts a review; an application whose reason is
/// under 10 characters is rejected (the simulator's deterministic rule), others are granted.
pub fn apply_privacy_interface(app: &mut MiniProgram, req: &ApplyPrivacyInterfaceRequest, audit_id: i64, now: i64) -> Result<i64, WxError> {
    if !INTERFACES.iter().any(|(api, ..)| *api == req.api_name) {
        return Err(WxError::new(40097, format!("invalid args: {} does not need an application", req.api_name)));
    }
    if app.personal && NOT_FOR_PERSONAL.contains(&req.api_name.as_str()) {
        return Err(WxError::new(48001, "api unauthorized: not available to personal mini programs"));
    }
    let reason_len = req.content.trim().chars().count();
    if reason_len == 0 || reason_len > 300 || req.pic_list.len() > 10 || req.video_list.len() > 1 {
        return Err(WxError::new(40097, "invalid args: content 1-300 characters, at most 10 pictures and 1 video"));
    }
    if let Some(existing) = app.privacy.interfaces.get(&req.api_name) {
        if matches!(existing.status(now), 3 | 5) {
            return Err(WxError::new(40097, "invalid args: this interface is already applied for or granted"));
        }
    }
    let planned_rejection = app
        .privacy
        .review_script
        .reject_reason
        .clone()
        .or_else(|| (reason_len < 10).then(|| "申请理由过于简单，请详细描述使用场景".to_owned()));
    let decide_at = app.privacy.review_script.decide_at(now);
    app.privacy.interfaces.insert(req.api_name.clone(), InterfaceApplication { audit_id, apply_time: now, decide_at, planned_rejection });
    Ok(audit_id)
}
