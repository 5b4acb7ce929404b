//! A mini program's basic info: nickname (with its review), avatar, signature, search status, and the yearly change quotas (reference §5.1).
//!
//! Also the temporary media store (`/cgi-bin/media/upload`): the avatar, naming material and category
//! certificates are all temporary media of the mini program, valid for three days.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wechat::api::basic::{
    ApiWxaQuerynicknameResponse, CheckwxverifynicknameResponse, GetaccountbasicinfoResponse, HeadImageInfo, MediaUploadResponse,
    ModifyheadimageRequest, NicknameInfo, SetnicknameRequest, SetnicknameResponse, SignatureInfo, WxVerifyInfo,
};
use wechat::xml::{Event, MessageHeader, WxaNicknameAudit};

use super::{MiniProgram, Outbox, OutgoingPush, PushTarget, World};
use crate::WxError;

/// Renames per calendar year ("改名次数将在自然年 1 月 1 日 … 重置为 2 次").
pub const NICKNAME_QUOTA_PER_YEAR: usize = 2;
/// Avatar changes per calendar year (the newer doc's figure).
pub const HEAD_IMAGE_QUOTA_PER_YEAR: usize = 5;
/// Signature changes per calendar month (53200 says "本月").
pub const SIGNATURE_QUOTA_PER_MONTH: usize = 5;
/// How long a temporary media id stays valid.
pub const MEDIA_VALIDITY_SECS: i64 = 3 * 86_400;
/// How long a name review takes when no script says otherwise (virtual seconds).
pub const DEFAULT_REVIEW_SECS: i64 = 600;
/// Largest avatar `modifyheadimage` takes.
pub const HEAD_IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Words that send a name to manual review with supporting material (the real list is longer and
/// secret; these stand for its kinds: platform names, state words, regulated trades, brand claims).
const REVIEW_KEYWORDS: &[&str] = &["微信", "腾讯", "中国", "中华", "国家", "全国", "银行", "医院", "学校", "政府", "官方", "旗舰"];
/// Brand claims: a reviewed name with one of these is rejected unless trademark proof
/// (`naming_other_stuff_*`) came with it — the simulator's deterministic review rule.
const BRAND_CLAIMS: &[&str] = &["官方", "旗舰"];

/// The openid WeChat's system account sends message-and-event pushes from.
pub const SYSTEM_OPENID: &str = "o_wxfleet_sim_system_account";

/// Basic info of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    /// The description (功能介绍).
    pub signature: String,
    /// The avatar URL; empty until one is set.
    pub head_image_url: String,
    /// 0 searchable, 1 hidden (`changewxasearchstatus`).
    pub search_status: i64,
    /// The search flag is banned: `changewxasearchstatus` answers 85083 (set by tests or the admin).
    pub search_banned: bool,
    /// The organization code, when WeChat knows it (fast registration).
    pub credential: Option<String>,
    /// When each counted rename happened.
    pub nickname_changes: Vec<i64>,
    /// When each avatar change happened.
    pub head_image_changes: Vec<i64>,
    /// When each signature change happened.
    pub signature_changes: Vec<i64>,
    /// Name reviews, oldest first.
    pub nickname_audits: Vec<NicknameAudit>,
    /// How name reviews of this mini program end (tests and the admin set it).
    pub review_script: ReviewScript,
    /// Temporary media, by media id.
    pub media: BTreeMap<String, TempMedia>,
}

/// How reviews end, overriding the default rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewScript {
    /// Seconds from submission to decision; [`DEFAULT_REVIEW_SECS`] when `None`.
    pub delay_secs: Option<i64>,
    /// Reject every review with this reason.
    pub reject_reason: Option<String>,
}

impl ReviewScript {
    /// When a review submitted at `now` is decided.
    pub fn decide_at(&self, now: i64) -> i64 {
        now + self.delay_secs.unwrap_or(DEFAULT_REVIEW_SECS).max(0)
    }
}

/// One name review (`audit_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicknameAudit {
    /// The `audit_id`.
    pub audit_id: i64,
    /// The name under review.
    pub nickname: String,
    /// 1 reviewing, 2 failed, 3 passed.
    pub audit_stat: i64,
    /// Why it failed.
    pub fail_reason: Option<String>,
    /// When it was submitted.
    pub create_time: i64,
    /// When it is (or was) decided.
    pub decide_at: i64,
    /// When it was decided.
    pub audit_time: Option<i64>,
    /// The reason it will be rejected with, decided at submission (`None` passes).
    pub planned_rejection: Option<String>,
}

/// One uploaded temporary media file (the bytes are not kept; WeChat's checks only need these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TempMedia {
    /// `image`, `voice`, `video` or `thumb`.
    pub media_type: String,
    /// The uploaded file name.
    pub file_name: String,
    /// The size in bytes.
    pub size: usize,
    /// The file is a picture (PNG, JPEG, GIF or BMP by its first bytes).
    pub is_image: bool,
    /// When it was uploaded.
    pub created_at: i64,
}

/// Years and months as WeChat counts them: calendar periods in China time (UTC+8).
pub mod period {
    /// `(year, month)` of `unix_secs` in China time.
    pub fn year_month(unix_secs: i64) -> (i64, u32) {
        let (year, month, _) = wechat::calendar::beijing_date(unix_secs);
        (year, month)
    }

    /// How many of `times` fall in the same calendar year as `now`.
    pub fn count_in_year(times: &[i64], now: i64) -> usize {
        let year = year_month(now).0;
        times.iter().filter(|&&t| year_month(t).0 == year).count()
    }

    /// How many of `times` fall in the same calendar month as `now`.
    pub fn count_in_month(times: &[i64], now: i64) -> usize {
        let month = year_month(now);
        times.iter().filter(|&&t| year_month(t) == month).count()
    }
}

/// The header of a message-and-event push about `app`.
pub fn app_event_header(app: &MiniProgram, now: i64) -> MessageHeader {
    MessageHeader { to_user_name: app.original_id.clone(), from_user_name: SYSTEM_OPENID.to_owned(), create_time: now }
}

/// Queues `event` to the message-and-event URL of every platform `app` authorized.
pub fn push_to_platforms(outbox: &mut Outbox, app: &MiniProgram, event: &Event) {
    let xml = event.to_xml();
    for component_appid in app.grants.keys() {
        outbox.push(OutgoingPush {
            component_appid: component_appid.clone(),
            target: PushTarget::App { appid: app.appid.clone() },
            xml: xml.clone(),
        });
    }
}

/// The display width WeChat's name rules count: a Chinese character counts 2, ASCII 1.
fn name_width(name: &str) -> usize {
    name.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// `53010` unless `name` is 4–30 wide (Chinese counts 2) and made of letters, digits, Chinese,
/// spaces and a few marks; `53012` when it contains "小程序".
fn check_name_format(name: &str) -> Result<(), WxError> {
    let width = name_width(name);
    if name.is_empty() || !(4..=30).contains(&width) {
        return Err(WxError::new(53010, "名称格式不合法（长度 4-30 个字符，一个中文字算 2 个字符）"));
    }
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || c == '-' || c == '+' || c == '·' || c == '&';
    if !name.chars().all(allowed) {
        return Err(WxError::new(53010, "名称格式不合法"));
    }
    if name.contains("小程序") {
        return Err(WxError::new(53012, "禁止使用该名称（不支持包含“小程序”关键字的昵称）"));
    }
    Ok(())
}

fn keyword_hit(name: &str) -> Option<&'static str> {
    REVIEW_KEYWORDS.iter().copied().find(|k| name.contains(k))
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The other mini program already called `name`, if any.
fn name_holder<'w>(world: &'w World, appid: &str, name: &str) -> Option<&'w MiniProgram> {
    world.apps.values().find(|other| other.appid != appid && same_name(&other.nickname, name))
}

impl Profile {
    /// The media `media_id` if it is still valid at `now`.
    pub fn valid_media(&self, media_id: &str, now: i64) -> Option<&TempMedia> {
        self.media.get(media_id).filter(|m| now < m.created_at + MEDIA_VALIDITY_SECS)
    }

    /// The name review still running, if any.
    pub fn pending_nickname_audit(&self) -> Option<&NicknameAudit> {
        self.nickname_audits.iter().find(|a| a.audit_stat == 1)
    }

    /// Renames used in the calendar year of `now`.
    pub fn nickname_used(&self, now: i64) -> usize {
        period::count_in_year(&self.nickname_changes, now)
    }
}

/// Checks a media id given to `appid`'s calls: `41006` empty, `40007` another account's media,
/// `46001` unknown or expired.
pub fn check_media<'w>(world: &'w World, appid: &str, media_id: &str, now: i64) -> Result<&'w TempMedia, WxError> {
    if media_id.trim().is_empty() {
        return Err(WxError::new(41006, "media_id missing"));
    }
    let app = world.app(appid)?;
    if let Some(media) = app.profile.valid_media(media_id, now) {
        return Ok(media);
    }
    let elsewhere = world.apps.values().any(|other| other.appid != appid && other.profile.media.contains_key(media_id));
    if elsewhere {
        return Err(WxError::new(40007, "invalid media_id"));
    }
    Err(WxError::new(46001, "media data missing"))
}

/// What kind of picture `bytes` is, by its signature.
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("gif"),
        [b'B', b'M', ..] => Some("bmp"),
        _ => None,
    }
}

/// `POST /cgi-bin/media/upload?type=…`: stores a temporary media file of `appid`.
///
/// Limits of the MP media API: image ≤ 10 MB (PNG/JPEG/GIF/BMP), voice ≤ 2 MB, video ≤ 10 MB,
/// thumb ≤ 64 KB (JPEG). `40004` bad type, `41005` no file, `40005` wrong format, `40009` image too
/// big, `40006` other files too big.
pub fn upload_media(
    world: &mut World,
    appid: &str,
    media_type: &str,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<MediaUploadResponse, WxError> {
    let limit = match media_type {
        "image" => 10 * 1024 * 1024,
        "voice" => 2 * 1024 * 1024,
        "video" => 10 * 1024 * 1024,
        "thumb" => 64 * 1024,
        _ => return Err(WxError::new(40004, "invalid media type")),
    };
    if bytes.is_empty() {
        return Err(WxError::new(41005, "media data missing"));
    }
    let image = sniff_image(bytes);
    let format_ok = match media_type {
        "image" => image.is_some(),
        "thumb" => image == Some("jpeg"),
        "voice" => bytes.starts_with(b"#!AMR") || bytes.starts_with(b"ID3") || bytes.starts_with(&[0xFF, 0xFB]),
        _ => bytes.len() > 8 && &bytes[4..8] == b"ftyp",
    };
    if !format_ok {
        return Err(WxError::new(40005, "invalid file type"));
    }
    if bytes.len() > limit {
        return Err(if media_type == "image" {
            WxError::new(40009, "invalid image size")
        } else {
            WxError::new(40006, "invalid meida size")
        });
    }
    world.app(appid)?;
    let media_id = world.ids.opaque("", 64);
    let media = TempMedia {
        media_type: media_type.to_owned(),
        file_name: file_name.to_owned(),
        size: bytes.len(),
        is_image: image.is_some(),
        created_at: now,
    };
    let app = world.app_mut(appid)?;
    // Expired media are forgotten, so a long run does not grow without bound.
    app.profile.media.retain(|_, m| now < m.created_at + MEDIA_VALIDITY_SECS);
    app.profile.media.insert(media_id.clone(), media);
    Ok(MediaUploadResponse { media_type: media_type.to_owned(), media_id, created_at: now })
}

/// `POST /wxa/setnickname`: renames at once, or starts a review when the name hits a keyword.
pub fn setnickname(world: &mut World, appid: &str, req: &SetnicknameRequest, now: i64) -> Result<SetnicknameResponse, WxError> {
    let name = req.nick_name.trim().to_owned();
    check_name_format(&name)?;
    let app = world.app(appid)?;
    // `setnickname` names a mini program before its first release (fast-registered ones start
    // without a name); afterwards renaming goes through WeChat verification.
    if app.code.live.is_some() {
        return Err(WxError::new(91002, "小程序发布后不可改名"));
    }
    if app.profile.pending_nickname_audit().is_some() {
        return Err(WxError::new(91019, "小程序正在审核中"));
    }
    if name_holder(world, appid, &name).is_some() {
        return Err(WxError::new(91007, "昵称已被占用"));
    }
    if app.profile.nickname_used(now) >= NICKNAME_QUOTA_PER_YEAR {
        // No documented code says "renames used up"; 91003 (invalid rename state) is the closest.
        return Err(WxError::new(91003, "改名状态不合法：本年度改名次数已用完"));
    }
    let personal = app.personal;
    let given = |m: &Option<String>| m.as_deref().is_some_and(|s| !s.trim().is_empty());
    let others = [
        &req.naming_other_stuff_1,
        &req.naming_other_stuff_2,
        &req.naming_other_stuff_3,
        &req.naming_other_stuff_4,
        &req.naming_other_stuff_5,
    ];
    for material in [&req.id_card, &req.license].into_iter().chain(others) {
        if let Some(id) = material.as_deref().filter(|s| !s.trim().is_empty()) {
            check_media(world, appid, id, now)?;
        }
    }
    let Some(keyword) = keyword_hit(&name) else {
        let app = world.app_mut(appid)?;
        app.nickname = name;
        app.profile.nickname_changes.push(now);
        return Ok(SetnicknameResponse { wording: None, audit_id: None });
    };
    let material = if personal { &req.id_card } else { &req.license };
    if !given(material) {
        let what = if personal { "id_card（身份证照片）" } else { "license（营业执照或组织机构代码证）" };
        return Err(WxError::new(91009, format!("需要提交材料：名称命中关键字「{keyword}」，请提交 {what}")));
    }
    let trademark_proof = others.iter().any(|m| given(m));
    let app = world.app(appid)?;
    let planned_rejection = app.profile.review_script.reject_reason.clone().or_else(|| {
        BRAND_CLAIMS
            .iter()
            .find(|claim| name.contains(*claim) && !trademark_proof)
            .map(|claim| format!("名称含「{claim}」字样，请补充商标注册证等证明材料（naming_other_stuff_1）"))
    });
    let decide_at = app.profile.review_script.decide_at(now);
    let audit_id = world.ids.number() as i64;
    let app = world.app_mut(appid)?;
    app.profile.nickname_changes.push(now);
    app.profile.nickname_audits.push(NicknameAudit {
        audit_id,
        nickname: name,
        audit_stat: 1,
        fail_reason: None,
        create_time: now,
        decide_at,
        audit_time: None,
        planned_rejection,
    });
    Ok(SetnicknameResponse {
        wording: Some(format!("名称命中关键字「{keyword}」，已提交审核，审核结果将通过事件推送")),
        audit_id: Some(audit_id),
    })
}

/// `POST /wxa/api_wxa_querynickname`: `91011` when `audit_id` is not one of this mini program's.
pub fn querynickname(app: &MiniProgram, audit_id: i64) -> Result<ApiWxaQuerynicknameResponse, WxError> {
    let audit = app
        .profile
        .nickname_audits
        .iter()
        .find(|a| a.audit_id == audit_id)
        .ok_or_else(|| WxError::new(91011, "查不到昵称修改审核单信息"))?;
    Ok(ApiWxaQuerynicknameResponse {
        nickname: audit.nickname.clone(),
        audit_stat: audit.audit_stat,
        fail_reason: audit.fail_reason.clone(),
        create_time: Some(audit.create_time),
        audit_time: audit.audit_time,
    })
}

/// `POST /cgi-bin/wxverify/checkwxverifynickname`: whether `name` would need material.
pub fn checkwxverifynickname(world: &World, appid: &str, name: &str) -> Result<CheckwxverifynicknameResponse, WxError> {
    let name = name.trim();
    check_name_format(name)?;
    if name_holder(world, appid, name).is_some() {
        return Ok(CheckwxverifynicknameResponse {
            hit_condition: true, wording: Some("该名称与已有小程序名称重复".to_owned())
        });
    }
    Ok(match keyword_hit(name) {
        Some(keyword) => CheckwxverifynicknameResponse {
            hit_condition: true,
            wording: Some(format!("名称命中关键字「{keyword}」，设置时需提交证明材料并经过审核")),
        },
        None => CheckwxverifynicknameResponse { hit_condition: false, wording: None },
    })
}

fn crop_value(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x))
}

/// `POST /cgi-bin/account/modifyheadimage`.
pub fn modifyheadimage(world: &mut World, appid: &str, req: &ModifyheadimageRequest, now: i64) -> Result<(), WxError> {
    let media = check_media(world, appid, &req.head_img_media_id, now)?;
    if !media.is_image {
        return Err(WxError::new(40005, "invalid file type"));
    }
    if media.size > HEAD_IMAGE_MAX_BYTES {
        return Err(WxError::new(40009, "invalid image size"));
    }
    let crop = [&req.x1, &req.y1, &req.x2, &req.y2].map(|v| crop_value(v));
    match crop {
        [Some(x1), Some(y1), Some(x2), Some(y2)] if x1 < x2 && y1 < y2 => {}
        _ => return Err(WxError::new(40097, "invalid args: crop box x1,y1,x2,y2 must be in [0,1] with x1<x2, y1<y2")),
    }
    let app = world.app_mut(appid)?;
    if period::count_in_year(&app.profile.head_image_changes, now) >= HEAD_IMAGE_QUOTA_PER_YEAR {
        return Err(WxError::new(53202, "本月头像修改次数已用完"));
    }
    app.profile.head_image_changes.push(now);
    let id = &req.head_img_media_id;
    app.profile.head_image_url = format!("https://wx.qlogo.cn/mmhead/{}/0", &id[..id.len().min(32)]);
    Ok(())
}

/// Words a description may not contain (stands for WeChat's blacklist).
const SIGNATURE_BLACKLIST: &[&str] = &["赌博", "博彩", "色情", "代开发票", "刷单", "枪支"];

/// `POST /cgi-bin/account/modifysignature`.
pub fn modifysignature(app: &mut MiniProgram, signature: &str, now: i64) -> Result<(), WxError> {
    let len = signature.chars().count();
    if !(4..=120).contains(&len) {
        // The doc gives no code for the length rule; 40097 (invalid args) is the generic one.
        return Err(WxError::new(40097, "invalid args: signature must be 4-120 characters"));
    }
    if let Some(word) = SIGNATURE_BLACKLIST.iter().find(|w| signature.contains(*w)) {
        return Err(WxError::new(53201, format!("功能介绍内容命中黑名单关键字「{word}」")));
    }
    if period::count_in_month(&app.profile.signature_changes, now) >= SIGNATURE_QUOTA_PER_MONTH {
        return Err(WxError::new(53200, "本月功能介绍修改次数已用完"));
    }
    app.profile.signature_changes.push(now);
    app.profile.signature = signature.to_owned();
    Ok(())
}

/// `POST /wxa/changewxasearchstatus`: `85084` unless 0 or 1, `85083` when the flag is banned.
pub fn changewxasearchstatus(app: &mut MiniProgram, status: i64) -> Result<(), WxError> {
    if status != 0 && status != 1 {
        return Err(WxError::new(85084, "search status is invalid, only 0 or 1 is allowed"));
    }
    if app.profile.search_banned {
        return Err(WxError::new(85083, "search status is banned"));
    }
    app.profile.search_status = status;
    Ok(())
}

/// `GET /cgi-bin/account/getaccountbasicinfo`.
pub fn account_basic_info(app: &MiniProgram, now: i64) -> GetaccountbasicinfoResponse {
    let profile = &app.profile;
    GetaccountbasicinfoResponse {
        appid: app.appid.clone(),
        account_type: 3,
        principal_type: if app.personal { 0 } else { 1 },
        principal_name: app.principal_name.clone(),
        credential: profile.credential.clone(),
        realname_status: 1,
        wx_verify_info: Some(WxVerifyInfo::default()),
        signature_info: Some(SignatureInfo {
            signature: profile.signature.clone(),
            modify_used_count: period::count_in_month(&profile.signature_changes, now) as i64,
            modify_quota: SIGNATURE_QUOTA_PER_MONTH as i64,
        }),
        head_image_info: Some(HeadImageInfo {
            head_image_url: profile.head_image_url.clone(),
            modify_used_count: period::count_in_year(&profile.head_image_changes, now) as i64,
            modify_quota: HEAD_IMAGE_QUOTA_PER_YEAR as i64,
        }),
        nickname: Some(app.nickname.clone()),
        nickname_info: Some(NicknameInfo {
            nickname: app.nickname.clone(),
            modify_used_count: profile.nickname_used(now) as i64,
            modify_quota: NICKNAME_QUOTA_PER_YEAR as i64,
        }),
        registered_country: Some(1),
        customer_type: Some(0),
    }
}

/// Moves nickname reviews whose time has come and queues `wxa_nickname_audit` pushes.
pub fn advance(world: &mut super::World, now: i64) {
    let World { apps, outbox, .. } = world;
    for app in apps.values_mut() {
        let mut events = Vec::new();
        for audit in app.profile.nickname_audits.iter_mut().filter(|a| a.audit_stat == 1 && a.decide_at <= now) {
            audit.audit_time = Some(now);
            audit.fail_reason.clone_from(&audit.planned_rejection);
            audit.audit_stat = if audit.planned_rejection.is_some() { 2 } else { 3 };
            events.push((audit.audit_stat, audit.nickname.clone(), audit.fail_reason.clone().unwrap_or_default()));
        }
        for (stat, nickname, reason) in events {
            if stat == 3 {
                app.nickname.clone_from(&nickname);
            }
            let event =
                Event::WxaNicknameAudit(WxaNicknameAudit { header: app_event_header(app, now), ret: stat as i32, nickname, reason });
            push_to_platforms(outbox, app, &event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_china_time() {
        // 2024-12-31 16:00 UTC is 2025-01-01 00:00 in Beijing.
        assert_eq!(period::year_month(1_735_660_800), (2025, 1));
        assert_eq!(period::year_month(1_735_660_799), (2024, 12));
        assert_eq!(period::year_month(951_868_800 - 8 * 3600), (2000, 3)); // 2000-03-01 00:00 Beijing
        assert_eq!(period::year_month(951_868_800 - 8 * 3600 - 1), (2000, 2)); // 2000-02-29, a leap day
        assert_eq!(period::count_in_year(&[1_735_660_799, 1_735_660_800, 1_735_660_900], 1_735_700_000), 2);
    }

    #[test]
    fn name_rules() {
        assert_eq!(check_name_format("").unwrap_err().errcode, 53010);
        assert_eq!(check_name_format("好").unwrap_err().errcode, 53010);
        assert!(check_name_format("好店").is_ok());
        assert_eq!(check_name_format("好店小程序").unwrap_err().errcode, 53012);
        assert_eq!(check_name_format(&"长".repeat(16)).unwrap_err().errcode, 53010);
        assert_eq!(check_name_format("好店<script>").unwrap_err().errcode, 53010);
    }
}
