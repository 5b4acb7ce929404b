//! The HTTP core every endpoint goes through: URL building, the token parameter, the errcode check,
//! JSON and image answers, multipart uploads.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::error::{body_excerpt, ApiError, Error};
use super::TokenParam;

/// The real platform.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";

/// Where and how the client talks to WeChat.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://api.weixin.qq.com` for the real platform, the simulator's base URL in the sandbox.
    pub base_url: Url,
    /// A proxy every call goes through (the relay's CONNECT egress proxy), so calls leave from a
    /// whitelisted IP while TLS stays end to end.
    pub proxy: Option<ProxyConfig>,
    /// The whole-request timeout.
    pub timeout: Duration,
}

/// An HTTP(S) proxy and the credential it wants.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// `http://relay.example.com:3128` and the like.
    pub url: Url,
    /// The value of the `Proxy-Authorization` header (for example `Bearer <device credential>`).
    pub authorization: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig { base_url: Url::parse(DEFAULT_BASE_URL).expect("constant URL parses"), proxy: None, timeout: Duration::from_secs(30) }
    }
}

impl ClientConfig {
    /// The real platform's defaults with another base URL (for the simulator).
    pub fn with_base_url(base_url: Url) -> Self {
        ClientConfig { base_url, ..ClientConfig::default() }
    }
}

/// An image WeChat answered with (QR codes, wxacodes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// The `Content-Type` WeChat sent, such as `image/jpeg` or `image/png`.
    pub content_type: String,
    /// The image bytes.
    pub bytes: Bytes,
}

/// A file to upload as one multipart field.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file name WeChat sees; it uses the extension to tell the format.
    pub file_name: String,
    /// The MIME type, such as `image/png`.
    pub content_type: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A typed client for the WeChat API. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
}

/// The part of every answer that says whether the call worked.
#[derive(Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Head {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("wxfleet/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &config.proxy {
            let mut p = reqwest::Proxy::all(proxy.url.as_str()).map_err(|e| Error::Config(format!("proxy {}: {e}", proxy.url)))?;
            if let Some(auth) = &proxy.authorization {
                let value =
                    HeaderValue::from_str(auth).map_err(|_| Error::Config("proxy authorization is not a valid header value".into()))?;
                p = p.custom_http_auth(value);
            }
            builder = builder.proxy(p);
        } else {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| Error::Config(e.to_string()))?;
        if config.base_url.cannot_be_a_base() {
            return Err(Error::Config(format!("base URL {} cannot be a base", config.base_url)));
        }
        Ok(Client { http, base_url: config.base_url })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    fn url(&self, path: &str, token: TokenParam<'_>, query: &[(&str, &str)]) -> Url {
        let mut url = self.base_url.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        {
            let mut pairs = url.query_pairs_mut();
            if let Some((name, value)) = token.query_pair() {
                pairs.append_pair(name, value);
            }
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    async fn send(&self, path: &str, request: reqwest::RequestBuilder) -> Result<(String, Bytes), Error> {
        let response = request.send().await.map_err(|source| Error::Transport { path: path.to_owned(), source: source.without_url() })?;
        let status = response.status();
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let body = response.bytes().await.map_err(|source| Error::Transport { path: path.to_owned(), source: source.without_url() })?;
        tracing::debug!(path, status = status.as_u16(), bytes = body.len(), "wechat api answered");
        if !status.is_success() {
            return Err(Error::HttpStatus { path: path.to_owned(), status: status.as_u16(), body: body_excerpt(&body) });
        }
        Ok((content_type, body))
    }

    fn decode<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, Error> {
        let head: Head = serde_json::from_slice(body).map_err(|e| Error::Decode {
            path: path.to_owned(),
            detail: format!("not JSON: {e}"),
            body: body_excerpt(body),
        })?;
        if head.errcode != 0 {
            return Err(ApiError { errcode: head.errcode, errmsg: head.errmsg, path: path.to_owned() }.into());
        }
        serde_json::from_slice(body).map_err(|e| Error::Decode { path: path.to_owned(), detail: e.to_string(), body: body_excerpt(body) })
    }

    /// Image endpoints answer with the image on success and with JSON on failure.
    fn decode_media(path: &str, content_type: String, body: Bytes) -> Result<Media, Error> {
        let looks_like_json = content_type.contains("json") || content_type.starts_with("text/") || body.first() == Some(&b'{');
        if looks_like_json {
            if let Ok(head) = serde_json::from_slice::<Head>(&body) {
                if head.errcode != 0 {
                    return Err(ApiError { errcode: head.errcode, errmsg: head.errmsg, path: path.to_owned() }.into());
                }
            }
            return Err(Error::Decode {
                path: path.to_owned(),
                detail: format!("expected an image, got {content_type}"),
                body: body_excerpt(&body),
            });
        }
        Ok(Media { content_type, bytes: body })
    }

    /// `POST path` with a JSON body; decodes the JSON answer.
    pub(crate) async fn post_json<B, T>(&self, path: &str, token: TokenParam<'_>, query: &[(&str, &str)], body: &B) -> Result<T, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let request = self.http.request(Method::POST, self.url(path, token, query)).json(body);
        let (_, bytes) = self.send(path, request).await?;
        Self::decode(path, &bytes)
    }

    /// `GET path`; decodes the JSON answer.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        token: TokenParam<'_>,
        query: &[(&str, &str)],
    ) -> Result<T, Error> {
        let request = self.http.request(Method::GET, self.url(path, token, query));
        let (_, bytes) = self.send(path, request).await?;
        Self::decode(path, &bytes)
    }

    /// `POST path` with a JSON body; the answer is an image (or a JSON error).
    pub(crate) async fn post_for_media<B: Serialize + ?Sized>(
        &self,
        path: &str,
        token: TokenParam<'_>,
        query: &[(&str, &str)],
        body: &B,
    ) -> Result<Media, Error> {
        let request = self.http.request(Method::POST, self.url(path, token, query)).json(body);
        let (content_type, bytes) = self.send(path, request).await?;
        Self::decode_media(path, content_type, bytes)
    }

    /// `GET path`; the answer is an image (or a JSON error).
    pub(crate) async fn get_for_media(&self, path: &str, token: TokenParam<'_>, query: &[(&str, &str)]) -> Result<Media, Error> {
        let request = self.http.request(Method::GET, self.url(path, token, query));
        let (content_type, bytes) = self.send(path, request).await?;
        Self::decode_media(path, content_type, bytes)
    }

    /// `POST path` as `multipart/form-data` with one file field; decodes the JSON answer.
    pub(crate) async fn upload<T: DeserializeOwned>(
        &self,
        path: &str,
        token: TokenParam<'_>,
        query: &[(&str, &str)],
        field: &'static str,
        file: Upload,
    ) -> Result<T, Error> {
        let part = reqwest::multipart::Part::bytes(file.bytes)
            .file_name(file.file_name)
            .mime_str(&file.content_type)
            .map_err(|e| Error::Config(format!("upload content type: {e}")))?;
        let form = reqwest::multipart::Form::new().part(field, part);
        let request = self.http.request(Method::POST, self.url(path, token, query)).multipart(form);
        let (_, bytes) = self.send(path, request).await?;
        Self::decode(path, &bytes)
    }
}
