//! `wxfleet push decode` against every public push vector the protocol crate carries, and against
//! pushes broken on purpose at each step.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct PushCase {
    name: String,
    token: String,
    aes_key: String,
    appid: String,
    query: String,
    body: String,
    /// The decrypted XML, or for vectors that must be refused the (step, code) they are refused with.
    expected: Result<String, (String, i64)>,
}

fn push_cases() -> Vec<PushCase> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wechat/tests/fixtures/crypto");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in file["cases"].as_array().unwrap() {
            if case["kind"] != "push" {
                continue;
            }
            let text = |key: &str| case[key].as_str().unwrap_or_else(|| panic!("{}: {key}", path.display())).to_owned();
            cases.push(PushCase {
                name: format!("{}: {}", path.file_name().unwrap().to_string_lossy(), text("name")),
                token: text("token"),
                aes_key: text("encoding_aes_key"),
                appid: text("receive_id"),
                query: text("query"),
                body: text("body"),
                expected: match case.get("expect_error") {
                    Some(e) => Err((e["step"].as_str().unwrap().to_owned(), e["code"].as_i64().unwrap())),
                    None => Ok(text("xml")),
                },
            });
        }
    }
    assert!(cases.len() >= 10, "expected the public push vectors, found {}", cases.len());
    cases
}

/// The vectors that must decrypt, with their XML.
fn opening_cases() -> Vec<(PushCase, String)> {
    push_cases().into_iter().filter_map(|c| c.expected.clone().ok().map(|xml| (c, xml))).collect()
}

fn decode(args: &[&str], body: &str) -> (Output, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxfleet"))
        .args(["push", "decode"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", String::from_utf8_lossy(&output.stdout)));
    (output, json)
}

fn base_args(case: &PushCase) -> Vec<&str> {
    vec!["--token", &case.token, "--aes-key", &case.aes_key, "--appid", &case.appid]
}

fn query_param(query: &str, name: &str) -> String {
    url_param(query, name).unwrap_or_else(|| panic!("no {name} in {query}"))
}

fn url_param(query: &str, name: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

#[test]
fn every_public_push_vector_decodes_with_the_whole_query() {
    for case in push_cases() {
        let mut args = base_args(&case);
        args.extend(["--query", &case.query]);
        let (output, json) = decode(&args, &case.body);
        match &case.expected {
            Ok(xml) => {
                assert!(output.status.success(), "{}: {json}", case.name);
                assert_eq!(json["ok"], true, "{}", case.name);
                assert_eq!(json["xml"], xml.as_str(), "{}", case.name);
                assert!(json["event"]["type"].is_string(), "{}: the event is typed: {json}", case.name);
            }
            Err((step, code)) => assert_refused(&json, &output, step, *code),
        }
    }
}

#[test]
fn every_public_push_vector_decodes_with_separate_parameters() {
    for (case, xml) in opening_cases() {
        let (timestamp, nonce, signature) =
            (query_param(&case.query, "timestamp"), query_param(&case.query, "nonce"), query_param(&case.query, "msg_signature"));
        let mut args = base_args(&case);
        args.extend(["--timestamp", &timestamp, "--nonce", &nonce, "--msg-signature", &signature]);
        let (output, json) = decode(&args, &case.body);
        assert!(output.status.success(), "{}: {json}", case.name);
        assert_eq!(json["xml"], xml.as_str(), "{}", case.name);
    }
}

#[test]
fn a_ticket_push_prints_the_typed_ticket() {
    let (case, _) = opening_cases().into_iter().find(|(_, xml)| xml.contains("component_verify_ticket")).expect("a ticket vector");
    let mut args = base_args(&case);
    args.extend(["--query", &case.query]);
    let (_, json) = decode(&args, &case.body);
    assert_eq!(json["event"]["type"], "component_verify_ticket");
    assert!(json["event"]["ComponentVerifyTicket"].as_str().unwrap().starts_with("ticket@@@"), "{json}");
}

fn assert_refused(json: &Value, output: &Output, step: &str, code: i64) {
    assert_eq!(output.status.code(), Some(1), "{json}");
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["step"], step, "{json}");
    assert_eq!(json["code"], code, "{json}");
    assert!(!json["message"].as_str().unwrap().is_empty());
}

#[test]
fn a_tampered_signature_is_refused_at_the_signature_step() {
    let (case, _) = &opening_cases()[0];
    let (timestamp, nonce) = (query_param(&case.query, "timestamp"), query_param(&case.query, "nonce"));
    let mut args = base_args(case);
    args.extend(["--timestamp", &timestamp, "--nonce", &nonce, "--msg-signature", "0000000000000000000000000000000000000000"]);
    let (output, json) = decode(&args, &case.body);
    assert_refused(&json, &output, "signature", -40001);
}

#[test]
fn a_push_for_another_appid_is_refused_at_the_appid_step() {
    let (case, _) = &opening_cases()[0];
    let mut args = vec!["--token", &case.token, "--aes-key", &case.aes_key, "--appid", "wx_someone_else"];
    args.extend(["--query", &case.query]);
    let (output, json) = decode(&args, &case.body);
    assert_refused(&json, &output, "appid", -40005);
    assert!(json["message"].as_str().unwrap().contains("wx_someone_else"), "{json}");
}

#[test]
fn a_wrong_aes_key_is_refused_when_decrypting() {
    let (case, _) = &opening_cases()[0];
    let wrong_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
    let mut args = vec!["--token", &case.token, "--aes-key", wrong_key, "--appid", &case.appid];
    args.extend(["--query", &case.query]);
    let (output, json) = decode(&args, &case.body);
    assert_eq!(output.status.code(), Some(1));
    let step = json["step"].as_str().unwrap();
    assert!(["padding", "length", "appid"].contains(&step), "a wrong key fails inside the plaintext checks: {json}");
}

#[test]
fn an_illegal_aes_key_is_refused_with_its_code() {
    let (case, _) = &opening_cases()[0];
    let mut args = vec!["--token", &case.token, "--aes-key", "short", "--appid", &case.appid];
    args.extend(["--query", &case.query]);
    let (output, json) = decode(&args, &case.body);
    assert_refused(&json, &output, "key", -40004);
}

#[test]
fn a_body_that_is_not_xml_is_refused_at_the_xml_step() {
    let (case, _) = &opening_cases()[0];
    let mut args = base_args(case);
    args.extend(["--query", &case.query]);
    let (output, json) = decode(&args, "this is not xml");
    assert_refused(&json, &output, "xml", -40002);
}

#[test]
fn an_encrypt_that_is_not_base64_is_refused_at_the_base64_step() {
    let (case, _) = &opening_cases()[0];
    let body = "<xml><AppId><![CDATA[wx]]></AppId><Encrypt><![CDATA[not*base64!]]></Encrypt></xml>";
    let timestamp = "1409304348";
    let nonce = "xxxxxx";
    let signature = wechat::crypto::msg_signature(&case.token, timestamp, nonce, "not*base64!");
    let mut args = base_args(case);
    args.extend(["--timestamp", timestamp, "--nonce", nonce, "--msg-signature", &signature]);
    let (output, json) = decode(&args, body);
    assert_refused(&json, &output, "base64", -40010);
}

#[test]
fn a_missing_body_file_is_a_usage_error_not_a_verdict() {
    let (case, _) = &opening_cases()[0];
    let mut args = base_args(case);
    args.extend(["--query", &case.query, "--body", "/nonexistent/push.xml"]);
    let output = Command::new(env!("CARGO_BIN_EXE_wxfleet")).args(["push", "decode"]).args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/push.xml"));
}
