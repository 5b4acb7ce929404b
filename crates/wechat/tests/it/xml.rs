//! Typed events inside decrypted pushes: the official examples, round trips, unknown kinds kept
//! whole, malformed input, and the keys duplicates are removed by.

use std::path::Path;

use proptest::prelude::*;
use wechat::xml::{
    Authorization, ComponentHeader, ComponentVerifyTicket, Event, FasteregisterInfo, MessageHeader, NotifyThirdFasteregister, Unauthorized,
    WeappAuditDelay, WeappAuditFail, WeappAuditSuccess, WxaCategoryAudit, WxaNicknameAudit, XmlError,
};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_fixture(name: &str) -> Event {
    Event::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn component(app_id: &str, create_time: i64) -> ComponentHeader {
    ComponentHeader { app_id: app_id.into(), create_time }
}

fn message(to: &str, from: &str, create_time: i64) -> MessageHeader {
    MessageHeader { to_user_name: to.into(), from_user_name: from.into(), create_time }
}

const AUDIT_FAIL_REASON: &str = "1:账号信息不符合规范:<br>(1):包含色情因素<br>2:服务类目\"金融业-保险_\"与你提交代码审核时设置的功能页面内容不一致:<br>(1):功能页面设置的部分标签不属于所选的服务类目范围。<br>(2):功能页面设置的部分标签与该页面内容不相关。<br>";

/// Every fixture of a known kind and the value it must parse to.
fn known_fixtures() -> Vec<(&'static str, Event)> {
    vec![
        (
            "component_verify_ticket.xml",
            Event::ComponentVerifyTicket(ComponentVerifyTicket {
                header: component("some_appid", 1413192605),
                component_verify_ticket: "some_verify_ticket".into(),
            }),
        ),
        (
            "component_verify_ticket.captured.xml",
            Event::ComponentVerifyTicket(ComponentVerifyTicket {
                header: component("wx6001eeeefe06e0af", 1512627534),
                component_verify_ticket: "ticket@@@5HCM8qgXR3V4h6Q5UChqzxi0A_4s3YWLDC1xcrQA_tMAS6vZUnJXOUYPRjBBFM0S3vGkHsOz8U9atOZTq0roeg"
                    .into(),
            }),
        ),
        (
            "authorized.xml",
            Event::Authorized(Authorization {
                header: component("wx6001eeeefe06e0af", 1512552185),
                authorizer_appid: "wxf7d2ddffc117e8de".into(),
                authorization_code:
                    "queryauthcode@@@y-s2Y--e_oDQxH_PNnGOGGq_4Kho1fVlJU58YHqp4TqAcZfQjsAbASpu77TpfUrZKumCl5hMFjlBrh31C30e6Q".into(),
                authorization_code_expired_time: 1512555785,
                pre_auth_code: "preauthcode@@@cy2CSaTTstMDNRMQK_le2DX9qEUiwEIsqTCpbyrVaf34M49hoE47kCoMM0FogkCN".into(),
            }),
        ),
        (
            "updateauthorized.xml",
            Event::UpdateAuthorized(Authorization {
                header: component("第三方平台appid", 1413192760),
                authorizer_appid: "公众号appid".into(),
                authorization_code: "授权码".into(),
                authorization_code_expired_time: 1413196360,
                pre_auth_code: "预授权码".into(),
            }),
        ),
        (
            "unauthorized.xml",
            Event::Unauthorized(Unauthorized {
                header: component("第三方平台appid", 1413192760), authorizer_appid: "公众号appid".into()
            }),
        ),
        (
            "notify_third_fasteregister.xml",
            Event::NotifyThirdFasteregister(NotifyThirdFasteregister {
                header: component("第三方平台appid", 1535442403),
                appid: "创建小程序appid".into(),
                status: 0,
                auth_code: "xxxxx第三方授权码".into(),
                msg: "OK".into(),
                info: FasteregisterInfo {
                    name: "企业名称".into(),
                    code: "企业代码".into(),
                    code_type: 1,
                    legal_persona_wechat: "法人微信号".into(),
                    legal_persona_name: "法人姓名".into(),
                    component_phone: "第三方联系电话".into(),
                },
            }),
        ),
        (
            "weapp_audit_success.xml",
            Event::WeappAuditSuccess(WeappAuditSuccess {
                header: message("gh_fb9688c2a4b2", "od1P50M-fNQI5Gcq-trm4a7apsU8", 1488856741),
                succ_time: 1488856741,
            }),
        ),
        (
            "weapp_audit_fail.xml",
            Event::WeappAuditFail(WeappAuditFail {
                header: message("gh_fb9688c2a4b2", "od1P50M-fNQI5Gcq-trm4a7apsU8", 1488856591),
                reason: AUDIT_FAIL_REASON.into(),
                fail_time: 1488856591,
                screen_shot: vec!["xxx".into(), "yyy".into(), "zzz".into()],
            }),
        ),
        (
            "weapp_audit_delay.xml",
            Event::WeappAuditDelay(WeappAuditDelay {
                header: message("gh_fb9688c2a4b2", "od1P50M-fNQI5Gcq-trm4a7apsU8", 1488856591),
                reason: "为了更好的服务小程序，您的服务商正在进行提审系统的优化，可能会导致审核时效的增长，请耐心等待".into(),
                delay_time: 1488856591,
            }),
        ),
        (
            "wxa_nickname_audit.xml",
            Event::WxaNicknameAudit(WxaNicknameAudit {
                header: message("gh_fxxxxxxxa4b2", "odxxxxM-xxxxxxxx-trm4a7apsU8", 1488800000),
                ret: 2,
                nickname: "昵称".into(),
                reason: "驳回原因".into(),
            }),
        ),
        (
            "wxa_category_audit.xml",
            Event::WxaCategoryAudit(WxaCategoryAudit {
                header: message("gh_fxxxxxxxa4b2", "odxxxxM-xxxxxxxx-trm4a7apsU8", 1488800000),
                ret: 2,
                first: 1,
                second: 2,
                reason: "驳回原因".into(),
            }),
        ),
    ]
}

#[test]
fn xml_official_examples_parse_to_typed_events() {
    for (name, expected) in known_fixtures() {
        assert_eq!(parse_fixture(name), expected, "{name}");
    }
}

#[test]
fn xml_every_typed_kind_has_a_fixture() {
    let kinds: std::collections::BTreeSet<String> = known_fixtures().iter().map(|(_, e)| e.kind().to_owned()).collect();
    let expected = [
        "component_verify_ticket",
        "authorized",
        "updateauthorized",
        "unauthorized",
        "notify_third_fasteregister",
        "weapp_audit_success",
        "weapp_audit_fail",
        "weapp_audit_delay",
        "wxa_nickname_audit",
        "wxa_category_audit",
    ];
    assert_eq!(kinds, expected.iter().map(|k| k.to_string()).collect());
}

#[test]
fn xml_fixtures_round_trip_through_to_xml() {
    for (name, expected) in known_fixtures() {
        let written = expected.to_xml();
        assert_eq!(Event::parse(&written).unwrap(), expected, "{name}: {written}");
    }
}

#[test]
fn xml_to_xml_writes_what_wechat_sends() {
    let fail = parse_fixture("weapp_audit_fail.xml");
    assert_eq!(
        fail.to_xml(),
        format!(
            "<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName>\n\
             <FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName>\n\
             <CreateTime>1488856591</CreateTime>\n\
             <MsgType><![CDATA[event]]></MsgType>\n\
             <Event><![CDATA[weapp_audit_fail]]></Event>\n\
             <Reason><![CDATA[{AUDIT_FAIL_REASON}]]></Reason>\n\
             <FailTime>1488856591</FailTime>\n\
             <ScreenShot><![CDATA[xxx|yyy|zzz]]></ScreenShot>\n\
             </xml>"
        )
    );

    let ticket = parse_fixture("component_verify_ticket.xml");
    assert_eq!(
        ticket.to_xml(),
        "<xml><AppId><![CDATA[some_appid]]></AppId>\n\
         <CreateTime>1413192605</CreateTime>\n\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\n\
         <ComponentVerifyTicket><![CDATA[some_verify_ticket]]></ComponentVerifyTicket>\n\
         </xml>"
    );
}

#[test]
fn xml_to_xml_nests_fasteregister_info_and_keeps_field_order() {
    let xml = parse_fixture("notify_third_fasteregister.xml").to_xml();
    let order = [
        "<AppId>",
        "<CreateTime>",
        "<InfoType>",
        "<appid>",
        "<status>0</status>",
        "<auth_code>",
        "<msg>",
        "<info>",
        "<name>",
        "<code>",
        "<code_type>1</code_type>",
        "<legal_persona_wechat>",
        "<legal_persona_name>",
        "<component_phone>",
        "</info>",
        "</xml>",
    ];
    let positions: Vec<usize> = order.iter().map(|tag| xml.find(tag).unwrap_or_else(|| panic!("{tag} missing in {xml}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
}

#[test]
fn xml_authorized_writes_the_expiry_in_cdata_as_captured_pushes_do() {
    let xml = parse_fixture("authorized.xml").to_xml();
    assert!(xml.contains("<AuthorizationCodeExpiredTime><![CDATA[1512555785]]></AuthorizationCodeExpiredTime>"), "{xml}");
    assert!(xml.contains("<InfoType><![CDATA[authorized]]></InfoType>"));
    let update = parse_fixture("updateauthorized.xml").to_xml();
    assert!(update.contains("<InfoType><![CDATA[updateauthorized]]></InfoType>"), "{update}");
}

#[test]
fn xml_audit_fail_reason_keeps_br_markup_as_text() {
    let Event::WeappAuditFail(fail) = parse_fixture("weapp_audit_fail.xml") else { panic!("not a weapp_audit_fail") };
    assert_eq!(fail.reason.matches("<br>").count(), 5);
    // Escaped markup outside CDATA reads the same.
    let escaped = fixture("weapp_audit_fail.xml")
        .replace("<Reason><![CDATA[1:账号信息不符合规范:<br>", "<Reason>1:账号信息不符合规范:&lt;br&gt;<![CDATA[");
    assert_ne!(escaped, fixture("weapp_audit_fail.xml"));
    assert_eq!(Event::parse(&escaped).unwrap(), Event::WeappAuditFail(fail));
}

#[test]
fn xml_screenshots_absent_or_empty_mean_none() {
    let without = fixture("weapp_audit_fail.xml").replace("<ScreenShot>xxx|yyy|zzz</ScreenShot>\n", "");
    let empty = fixture("weapp_audit_fail.xml").replace("xxx|yyy|zzz", "");
    for xml in [without, empty] {
        let Event::WeappAuditFail(fail) = Event::parse(&xml).unwrap() else { panic!("not a weapp_audit_fail") };
        assert!(fail.screen_shot.is_empty(), "{xml}");
    }
}

#[test]
fn xml_review_helpers_read_ret_and_status() {
    let Event::WxaNicknameAudit(nickname) = parse_fixture("wxa_nickname_audit.xml") else { panic!() };
    assert!(!nickname.passed());
    let passed = WxaNicknameAudit { ret: 3, ..nickname };
    assert!(passed.passed());
    let Event::WxaCategoryAudit(category) = parse_fixture("wxa_category_audit.xml") else { panic!() };
    assert!(!category.passed());
    let Event::NotifyThirdFasteregister(registered) = parse_fixture("notify_third_fasteregister.xml") else { panic!() };
    assert!(registered.succeeded());
    assert!(!NotifyThirdFasteregister { status: 100001, ..registered }.succeeded());
}

#[test]
fn xml_unknown_kinds_are_kept_with_every_field() {
    let text = fixture("unknown/text.xml");
    let Event::Unknown(message) = Event::parse(&text).unwrap() else { panic!("a text message is not typed") };
    assert_eq!(message.kind, "text");
    assert_eq!(message.xml, text);
    let expected: Vec<(&str, &str)> = vec![
        ("Content", "this is a test"),
        ("CreateTime", "1348831860"),
        ("FromUserName", "fromUser"),
        ("MsgId", "1234567890123456"),
        ("MsgType", "text"),
        ("ToUserName", "toUser"),
    ];
    assert_eq!(message.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(), expected);

    let privacy = parse_fixture("unknown/wxa_privacy_apply.xml");
    assert_eq!(privacy.kind(), "wxa_privacy_apply");
    let Event::Unknown(privacy) = privacy else { panic!() };
    assert_eq!(privacy.field("result_info.reason"), Some("小程序内未含有相应使用场景"));
    assert_eq!(privacy.field("result_info.status"), Some("2"));
    assert_eq!(privacy.field("Event"), Some("wxa_privacy_apply"));
    assert_eq!(privacy.fields.len(), 11, "{:?}", privacy.fields);

    let beta = parse_fixture("unknown/notify_third_fastverifybetaapp.xml");
    assert_eq!(beta.kind(), "notify_third_fastverifybetaapp");
    assert_eq!(beta.authorizer_appid(), Some("小程序appid"));
    let Event::Unknown(beta) = beta else { panic!() };
    assert_eq!(beta.field("info.legal_persona_name"), Some("法人姓名"));
}

#[test]
fn xml_unknown_repeated_elements_are_indexed_not_overwritten() {
    let Event::Unknown(audit) = parse_fixture("unknown/open_product_scene_group_audit.xml") else { panic!() };
    assert_eq!(audit.kind, "open_product_scene_group_audit");
    assert_eq!(audit.field("SceneGroupAudit.scene_group_ext_list[0].name"), Some("绑定视频号"));
    assert_eq!(audit.field("SceneGroupAudit.scene_group_ext_list[1].name"), Some("添加推广员"));
    assert_eq!(audit.field("SceneGroupAudit.scene_group_ext_list[1].ext_id"), Some("2"));
    assert_eq!(audit.field("SceneGroupAudit.name"), Some("视频号、公众号场景"));
    assert_eq!(audit.field("SceneGroupAudit.scene_group_ext_list"), None);
}

#[test]
fn xml_unknown_to_xml_returns_the_xml_as_received() {
    for name in [
        "unknown/text.xml",
        "unknown/wxa_privacy_apply.xml",
        "unknown/notify_third_fastverifybetaapp.xml",
        "unknown/open_product_scene_group_audit.xml",
    ] {
        let xml = fixture(name);
        let event = Event::parse(&xml).unwrap();
        assert_eq!(event.to_xml(), xml, "{name}");
        assert_eq!(Event::parse(&event.to_xml()).unwrap(), event, "{name}");
    }
}

#[test]
fn xml_other_shapes_become_unknown() {
    // An event with MsgType other than "event" is classified by MsgType, not by a stray Event.
    let odd = "<xml><ToUserName>gh_1</ToUserName><MsgType>image</MsgType><Event>weapp_audit_success</Event></xml>";
    assert_eq!(Event::parse(odd).unwrap().kind(), "image");
    // Neither InfoType nor MsgType: still kept.
    let bare = "<xml><Foo>bar</Foo><Empty/></xml>";
    let Event::Unknown(unknown) = Event::parse(bare).unwrap() else { panic!() };
    assert_eq!(unknown.kind, "");
    assert_eq!(unknown.field("Foo"), Some("bar"));
    assert_eq!(unknown.field("Empty"), Some(""));
}

fn expect_malformed(xml: &str) -> XmlError {
    let error = Event::parse(xml).expect_err(xml);
    assert!(matches!(error, XmlError::Malformed { .. }), "{xml}: {error:?}");
    assert_eq!(error.code(), -40002);
    assert_eq!(error.step(), "xml");
    error
}

#[test]
fn xml_official_examples_with_typos_are_malformed() {
    let unclosed = expect_malformed(&fixture("malformed/authorized_doc_typo.xml"));
    assert!(unclosed.to_string().contains("<xml> is never closed"), "{unclosed}");
    let mismatched = expect_malformed(&fixture("malformed/wxa_category_audit_doc_typo.xml"));
    assert!(mismatched.to_string().contains("first"), "{mismatched}");
    expect_malformed(&fixture("malformed/notify_third_fasteregister_doc_typo.xml"));
}

#[test]
fn xml_malformed_input_gives_a_typed_error() {
    for xml in [
        "",
        "   ",
        "success",
        "<xml><AppId>wx</AppId>",
        "<xml><AppId>wx</Appid></xml>",
        "</xml>",
        "<xml></xml><xml></xml>",
        "<xml></xml>trailing",
        "<xml><A>&nbsp;</A></xml>",
        "<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><A>&e;</A></xml>",
        "<xml><A><![CDATA[never ends</A></xml>",
    ] {
        expect_malformed(xml);
    }
    let deep = format!("<xml>{}{}</xml>", "<a>".repeat(100), "</a>".repeat(100));
    expect_malformed(&deep);
}

#[test]
fn xml_wrong_root_missing_fields_and_bad_numbers_are_typed_errors() {
    assert_eq!(Event::parse("<root><InfoType>authorized</InfoType></root>"), Err(XmlError::UnexpectedRoot("root".into())));

    let without_time = fixture("weapp_audit_fail.xml").replace("<FailTime>1488856591</FailTime>", "");
    assert_eq!(Event::parse(&without_time), Err(XmlError::MissingField { kind: "weapp_audit_fail".into(), field: "FailTime".into() }));

    let without_info_name = fixture("notify_third_fasteregister.xml").replace("<name><![CDATA[企业名称]]></name>", "");
    assert_eq!(
        Event::parse(&without_info_name),
        Err(XmlError::MissingField { kind: "notify_third_fasteregister".into(), field: "info.name".into() })
    );

    // The official example's placeholder where a number belongs.
    let placeholder = fixture("updateauthorized.xml").replace("1413196360", "过期时间");
    let error = Event::parse(&placeholder).unwrap_err();
    assert_eq!(
        error,
        XmlError::NotAnInteger {
            kind: "updateauthorized".into(), field: "AuthorizationCodeExpiredTime".into(), value: "过期时间".into()
        }
    );
    assert_eq!((error.code(), error.step()), (-40002, "xml"));
    assert!(error.to_string().contains("AuthorizationCodeExpiredTime"), "{error}");
}

#[test]
fn xml_tolerates_declaration_bom_comments_and_padding() {
    let padded = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- relay copy -->\n{}\n",
        fixture("wxa_nickname_audit.xml").replace("<ret>2</ret>", "<ret> 2 </ret>")
    );
    assert_eq!(Event::parse(&padded).unwrap(), parse_fixture("wxa_nickname_audit.xml"));
}

#[test]
fn xml_dedup_keys_follow_wechat_and_separate_authorizers() {
    let keys: Vec<(&str, String)> = known_fixtures().into_iter().map(|(name, e)| (name, e.dedup_key())).collect();
    let key = |name: &str| keys.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    assert_eq!(key("component_verify_ticket.xml"), "component|some_appid|component_verify_ticket|1413192605");
    assert_eq!(key("authorized.xml"), "component|wx6001eeeefe06e0af|authorized|1512552185|wxf7d2ddffc117e8de");
    assert_eq!(key("notify_third_fasteregister.xml"), "component|第三方平台appid|notify_third_fasteregister|1535442403|创建小程序appid");
    assert_eq!(key("weapp_audit_fail.xml"), "message|gh_fb9688c2a4b2|od1P50M-fNQI5Gcq-trm4a7apsU8|1488856591|weapp_audit_fail");
    assert_eq!(parse_fixture("unknown/text.xml").dedup_key(), "msgid|toUser|1234567890123456");
    assert_eq!(
        parse_fixture("unknown/wxa_privacy_apply.xml").dedup_key(),
        "message|gh_fb9688c2a4b2|od1P50M-fNQI5Gcq-trm4a7apsU8|1488856741|wxa_privacy_apply"
    );
    assert_eq!(
        parse_fixture("unknown/notify_third_fastverifybetaapp.xml").dedup_key(),
        "component|第三方平台appid|notify_third_fastverifybetaapp|1535442403|小程序appid"
    );

    // A retry is the same push: same key, whatever the layout.
    let retry = Event::parse(&parse_fixture("authorized.xml").to_xml()).unwrap();
    assert_eq!(retry.dedup_key(), key("authorized.xml"));

    // Two merchants authorizing in the same second are two pushes.
    let Event::Authorized(first) = parse_fixture("authorized.xml") else { panic!() };
    let second = Event::Authorized(Authorization { authorizer_appid: "wx0000000000000002".into(), ..first.clone() });
    assert_ne!(second.dedup_key(), Event::Authorized(first).dedup_key());

    // Two mini programs, or two kinds of result, sharing the system sender and the second.
    let Event::WeappAuditSuccess(success) = parse_fixture("weapp_audit_success.xml") else { panic!() };
    let other_app =
        WeappAuditSuccess { header: MessageHeader { to_user_name: "gh_other".into(), ..success.header.clone() }, ..success.clone() };
    assert_ne!(Event::WeappAuditSuccess(other_app).dedup_key(), Event::WeappAuditSuccess(success.clone()).dedup_key());
    let delay = WeappAuditDelay { header: success.header.clone(), reason: String::new(), delay_time: 0 };
    assert_ne!(Event::WeappAuditDelay(delay).dedup_key(), Event::WeappAuditSuccess(success).dedup_key());
}

#[test]
fn xml_accessors_agree_with_the_payload() {
    for (name, event) in known_fixtures() {
        let header_time = event.component_header().map(|h| h.create_time).or(event.message_header().map(|h| h.create_time));
        assert_eq!(event.create_time(), header_time, "{name}");
        assert!(event.component_header().is_some() != event.message_header().is_some(), "{name}");
    }
    assert_eq!(parse_fixture("unknown/text.xml").create_time(), Some(1348831860));
    assert_eq!(parse_fixture("authorized.xml").authorizer_appid(), Some("wxf7d2ddffc117e8de"));
    assert_eq!(parse_fixture("weapp_audit_fail.xml").authorizer_appid(), None);
    assert_eq!(parse_fixture("unknown/wxa_privacy_apply.xml").authorizer_appid(), None);
}

#[test]
fn xml_json_form_is_tagged_with_the_wechat_kind() {
    let fail = parse_fixture("weapp_audit_fail.xml");
    let json = serde_json::to_value(&fail).unwrap();
    assert_eq!(json["type"], "weapp_audit_fail");
    assert_eq!(json["ToUserName"], "gh_fb9688c2a4b2");
    assert_eq!(json["CreateTime"], 1488856591);
    assert_eq!(json["FailTime"], 1488856591);
    assert_eq!(json["ScreenShot"], serde_json::json!(["xxx", "yyy", "zzz"]));
    assert_eq!(json["Reason"], AUDIT_FAIL_REASON);

    let unknown = serde_json::to_value(parse_fixture("unknown/text.xml")).unwrap();
    assert_eq!(unknown["type"], "unknown");
    assert_eq!(unknown["kind"], "text");
    assert_eq!(unknown["fields"]["MsgId"], "1234567890123456");

    let fasteregister = serde_json::to_value(parse_fixture("notify_third_fasteregister.xml")).unwrap();
    assert_eq!(fasteregister["type"], "notify_third_fasteregister");
    assert_eq!(fasteregister["AppId"], "第三方平台appid");
    assert_eq!(fasteregister["info"]["code_type"], 1);

    let mut all: Vec<Event> = known_fixtures().into_iter().map(|(_, e)| e).collect();
    all.push(parse_fixture("unknown/open_product_scene_group_audit.xml"));
    for event in all {
        let back: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(back, event);
    }
}

/// Strings mixing plain text with what trips XML writers: CDATA terminators, markup, entities,
/// line breaks, pipes.
fn wechat_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("]]>".to_owned()),
            Just("<br>".to_owned()),
            Just("&amp;".to_owned()),
            Just("\r\n".to_owned()),
            Just("|".to_owned()),
            Just(" ".to_owned()),
            "\\PC{0,8}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn message_header() -> impl Strategy<Value = MessageHeader> {
    (wechat_text(), wechat_text(), any::<i64>()).prop_map(|(to, from, t)| MessageHeader {
        to_user_name: to,
        from_user_name: from,
        create_time: t,
    })
}

fn component_header() -> impl Strategy<Value = ComponentHeader> {
    (wechat_text(), any::<i64>()).prop_map(|(app_id, create_time)| ComponentHeader { app_id, create_time })
}

fn authorization() -> impl Strategy<Value = Authorization> {
    (component_header(), wechat_text(), wechat_text(), any::<i64>(), wechat_text()).prop_map(|(header, appid, code, expires, pre)| {
        Authorization {
            header,
            authorizer_appid: appid,
            authorization_code: code,
            authorization_code_expired_time: expires,
            pre_auth_code: pre,
        }
    })
}

fn any_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (component_header(), wechat_text())
            .prop_map(|(header, ticket)| Event::ComponentVerifyTicket(ComponentVerifyTicket { header, component_verify_ticket: ticket })),
        authorization().prop_map(Event::Authorized),
        authorization().prop_map(Event::UpdateAuthorized),
        (component_header(), wechat_text())
            .prop_map(|(header, appid)| Event::Unauthorized(Unauthorized { header, authorizer_appid: appid })),
        (
            component_header(),
            (wechat_text(), any::<i64>(), wechat_text(), wechat_text()),
            (wechat_text(), wechat_text(), any::<i32>(), wechat_text(), wechat_text(), wechat_text()),
        )
            .prop_map(|(header, (appid, status, auth_code, msg), (name, code, code_type, wechat, legal, phone))| {
                Event::NotifyThirdFasteregister(NotifyThirdFasteregister {
                    header,
                    appid,
                    status,
                    auth_code,
                    msg,
                    info: FasteregisterInfo {
                        name,
                        code,
                        code_type,
                        legal_persona_wechat: wechat,
                        legal_persona_name: legal,
                        component_phone: phone,
                    },
                })
            }),
        (message_header(), any::<i64>()).prop_map(|(header, t)| Event::WeappAuditSuccess(WeappAuditSuccess { header, succ_time: t })),
        (message_header(), wechat_text(), any::<i64>(), prop::collection::vec("[A-Za-z0-9_-]{1,24}", 0..4)).prop_map(
            |(header, reason, t, shots)| Event::WeappAuditFail(WeappAuditFail { header, reason, fail_time: t, screen_shot: shots })
        ),
        (message_header(), wechat_text(), any::<i64>()).prop_map(|(header, reason, t)| Event::WeappAuditDelay(WeappAuditDelay {
            header,
            reason,
            delay_time: t
        })),
        (message_header(), any::<i32>(), wechat_text(), wechat_text())
            .prop_map(|(header, ret, nickname, reason)| Event::WxaNicknameAudit(WxaNicknameAudit { header, ret, nickname, reason })),
        (message_header(), any::<i32>(), any::<i64>(), any::<i64>(), wechat_text()).prop_map(|(header, ret, first, second, reason)| {
            Event::WxaCategoryAudit(WxaCategoryAudit { header, ret, first, second, reason })
        }),
    ]
}

proptest! {
    #[test]
    fn xml_every_typed_event_round_trips(event in any_event()) {
        let xml = event.to_xml();
        prop_assert_eq!(Event::parse(&xml).map_err(|e| format!("{e}: {xml}")), Ok(event.clone()));
        let again = Event::parse(&xml).unwrap();
        prop_assert_eq!(again.dedup_key(), event.dedup_key());
    }

    #[test]
    fn xml_parse_never_panics(input in "\\PC{0,200}") {
        let _ = Event::parse(&input);
    }
}
