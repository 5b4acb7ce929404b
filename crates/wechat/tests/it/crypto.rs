//! Message crypto (reference §1): the public vectors, round trips over every pad length, one
//! refusal per error kind, the envelopes and the query string.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::prelude::*;
use serde_json::Value;
use wechat::crypto::{
    msg_signature, url_signature, verify_msg_signature, verify_push, verify_url_signature, CryptoError, MsgCrypt, PushQuery, SampleCode,
};
use wechat::selftest;
use wechat::xml::{Addressee, Envelope, EnvelopeError, ReplyEnvelope};

/// The key of the documentation's example: 43 'A' decode to 32 zero bytes.
const ZERO_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const SAMPLE_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx134c8103faa5a59e";
const RANDOM: [u8; 16] = *b"1205899eaf019bbd";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crypto")
}

fn fixture_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap()))
        .collect();
    files.sort();
    files
}

fn all_cases() -> Vec<Value> {
    fixture_files().iter().flat_map(|(_, json)| serde_json::from_str::<Value>(json).unwrap()["cases"].as_array().unwrap().clone()).collect()
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field].as_str().unwrap_or_else(|| panic!("case {} lacks {field}", case["name"]))
}

fn doc_crypt() -> MsgCrypt {
    MsgCrypt::new("AAAAA", ZERO_KEY, APPID).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The public vectors

#[test]
fn every_vector_file_on_disk_is_built_into_the_selftest() {
    let on_disk = fixture_files();
    let built_in: Vec<(String, String)> = selftest::VECTOR_FILES.iter().map(|(n, j)| (n.to_string(), j.to_string())).collect();
    let mut built_in_sorted = built_in.clone();
    built_in_sorted.sort();
    assert_eq!(on_disk, built_in_sorted, "tests/fixtures/crypto and selftest::VECTOR_FILES differ");
    for (name, json) in &on_disk {
        let file: Value = serde_json::from_str(json).unwrap();
        assert!(file["source"].as_str().is_some_and(|s| !s.is_empty()), "{name} has no source");
        assert!(file["provenance"].as_array().is_some_and(|p| !p.is_empty()), "{name} has no provenance");
    }
}

#[test]
fn selftest_passes_every_vector() {
    let report = selftest::run();
    let failures: Vec<String> =
        report.cases.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail.clone().unwrap_or_default())).collect();
    assert!(failures.is_empty(), "failing vectors:\n{}", failures.join("\n"));
    assert_eq!(report.passed, all_cases().len());
    assert_eq!(report.failed, 0);
    assert!(report.passed >= 30, "only {} vectors", report.passed);
}

#[test]
fn selftest_notices_a_tampered_vector() {
    let (_, json) = selftest::VECTOR_FILES.iter().find(|(n, _)| *n == "official-openplatform-docs.json").unwrap();
    let tamperings = [
        ("hello world]]></debug_str>", "hello there]]></debug_str>", "decrypted XML differs"),
        ("\"random\": \"1205899eaf019bbd\"", "\"random\": \"1205899eaf019bbe\"", "random prefix"),
        ("1713424427</TimeStamp>", "1713424428</TimeStamp>", "reply XML differs"),
        (
            "\"signature\": \"f464b24fc39322e44b38aa78f5edd27bd1441696\"",
            "\"signature\": \"f464b24fc39322e44b38aa78f5edd27bd1441697\"",
            "signature differs",
        ),
    ];
    for (from, to, expected_detail) in tamperings {
        assert!(json.contains(from), "{from} not in the file");
        let cases = selftest::check_file("docs.json", &json.replacen(from, to, 1));
        let failed: Vec<_> = cases.iter().filter(|c| !c.ok).collect();
        assert_eq!(failed.len(), 1, "tampering {from:?} should fail exactly one case: {cases:?}");
        assert!(failed[0].detail.as_deref().unwrap().contains(expected_detail), "{:?}", failed[0]);
    }
    // A vector that expects a refusal fails when the refusal is a different one.
    let (_, easy) = selftest::VECTOR_FILES.iter().find(|(n, _)| *n == "easywechat.json").unwrap();
    let cases = selftest::check_file("easywechat.json", &easy.replacen("\"code\": -40005", "\"code\": -40001", 1));
    assert_eq!(cases.iter().filter(|c| !c.ok).count(), 1);
    let unreadable = selftest::check_file("broken.json", "{");
    assert!(!unreadable[0].ok && unreadable.len() == 1);
}

/// The same vectors through the public API directly, without the selftest's code.
#[test]
fn every_push_and_encrypt_vector_through_the_api() {
    let mut checked = 0;
    for case in all_cases() {
        match s(&case, "kind") {
            "push" if case.get("xml").is_some() => {
                let crypt = MsgCrypt::new(s(&case, "token"), s(&case, "encoding_aes_key"), s(&case, "receive_id")).unwrap();
                let query = PushQuery::parse(s(&case, "query"));
                assert_eq!(crypt.open_push(&query, s(&case, "body").as_bytes()).unwrap(), s(&case, "xml"), "{}", case["name"]);
                let envelope = verify_push(s(&case, "token"), &query, s(&case, "body").as_bytes()).unwrap();
                let plaintext = crypt.decrypt_plaintext(&envelope.encrypt).unwrap();
                assert_eq!(&plaintext.random, s(&case, "random").as_bytes());
                assert_eq!(plaintext.receive_id, s(&case, "receive_id"));
                assert_eq!(crypt.encrypt(s(&case, "xml"), plaintext.random), envelope.encrypt, "{}", case["name"]);
                checked += 1;
            }
            "encrypt" => {
                let crypt = MsgCrypt::new("", s(&case, "encoding_aes_key"), s(&case, "receive_id")).unwrap();
                let random: [u8; 16] = s(&case, "random").as_bytes().try_into().unwrap();
                assert_eq!(crypt.encrypt(s(&case, "msg"), random), s(&case, "encrypt"));
                assert_eq!(crypt.decrypt(s(&case, "encrypt")).unwrap(), s(&case, "msg"));
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked >= 15, "only {checked} vectors");
}

#[test]
fn official_docs_push_is_rebuilt_byte_for_byte() {
    let crypt = doc_crypt();
    let xml = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>";
    assert_eq!(xml.len(), 292, "msg_len on the documentation page");
    let sealed = crypt.seal_push(
        &Addressee::ToUserName("gh_97417a04a28d".into()),
        xml,
        "1715943329",
        "1590219412",
        Some("o9AgO5Kd5ggOC-bXrbNODIiE3bGY"),
        RANDOM,
    );
    assert_eq!(
        sealed.query_string,
        "signature=cc0c594499c1634947d5b502f158ee518947db27&timestamp=1715943329&nonce=1590219412&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=6c12a4205838198b8fa631b3220723bb07f1015c"
    );
    assert!(sealed
        .body
        .starts_with("<xml>\n    <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n    <Encrypt><![CDATA[D7yzvUNAL930rd28wf21s4hv"));
    let encrypt = Envelope::parse(sealed.body.as_bytes()).unwrap().encrypt;
    assert_eq!(STANDARD.decode(&encrypt).unwrap().len(), 352, "TmpMsg length on the documentation page");
    assert_eq!(crypt.open_push(&PushQuery::parse(&sealed.query_string), sealed.body.as_bytes()).unwrap(), xml);
}

#[test]
fn official_docs_reply_is_written_byte_for_byte() {
    let reply =
        doc_crypt().encrypt_reply("<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>", "1713424427", "415670741", *b"999951349e8ee746");
    assert_eq!(
        reply,
        "<xml>\n<Encrypt><![CDATA[hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7]]></Encrypt>\n<MsgSignature><![CDATA[03e0812039325c2712ef5f0f980fd14c70d6e307]]></MsgSignature>\n<TimeStamp>1713424427</TimeStamp>\n<Nonce><![CDATA[415670741]]></Nonce>\n</xml>"
    );
}

#[test]
fn key_trailing_bits_are_ignored_like_the_samples_do() {
    // The official key ends in G (low bits 10): a strict base64 decoder refuses it.
    let g = MsgCrypt::new("t", SAMPLE_KEY, "wxb11529c136998cb6").unwrap();
    let e = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFE", "wxb11529c136998cb6").unwrap();
    assert_eq!(g.encrypt("我是中文abcd123", *b"aaaabbbbccccdddd"), e.encrypt("我是中文abcd123", *b"aaaabbbbccccdddd"));
    // E, F, G, H share the four high bits 0001; I (001000) does not, and is another key.
    let i = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFI", "wxb11529c136998cb6").unwrap();
    assert_ne!(g.encrypt("x", RANDOM), i.encrypt("x", RANDOM));
}

// ---------------------------------------------------------------------------------------------
// Round trips and padding

/// Decrypts with the raw cipher (no library code) and returns the plaintext with its padding.
fn raw_decrypt(key: &[u8; 32], encrypt: &str) -> Vec<u8> {
    let mut buf = STANDARD.decode(encrypt).unwrap();
    cbc::Decryptor::<aes::Aes256>::new(key.into(), key[..16].try_into().unwrap()).decrypt_padded::<NoPadding>(&mut buf).unwrap().to_vec()
}

/// Encrypts a hand-made plaintext (a whole number of 16-byte blocks) with the raw cipher.
fn raw_encrypt(key: &[u8; 32], plain: &[u8]) -> String {
    let mut buf = plain.to_vec();
    let len = buf.len();
    let ct = cbc::Encryptor::<aes::Aes256>::new(key.into(), key[..16].try_into().unwrap())
        .encrypt_padded::<NoPadding>(&mut buf, len)
        .unwrap()
        .to_vec();
    STANDARD.encode(ct)
}

/// The pad length of `encrypt`, checked independently of the library: 1..=32 bytes, all equal.
fn pad_of(encrypt: &str) -> usize {
    let plain = raw_decrypt(&[0; 32], encrypt);
    let pad = *plain.last().unwrap() as usize;
    assert!((1..=32).contains(&pad), "pad {pad}");
    assert!(plain[plain.len() - pad..].iter().all(|&b| b as usize == pad));
    assert_eq!(plain.len() % 32, 0, "padded to 32-byte blocks");
    pad
}

#[test]
fn every_pad_length_from_1_to_32_occurs_and_round_trips() {
    let crypt = doc_crypt();
    let mut pads = BTreeSet::new();
    for len in 0..64 {
        let msg = "x".repeat(len);
        let encrypt = crypt.encrypt(&msg, RANDOM);
        let pad = pad_of(&encrypt);
        assert_eq!((20 + len + APPID.len() + pad) % 32, 0);
        pads.insert(pad);
        assert_eq!(crypt.decrypt(&encrypt).unwrap(), msg);
    }
    assert_eq!(pads, (1..=32).collect::<BTreeSet<_>>());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encrypt_then_decrypt_is_identity(msg in "\\PC{0,300}", random in any::<[u8; 16]>(), receive_id in "[a-z0-9]{0,24}") {
        let crypt = MsgCrypt::new("token", ZERO_KEY, &receive_id).unwrap();
        let encrypt = crypt.encrypt(&msg, random);
        let pad = pad_of(&encrypt);
        prop_assert_eq!((20 + msg.len() + receive_id.len() + pad) % 32, 0);
        prop_assert_eq!(crypt.decrypt(&encrypt).unwrap(), msg.clone());
        let plaintext = crypt.decrypt_plaintext(&encrypt).unwrap();
        prop_assert_eq!(plaintext.random, random);
        prop_assert_eq!(plaintext.receive_id, receive_id);
    }

    #[test]
    fn sealed_pushes_open(msg in "\\PC{0,200}", random in any::<[u8; 16]>(), ts in "[0-9]{1,10}", nonce in "[0-9a-zA-Z]{1,16}") {
        let crypt = doc_crypt();
        let sealed = crypt.seal_push(&Addressee::AppId(APPID.into()), &msg, &ts, &nonce, None, random);
        prop_assert_eq!(crypt.open_push(&PushQuery::parse(&sealed.query_string), sealed.body.as_bytes()).unwrap(), msg.clone());
        let reply = ReplyEnvelope::parse(crypt.encrypt_reply(&msg, &ts, &nonce, random).as_bytes()).unwrap();
        prop_assert!(verify_msg_signature("AAAAA", &ts, &nonce, &reply.encrypt, &reply.msg_signature).is_ok());
        prop_assert_eq!(crypt.decrypt(&reply.encrypt).unwrap(), msg);
    }

    #[test]
    fn decrypt_never_panics_on_garbage(encrypt in "[A-Za-z0-9+/=]{0,200}") {
        let _ = doc_crypt().decrypt(&encrypt);
    }
}

#[test]
fn empty_and_multibyte_messages_round_trip() {
    let crypt = doc_crypt();
    for msg in ["", "中", "我是中文abcd123", "emoji 🦀 and \u{0}", &"界".repeat(1000)] {
        assert_eq!(crypt.decrypt(&crypt.encrypt(msg, RANDOM)).unwrap(), msg);
    }
}

// ---------------------------------------------------------------------------------------------
// One refusal per error kind

fn assert_refused<T: std::fmt::Debug>(outcome: Result<T, CryptoError>, code: i32, step: &str) -> CryptoError {
    let err = outcome.expect_err("should be refused");
    assert_eq!((err.code(), err.step()), (code, step), "{err}");
    err
}

fn sealed_doc_push() -> (PushQuery, String) {
    let sealed = doc_crypt().seal_push(&Addressee::AppId(APPID.into()), "<xml><a>1</a></xml>", "1700000000", "42", None, RANDOM);
    (PushQuery::parse(&sealed.query_string), sealed.body)
}

/// Frames `msg` by hand: random | declared length | msg | receive id | padding byte repeated.
fn hand_framed(declared: u32, msg: &[u8], receive_id: &[u8], pad_byte: Option<u8>) -> String {
    let mut plain = RANDOM.to_vec();
    plain.extend_from_slice(&declared.to_be_bytes());
    plain.extend_from_slice(msg);
    plain.extend_from_slice(receive_id);
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(pad_byte.unwrap_or(pad as u8), pad));
    raw_encrypt(&[0; 32], &plain)
}

#[test]
fn tampered_signature_is_40001() {
    let (mut query, body) = sealed_doc_push();
    let good = query.msg_signature.clone().unwrap();
    let flipped = if good.starts_with('0') { '1' } else { '0' };
    query.msg_signature = Some(format!("{flipped}{}", &good[1..]));
    assert_refused(doc_crypt().open_push(&query, body.as_bytes()), -40001, "signature");
    // Changing the body invalidates the signature too.
    let (query, body) = sealed_doc_push();
    let altered = body.replacen("<![CDATA[", "<![CDATA[A", 2);
    assert_refused(doc_crypt().open_push(&query, altered.as_bytes()), -40001, "signature");
    // Another Token.
    assert_refused(MsgCrypt::new("BBBBB", ZERO_KEY, APPID).unwrap().open_push(&query, body.as_bytes()), -40001, "signature");
    assert_refused(verify_url_signature("AAAAA", "1", "2", &url_signature("AAAAA", "1", "3")), -40001, "signature");
    assert_refused(verify_url_signature("AAAAA", "1", "2", &url_signature("AAAAA", "1", "2").to_uppercase()), -40001, "signature");
}

#[test]
fn missing_query_parameters_are_40001() {
    let (query, body) = sealed_doc_push();
    for missing in ["timestamp", "nonce", "msg_signature"] {
        let mut q = query.clone();
        match missing {
            "timestamp" => q.timestamp = None,
            "nonce" => q.nonce = None,
            _ => q.msg_signature = None,
        }
        let err = assert_refused(doc_crypt().open_push(&q, body.as_bytes()), -40001, "signature");
        assert_eq!(
            err,
            CryptoError::MissingQueryParam(match missing {
                "timestamp" => "timestamp",
                "nonce" => "nonce",
                _ => "msg_signature",
            })
        );
    }
}

#[test]
fn bad_xml_is_40002() {
    let (query, _) = sealed_doc_push();
    for body in [
        "",
        "not xml",
        "<xml><Encrypt>abc</Encrypt>",
        "<xml><AppId>x</AppId></xml>",
        "<xml><Encrypt></Encrypt></xml>",
        "<xml><Encrypt/></xml>",
        "<root><Encrypt>abc</Encrypt></root>",
        "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>",
        "<xml><Encrypt><b>x</b></Encrypt></xml>",
        "<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><Encrypt>&e;</Encrypt></xml>",
        "<xml><Encrypt>a&bogus;</Encrypt></xml>",
        "<xml><Encrypt>a</Encrypt></xml><xml><Encrypt>b</Encrypt></xml>",
        "<xml><Encrypt>a</Encrypt></wrong>",
    ] {
        assert_refused(doc_crypt().open_push(&query, body.as_bytes()), -40002, "xml");
    }
    assert_refused(doc_crypt().open_push(&query, b"<xml><Encrypt>\xff\xfe</Encrypt></xml>"), -40002, "xml");
}

#[test]
fn bad_keys_are_40004() {
    for key in [
        "",
        "short",
        &"A".repeat(42),
        &"A".repeat(44),
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDE!G",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDE=G",
    ] {
        assert_refused(MsgCrypt::new("t", key, APPID), -40004, "key");
    }
    // 43 characters of which one is multi-byte: counted in characters, refused as not base64.
    assert_refused(MsgCrypt::new("t", &format!("{}é", "A".repeat(42)), APPID), -40004, "key");
}

#[test]
fn wrong_appid_is_40005_and_names_both() {
    let ours = doc_crypt();
    let theirs = MsgCrypt::new("AAAAA", ZERO_KEY, "wxBBBBBBBBBBBBBBBB").unwrap();
    let err = assert_refused(ours.decrypt(&theirs.encrypt("<xml/>", RANDOM)), -40005, "appid");
    assert_eq!(err, CryptoError::AppIdMismatch { expected: APPID.into(), got: "wxBBBBBBBBBBBBBBBB".into() });
    assert!(err.to_string().contains("expected wx134c8103faa5a59e, got wxBBBBBBBBBBBBBBBB"));
    // Through a whole push signed with the right Token.
    let sealed = theirs.seal_push(&Addressee::AppId("wxBBBBBBBBBBBBBBBB".into()), "<xml/>", "1", "2", None, RANDOM);
    assert_refused(ours.open_push(&PushQuery::parse(&sealed.query_string), sealed.body.as_bytes()), -40005, "appid");
    // decrypt_plaintext still reads it, for diagnosis.
    assert_eq!(ours.decrypt_plaintext(&Envelope::parse(sealed.body.as_bytes()).unwrap().encrypt).unwrap().receive_id, "wxBBBBBBBBBBBBBBBB");
}

#[test]
fn ciphertext_not_whole_blocks_is_40007() {
    for bytes in [0usize, 1, 15, 17, 31, 33] {
        let encrypt = STANDARD.encode(vec![7u8; bytes]);
        let err = assert_refused(doc_crypt().decrypt(&encrypt), -40007, "aes");
        assert_eq!(err, CryptoError::CiphertextLength(bytes));
    }
}

#[test]
fn bad_padding_is_40008_padding() {
    // The last byte names a pad of 0, of 33, or a pad whose bytes disagree.
    let zero = hand_framed(1, b"x", APPID.as_bytes(), Some(0));
    assert_eq!(assert_refused(doc_crypt().decrypt(&zero), -40008, "padding"), CryptoError::Padding { last: 0 });
    let mut plain = vec![1u8; 64];
    plain[63] = 33;
    assert_refused(doc_crypt().decrypt(&raw_encrypt(&[0; 32], &plain)), -40008, "padding");
    let mut plain = vec![3u8; 64];
    plain[61] = 4;
    assert_refused(doc_crypt().decrypt(&raw_encrypt(&[0; 32], &plain)), -40008, "padding");
    // A flipped bit in the second-to-last block flips the same bit of the last plaintext block,
    // here the pad byte: a corrupted ciphertext is caught by the padding check.
    let encrypt = doc_crypt().encrypt("<xml/>", RANDOM);
    let mut ct = STANDARD.decode(&encrypt).unwrap();
    let n = ct.len();
    ct[n - 17] ^= 0x80;
    assert_refused(doc_crypt().decrypt(&STANDARD.encode(&ct)), -40008, "padding");
    // The wrong key decrypts to noise, whose last byte is almost never a valid pad.
    let other = MsgCrypt::new("AAAAA", SAMPLE_KEY, APPID).unwrap();
    assert_refused(other.decrypt(&encrypt), -40008, "padding");
}

#[test]
fn length_overrun_is_40008_length() {
    let overrun = hand_framed(1000, b"<xml/>", APPID.as_bytes(), None);
    let err = assert_refused(doc_crypt().decrypt(&overrun), -40008, "length");
    assert!(matches!(err, CryptoError::Length { declared: 1000, .. }), "{err:?}");
    // Too short to hold random and length: 32 bytes that are all padding.
    assert_refused(doc_crypt().decrypt(&raw_encrypt(&[0; 32], &[32u8; 32])), -40008, "length");
    // A message that is not UTF-8 is refused with the same code.
    assert_eq!(
        assert_refused(doc_crypt().decrypt(&hand_framed(2, b"\xff\xfe", APPID.as_bytes(), None)), -40008, "length"),
        CryptoError::NotUtf8
    );
}

#[test]
fn bad_base64_is_40010() {
    for encrypt in ["!!!not-base64!!!", "AAAA=AAA", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA==\n"] {
        assert_refused(doc_crypt().decrypt(encrypt), -40010, "base64");
    }
    let (query, body) = sealed_doc_push();
    let (_, encrypt) = body.split_once("<Encrypt><![CDATA[").unwrap();
    let encrypt = encrypt.split_once("]]>").unwrap().0;
    // Re-sign a body whose Encrypt is not base64: the signature passes, base64 refuses.
    let bad = "%%%%";
    let mut q = query.clone();
    q.msg_signature = Some(msg_signature("AAAAA", query.timestamp.as_deref().unwrap(), query.nonce.as_deref().unwrap(), bad));
    assert_refused(doc_crypt().open_push(&q, body.replace(encrypt, bad).as_bytes()), -40010, "base64");
}

#[test]
fn codes_steps_and_sample_names() {
    let cases = [
        (CryptoError::SignatureMismatch { param: "msg_signature" }, -40001, "signature"),
        (CryptoError::MissingQueryParam("nonce"), -40001, "signature"),
        (CryptoError::Xml("x".into()), -40002, "xml"),
        (CryptoError::IllegalAesKey("x".into()), -40004, "key"),
        (CryptoError::AppIdMismatch { expected: "a".into(), got: "b".into() }, -40005, "appid"),
        (CryptoError::CiphertextLength(3), -40007, "aes"),
        (CryptoError::Padding { last: 0 }, -40008, "padding"),
        (CryptoError::Length { declared: 9, available: 3 }, -40008, "length"),
        (CryptoError::NotUtf8, -40008, "length"),
        (CryptoError::Base64("x".into()), -40010, "base64"),
    ];
    let steps: BTreeSet<&str> = cases.iter().map(|(e, _, _)| e.step()).collect();
    assert_eq!(steps, ["aes", "appid", "base64", "key", "length", "padding", "signature", "xml"].into_iter().collect());
    for (err, code, step) in cases {
        assert_eq!((err.code(), err.step()), (code, step), "{err:?}");
        assert_eq!(SampleCode::from_code(code), Some(err.sample_code()));
    }
    let codes: Vec<i32> = SampleCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(codes, (-40011..=-40001).rev().collect::<Vec<_>>());
    assert_eq!(SampleCode::IllegalBuffer.name(), "IllegalBuffer");
    assert_eq!(SampleCode::ValidateSignatureError.to_string(), "-40001 (ValidateSignatureError)");
    assert_eq!(SampleCode::from_code(0), None);
}

#[test]
fn debug_output_hides_the_token_and_key() {
    let debug = format!("{:?}", MsgCrypt::new("SECRET-TOKEN", ZERO_KEY, APPID).unwrap());
    assert!(debug.contains(APPID) && !debug.contains("SECRET") && !debug.contains("key"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// Envelopes and the query string

#[test]
fn envelope_reads_cdata_plain_text_entities_and_compatible_mode() {
    let cdata = Envelope::parse(b"<xml><AppId><![CDATA[wxA]]></AppId><Encrypt><![CDATA[ab+/=]]></Encrypt></xml>").unwrap();
    assert_eq!(cdata, Envelope { addressee: Some(Addressee::AppId("wxA".into())), encrypt: "ab+/=".into() });
    let plain = Envelope::parse(
        b"<?xml version=\"1.0\"?>\n<xml>\n  <!-- c -->\n  <ToUserName>gh_1</ToUserName>\n  <Encrypt>ab&#43;/&amp;=</Encrypt>\n</xml>\n",
    )
    .unwrap();
    assert_eq!(plain, Envelope { addressee: Some(Addressee::ToUserName("gh_1".into())), encrypt: "ab+/&=".into() });
    let compatible = Envelope::parse(
        b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><MsgType><![CDATA[text]]></MsgType><Video><Title>t</Title></Video><Encrypt><![CDATA[E]]></Encrypt><AgentID>1</AgentID></xml>",
    )
    .unwrap();
    assert_eq!(compatible.encrypt, "E");
    assert_eq!(compatible.addressee.as_ref().map(Addressee::value), Some("gh_1"));
    let bare = Envelope::parse(b"<xml><Encrypt>E</Encrypt></xml>").unwrap();
    assert_eq!(bare.addressee, None);
    assert!(matches!(Envelope::parse(b"<xml><Encrypt></Encrypt></xml>"), Err(EnvelopeError::Missing("Encrypt"))));
    assert!(matches!(Envelope::parse(b"<a><Encrypt>E</Encrypt></a>"), Err(EnvelopeError::UnexpectedRoot(r)) if r == "a"));
    assert!(matches!(Envelope::parse(b"<xml><Encrypt>1</Encrypt><Encrypt>2</Encrypt></xml>"), Err(EnvelopeError::Duplicate("Encrypt"))));
}

#[test]
fn envelopes_are_written_in_wechats_layout() {
    let envelope = Envelope { addressee: Some(Addressee::AppId("wx9eeba14a01d3807f".into())), encrypt: "E==".into() };
    assert_eq!(
        envelope.to_xml(),
        "<xml>\n    <AppId><![CDATA[wx9eeba14a01d3807f]]></AppId>\n    <Encrypt><![CDATA[E==]]></Encrypt>\n</xml>"
    );
    assert_eq!(Envelope::parse(envelope.to_xml().as_bytes()).unwrap(), envelope);
    // `]]>` cannot sit inside CDATA; it is split and reads back whole.
    let tricky = Envelope { addressee: Some(Addressee::ToUserName("a]]>b".into())), encrypt: "x]]>y".into() };
    assert_eq!(Envelope::parse(tricky.to_xml().as_bytes()).unwrap(), tricky);
    let reply = ReplyEnvelope { encrypt: "E".into(), msg_signature: "S".into(), timestamp: "1".into(), nonce: "N".into() };
    assert_eq!(
        reply.to_xml(),
        "<xml>\n<Encrypt><![CDATA[E]]></Encrypt>\n<MsgSignature><![CDATA[S]]></MsgSignature>\n<TimeStamp>1</TimeStamp>\n<Nonce><![CDATA[N]]></Nonce>\n</xml>"
    );
    assert_eq!(ReplyEnvelope::parse(reply.to_xml().as_bytes()).unwrap(), reply);
    assert!(matches!(ReplyEnvelope::parse(b"<xml><Encrypt>E</Encrypt></xml>"), Err(EnvelopeError::Missing("MsgSignature"))));
}

#[test]
fn push_query_parses_and_prints_in_wechats_order() {
    let q =
        PushQuery::parse("?nonce=2&timestamp=1&msg_signature=m&encrypt_type=aes&signature=s&openid=o&echostr=a%2Bb%2F%3D%3D&x=y&nonce=9");
    assert_eq!(q.nonce.as_deref(), Some("2"), "the first of a repeated parameter counts");
    assert_eq!(q.echostr.as_deref(), Some("a+b/=="), "values are percent-decoded");
    assert_eq!(q.to_query_string(), "signature=s&timestamp=1&nonce=2&openid=o&encrypt_type=aes&msg_signature=m&echostr=a%2Bb%2F%3D%3D");
    assert_eq!(PushQuery::parse(""), PushQuery::default());
    assert_eq!(PushQuery::default().to_query_string(), "");
}

#[test]
fn the_relay_can_verify_without_the_key() {
    let (query, body) = sealed_doc_push();
    let envelope = verify_push("AAAAA", &query, body.as_bytes()).unwrap();
    assert_eq!(envelope.addressee, Some(Addressee::AppId(APPID.into())));
    assert_refused(verify_push("AAAAB", &query, body.as_bytes()), -40001, "signature");
}
