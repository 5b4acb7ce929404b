//! Testers (体验者) bound to a mini program (reference §9).
//!
//! WeChat ids "exist" when they follow WeChat's id rule (6–20 of letters, digits, `_` and `-`,
//! starting with a letter); everything else answers 85001, as an unknown or unsearchable id does.

use serde::{Deserialize, Serialize};

use super::{MiniProgram, World};
use crate::WxError;

/// Testers a personal mini program may have.
pub const PERSONAL_TESTER_LIMIT: usize = 15;
/// Testers an organization's mini program may have. WeChat's admin help gives 15 for personal
/// subjects and more for organizations; the exact organization figure is not documented for the
/// API, 100 is used.
pub const ORGANIZATION_TESTER_LIMIT: usize = 100;
/// Mini programs one person may be a tester of (undocumented; 50 is used).
pub const APPS_PER_TESTER: usize = 50;

/// The testers of one mini program.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Testers {
    /// Bound testers, oldest first.
    pub members: Vec<Tester>,
}

/// One bound tester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tester {
    /// Their WeChat id (never returned by the API).
    pub wechatid: String,
    /// Their stable id in this mini program.
    pub userstr: String,
    /// When they were bound.
    pub bound_at: i64,
}

/// Whether `id` is a WeChat id that can exist.
pub fn is_wechat_id(id: &str) -> bool {
    let mut chars = id.chars();
    (6..=20).contains(&id.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The `userstr` of `wechatid` in `appid`: stable, opaque, 64 hex digits (as the real ones look),
/// different per mini program so it cannot be joined across merchants.
pub fn userstr(appid: &str, wechatid: &str) -> String {
    // FNV-1a over "appid/wechatid", widened to 256 bits with splitmix64.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in appid.bytes().chain(std::iter::once(b'/')).chain(wechatid.to_ascii_lowercase().bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..4)
        .map(|_| {
            h = h.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = h;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            format!("{:016x}", z ^ (z >> 31))
        })
        .collect()
}

fn same_person(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `POST /wxa/bind_tester`.
pub fn bind_tester(world: &mut World, appid: &str, wechatid: &str, now: i64) -> Result<String, WxError> {
    if !is_wechat_id(wechatid) {
        return Err(WxError::new(85001, "user not exist or user cannot be searched"));
    }
    let app = world.app(appid)?;
    if app.testers.members.iter().any(|t| same_person(&t.wechatid, wechatid)) {
        return Err(WxError::new(85004, "user already bind"));
    }
    let limit = if app.personal { PERSONAL_TESTER_LIMIT } else { ORGANIZATION_TESTER_LIMIT };
    if app.testers.members.len() >= limit {
        return Err(WxError::new(85002, "number of tester reach bind limit"));
    }
    let elsewhere = world.apps.values().filter(|a| a.testers.members.iter().any(|t| same_person(&t.wechatid, wechatid))).count();
    if elsewhere >= APPS_PER_TESTER {
        return Err(WxError::new(85003, "user already bind too many weapps"));
    }
    let userstr = userstr(appid, wechatid);
    let app = world.app_mut(appid)?;
    app.testers.members.push(Tester { wechatid: wechatid.to_owned(), userstr: userstr.clone(), bound_at: now });
    Ok(userstr)
}

/// Who to unbind.
#[derive(Debug, Clone, Copy)]
pub enum Person<'a> {
    /// By WeChat id.
    Wechatid(&'a str),
    /// By `userstr`.
    Userstr(&'a str),
}

/// `POST /wxa/unbind_tester`. Unbinding someone who is not bound succeeds (the doc lists no error
/// for it); an impossible WeChat id answers 85001.
pub fn unbind_tester(app: &mut MiniProgram, person: Person<'_>) -> Result<(), WxError> {
    match person {
        Person::Wechatid(id) => {
            if !is_wechat_id(id) {
                return Err(WxError::new(85001, "user not exist or user cannot be searched"));
            }
            app.testers.members.retain(|t| !same_person(&t.wechatid, id));
        }
        Person::Userstr(s) => app.testers.members.retain(|t| t.userstr != s),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechat_id_rule() {
        assert!(is_wechat_id("tester_01"));
        assert!(is_wechat_id("a-b_c1"));
        assert!(!is_wechat_id("1tester"));
        assert!(!is_wechat_id("short"));
        assert!(!is_wechat_id("abcdefghijklmnopqrstu"));
        assert!(!is_wechat_id("测试用户一二三"));
        assert!(!is_wechat_id("bad id!"));
    }

    #[test]
    fn userstr_is_stable_per_app_and_person() {
        assert_eq!(userstr("wx1", "tester_01"), userstr("wx1", "tester_01"));
        assert_eq!(userstr("wx1", "Tester_01"), userstr("wx1", "tester_01"));
        assert_ne!(userstr("wx1", "tester_01"), userstr("wx2", "tester_01"));
        assert_eq!(userstr("wx1", "tester_01").len(), 64);
    }
}
