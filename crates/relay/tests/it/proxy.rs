//! The egress proxy over real loopback sockets: tunnels for enrolled devices only, only to the
//! allow-list, bytes untouched; plain-HTTP forwarding for the sandbox's simulator; and the 61004
//! story — WeChat (the simulator) whitelists one IP, the proxy's outbound address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wechat::api::component::ApiStartPushTicketRequest;
use wechat::api::{Client, ClientConfig};
use wxfleet_relay::config::ProxyConfig;
use wxfleet_relay::proxy::{Proxy, ProxyMetrics, ProxyOptions};
use wxfleet_relay::store::sqlite::SqliteStore;
use wxfleet_relay::store::EventStore;

/// A loopback server that counts connections; `echo` ones send every byte back.
struct Upstream {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

async fn upstream(echo: bool) -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            if echo {
                tokio::spawn(async move {
                    let (mut r, mut w) = stream.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        }
    });
    Upstream { addr, connections }
}

/// A running proxy with a SQLite store holding one enrolled and one revoked device.
struct TestProxy {
    addr: SocketAddr,
    metrics: Arc<ProxyMetrics>,
    credential: String,
    revoked: String,
    _dir: tempfile::TempDir,
}

async fn start_proxy(allow: Vec<String>, options: ProxyOptions) -> TestProxy {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("relay.db")).unwrap());
    let credential = store.add_device("desk", 1).await.unwrap().credential;
    let gone = store.add_device("stolen laptop", 1).await.unwrap();
    assert!(store.revoke_device(gone.id, 2).await.unwrap());
    let config = ProxyConfig { listen: "127.0.0.1:0".parse().unwrap(), allow, outbound_ip: None };
    let proxy = Proxy::bind(&config, options, store, Arc::new(ProxyMetrics::default())).await.unwrap();
    let (addr, metrics) = (proxy.local_addr(), proxy.metrics());
    tokio::spawn(proxy.serve(std::future::pending()));
    TestProxy { addr, metrics, credential, revoked: gone.credential, _dir: dir }
}

/// Sends a CONNECT and reads the answer's head (and body, if it has one) without reading further.
async fn connect(proxy: SocketAddr, target: &str, authorization: Option<&str>) -> (TcpStream, u16, String) {
    let mut stream = TcpStream::connect(proxy).await.unwrap();
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(value) = authorization {
        request.push_str(&format!("Proxy-Authorization: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let (status, text) = read_response(&mut stream).await;
    (stream, status, text)
}

/// The status and the whole head + body text of one HTTP/1.1 answer.
async fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte)).await.expect("an answer").unwrap();
        assert_eq!(n, 1, "connection closed inside the head: {}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, head + &String::from_utf8(body).unwrap())
}

fn bearer(credential: &str) -> String {
    format!("Bearer {credential}")
}

#[tokio::test]
async fn an_enrolled_device_tunnels_bytes_end_to_end() {
    let echo = upstream(true).await;
    let proxy = start_proxy(vec![echo.addr.to_string()], ProxyOptions::default()).await;
    let (mut tunnel, status, head) = connect(proxy.addr, &echo.addr.to_string(), Some(&bearer(&proxy.credential))).await;
    assert_eq!(status, 200, "{head}");
    assert!(head.starts_with("HTTP/1.1 200 Connection Established\r\n"), "{head}");

    // Every byte value, TLS-record-looking bytes included: the proxy passes them on untouched.
    let mut sent: Vec<u8> = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01];
    sent.extend((0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let (mut reader, mut writer) = tunnel.split();
    let write = async {
        writer.write_all(&sent).await.unwrap();
        writer.shutdown().await.unwrap();
    };
    let mut received = Vec::new();
    let read = async { reader.read_to_end(&mut received).await.unwrap() };
    tokio::join!(write, read);
    assert!(received == sent, "the tunnel changed the bytes ({} sent, {} back)", sent.len(), received.len());
    assert_eq!(echo.connections.load(Ordering::SeqCst), 1);
    let counts = proxy.metrics.snapshot();
    assert_eq!((counts.allowed, counts.unauthenticated, counts.forbidden_host), (1, 0, 0));
}

#[tokio::test]
async fn a_missing_wrong_or_revoked_credential_gets_407() {
    let echo = upstream(true).await;
    let proxy = start_proxy(vec![echo.addr.to_string()], ProxyOptions::default()).await;
    let target = echo.addr.to_string();
    for authorization in [None, Some("Bearer wxr_madeup".to_owned()), Some(bearer(&proxy.revoked)), Some(proxy.credential.clone())] {
        let (_, status, head) = connect(proxy.addr, &target, authorization.as_deref()).await;
        assert_eq!(status, 407, "{authorization:?}: {head}");
        assert!(head.to_ascii_lowercase().contains("proxy-authenticate: bearer"), "{head}");
    }
    assert_eq!(echo.connections.load(Ordering::SeqCst), 0, "no upstream connection without a valid credential");
    assert_eq!(proxy.metrics.snapshot().unauthenticated, 4);
    assert_eq!(proxy.metrics.snapshot().allowed, 0);
}

#[tokio::test]
async fn a_host_off_the_list_gets_403_and_no_connection() {
    let allowed = upstream(true).await;
    let elsewhere = upstream(true).await;
    let proxy = start_proxy(vec![allowed.addr.to_string(), "api.weixin.qq.com:443".into()], ProxyOptions::default()).await;
    let auth = bearer(&proxy.credential);
    for target in [elsewhere.addr.to_string(), format!("localhost:{}", allowed.addr.port()), "api.weixin.qq.com:80".into()] {
        let (_, status, text) = connect(proxy.addr, &target, Some(&auth)).await;
        assert_eq!(status, 403, "{target}: {text}");
        assert!(text.contains(&format!("{target} is not on this relay's proxy allow-list")), "{text}");
        assert!(text.contains("api.weixin.qq.com:443"), "the answer names what is allowed: {text}");
    }
    assert_eq!(elsewhere.connections.load(Ordering::SeqCst) + allowed.connections.load(Ordering::SeqCst), 0);
    assert_eq!(proxy.metrics.snapshot().forbidden_host, 3);
}

#[tokio::test]
async fn an_unreachable_upstream_gets_502() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap(); // bound, then dropped
    let proxy = start_proxy(vec![closed.to_string()], ProxyOptions::default()).await;
    let (_, status, text) = connect(proxy.addr, &closed.to_string(), Some(&bearer(&proxy.credential))).await;
    assert_eq!(status, 502, "{text}");
    assert!(text.contains(&format!("cannot reach {closed}")), "{text}");
    assert_eq!(proxy.metrics.snapshot().upstream_failed, 1);
}

#[tokio::test]
async fn oversized_heads_and_non_proxy_requests_are_refused() {
    let proxy = start_proxy(vec!["api.weixin.qq.com:443".into()], ProxyOptions::default()).await;
    let mut stream = TcpStream::connect(proxy.addr).await.unwrap();
    let huge = "x".repeat(40 * 1024);
    stream.write_all(format!("CONNECT api.weixin.qq.com:443 HTTP/1.1\r\nX-Pad: {huge}\r\n\r\n").as_bytes()).await.unwrap();
    assert_eq!(read_response(&mut stream).await.0, 431);

    let mut stream = TcpStream::connect(proxy.addr).await.unwrap();
    stream.write_all(b"GET /v1/events HTTP/1.1\r\nHost: relay\r\n\r\n").await.unwrap();
    let (status, text) = read_response(&mut stream).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("CONNECT host:port"), "{text}");
}

#[tokio::test]
async fn an_idle_tunnel_is_closed() {
    let echo = upstream(true).await;
    let options = ProxyOptions { idle_timeout: Duration::from_millis(300), ..ProxyOptions::default() };
    let proxy = start_proxy(vec![echo.addr.to_string()], options).await;
    let (mut tunnel, status, _) = connect(proxy.addr, &echo.addr.to_string(), Some(&bearer(&proxy.credential))).await;
    assert_eq!(status, 200);
    tunnel.write_all(b"ping").await.unwrap();
    let mut pong = [0u8; 4];
    tunnel.read_exact(&mut pong).await.unwrap();
    assert_eq!(&pong, b"ping");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(3), tunnel.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the proxy kept an idle tunnel open");
    assert_eq!(proxy.metrics.snapshot().open_tunnels, 0);
}

/// HTTPS through CONNECT, as every client does it for `https://api.weixin.qq.com`: reqwest trusts
/// the upstream's self-signed certificate, and a tap between the proxy and the TLS server records
/// what the proxy forwarded — a TLS handshake and ciphertext, never the request or the answer.
#[tokio::test]
async fn https_through_connect_stays_encrypted_end_to_end() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let tls = axum_server::tls_rustls::RustlsConfig::from_pem(
        certified.cert.pem().into_bytes(),
        certified.signing_key.serialize_pem().into_bytes(),
    )
    .await
    .unwrap();
    let app = axum::Router::new().route("/cgi-bin/secret", axum::routing::get(|| async { "the plaintext answer" }));
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    server.set_nonblocking(true).unwrap();
    let server_addr = server.local_addr().unwrap();
    tokio::spawn(axum_server::from_tcp_rustls(server, tls).unwrap().serve(app.into_make_service()));

    // The tap: forwards to the TLS server and keeps a copy of every byte the proxy sent.
    let tap = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tap_port = tap.local_addr().unwrap().port();
    let recorded = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let record = recorded.clone();
    tokio::spawn(async move {
        while let Ok((from_proxy, _)) = tap.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let to_server = TcpStream::connect(server_addr).await.unwrap();
                let (mut pr, mut pw) = from_proxy.into_split();
                let (mut sr, mut sw) = to_server.into_split();
                let up = async {
                    let mut buf = [0u8; 4096];
                    loop {
                        let n = pr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            let _ = sw.shutdown().await;
                            break;
                        }
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let down = async {
                    let _ = tokio::io::copy(&mut sr, &mut pw).await;
                };
                tokio::join!(up, down);
            });
        }
    });

    let proxy = start_proxy(vec![format!("localhost:{tap_port}")], ProxyOptions::default()).await;
    let proxy_setting = reqwest::Proxy::all(format!("http://{}", proxy.addr))
        .unwrap()
        .custom_http_auth(reqwest::header::HeaderValue::from_str(&bearer(&proxy.credential)).unwrap());
    let http = reqwest::Client::builder()
        .proxy(proxy_setting)
        .add_root_certificate(reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let answer = http.get(format!("https://localhost:{tap_port}/cgi-bin/secret?access_token=T0KEN")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "the plaintext answer");
    assert_eq!(proxy.metrics.snapshot().allowed, 1);

    let bytes = recorded.lock().unwrap().clone();
    assert_eq!(bytes.first(), Some(&0x16), "the tunnel starts with a TLS handshake record");
    for plaintext in [&b"/cgi-bin/secret"[..], b"T0KEN", b"GET ", b"Bearer"] {
        assert!(
            !bytes.windows(plaintext.len()).any(|w| w == plaintext),
            "{:?} crossed the proxy in clear",
            String::from_utf8_lossy(plaintext)
        );
    }
}

/// Plain-HTTP forwarding sends the origin-form request on without the proxy's own headers: the
/// device credential stays with the relay.
#[tokio::test]
async fn forwarded_requests_lose_the_proxy_credential_and_hop_headers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap();
    let seen = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            stream.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-From: upstream\r\n\r\nok").await.unwrap();
        String::from_utf8(head).unwrap()
    });
    let proxy = start_proxy(vec![upstream.to_string()], ProxyOptions::default()).await;
    let mut stream = TcpStream::connect(proxy.addr).await.unwrap();
    let request = format!(
        "GET http://{upstream}/cgi-bin/component/x?a=1 HTTP/1.1\r\nHost: {upstream}\r\nProxy-Authorization: Bearer {}\r\n\
         Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Keep: 2\r\n\r\n",
        proxy.credential
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (status, answer) = read_response(&mut stream).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("x-from: upstream") && answer.ends_with("ok"), "{answer}");

    let head = seen.await.unwrap().to_ascii_lowercase();
    assert!(head.starts_with("get /cgi-bin/component/x?a=1 http/1.1\r\n"), "origin form upstream: {head}");
    assert!(head.contains(&format!("host: {upstream}")), "{head}");
    assert!(head.contains("x-keep: 2"), "{head}");
    for gone in ["proxy-authorization", "wxr_", "x-hop"] {
        assert!(!head.contains(gone), "{gone} reached the upstream: {head}");
    }
}

/// The demo platform of an in-process simulator, its client config and its credentials.
async fn simulator() -> (wxfleet_sim::RunningSim, ApiStartPushTicketRequest) {
    let sim = wxfleet_sim::Simulator::start(wxfleet_sim::SimConfig::default()).await.unwrap();
    let request = ApiStartPushTicketRequest {
        component_appid: sim.info.platform.component_appid.clone(),
        component_secret: sim.info.platform.component_appsecret.clone(),
    };
    (sim, request)
}

fn client(base: &url::Url, proxy: Option<(SocketAddr, &str)>) -> Client {
    let mut config = ClientConfig::with_base_url(base.clone());
    config.timeout = Duration::from_secs(10);
    config.proxy = proxy.map(|(addr, credential)| wechat::api::ProxyConfig {
        url: format!("http://{addr}").parse().unwrap(),
        authorization: Some(bearer(credential)),
    });
    Client::new(config).unwrap()
}

fn errcode(result: Result<(), wechat::api::Error>) -> i64 {
    match result {
        Ok(()) => 0,
        Err(wechat::api::Error::Api(e)) => e.errcode,
        Err(other) => panic!("expected a WeChat answer, got {other}"),
    }
}

/// The sandbox's path: `wechat::Client` → the proxy (plain-HTTP forwarding, only to the
/// allow-listed simulator) → the simulator.
#[tokio::test]
async fn the_wechat_client_calls_the_simulator_through_the_proxy() {
    let (sim, request) = simulator().await;
    let base = sim.base_url().clone();
    let sim_authority = format!("{}:{}", base.host_str().unwrap(), base.port().unwrap());
    let proxy = start_proxy(vec![sim_authority], ProxyOptions::default()).await;

    let through = client(&base, Some((proxy.addr, &proxy.credential)));
    assert_eq!(errcode(through.api_start_push_ticket(&request).await), 0);
    assert_eq!(errcode(through.api_start_push_ticket(&request).await), 0);
    assert_eq!(proxy.metrics.snapshot().allowed, 2, "both calls went through the proxy");

    let refused = client(&base, Some((proxy.addr, "wxr_unknown")));
    match refused.api_start_push_ticket(&request).await {
        Err(wechat::api::Error::HttpStatus { status, .. }) => assert_eq!(status, 407),
        other => panic!("expected HTTP 407, got {other:?}"),
    }
    sim.shutdown().await.unwrap();
}

/// Field note 3 (61004): WeChat accepts API calls only from the platform's whitelisted IPs. The
/// simulator's platform whitelists 127.0.0.2 alone; a desktop calling from 127.0.0.1 gets 61004
/// directly, and also through a proxy that leaves from its default address — but not through the
/// relay's proxy bound to the whitelisted address.
#[tokio::test]
async fn the_proxy_leaves_from_the_whitelisted_ip_and_61004_goes_away() {
    let (sim, request) = simulator().await;
    let whitelisted = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    sim.sim.with_world(|world, _| world.platform_mut(&request.component_appid).unwrap().ip_whitelist = Some(vec![whitelisted]));
    let base = sim.base_url().clone();
    let allow = vec![format!("{}:{}", base.host_str().unwrap(), base.port().unwrap())];

    assert_eq!(errcode(client(&base, None).api_start_push_ticket(&request).await), 61004, "direct from 127.0.0.1");

    let default_route = start_proxy(allow.clone(), ProxyOptions::default()).await;
    let via_default = client(&base, Some((default_route.addr, &default_route.credential)));
    assert_eq!(errcode(via_default.api_start_push_ticket(&request).await), 61004, "a proxy leaving from 127.0.0.1");

    let options = ProxyOptions { outbound_ip: Some(whitelisted), ..ProxyOptions::default() };
    let relay = start_proxy(allow, options).await;
    let via_relay = client(&base, Some((relay.addr, &relay.credential)));
    assert_eq!(errcode(via_relay.api_start_push_ticket(&request).await), 0, "the relay's proxy leaves from 127.0.0.2");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_outbound_ip_this_host_does_not_have_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("relay.db")).unwrap());
    let config: ProxyConfig = toml::from_str("listen = \"127.0.0.1:0\"\noutbound_ip = \"192.0.2.1\"").unwrap();
    assert_eq!(config.allow, ["api.weixin.qq.com:443"], "the default allow-list");
    match Proxy::bind(&config, ProxyOptions::default(), store, Arc::new(ProxyMetrics::default())).await {
        Err(e) => assert!(e.to_string().contains("outbound_ip 192.0.2.1 is not an address of this host"), "{e}"),
        Ok(_) => panic!("bound with an outbound address this host does not have"),
    }
}
