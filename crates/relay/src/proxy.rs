//! The egress proxy: devices send their WeChat API calls through the relay, so the calls leave from
//! the relay's fixed, whitelisted IP (WeChat's 61004 "access clientip is not registered") while TLS
//! stays end to end.
//!
//! * `CONNECT host:port` → a raw tunnel after `200 Connection Established`: the device's TLS
//!   session goes through untouched, the relay never sees the plaintext. This is how every HTTP
//!   client reaches `https://api.weixin.qq.com` through a proxy.
//! * `GET http://host:port/path` (absolute form) → forwarded as one plain-HTTP request. Clients use
//!   it only for `http://` URLs, which are plaintext anyway; it exists for the sandbox, where the
//!   simulator is plain HTTP on loopback. Proxy headers (the credential included) are removed
//!   before forwarding.
//!
//! Both only to `host:port` pairs on `[proxy] allow` (default `api.weixin.qq.com:443`), and only
//! for enrolled, unrevoked devices: `Proxy-Authorization: Bearer <device credential>` (or `Basic`
//! with the credential as the password, for clients that only do Basic). Answers: 407 without a
//! valid credential (checked before anything else is revealed), 403 off the list, 502 when the
//! upstream cannot be reached, 400 for requests that are not proxy requests, 431 for oversized
//! headers. Limits: header size, header read time, connect time, tunnel idle time.
//!
//! `serve` runs it ([`run_proxy`]); [`ProxyMetrics`] counts the outcomes for `/metrics`.

mod allow;
mod tunnel;

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, CONTENT_TYPE, HOST, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

pub use allow::{AllowList, Destination};
pub use tunnel::splice;

use crate::config::ProxyConfig;
use crate::store::{DeviceId, EventStore};

/// Limits and the outbound address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyOptions {
    /// The most bytes a request head may take (at least 8 KiB); larger → 431.
    pub header_limit: usize,
    /// How long a client may take to send a request head, counted from when the proxy starts
    /// waiting for it: so also how long an idle keep-alive connection is kept.
    pub header_timeout: Duration,
    /// How long resolving and connecting to the upstream may take; then 502.
    pub connect_timeout: Duration,
    /// A tunnel with no byte in either direction for this long is closed; a forwarded request
    /// whose response head takes longer gets 504.
    pub idle_timeout: Duration,
    /// The local address outbound connections are made from, on a host with several: the one
    /// on WeChat's IP whitelist. `None`: `[proxy] outbound_ip`, else the system's choice.
    pub outbound_ip: Option<IpAddr>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        ProxyOptions {
            header_limit: 16 * 1024,
            // Also how long an idle keep-alive connection stays open (plain-HTTP forwarding).
            header_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            outbound_ip: None,
        }
    }
}

/// What the proxy has done since start, for `/metrics`: read with [`ProxyMetrics::snapshot`].
/// Suggested exposition: `wxfleet_relay_proxy_requests_total{outcome="allowed"|"unauthenticated"|
/// "forbidden_host"|"upstream_failed"|"bad_request"}` and `wxfleet_relay_proxy_open_tunnels`.
#[derive(Debug, Default)]
pub struct ProxyMetrics {
    allowed: AtomicU64,
    unauthenticated: AtomicU64,
    forbidden_host: AtomicU64,
    upstream_failed: AtomicU64,
    bad_request: AtomicU64,
    open_tunnels: AtomicU64,
}

/// A consistent-enough copy of [`ProxyMetrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProxyCounts {
    /// Tunnels opened and plain requests forwarded.
    pub allowed: u64,
    /// Refused with 407: no, unknown or revoked credential.
    pub unauthenticated: u64,
    /// Refused with 403: destination not on the allow-list.
    pub forbidden_host: u64,
    /// Answered 502/504: the allowed upstream could not be reached.
    pub upstream_failed: u64,
    /// Answered 400: not a proxy request.
    pub bad_request: u64,
    /// Tunnels open right now.
    pub open_tunnels: u64,
}

impl ProxyMetrics {
    /// The counters now.
    pub fn snapshot(&self) -> ProxyCounts {
        ProxyCounts {
            allowed: self.allowed.load(Ordering::Relaxed),
            unauthenticated: self.unauthenticated.load(Ordering::Relaxed),
            forbidden_host: self.forbidden_host.load(Ordering::Relaxed),
            upstream_failed: self.upstream_failed.load(Ordering::Relaxed),
            bad_request: self.bad_request.load(Ordering::Relaxed),
            open_tunnels: self.open_tunnels.load(Ordering::Relaxed),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Why the proxy cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// A bad `[proxy]` section.
    #[error("{0}")]
    Config(String),
    /// The listening socket.
    #[error("proxy listener: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the proxy `config` describes until `shutdown` completes (then it stops accepting; open
/// tunnels end with the process). What `wxfleet-relay serve` calls when `[proxy]` is configured.
pub async fn run_proxy<S: EventStore>(
    config: &ProxyConfig,
    store: Arc<S>,
    metrics: Arc<ProxyMetrics>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ProxyError> {
    Proxy::bind(config, ProxyOptions::default(), store, metrics).await?.serve(shutdown).await
}

/// A bound proxy, not yet serving (so a caller can learn the port first).
pub struct Proxy<S> {
    listener: TcpListener,
    shared: Arc<Shared<S>>,
}

struct Shared<S> {
    store: Arc<S>,
    allow: AllowList,
    options: ProxyOptions,
    metrics: Arc<ProxyMetrics>,
}

type Body = BoxBody<Bytes, hyper::Error>;

impl<S: EventStore> Proxy<S> {
    /// Binds `config.listen` and checks `config.allow`; `config.outbound_ip` applies unless
    /// `options` names one.
    pub async fn bind(
        config: &ProxyConfig,
        mut options: ProxyOptions,
        store: Arc<S>,
        metrics: Arc<ProxyMetrics>,
    ) -> Result<Self, ProxyError> {
        let allow = AllowList::parse(&config.allow).map_err(ProxyError::Config)?;
        options.outbound_ip = options.outbound_ip.or(config.outbound_ip);
        if let Some(ip) = options.outbound_ip {
            // Fail at start, not at the first device's call.
            let probe = if ip.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
            probe
                .bind(SocketAddr::new(ip, 0))
                .map_err(|e| ProxyError::Config(format!("[proxy] outbound_ip {ip} is not an address of this host: {e}")))?;
        }
        let listener = TcpListener::bind(config.listen).await?;
        tracing::info!(listen = %listener.local_addr()?, allow = %allow, "egress proxy listening");
        Ok(Proxy { listener, shared: Arc::new(Shared { store, allow, options, metrics }) })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Its counters.
    pub fn metrics(&self) -> Arc<ProxyMetrics> {
        self.shared.metrics.clone()
    }

    /// Accepts connections until `shutdown` completes.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), ProxyError> {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        tokio::spawn(self.shared.clone().connection(stream, peer));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "proxy accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
        }
    }
}

impl<S: EventStore> Shared<S> {
    async fn connection(self: Arc<Self>, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let mut http = hyper::server::conn::http1::Builder::new();
        http.max_buf_size(self.options.header_limit.max(8 * 1024))
            .timer(TokioTimer::new())
            .header_read_timeout(self.options.header_timeout);
        let shared = self.clone();
        let service = service_fn(move |request| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(shared.handle(request, peer).await) }
        });
        if let Err(e) = http.serve_connection(TokioIo::new(stream), service).with_upgrades().await {
            tracing::debug!(%peer, error = %e, "proxy connection ended");
        }
    }

    async fn handle(self: Arc<Self>, request: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
        let destination = match destination(&request) {
            Ok(destination) => destination,
            Err(reason) => {
                bump(&self.metrics.bad_request);
                return text(StatusCode::BAD_REQUEST, reason);
            }
        };
        let device = match self.authenticate(request.headers()).await {
            Ok(Some(device)) => device,
            Ok(None) => {
                bump(&self.metrics.unauthenticated);
                tracing::info!(%peer, "proxy refused: no valid device credential");
                let mut response = text(
                    StatusCode::PROXY_AUTHENTICATION_REQUIRED,
                    "407: this proxy needs `Proxy-Authorization: Bearer <device credential>` of an enrolled, unrevoked device\n".into(),
                );
                response.headers_mut().insert(PROXY_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"wxfleet-relay\""));
                return response;
            }
            Err(e) => {
                tracing::error!(error = %e, "proxy cannot check credentials");
                return text(StatusCode::SERVICE_UNAVAILABLE, "503: the relay's store is unavailable\n".into());
            }
        };
        if !self.allow.allows(&destination) {
            bump(&self.metrics.forbidden_host);
            tracing::info!(device, %destination, "proxy refused: destination not allowed");
            return text(
                StatusCode::FORBIDDEN,
                format!("403: {destination} is not on this relay's proxy allow-list ([proxy] allow = {})\n", self.allow),
            );
        }
        if request.method() == Method::CONNECT {
            self.tunnel(request, destination, device).await
        } else {
            self.forward(request, destination, device).await
        }
    }

    async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<DeviceId>, crate::store::StoreError> {
        let Some(credential) = headers.get(PROXY_AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(credential) else {
            return Ok(None);
        };
        self.store.authenticate(&credential, now_ms()).await
    }

    async fn tunnel(self: Arc<Self>, request: Request<Incoming>, destination: Destination, device: DeviceId) -> Response<Body> {
        let upstream = match self.dial(&destination).await {
            Ok(upstream) => upstream,
            Err(e) => return self.unreachable(&destination, e),
        };
        bump(&self.metrics.allowed);
        tracing::info!(device, %destination, "proxy tunnel opened");
        let upgrade = hyper::upgrade::on(request);
        let shared = self.clone();
        tokio::spawn(async move {
            let client = match upgrade.await {
                Ok(upgraded) => TokioIo::new(upgraded),
                Err(e) => return tracing::debug!(error = %e, "proxy tunnel upgrade failed"),
            };
            shared.metrics.open_tunnels.fetch_add(1, Ordering::Relaxed);
            let copied = splice(client, upstream, shared.options.idle_timeout).await;
            shared.metrics.open_tunnels.fetch_sub(1, Ordering::Relaxed);
            match copied {
                Ok((sent, received)) => tracing::info!(device, %destination, sent, received, "proxy tunnel closed"),
                Err(e) => tracing::info!(device, %destination, error = %e, "proxy tunnel ended"),
            }
        });
        let mut response = Response::new(empty());
        response.extensions_mut().insert(hyper::ext::ReasonPhrase::from_static(b"Connection Established"));
        response
    }

    async fn forward(&self, request: Request<Incoming>, destination: Destination, device: DeviceId) -> Response<Body> {
        let upstream = match self.dial(&destination).await {
            Ok(upstream) => upstream,
            Err(e) => return self.unreachable(&destination, e),
        };
        let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(upstream)).await {
            Ok(pair) => pair,
            Err(e) => return self.unreachable(&destination, std::io::Error::other(e)),
        };
        tokio::spawn(connection);

        let (mut parts, body) = request.into_parts();
        let authority = parts.uri.authority().map(|a| a.as_str().to_owned()).unwrap_or_else(|| destination.authority());
        parts.uri = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/").parse().expect("a path and query is a URI");
        strip_hop_by_hop(&mut parts.headers);
        if !parts.headers.contains_key(HOST) {
            if let Ok(host) = HeaderValue::from_str(&authority) {
                parts.headers.insert(HOST, host);
            }
        }
        let path = parts.uri.path().to_owned();
        match tokio::time::timeout(self.options.idle_timeout, sender.send_request(Request::from_parts(parts, body))).await {
            Ok(Ok(mut response)) => {
                bump(&self.metrics.allowed);
                tracing::info!(device, %destination, path, status = response.status().as_u16(), "proxy forwarded a plain request");
                strip_hop_by_hop(response.headers_mut());
                response.map(|body| body.boxed())
            }
            Ok(Err(e)) => self.unreachable(&destination, std::io::Error::other(e)),
            Err(_) => {
                bump(&self.metrics.upstream_failed);
                text(StatusCode::GATEWAY_TIMEOUT, format!("504: {destination} did not answer within {:?}\n", self.options.idle_timeout))
            }
        }
    }

    fn unreachable(&self, destination: &Destination, error: std::io::Error) -> Response<Body> {
        bump(&self.metrics.upstream_failed);
        tracing::warn!(%destination, error = %error, "proxy upstream unreachable");
        text(StatusCode::BAD_GATEWAY, format!("502: cannot reach {destination}: {error}\n"))
    }

    /// Resolves and connects within the connect timeout, from the outbound IP when one is set.
    async fn dial(&self, destination: &Destination) -> std::io::Result<TcpStream> {
        let deadline = tokio::time::Instant::now() + self.options.connect_timeout;
        let timed_out = || std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out");
        let addresses = tokio::time::timeout_at(deadline, tokio::net::lookup_host((destination.host.as_str(), destination.port)))
            .await
            .map_err(|_| timed_out())??;
        let outbound = self.options.outbound_ip;
        let mut last_error = std::io::Error::new(std::io::ErrorKind::NotFound, "no address of a usable family");
        for address in addresses.filter(|a| outbound.is_none_or(|ip| ip.is_ipv4() == a.is_ipv4())) {
            let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
            if let Some(ip) = outbound {
                socket.bind(SocketAddr::new(ip, 0))?;
            }
            match tokio::time::timeout_at(deadline, socket.connect(address)).await {
                Ok(Ok(stream)) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Ok(Err(e)) => last_error = e,
                Err(_) => return Err(timed_out()),
            }
        }
        Err(last_error)
    }
}

/// Where a proxy request wants to go: the CONNECT authority, or an absolute `http://` URI's.
fn destination(request: &Request<Incoming>) -> Result<Destination, String> {
    let uri = request.uri();
    if request.method() == Method::CONNECT {
        return uri
            .authority()
            .and_then(|a| Destination::parse(a.as_str()))
            .ok_or_else(|| format!("400: CONNECT needs host:port, not {uri}\n"));
    }
    match (uri.scheme_str(), uri.authority()) {
        (Some("http"), Some(authority)) => {
            let host = authority.host().trim_start_matches('[').trim_end_matches(']');
            let port = authority.port_u16().unwrap_or(80);
            let text = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
            Destination::parse(&text).ok_or_else(|| format!("400: bad destination {authority}\n"))
        }
        (Some(_), Some(_)) => Err("400: only http:// URLs are forwarded; use CONNECT for https (TLS stays end to end)\n".into()),
        _ => Err("400: this is the relay's egress proxy: send CONNECT host:port, or an absolute http:// URL\n".into()),
    }
}

/// The device credential in a `Proxy-Authorization` value: `Bearer <credential>`, or `Basic` with
/// the credential as the password.
fn credential(value: &str) -> Option<String> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return (!rest.is_empty()).then(|| rest.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(rest).ok()?;
        let (_, password) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
        return (!password.is_empty()).then(|| password.to_owned());
    }
    None
}

/// Removes the headers that belong to one hop (RFC 9110 §7.6.1), the proxy credential among them.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in [
        "connection",
        "proxy-connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-authorization",
        "proxy-authenticate",
    ] {
        headers.remove(name);
    }
}

fn text(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn empty() -> Body {
    Full::new(Bytes::new()).map_err(|never| match never {}).boxed()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_from_either_scheme() {
        assert_eq!(credential("Bearer wxr_abc").as_deref(), Some("wxr_abc"));
        assert_eq!(credential("bearer   wxr_abc ").as_deref(), Some("wxr_abc"));
        let basic = base64::engine::general_purpose::STANDARD.encode("desk:wxr_abc");
        assert_eq!(credential(&format!("Basic {basic}")).as_deref(), Some("wxr_abc"));
        assert_eq!(credential("Bearer "), None);
        assert_eq!(credential("Digest x"), None);
        assert_eq!(credential("wxr_abc"), None);
    }

    #[test]
    fn hop_by_hop_headers_go() {
        let mut headers = HeaderMap::new();
        headers.insert("connection", HeaderValue::from_static("keep-alive, x-private"));
        headers.insert("x-private", HeaderValue::from_static("1"));
        headers.insert("proxy-authorization", HeaderValue::from_static("Bearer wxr_secret"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key("content-type"));
    }
}
