//! The relay as a separate process on loopback: pushes in over real sockets, devices pulling and
//! acking, the CLI next to a running server, environment overrides, SIGTERM, built-in TLS, and the
//! simulator (another process) pushing to it like WeChat.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wechat::crypto::{MsgCrypt, PushQuery};
use wechat::xml::Event;

use crate::harness::{
    ack, add_device, audit_push, config, http, open, post_push, pull, pull_all, relay_cli, ticket_push, write_config, RelayProcess, APPID,
    PLATFORM,
};

/// A relay process on a fresh SQLite file in `dir`.
fn start_relay(dir: &Path) -> (RelayProcess, PathBuf) {
    let store = format!("sqlite:{}", dir.join("relay.db").display());
    let config_path = write_config(dir, &config(&store, "http://127.0.0.1"));
    (RelayProcess::start(&config_path), config_path)
}

#[tokio::test]
async fn a_device_long_polls_over_loopback_and_is_woken_by_a_push() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, config_path) = start_relay(dir.path());
    // Enrolled through the CLI while the server runs on the same SQLite file.
    let (id, credential) = add_device(&config_path, "front desk");
    let http = http();

    let poll = {
        let (http, base, credential) = (http.clone(), relay.base.clone(), credential.clone());
        tokio::spawn(async move { pull(&http, &base, &credential, 0, 20, 100).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pushed_at = Instant::now();
    let push = ticket_push(1);
    assert_eq!(post_push(&http, &format!("{}/wx/{PLATFORM}/component", relay.base), &push).await, (200, "success".to_owned()));
    let pulled = tokio::time::timeout(Duration::from_secs(5), poll).await.expect("the long-poll is woken").unwrap();
    let woke_after = pushed_at.elapsed();
    let events = pulled["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["body"], push.body);
    assert!(woke_after < Duration::from_secs(2), "woken after {woke_after:?}");
    assert_eq!(open(events[0]["query"].as_str().unwrap(), events[0]["body"].as_str().unwrap()).kind(), "component_verify_ticket");

    ack(&http, &relay.base, &credential, 1).await;
    let listed: serde_json::Value =
        serde_json::from_str(&relay_cli(&["device", "list", "--config", config_path.to_str().unwrap(), "--json"])).unwrap();
    let device = listed.as_array().unwrap().iter().find(|d| d["id"] == id).unwrap();
    assert_eq!(device["acked_seq"], 1);
    assert!(device["last_seen"].as_i64().is_some());
    // The human listing names the device and its backlog.
    let table = relay_cli(&["device", "list", "--config", config_path.to_str().unwrap()]);
    assert!(table.contains("front desk") && table.contains("active"), "{table}");
}

#[tokio::test]
async fn two_devices_each_receive_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, config_path) = start_relay(dir.path());
    let (_, first) = add_device(&config_path, "first");
    let (_, second) = add_device(&config_path, "second");
    let http = http();
    let mut sent = Vec::new();
    for n in 0..20 {
        let push = if n % 2 == 0 { ticket_push(n) } else { audit_push(n) };
        let url = if n % 2 == 0 {
            format!("{}/wx/{PLATFORM}/component", relay.base)
        } else {
            format!("{}/wx/{PLATFORM}/app/{APPID}", relay.base)
        };
        assert_eq!(post_push(&http, &url, &push).await.0, 200);
        sent.push(push.body);
    }
    // The first device acks as it goes; the second does not — neither affects the other.
    let mut cursor = 0;
    let mut got_first = Vec::new();
    loop {
        let batch = pull(&http, &relay.base, &first, cursor, 0, 7).await;
        let events = batch["events"].as_array().unwrap().clone();
        let Some(last) = events.last() else { break };
        cursor = last["seq"].as_i64().unwrap();
        ack(&http, &relay.base, &first, cursor).await;
        got_first.extend(events.iter().map(|e| e["body"].as_str().unwrap().to_owned()));
    }
    let got_second: Vec<_> =
        pull_all(&http, &relay.base, &second, 0).await.iter().map(|e| e["body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(got_first, sent);
    assert_eq!(got_second, sent);
}

#[tokio::test]
async fn a_device_offline_during_144_tickets_and_audit_events_gets_all_in_order_on_reconnect() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, config_path) = start_relay(dir.path());
    let (_, credential) = add_device(&config_path, "laptop");
    let http = http();
    // A day of tickets (every 10 minutes) with audit results in between, while the laptop is off.
    let mut sent = Vec::new();
    for n in 0..144u64 {
        let push = ticket_push(n);
        assert_eq!(post_push(&http, &format!("{}/wx/{PLATFORM}/component", relay.base), &push).await, (200, "success".to_owned()));
        sent.push(push.body);
        if n % 6 == 5 {
            let push = audit_push(n);
            assert_eq!(post_push(&http, &format!("{}/wx/{PLATFORM}/app/{APPID}", relay.base), &push).await.0, 200);
            sent.push(push.body);
        }
    }
    assert_eq!(sent.len(), 144 + 24);

    let events = pull_all(&http, &relay.base, &credential, 0).await;
    let bodies: Vec<_> = events.iter().map(|e| e["body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(bodies, sent, "everything, byte-exact, in the order WeChat sent it");
    let seqs: Vec<_> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let kinds: HashMap<String, usize> = events.iter().fold(HashMap::new(), |mut kinds, e| {
        *kinds.entry(open(e["query"].as_str().unwrap(), e["body"].as_str().unwrap()).kind().to_owned()).or_default() += 1;
        kinds
    });
    assert_eq!(kinds["component_verify_ticket"], 144);
    assert_eq!(kinds["weapp_audit_success"], 24);
}

#[tokio::test]
async fn rejections_over_a_real_socket() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, config_path) = start_relay(dir.path());
    let (_, credential) = add_device(&config_path, "d");
    let http = http();
    let url = format!("{}/wx/{PLATFORM}/component", relay.base);
    let push = ticket_push(1);

    let tampered = wechat::crypto::SealedPush { query_string: push.query_string.replace("nonce=1", "nonce=2"), body: push.body.clone() };
    assert_eq!(post_push(&http, &url, &tampered).await.0, 401);
    let oversize = wechat::crypto::SealedPush { query_string: push.query_string.clone(), body: "x".repeat(64 * 1024 + 1) };
    assert_eq!(post_push(&http, &url, &oversize).await.0, 413);
    let not_xml = wechat::crypto::SealedPush { query_string: push.query_string.clone(), body: "hello".to_owned() };
    assert_eq!(post_push(&http, &url, &not_xml).await.0, 400);
    let response = http.post(format!("{url}?{}", push.query_string)).body(vec![0xff, 0xfe, 0x3c]).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(post_push(&http, &format!("{}/wx/other/component", relay.base), &push).await.0, 404);
    // Replayed: stored twice (the desktop de-duplicates by WeChat's keys).
    assert_eq!(post_push(&http, &url, &push).await.0, 200);
    assert_eq!(post_push(&http, &url, &push).await.0, 200);

    let events = pull_all(&http, &relay.base, &credential, 0).await;
    assert_eq!(events.len(), 2, "only the two genuine deliveries are stored");
    let metrics = http.get(format!("{}/metrics", relay.base)).send().await.unwrap().text().await.unwrap();
    for reason in ["bad_signature\"} 1", "oversize\"} 1", "malformed\"} 2", "unknown_platform\"} 1"] {
        assert!(metrics.contains(reason), "{reason} in\n{metrics}");
    }
}

#[tokio::test]
async fn a_device_revoked_through_the_cli_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, config_path) = start_relay(dir.path());
    let (id, credential) = add_device(&config_path, "stolen laptop");
    let http = http();
    pull(&http, &relay.base, &credential, 0, 0, 10).await;
    let out = relay_cli(&["device", "revoke", "--config", config_path.to_str().unwrap(), &id.to_string()]);
    assert!(out.contains("revoked"));
    let response = http.get(format!("{}/v1/events", relay.base)).bearer_auth(&credential).send().await.unwrap();
    assert_eq!(response.status(), 401);
    // Revoking what does not exist fails loudly.
    let missing = Command::new(crate::harness::relay_bin())
        .args(["device", "revoke", "--config", config_path.to_str().unwrap(), "999"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no device 999"));
}

#[tokio::test]
async fn device_add_prints_the_credential_once_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("relay.db").display());
    let config_path = write_config(dir.path(), &config(&store, "http://127.0.0.1"));
    let out = relay_cli(&["device", "add", "--config", config_path.to_str().unwrap(), "--name", "front desk"]);
    let credential = out.split_whitespace().find(|w| w.starts_with("wxr_")).expect("the credential is printed");
    assert!(out.contains("shown only this once"), "{out}");
    // The listing never shows it again.
    let list = relay_cli(&["device", "list", "--config", config_path.to_str().unwrap(), "--json"]);
    assert!(!list.contains(credential) && !list.contains("wxr_"), "{list}");
    assert!(list.contains("front desk"));
}

#[tokio::test]
async fn environment_overrides_listen_store_and_public_url() {
    let dir = tempfile::tempdir().unwrap();
    // The file names an unusable store and port; the environment wins.
    let mut file = config("sqlite:/nonexistent/dir/relay.db", "https://file.example.com");
    file.listen = "127.0.0.1:1".parse().unwrap();
    let config_path = write_config(dir.path(), &file);
    let db = dir.path().join("from-env.db");
    let store = format!("sqlite:{}", db.display());
    let env = [
        ("WXFLEET_RELAY_LISTEN", "127.0.0.1:0"),
        ("WXFLEET_RELAY_STORE", store.as_str()),
        ("WXFLEET_RELAY_PUBLIC_URL", "https://env.example.com"),
    ];
    let relay = RelayProcess::start_with_env(&config_path, &env);
    assert!(db.exists(), "the store from WXFLEET_RELAY_STORE is used");
    assert_ne!(relay.addr.port(), 1);

    let out = Command::new(crate::harness::relay_bin())
        .args(["device", "add", "--config", config_path.to_str().unwrap(), "--name", "d", "--json"])
        .envs(env)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let credential = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["credential"].as_str().unwrap().to_owned();
    let request = serde_json::json!({"platform": PLATFORM, "pre_auth_code": "pac", "mode": "pc", "expires_in": 60});
    let link: serde_json::Value = http()
        .post(format!("{}/v1/authorize-links", relay.base))
        .bearer_auth(&credential)
        .json(&request)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(link["url"].as_str().unwrap().starts_with("https://env.example.com/authorize/"), "{link}");
}

#[tokio::test]
async fn a_bad_configuration_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:0\"\npublic_url = \"not a url\"\nstore = \"sqlite:x.db\"\n").unwrap();
    let out = Command::new(crate::harness::relay_bin()).args(["serve", "--config", path.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("public_url"));
    std::fs::write(&path, "listen = \"127.0.0.1:0\"\npublic_url = \"https://r.example.com\"\nstore = \"sqlite:x.db\"\nsurprise = 1\n")
        .unwrap();
    let out = Command::new(crate::harness::relay_bin()).args(["serve", "--config", path.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("surprise"));
}

#[tokio::test]
async fn sigterm_answers_long_polls_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut relay, config_path) = start_relay(dir.path());
    let (_, credential) = add_device(&config_path, "d");
    let http = http();
    let poll = {
        let (http, base) = (http.clone(), relay.base.clone());
        tokio::spawn(async move {
            http.get(format!("{base}/v1/events?after=0&wait=25")).bearer_auth(credential).send().await.map(|r| r.status().as_u16())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let exited_cleanly = tokio::task::spawn_blocking(move || relay.terminate(Duration::from_secs(15))).await.unwrap();
    assert!(exited_cleanly, "exit status 0 after SIGTERM");
    assert_eq!(poll.await.unwrap().expect("the waiting long-poll got an answer"), 200);
    assert!(started.elapsed() < Duration::from_secs(5), "shutdown took {:?}", started.elapsed());
}

#[tokio::test]
async fn built_in_tls_from_pem_files() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let store = format!("sqlite:{}", dir.path().join("relay.db").display());
    let mut tls_config = config(&store, "https://localhost");
    tls_config.tls = Some(wxfleet_relay::config::TlsConfig { cert: cert_path, key: key_path });
    let config_path = write_config(dir.path(), &tls_config);
    let relay = RelayProcess::start(&config_path);
    assert!(relay.base.starts_with("https://"));
    let (_, credential) = add_device(&config_path, "d");

    let base = format!("https://localhost:{}", relay.addr.port());
    let trusting = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", relay.addr)
        .build()
        .unwrap();
    let push = ticket_push(1);
    assert_eq!(post_push(&trusting, &format!("{base}/wx/{PLATFORM}/component"), &push).await, (200, "success".to_owned()));
    let pulled = pull(&trusting, &base, &credential, 0, 0, 10).await;
    assert_eq!(pulled["events"][0]["body"], push.body);
    // A client that does not trust the certificate cannot talk to it; plain HTTP is not served.
    assert!(http().get(format!("{base}/healthz")).send().await.is_err());
    let plain = http().get(format!("http://{}/healthz", relay.addr)).send().await;
    assert!(!plain.map(|r| r.status().is_success()).unwrap_or(false), "plain HTTP must not be answered");
}

#[tokio::test]
async fn serve_runs_the_egress_proxy_when_configured() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut with_proxy = config(&format!("sqlite:{}", dir.path().join("relay.db").display()), "http://127.0.0.1");
    with_proxy.proxy = Some(wxfleet_relay::config::ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        allow: vec!["api.weixin.qq.com:443".to_owned()],
        outbound_ip: None,
    });
    let config_path = write_config(dir.path(), &with_proxy);
    let relay = RelayProcess::start(&config_path);
    let proxy = relay.proxy.expect("the start line names the proxy's address");
    let (_, credential) = add_device(&config_path, "d");

    let connect = |auth: Option<String>| async move {
        let mut stream = tokio::net::TcpStream::connect(proxy).await.unwrap();
        let auth = auth.map(|c| format!("Proxy-Authorization: Bearer {c}\r\n")).unwrap_or_default();
        stream.write_all(format!("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n{auth}\r\n").as_bytes()).await.unwrap();
        let mut head = vec![0u8; 64];
        let n = stream.read(&mut head).await.unwrap();
        String::from_utf8_lossy(&head[..n]).to_string()
    };
    assert!(connect(None).await.starts_with("HTTP/1.1 407"), "unauthenticated devices are refused");
    assert!(connect(Some(credential)).await.starts_with("HTTP/1.1 403"), "hosts off the allow-list are refused");
    let metrics = http().get(format!("{}/metrics", relay.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("wxfleet_relay_proxy_requests_total{outcome=\"unauthenticated\"} 1"), "{metrics}");
    assert!(metrics.contains("wxfleet_relay_proxy_requests_total{outcome=\"forbidden_host\"} 1"), "{metrics}");
}

// ---- with the simulator --------------------------------------------------------------------

/// The simulator binary, built next to this test binary by `cargo test --workspace` (or `cargo build -p wxfleet-sim`).
fn sim_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let sim = dir.join(format!("wxfleet-sim{}", std::env::consts::EXE_SUFFIX));
    assert!(sim.exists(), "{} is missing: run `cargo build -p wxfleet-sim` (or `cargo test --workspace`) first", sim.display());
    sim
}

struct SimProcess {
    child: Child,
    info: serde_json::Value,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(args: &[&str]) -> SimProcess {
    let mut child =
        Command::new(sim_bin()).args(args).env("RUST_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info = serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("simulator start line {line:?}: {e}"));
    SimProcess { child, info }
}

/// A free loopback port for the relay, chosen before the simulator starts (it needs the URLs).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Pulls until `want` says the collected events suffice, or panics after `within`.
async fn pull_until(
    http: &reqwest::Client,
    base: &str,
    credential: &str,
    within: Duration,
    want: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + within;
    let mut events = Vec::new();
    let mut after = 0;
    while !want(&events) {
        assert!(Instant::now() < deadline, "not there within {within:?}; got {events:?}");
        let batch = pull(http, base, credential, after, 2, 100).await;
        for event in batch["events"].as_array().unwrap() {
            after = event["seq"].as_i64().unwrap();
            events.push(event.clone());
        }
    }
    events
}

#[tokio::test]
async fn the_simulator_pushes_tickets_and_an_authorization_through_the_relay() {
    let port = free_port();
    let relay_base = format!("http://127.0.0.1:{port}");
    let sim = start_sim(&[
        "--listen",
        "127.0.0.1:0",
        "--seed-demo",
        "3",
        "--push-url",
        &format!("{relay_base}/wx/{PLATFORM}/component"),
        "--message-url",
        &format!("{relay_base}/wx/{PLATFORM}/app/$APPID$"),
        "--ticket-interval",
        "1",
        "--launch-domain",
        "127.0.0.1",
    ]);
    let platform = &sim.info["platform"];
    let sim_base = sim.info["base_url"].as_str().unwrap().trim_end_matches('/').to_owned();
    let (token, key, component_appid) = (
        platform["token"].as_str().unwrap(),
        platform["encoding_aes_key"].as_str().unwrap(),
        platform["component_appid"].as_str().unwrap(),
    );

    // The relay gets the platform's Token (and component appid) — not its key, not its secret.
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("relay.db").display());
    let mut relay_config = config(&store, &relay_base);
    relay_config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    relay_config.platforms[0].token = token.to_owned();
    relay_config.platforms[0].component_appid = component_appid.to_owned();
    let config_path = write_config(dir.path(), &relay_config);
    let relay = RelayProcess::start(&config_path);
    assert!(!std::fs::read_to_string(&config_path).unwrap().contains(key));
    let (_, credential) = add_device(&config_path, "desk");
    let http = http();
    // The desktop's side: it has the key and opens what the relay stored.
    let desktop = MsgCrypt::new(token, key, component_appid).unwrap();
    let open_event = |e: &serde_json::Value| {
        let xml = desktop.open_push(&PushQuery::parse(e["query"].as_str().unwrap()), e["body"].as_str().unwrap().as_bytes()).unwrap();
        Event::parse(&xml).unwrap()
    };

    // 1. Tickets arrive every (virtual) second.
    let events = pull_until(&http, &relay.base, &credential, Duration::from_secs(20), |events| events.len() >= 2).await;
    let ticket = match open_event(&events[0]) {
        Event::ComponentVerifyTicket(t) => t.component_verify_ticket,
        other => panic!("expected a ticket, got {other:?}"),
    };
    assert_eq!(events[0]["source"], "component");

    // 2. The desktop authorizes a merchant through the relay's entry page.
    let token_answer: serde_json::Value = http
        .post(format!("{sim_base}/cgi-bin/component/api_component_token"))
        .json(&serde_json::json!({"component_appid": component_appid, "component_appsecret": platform["component_appsecret"], "component_verify_ticket": ticket}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cat = token_answer["component_access_token"].as_str().unwrap_or_else(|| panic!("{token_answer}"));
    let pre_auth: serde_json::Value = http
        .post(format!("{sim_base}/cgi-bin/component/api_create_preauthcode?component_access_token={cat}"))
        .json(&serde_json::json!({"component_appid": component_appid}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pre_auth_code = pre_auth["pre_auth_code"].as_str().unwrap_or_else(|| panic!("{pre_auth}"));
    let link: serde_json::Value = http
        .post(format!("{}/v1/authorize-links", relay.base))
        .bearer_auth(&credential)
        .json(&serde_json::json!({"platform": PLATFORM, "pre_auth_code": pre_auth_code, "mode": "mobile", "consent_origin": sim_base, "expires_in": 600}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry_url = link["url"].as_str().unwrap();
    let entry_page = http.get(entry_url).send().await.unwrap().text().await.unwrap();
    let href = {
        let from = &entry_page[entry_page.find("id=\"go\"").unwrap()..];
        let from = &from[from.find("href=\"").unwrap() + 6..];
        from[..from.find('"').unwrap()].replace("&amp;", "&")
    };
    // The browser follows the link from the relay's page: Referer = the relay's origin.
    let consent_page = http.get(&href).header("referer", format!("{relay_base}/")).send().await.unwrap();
    assert_eq!(consent_page.status(), 200, "the simulator accepts the relay's domain: {}", consent_page.text().await.unwrap());
    let merchant = sim.info["merchants"][0]["appid"].as_str().unwrap();
    let consented: serde_json::Value = http
        .post(format!("{sim_base}/admin/consent"))
        .json(&serde_json::json!({"pre_auth_code": pre_auth_code, "authorizer_appid": merchant, "func_ids": [17, 18, 30]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let redirect = consented["redirect"].as_str().unwrap_or_else(|| panic!("{consented}"));
    assert!(redirect.starts_with(&format!("{relay_base}/authorized?link=")), "{redirect}");
    let done = http.get(redirect).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("授权完成"));

    // 3. The desktop gets both: the redirect's auth_code and WeChat's `authorized` push.
    let events = pull_until(&http, &relay.base, &credential, Duration::from_secs(20), |events| {
        events.iter().any(|e| e["source"] == "authorize")
            && events.iter().filter(|e| e["source"] == "component").any(|e| open_event(e).kind() == "authorized")
    })
    .await;
    let auth_code = consented["auth_code"].as_str().unwrap();
    let from_redirect = events.iter().find(|e| e["source"] == "authorize").unwrap();
    assert!(from_redirect["query"].as_str().unwrap().contains(&format!("auth_code={}", urlencode(auth_code))), "{from_redirect}");
    let authorized = events.iter().filter(|e| e["source"] == "component").map(open_event).find(|e| e.kind() == "authorized").unwrap();
    assert_eq!(authorized.authorizer_appid(), Some(merchant));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn the_simulator_push_ticket_admin_call_reaches_a_long_polling_device() {
    let port = free_port();
    let relay_base = format!("http://127.0.0.1:{port}");
    // Tickets on their own only hourly: the one we ask for is the one that arrives.
    let sim = start_sim(&[
        "--listen",
        "127.0.0.1:0",
        "--push-url",
        &format!("{relay_base}/wx/{PLATFORM}/component"),
        "--ticket-interval",
        "3600",
        "--seed-demo",
        "1",
    ]);
    let platform = &sim.info["platform"];
    let dir = tempfile::tempdir().unwrap();
    let mut relay_config = config(&format!("sqlite:{}", dir.path().join("relay.db").display()), &relay_base);
    relay_config.listen = format!("127.0.0.1:{port}").parse().unwrap();
    relay_config.platforms[0].token = platform["token"].as_str().unwrap().to_owned();
    let config_path = write_config(dir.path(), &relay_config);
    let relay = RelayProcess::start(&config_path);
    let (_, credential) = add_device(&config_path, "desk");
    let http = http();
    let sim_base = sim.info["base_url"].as_str().unwrap().trim_end_matches('/').to_owned();

    // Drain what the simulator pushed at start, then wait for the next one.
    let after = pull_all(&http, &relay.base, &credential, 0).await.last().map(|e| e["seq"].as_i64().unwrap()).unwrap_or(0);
    let poll = {
        let (http, base, credential) = (http.clone(), relay.base.clone(), credential.clone());
        tokio::spawn(async move { pull(&http, &base, &credential, after, 20, 10).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let asked: serde_json::Value =
        http.post(format!("{sim_base}/admin/push-ticket")).json(&serde_json::json!({})).send().await.unwrap().json().await.unwrap();
    let mut pulled = tokio::time::timeout(Duration::from_secs(10), poll).await.expect("delivered within WeChat's timeout").unwrap();
    let desktop = MsgCrypt::new(
        platform["token"].as_str().unwrap(),
        platform["encoding_aes_key"].as_str().unwrap(),
        platform["component_appid"].as_str().unwrap(),
    )
    .unwrap();
    let wanted = asked["ticket"].as_str().unwrap();
    // The simulator also pushes a ticket of its own shortly after it starts; that one may land
    // after the drain above, so look for the ticket asked for among what arrives.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let events = pulled["events"].as_array().unwrap().clone();
        let tickets: Vec<String> = events
            .iter()
            .map(|event| {
                let query = PushQuery::parse(event["query"].as_str().unwrap());
                let xml = desktop.open_push(&query, event["body"].as_str().unwrap().as_bytes()).unwrap();
                match Event::parse(&xml).unwrap() {
                    Event::ComponentVerifyTicket(t) => t.component_verify_ticket,
                    other => panic!("expected tickets only, got {other:?}"),
                }
            })
            .collect();
        if tickets.iter().any(|t| t == wanted) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the ticket asked for never arrived; got {tickets:?}");
        let last = events.last().map_or(after, |e| e["seq"].as_i64().unwrap());
        pulled = pull(&http, &relay.base, &credential, last, 20, 5).await;
    }
}
