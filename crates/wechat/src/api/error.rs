//! Errors of API calls. A non-zero `errcode` becomes an [`ApiError`] here and nowhere else.

use crate::errcode::{self, ErrorClass, Explanation};

/// WeChat answered with a non-zero `errcode`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("WeChat errcode {errcode} on {path}: {errmsg}")]
pub struct ApiError {
    /// The `errcode` field.
    pub errcode: i64,
    /// The `errmsg` field, verbatim (it often ends with `rid: …`).
    pub errmsg: String,
    /// The path that was called, for the message and the logs.
    pub path: String,
}

impl ApiError {
    /// The table's explanation of this code, if it knows it.
    pub fn explanation(&self) -> Option<&'static Explanation> {
        errcode::explain(self.errcode)
    }

    /// How a caller should react.
    pub fn class(&self) -> ErrorClass {
        errcode::classify(self.errcode)
    }

    /// The request id WeChat put in `errmsg` (`… rid: 5f3b…`), which `openapi/rid/get` explains.
    pub fn rid(&self) -> Option<&str> {
        let (_, rest) = self.errmsg.split_once("rid:")?;
        rest.split_whitespace().next()
    }
}

/// Anything that can go wrong with an API call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// WeChat answered with a non-zero `errcode`.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not get an HTTP answer (connect, TLS, timeout, proxy). The URL is left out of
    /// `source`: it carries the token.
    #[error("calling {path} failed: {}", transport_detail(source))]
    Transport {
        /// The path that was called.
        path: String,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },
    /// WeChat (or a proxy in between) answered with a non-2xx HTTP status.
    #[error("{path} answered HTTP {status}")]
    HttpStatus {
        /// The path that was called.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// The answer was not what the endpoint documents.
    #[error("unexpected answer from {path}: {detail}")]
    Decode {
        /// The path that was called.
        path: String,
        /// What did not fit.
        detail: String,
        /// The start of the body, for diagnosis.
        body: String,
    },
    /// The client itself could not be set up (bad base URL or proxy).
    #[error("invalid API client configuration: {0}")]
    Config(String),
}

impl Error {
    /// How a caller should react. Transport failures and HTTP 5xx are transient; everything the
    /// client cannot understand is final.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Api(e) => e.class(),
            Error::Transport { .. } => ErrorClass::Transient,
            Error::HttpStatus { status, .. } if *status >= 500 || *status == 429 => ErrorClass::Transient,
            Error::HttpStatus { .. } | Error::Decode { .. } | Error::Config(_) => ErrorClass::Final,
        }
    }

    /// The `errcode`, for WeChat's own errors.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Error::Api(e) => Some(e.errcode),
            _ => None,
        }
    }
}

/// What went wrong on the wire, in words a user can act on: reqwest's own message for a timeout is
/// only "error sending request", the cause sits in its source chain.
fn transport_detail(error: &reqwest::Error) -> String {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_timeout() {
        format!("no answer in time (timed out; WeChat or the network is slow, retry later): {chain}")
    } else if error.is_connect() {
        format!("could not connect (check the network, the proxy or the API address): {chain}")
    } else {
        chain
    }
}

/// The first bytes of a body, for error messages (bodies can be large images).
pub(crate) fn body_excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    let end = body.len().min(MAX);
    String::from_utf8_lossy(&body[..end]).into_owned()
}
