//! Workspace commands: platforms, the audit log, the errcode explainer, and errors as a user sees
//! them (text and `--json`).

use std::process::{Command, Output};

use serde_json::Value;

fn wxfleet(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wxfleet"))
        .arg("--workspace")
        .arg(dir)
        .args(args)
        .env("WXFLEET_NO_KEYCHAIN", "1")
        .env_remove("WXFLEET_HOME")
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

const ADD: &[&str] = &[
    "platform",
    "add",
    "--appid",
    "wx00000000000000aa",
    "--name",
    "华东服务商",
    "--secret",
    "s3cret-value",
    "--token",
    "tok",
    "--aes-key",
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "--relay-url",
    "https://relay.example.com",
    "--relay-platform",
    "east",
    "--relay-credential",
    "wxr_credential",
];

#[test]
fn a_platform_is_added_listed_and_its_push_urls_shown() {
    let dir = tempfile::tempdir().unwrap();
    let added = wxfleet(dir.path(), ADD);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let text = String::from_utf8_lossy(&added.stdout);
    assert!(text.contains("https://relay.example.com/wx/east/component"), "{text}");
    assert!(text.contains("https://relay.example.com/wx/east/app/$APPID$"), "{text}");
    assert!(text.contains("key file"), "says where the master key is: {text}");

    let list = wxfleet(dir.path(), &["--json", "platform", "list"]);
    let list = json(&list);
    assert_eq!(list[0]["component_appid"], "wx00000000000000aa");
    assert_eq!(list[0]["ticket"]["valid"], false);
    assert!(!list.to_string().contains("s3cret-value"), "no secret is printed");

    let log = json(&wxfleet(dir.path(), &["--json", "log"]));
    assert_eq!(log[0]["action"], "platform.add");
    assert_eq!(log[0]["result"], "ok");
}

#[test]
fn a_bad_key_is_refused_with_a_problem_and_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = ADD.to_vec();
    let key = args.iter().position(|a| *a == "--aes-key").unwrap() + 1;
    args[key] = "too-short";
    let mut with_json = vec!["--json"];
    with_json.extend(args);
    let out = wxfleet(dir.path(), &with_json);
    assert_eq!(out.status.code(), Some(1));
    let problem: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(problem["ok"], false);
    assert_eq!(problem["error"]["code"], "invalid");
    assert!(problem["error"]["message"].as_str().unwrap().starts_with("encoding_aes_key"), "{problem}");
}

#[test]
fn explain_gives_meaning_and_remedy_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out = wxfleet(dir.path(), &["--json", "explain", "61039"]);
    assert!(out.status.success());
    let e = json(&out);
    assert_eq!(e["errcode"], 61039);
    for field in ["meaning_zh", "meaning_en", "remedy_zh", "remedy_en"] {
        assert!(!e[field].as_str().unwrap().is_empty(), "{field}");
    }
    let unknown = wxfleet(dir.path(), &["explain", "123456789"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("rid"));
}
