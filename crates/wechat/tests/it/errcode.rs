//! The error-code table: complete for every code the API reference names, well-formed, and classified
//! the way the retry logic needs.

use wechat::errcode::{classify, explain, ErrorClass, Explanation, Lang, TABLE};

/// Every code the API reference mentions (§1.6 crypto, §3–§10 per endpoint, §12 common), as ranges
/// where the reference gives ranges. `0` (success) is deliberately absent.
const REFERENCE_CODES: &[(i64, i64)] = &[
    // §1.6 WXBizMsgCrypt
    (-40011, -40001),
    // §3 tokens and authorization
    (61004, 61006),
    (61011, 61011),
    (41004, 41004),
    (40125, 40125),
    (45009, 45009),
    (47001, 47001),
    (40001, 40001),
    (48001, 48001),
    (61023, 61024),
    (61003, 61003),
    (61007, 61007),
    (61012, 61013),
    // §4 fast registration
    (89247, 89255),
    (86004, 86004),
    (61070, 61070),
    // §5 basic info, categories, privacy guide
    (91001, 91019),
    (53010, 53015),
    (53200, 53202),
    (40009, 40009),
    (46001, 46001),
    (41006, 41006),
    (85049, 85049),
    (85083, 85084),
    (53303, 53303),
    (53308, 53308),
    (86069, 86069),
    (86071, 86071),
    (86074, 86074),
    (61039, 61040),
    (41033, 41033),
    (40007, 40007),
    // §6 domains
    (85015, 85018),
    (85301, 85301),
    (89019, 89021),
    (89029, 89029),
    (89231, 89231),
    // §7 templates
    (85064, 85065),
    (9402203, 9402203),
    // §8 code management
    (85006, 85014),
    (85019, 85023),
    (85043, 85048),
    (80082, 80082),
    (80067, 80067),
    (80066, 80066),
    (85052, 85052),
    (85077, 85077),
    (85079, 85082),
    (85085, 85087),
    (85092, 85094),
    (86000, 86002),
    (86007, 86010),
    (87011, 87013),
    (89401, 89405),
    // §9 testers
    (85001, 85004),
    // §10 mini-program codes
    (45029, 45029),
    (40159, 40159),
    (40189, 40189),
    (40097, 40097),
    (45063, 45063),
    (41030, 41030),
    (40169, 40169),
    // §12 common codes and quotas
    (-1, -1),
    (40013, 40013),
    (40014, 40014),
    (41001, 41001),
    (42001, 42001),
    (48006, 48006),
    (40164, 40164),
    (45011, 45011),
];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn texts(e: &Explanation) -> [(&'static str, &'static str); 4] {
    [("meaning_zh", e.meaning_zh), ("meaning_en", e.meaning_en), ("remedy_zh", e.remedy_zh), ("remedy_en", e.remedy_en)]
}

#[test]
fn table_is_sorted_and_unique() {
    for pair in TABLE.windows(2) {
        assert!(pair[0].code < pair[1].code, "{} must come before {} (sorted, no duplicates)", pair[0].code, pair[1].code);
    }
}

#[test]
fn every_code_the_reference_names_is_explained() {
    let mut missing = Vec::new();
    for &(first, last) in REFERENCE_CODES {
        for code in first..=last {
            if explain(code).is_none() {
                missing.push(code);
            }
        }
    }
    assert!(missing.is_empty(), "codes without a row: {missing:?}");
}

#[test]
fn explain_finds_every_row_and_nothing_else() {
    for e in TABLE {
        assert_eq!(explain(e.code).map(|found| found.code), Some(e.code));
    }
    assert!(explain(0).is_none(), "0 is success, not an error");
    assert!(explain(123_456_789).is_none());
    assert!(explain(i64::MIN).is_none());
    assert!(explain(i64::MAX).is_none());
}

#[test]
fn no_text_is_empty() {
    for e in TABLE {
        for (field, text) in texts(e) {
            assert!(!text.trim().is_empty(), "{} has an empty {field}", e.code);
        }
    }
}

#[test]
fn chinese_texts_are_chinese() {
    for e in TABLE {
        assert!(e.meaning_zh.chars().any(is_cjk), "{}: meaning_zh has no Chinese: {}", e.code, e.meaning_zh);
        assert!(e.remedy_zh.chars().any(is_cjk), "{}: remedy_zh has no Chinese: {}", e.code, e.remedy_zh);
    }
}

#[test]
fn english_texts_are_english() {
    for e in TABLE {
        // Meanings are pure ASCII; remedies may quote a Chinese UI label such as 开发资料, but only as a
        // small part of an English sentence.
        assert!(e.meaning_en.is_ascii(), "{}: meaning_en is not ASCII: {}", e.code, e.meaning_en);
        let total = e.remedy_en.chars().count();
        let ascii = e.remedy_en.chars().filter(char::is_ascii).count();
        assert!(ascii * 10 >= total * 9, "{}: remedy_en is not mostly ASCII: {}", e.code, e.remedy_en);
        assert!(e.remedy_en.starts_with(|c: char| c.is_ascii_alphanumeric()), "{}: remedy_en: {}", e.code, e.remedy_en);
    }
}

#[test]
fn lang_selects_the_text() {
    let e = explain(85009).expect("85009 is in the table");
    assert_eq!(e.meaning(Lang::ZhCn), e.meaning_zh);
    assert_eq!(e.meaning(Lang::En), e.meaning_en);
    assert_eq!(e.remedy(Lang::ZhCn), e.remedy_zh);
    assert_eq!(e.remedy(Lang::En), e.remedy_en);
    assert_eq!(Lang::default(), Lang::ZhCn);
}

#[test]
fn classifications_the_retry_logic_depends_on() {
    let expected = [
        (45009, ErrorClass::Quota),
        (42001, ErrorClass::TokenInvalid),
        (-1, ErrorClass::Transient),
        (61039, ErrorClass::Transient),
        (61007, ErrorClass::Permission),
        (85009, ErrorClass::Final),
        (40001, ErrorClass::TokenInvalid),
        (40014, ErrorClass::TokenInvalid),
        (41001, ErrorClass::TokenInvalid),
        (45011, ErrorClass::Transient),
        (89401, ErrorClass::Transient),
        (61003, ErrorClass::Permission),
        (61023, ErrorClass::Permission),
        (48001, ErrorClass::Permission),
        (89254, ErrorClass::Permission),
        (45029, ErrorClass::Quota),
        (85085, ErrorClass::Quota),
        (87013, ErrorClass::Quota),
        (48006, ErrorClass::Quota),
        (89405, ErrorClass::Quota),
        (53202, ErrorClass::Quota),
        (53200, ErrorClass::Quota),
        (85049, ErrorClass::Quota),
        (61004, ErrorClass::Final),
        (47001, ErrorClass::Final),
        (-40001, ErrorClass::Final),
    ];
    for (code, class) in expected {
        assert_eq!(classify(code), class, "classify({code})");
    }
}

#[test]
fn unknown_codes_are_final() {
    assert_eq!(classify(0), ErrorClass::Final);
    assert_eq!(classify(99_999_999), ErrorClass::Final);
    assert_eq!(classify(-2), ErrorClass::Final);
}

#[test]
fn only_permission_rows_name_a_permission_set() {
    for e in TABLE {
        if e.permission_set.is_some() {
            assert_eq!(e.class, ErrorClass::Permission, "{} names a permission set but is {:?}", e.code, e.class);
        }
    }
    // 61007 does not say which set is missing: the caller knows it from the endpoint.
    assert_eq!(explain(61007).and_then(|e| e.permission_set), None);
}

#[test]
fn remedies_carry_the_facts_staff_need() {
    let en = |code: i64| explain(code).map(|e| e.remedy_en).unwrap_or_default();
    let zh = |code: i64| explain(code).map(|e| e.remedy_zh).unwrap_or_default();
    // 40001 also means a wrong secret when fetching the component token.
    assert!(en(40001).contains("AppSecret") && zh(40001).contains("AppSecret"));
    // The whitelist lives on 开发资料, and the relay's egress IP counts when calls go through it.
    assert!(en(61004).contains("relay") && en(61004).contains("开发资料") && zh(61004).contains("中转"));
    // Withdrawing the pending audit is the way out of 85009, with its limits.
    assert!(en(85009).contains("undocodeaudit") && en(85009).contains("5 a day") && en(85009).contains("10 a month"));
    // 61039 is a wait, not a failure.
    assert!(en(61039).contains("2 minutes") && zh(61039).contains("2 分钟"));
    // 61007 names the usual permission sets and sends the merchant back to authorize.
    assert!(en(61007).contains("18") && en(61007).contains("authorization link"));
}

#[test]
fn error_class_serializes_as_snake_case() {
    let cases = [
        (ErrorClass::Transient, "\"transient\""),
        (ErrorClass::TokenInvalid, "\"token_invalid\""),
        (ErrorClass::Quota, "\"quota\""),
        (ErrorClass::Permission, "\"permission\""),
        (ErrorClass::Final, "\"final\""),
    ];
    for (class, json) in cases {
        assert_eq!(serde_json::to_string(&class).unwrap(), json);
        assert_eq!(serde_json::from_str::<ErrorClass>(json).unwrap(), class);
    }
}
