//! The few HTML pages merchants see: zh-CN first, one English line under it. Nothing from a
//! request is ever placed in them unescaped; the only script is a fixed one, allowed by its hash.

use std::sync::LazyLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Sends the browser on to the consent link (the `href` of `#go`): a script navigation carries
/// the relay's page as `Referer`, which WeChat checks against the platform's launch-page domain
/// (an HTTP 302 from a freshly scanned QR code would carry none).
const NAVIGATE: &str = "location.replace(document.getElementById('go').href);";

/// `script-src` allows exactly [`NAVIGATE`].
static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(NAVIGATE.as_bytes()));
    format!("default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
});

const STYLE: &str = "body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;max-width:34em;margin:3em auto;padding:0 1em;color:#222;line-height:1.6}\
h1{font-size:1.4em}.en{color:#666;font-size:.9em}a.button{display:inline-block;margin-top:1em;padding:.7em 1.4em;background:#07c160;color:#fff;border-radius:6px;text-decoration:none}";

/// One page: what happened, in Chinese and English.
pub(super) struct Page {
    status: StatusCode,
    title_zh: &'static str,
    text_zh: &'static str,
    text_en: &'static str,
    /// The consent page link, for the entry page.
    next: Option<String>,
}

impl Page {
    /// The entry page leading to WeChat's consent page at `consent_url`.
    pub(super) fn entry(consent_url: String) -> Page {
        Page {
            status: StatusCode::OK,
            title_zh: "正在前往微信授权页面",
            text_zh: "如果页面没有自动跳转，请点击下方按钮。",
            text_en: "Opening WeChat's authorization page. If nothing happens, use the button below.",
            next: Some(consent_url),
        }
    }

    /// The merchant authorized the platform.
    pub(super) fn done() -> Page {
        Page {
            status: StatusCode::OK,
            title_zh: "授权完成",
            text_zh: "授权已完成，可以关闭此页面。",
            text_en: "Authorization complete. You can close this page.",
            next: None,
        }
    }

    /// The link is past its lifetime.
    pub(super) fn expired() -> Page {
        Page {
            status: StatusCode::GONE,
            title_zh: "授权链接已过期",
            text_zh: "此授权链接已过期，请联系服务商重新生成二维码。",
            text_en: "This authorization link has expired. Ask your service provider for a new QR code.",
            next: None,
        }
    }

    /// WeChat came back without an authorization code.
    pub(super) fn failed() -> Page {
        Page {
            status: StatusCode::BAD_REQUEST,
            title_zh: "授权未完成",
            text_zh: "授权没有完成，请联系服务商重新生成二维码后再试。",
            text_en: "Authorization did not complete. Ask your service provider for a new QR code and try again.",
            next: None,
        }
    }

    /// No such link.
    pub(super) fn not_found() -> Page {
        Page {
            status: StatusCode::NOT_FOUND,
            title_zh: "授权链接无效",
            text_zh: "找不到此授权链接，请确认二维码或链接是否完整。",
            text_en: "This authorization link is unknown. Check that the QR code or link is complete.",
            next: None,
        }
    }

    /// The store failed; reloading may work.
    pub(super) fn unavailable() -> Page {
        Page {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title_zh: "服务暂时不可用",
            text_zh: "服务暂时不可用，请稍后刷新此页面。",
            text_en: "The service is temporarily unavailable. Please reload this page in a moment.",
            next: None,
        }
    }

    fn html(&self) -> String {
        let mut html = String::with_capacity(2048);
        html.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", escape(self.title_zh)));
        html.push_str(&format!(
            "<h1>{}</h1>\n<p>{}</p>\n<p class=\"en\" lang=\"en\">{}</p>\n",
            escape(self.title_zh),
            escape(self.text_zh),
            escape(self.text_en)
        ));
        if let Some(next) = &self.next {
            html.push_str(&format!("<p><a id=\"go\" class=\"button\" href=\"{}\">前往授权 · Continue to WeChat</a></p>\n", escape(next)));
            html.push_str(&format!("<script>{NAVIGATE}</script>\n"));
        }
        html.push_str("</body>\n</html>\n");
        html
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.html()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        // The browsers' default, stated: WeChat must see the relay's origin as Referer.
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
        if let Ok(csp) = HeaderValue::from_str(&CSP) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        response
    }
}

/// Escapes text for HTML content and double- or single-quoted attributes.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn entry_page_links_escaped_url_and_allows_only_its_script() {
        let html = Page::entry("https://mp.weixin.qq.com/x?a=1&b=\"<".to_owned()).html();
        assert!(html.contains("href=\"https://mp.weixin.qq.com/x?a=1&amp;b=&quot;&lt;\""), "{html}");
        assert!(html.contains(NAVIGATE));
        assert!(CSP.contains("script-src 'sha256-"));
        assert!(!Page::done().html().contains("<script"));
    }
}
