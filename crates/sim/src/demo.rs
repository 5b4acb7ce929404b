//! The demo world: one platform, three templates and N merchants who have not yet authorized.
//!
//! Merchants are made deterministically from the seed and their index, so the same `--seed` and
//! `--seed-demo N` give the same appids, names and admins every time, and merchants added later
//! (`POST /admin/merchants`) continue the sequence.

use std::collections::HashSet;

use url::Url;

use crate::config::SimConfig;
use crate::server::{MerchantInfo, PlatformInfo, StartupInfo};
use crate::world::{MiniProgram, Platform, World};

/// The demo platform's appid.
pub const DEMO_COMPONENT_APPID: &str = "wx0demo0platform00";
/// The most demo merchants one call creates.
pub const MAX_MERCHANTS: usize = 10_000;

const CITIES: &[&str] = &[
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "南京",
    "苏州",
    "天津",
    "长沙",
    "郑州",
    "青岛",
    "厦门",
    "宁波",
    "昆明",
    "大连",
    "福州",
    "合肥",
    "济南",
    "沈阳",
    "哈尔滨",
    "南昌",
    "贵阳",
    "南宁",
    "温州",
    "佛山",
    "东莞",
    "无锡",
    "珠海",
];
const BRANDS: &[&str] = &[
    "茶语", "米香", "鲜果", "晨光", "悦享", "小满", "拾味", "青禾", "花间", "云朵", "麦田", "渔家", "山野", "暖阳", "好运", "锦绣", "一品",
    "乐活", "优选", "甜心", "老街", "禾木", "知味", "星河", "福满", "惠民", "匠心", "初见", "半亩", "桃李", "南山", "北巷", "木子", "小鹿",
    "橙意", "如意",
];
const SHOPS: &[&str] = &[
    "奶茶店",
    "面包房",
    "水果铺",
    "花店",
    "咖啡馆",
    "烘焙坊",
    "便利店",
    "生鲜超市",
    "火锅店",
    "烧烤",
    "书店",
    "文具店",
    "宠物店",
    "洗衣店",
    "美甲店",
    "理发店",
    "眼镜店",
    "母婴店",
    "茶叶店",
    "酒行",
    "药房",
    "健身房",
    "琴行",
    "摄影馆",
    "甜品店",
    "粥铺",
    "饺子馆",
    "小吃店",
    "服装店",
    "鞋店",
];
const TRADES: &[&str] = &["餐饮管理", "商贸", "食品", "文化传媒", "零售", "生活服务", "贸易", "电子商务"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"];
const GIVEN_NAMES: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英"];

/// One in this many demo merchants is a personal (个人) mini program.
const PERSONAL_EVERY: u64 = 25;

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], n: u64) -> &'a str {
    list[(n % list.len() as u64) as usize]
}

/// The demo merchant number `index` of `seed`, with a name not in `taken`.
pub fn merchant(seed: u64, index: u64, taken: &HashSet<String>) -> MiniProgram {
    let h = |salt: u64| splitmix64(seed ^ splitmix64(index.wrapping_mul(0x1000_0000_01B3) ^ salt));
    let appid = format!("wx{:016x}", h(1));
    let original_id = format!("gh_{:012x}", h(2) & 0xffff_ffff_ffff);
    let city = pick(CITIES, h(3));
    // Names are unique on WeChat: try further combinations, then a branch number.
    let nickname = (0..64)
        .map(|attempt| format!("{city}{}{}", pick(BRANDS, h(4 + attempt * 2)), pick(SHOPS, h(5 + attempt * 2))))
        .chain((2..).map(|n| format!("{city}{}{}{n}号店", pick(BRANDS, h(4)), pick(SHOPS, h(5)))))
        .find(|name| !taken.contains(name))
        .expect("an endless sequence finds a free name");
    let personal = h(6) % PERSONAL_EVERY == 0;
    let principal_name = if personal {
        format!("{}{}", pick(SURNAMES, h(7)), pick(GIVEN_NAMES, h(8)))
    } else {
        format!("{city}{}{}有限公司", pick(BRANDS, h(9)), pick(TRADES, h(10)))
    };
    let admin_wechat = format!("wxid_{:014x}", h(11) & 0xff_ffff_ffff_ffff);
    MiniProgram { appid, original_id, nickname, principal_name, personal, admin_wechat, ..MiniProgram::default() }
}

/// Adds `count` (at most [`MAX_MERCHANTS`]) demo merchants to `world`, continuing after those it
/// has; returns them.
pub fn add_merchants(world: &mut World, seed: u64, count: usize) -> Vec<MerchantInfo> {
    let mut taken: HashSet<String> = world.apps.values().map(|a| a.nickname.clone()).collect();
    let mut added = Vec::with_capacity(count.min(MAX_MERCHANTS));
    let mut index = world.apps.len() as u64;
    while added.len() < count.min(MAX_MERCHANTS) {
        let app = merchant(seed, index, &taken);
        index += 1;
        if world.apps.contains_key(&app.appid) {
            continue;
        }
        taken.insert(app.nickname.clone());
        added.push(merchant_info(&app));
        world.apps.insert(app.appid.clone(), app);
    }
    added
}

fn merchant_info(app: &MiniProgram) -> MerchantInfo {
    MerchantInfo { appid: app.appid.clone(), original_id: app.original_id.clone(), nickname: app.nickname.clone() }
}

/// Makes sure the demo platform exists (configured from `config`) and, when it is new, seeds its
/// 3 templates and `config.seed_demo` merchants; returns what the simulator announces on start
/// (every mini program the world has, seeded now or loaded from the state file).
pub fn seed(world: &mut World, config: &SimConfig, base_url: &Url, now: i64) -> StartupInfo {
    let fresh = !world.platforms.contains_key(DEMO_COMPONENT_APPID);
    let platform = world.platforms.entry(DEMO_COMPONENT_APPID.to_owned()).or_insert_with(|| Platform {
        component_appid: DEMO_COMPONENT_APPID.to_owned(),
        component_appsecret: "demo0secret0000000000000000000000".to_owned(),
        name: "wxfleet 演示服务商".to_owned(),
        token: "wxfleetdemotoken".to_owned(),
        encoding_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".to_owned(),
        ..Platform::default()
    });
    platform.push_url.clone_from(&config.push_url);
    platform.message_url.clone_from(&config.message_url);
    platform.launch_domain.clone_from(&config.launch_domain);
    let platform_info = PlatformInfo {
        component_appid: platform.component_appid.clone(),
        component_appsecret: platform.component_appsecret.clone(),
        token: platform.token.clone(),
        encoding_aes_key: platform.encoding_aes_key.clone(),
    };
    if fresh {
        crate::world::template::seed_demo(&mut platform.library, &mut world.ids, now);
        add_merchants(world, config.seed, config.seed_demo);
    }
    let merchants = world.apps.values().map(merchant_info).collect();
    // Without the trailing slash, so `format!("{base_url}/cgi-bin/…")` is right.
    StartupInfo { base_url: base_url.as_str().trim_end_matches('/').to_owned(), platform: platform_info, merchants }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchants_repeat_by_seed_and_look_like_wechat_accounts() {
        let mut a = World::default();
        let mut b = World::default();
        let first = add_merchants(&mut a, 42, 300);
        assert_eq!(first.len(), 300);
        assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&add_merchants(&mut b, 42, 300)).unwrap());
        let names: HashSet<_> = first.iter().map(|m| m.nickname.clone()).collect();
        assert_eq!(names.len(), 300, "names are unique");
        for m in &first {
            assert!(m.appid.starts_with("wx") && m.appid.len() == 18 && m.appid[2..].chars().all(|c| c.is_ascii_hexdigit()));
            assert!(m.original_id.starts_with("gh_") && m.original_id.len() == 15);
        }
        let more = add_merchants(&mut a, 42, 5);
        assert!(more.iter().all(|m| !first.contains(m)), "later merchants continue the sequence");
        assert_ne!(
            serde_json::to_string(&add_merchants(&mut World::default(), 43, 3)).unwrap(),
            serde_json::to_string(&first[..3]).unwrap()
        );
    }

    #[test]
    fn ten_thousand_merchants_are_made_quickly_with_unique_names() {
        let mut world = World::default();
        let started = std::time::Instant::now();
        add_merchants(&mut world, 1, MAX_MERCHANTS);
        assert_eq!(world.apps.len(), MAX_MERCHANTS);
        let names: HashSet<_> = world.apps.values().map(|a| a.nickname.clone()).collect();
        assert_eq!(names.len(), MAX_MERCHANTS);
        assert!(started.elapsed().as_secs() < 10);
    }
}
