//! Authorization entry links: the one-time `/authorize/{id}` page on the relay's domain that a
//! merchant's QR code points to (WeChat checks that the consent page is opened from the platform's
//! registered launch-page domain, which is the relay's).

use serde::{Deserialize, Serialize};
use url::Url;

use super::error::ClientError;

/// Which consent page the entry link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    /// `componentloginpage`: a QR code the merchant scans on a PC.
    Pc,
    /// `bindcomponent`: opened inside WeChat on the merchant's phone.
    Mobile,
}

/// `POST /v1/authorize-links`: what the relay needs to build the consent page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorizeLinkRequest {
    /// The platform id in the relay's configuration.
    pub platform: String,
    /// A fresh pre-auth code (`api_create_preauthcode`).
    pub pre_auth_code: String,
    /// PC or mobile consent page.
    pub mode: LinkMode,
    /// `auth_type` (1 official accounts, 2 mini programs, 3 both), to restrict what is offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<u8>,
    /// `biz_appid`, to restrict the consent to one account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_appid: Option<String>,
    /// Where the consent pages are: `None` for WeChat's real hosts, the simulator's base URL in the
    /// sandbox and in tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_origin: Option<String>,
    /// Seconds until the pre-auth code (and so the link) expires (`expires_in` of the pre-auth code).
    pub expires_in: u64,
}

/// The relay's answer: the link's id and the entry URL to put in the QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreatedLink {
    /// The one-time id.
    pub id: String,
    /// `{public_url}/authorize/{id}`.
    pub url: String,
}

/// The entry URL of link `link_id` on a relay reachable at `public_url` (`{public_url}/authorize/{id}`),
/// e.g. to show the QR code of a link created earlier again. A path in `public_url` is kept; the id
/// is percent-encoded as one path segment.
pub fn authorize_entry_url(public_url: &str, link_id: &str) -> Result<Url, ClientError> {
    let mut url = Url::parse(public_url).map_err(|e| ClientError::BaseUrl(format!("{public_url}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ClientError::BaseUrl(format!("{public_url}: not http(s)")));
    }
    if link_id.is_empty() {
        return Err(ClientError::BaseUrl("empty link id".to_owned()));
    }
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| ClientError::BaseUrl(format!("{public_url}: cannot hold a path")))?
        .pop_if_empty()
        .push("authorize")
        .push(link_id);
    Ok(url)
}
