//! The authorization pages on the relay's domain.
//!
//! `GET /authorize/{id}` — the entry page a desktop's QR code points to. It links (and navigates
//! by script) to WeChat's consent page, built by [`ConsentPage`]; being a page on the relay's own
//! domain is the point: WeChat checks the `Referer` against the platform's launch-page domain.
//!
//! `GET /authorized?link={id}&auth_code=…&expires_in=…` — the `redirect_uri`. It appends an event
//! (source `authorize`, the raw query string, body `{"link": id, "state": …}`) for the desktop and
//! shows the merchant what happened. Reloading a finished page appends nothing more.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use url::Url;
use wechat::api::auth::{AuthType, ConsentPage, ConsentScope};

use super::pages::Page;
use super::RelayState;
use crate::store::{AuthorizeLink, EventStore, NewEvent, Source};

/// Link states.
const PENDING: &str = "pending";
const DONE: &str = "done";
const EXPIRED: &str = "expired";
const FAILED: &str = "failed";

/// `GET /authorize/{id}`.
pub(super) async fn entry<S: EventStore>(State(state): State<RelayState<S>>, Path(id): Path<String>) -> Response {
    let link = match state.store().link(&id).await {
        Ok(Some(link)) => link,
        Ok(None) => return Page::not_found().into_response(),
        Err(e) => {
            tracing::error!(error = %e, "store failed reading an authorization link");
            return Page::unavailable().into_response();
        }
    };
    match link.state.as_str() {
        DONE => return Page::done().into_response(),
        FAILED => return Page::failed().into_response(),
        _ => {}
    }
    if link.state == EXPIRED || state.now_ms() > link.expires_at {
        if link.state == PENDING {
            if let Err(e) = state.store().set_link_state(&link.id, EXPIRED).await {
                tracing::warn!(error = %e, link = %link.id, "could not mark the link expired");
            }
        }
        tracing::info!(link = %link.id, "expired authorization link opened");
        return Page::expired().into_response();
    }
    match consent_url(&state, &link) {
        Some(url) => {
            tracing::info!(link = %link.id, platform = %link.platform, mode = %link.mode, "authorization entry page served");
            Page::entry(url.into()).into_response()
        }
        None => {
            tracing::warn!(link = %link.id, platform = %link.platform, "authorization link for a platform no longer configured, or a bad consent origin");
            Page::failed().into_response()
        }
    }
}

/// WeChat's consent page for `link`, returning to `/authorized?link={id}`.
fn consent_url<S: EventStore>(state: &RelayState<S>, link: &AuthorizeLink) -> Option<Url> {
    let platform = state.config().platform(&link.platform)?;
    let origin = match &link.consent_origin {
        Some(origin) => Some(Url::parse(origin).ok()?),
        None => None,
    };
    let redirect_uri = redirect_uri(state.config().public_base(), &link.id);
    let scope = match (link.auth_type, link.biz_appid.as_deref()) {
        (_, Some(biz_appid)) => ConsentScope::BizAppid(biz_appid),
        (Some(1), None) => ConsentScope::AuthType(AuthType::OfficialAccounts),
        (Some(2), None) => ConsentScope::AuthType(AuthType::MiniPrograms),
        (Some(3), None) => ConsentScope::AuthType(AuthType::Both),
        _ => ConsentScope::Any,
    };
    let page =
        ConsentPage { component_appid: &platform.component_appid, pre_auth_code: &link.pre_auth_code, redirect_uri: &redirect_uri, scope };
    Some(if link.mode == "mobile" { page.mobile_url(origin.as_ref()) } else { page.pc_url(origin.as_ref()) })
}

/// `{public_url}/authorized?link={id}` (ids are base64url: nothing to encode, but encode anyway).
pub(super) fn redirect_uri(public_base: &str, link_id: &str) -> String {
    let id: String = url::form_urlencoded::byte_serialize(link_id.as_bytes()).collect();
    format!("{public_base}/authorized?link={id}")
}

/// `GET /authorized?link=…&auth_code=…&expires_in=…`.
pub(super) async fn redirect<S: EventStore>(State(state): State<RelayState<S>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let param = |name: &str| url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let Some(id) = param("link") else {
        return Page::not_found().into_response();
    };
    let link = match state.store().link(&id).await {
        Ok(Some(link)) => link,
        Ok(None) => {
            tracing::warn!("redirect for an unknown authorization link");
            return Page::not_found().into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "store failed reading an authorization link");
            return Page::unavailable().into_response();
        }
    };
    if link.state == DONE {
        // A reload of the finished page: the event is in the log already.
        return Page::done().into_response();
    }
    let outcome = if param("auth_code").is_some_and(|code| !code.is_empty()) {
        // WeChat accepted the consent: done, even if the link's own lifetime ran out meanwhile.
        DONE
    } else if state.now_ms() > link.expires_at {
        EXPIRED
    } else {
        FAILED
    };
    let event = NewEvent {
        platform: link.platform.clone(),
        source: Source::Authorize,
        appid: None,
        query,
        body: serde_json::json!({ "link": link.id, "state": outcome }).to_string(),
        received_at: state.now_ms(),
    };
    let seq = match state.store().append(event).await {
        Ok(seq) => seq,
        Err(e) => {
            tracing::error!(error = %e, link = %link.id, "authorization result NOT stored; the merchant can reload");
            return Page::unavailable().into_response();
        }
    };
    state.announce(seq);
    if let Err(e) = state.store().set_link_state(&link.id, outcome).await {
        tracing::warn!(error = %e, link = %link.id, "could not record the link's state");
    }
    // The auth_code is a credential: the log names the link only.
    tracing::info!(link = %link.id, platform = %link.platform, state = outcome, seq, "authorization result stored");
    match outcome {
        DONE => Page::done(),
        EXPIRED => Page::expired(),
        _ => Page::failed(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::redirect_uri;

    #[test]
    fn redirect_uri_is_on_the_public_url() {
        assert_eq!(redirect_uri("https://relay.example.com", "AbC-_9"), "https://relay.example.com/authorized?link=AbC-_9");
    }
}
