//! Asking WeChat for a token: `api_component_token` with the platform's secret and ticket, or
//! `api_authorizer_token` with the mini program's refresh token (recovered once through
//! `api_get_authorizer_list` when WeChat says it is invalid).

use futures::future::BoxFuture;
use wechat::api::auth::{ApiAuthorizerTokenRequest, ApiAuthorizerTokenResponse};
use wechat::api::component::ApiComponentTokenRequest;
use wechat::api::ComponentToken;

use super::{Issued, Owner, TokenKind};
use crate::error::{FleetError, Result};
use crate::platforms::secret;
use crate::secrets::{self, SecretString};
use crate::Fleet;

/// `61023`: the refresh token is invalid (replaced by a re-authorization, or lost).
const REFRESH_TOKEN_INVALID: i64 = 61023;

/// A fetched token, and the refresh token to store with it when WeChat returned a new one.
pub(super) struct Fetched {
    pub(super) issued: Issued,
    pub(super) refresh_token: Option<String>,
}

/// Boxed: an authorizer token is fetched with the component token, which goes through the same
/// path again.
pub(super) fn fetch<'a>(fleet: &'a Fleet, who: &'a Owner) -> BoxFuture<'a, Result<Fetched>> {
    match who.kind {
        TokenKind::Component => Box::pin(component(fleet, &who.platform)),
        TokenKind::Authorizer => Box::pin(authorizer(fleet, &who.platform, &who.owner)),
    }
}

async fn component(fleet: &Fleet, platform: &str) -> Result<Fetched> {
    let api = fleet.api(platform).await?;
    let appsecret = fleet.platform_secret(secret::appsecret(platform)).await?;
    let ticket = fleet.current_ticket(platform).await?;
    // Stamped before asking: the token expires `expires_in` after WeChat issued it, not after we read it.
    let asked_at = fleet.now_ms();
    let answer = api
        .api_component_token(&ApiComponentTokenRequest {
            component_appid: platform.to_owned(),
            component_appsecret: appsecret.expose().to_owned(),
            component_verify_ticket: ticket.expose().to_owned(),
        })
        .await?;
    tracing::info!(platform, expires_in = answer.expires_in, "obtained a component_access_token");
    let issued = Issued { token: answer.component_access_token, obtained_at: asked_at, expires_at: asked_at + answer.expires_in * 1000 };
    Ok(Fetched { issued, refresh_token: None })
}

async fn authorizer(fleet: &Fleet, platform: &str, appid: &str) -> Result<Fetched> {
    let refresh = refresh_token(fleet, appid).await?;
    let asked_at = fleet.now_ms();
    let (answer, used) = match refresh_with(fleet, platform, appid, &refresh).await {
        Err(e) if e.errcode() == Some(REFRESH_TOKEN_INVALID) => {
            tracing::warn!(platform, appid, "WeChat says the refresh token is invalid (61023); recovering it from api_get_authorizer_list");
            if let Err(sync) = crate::authorizers::sync_all(fleet, platform).await {
                tracing::warn!(platform, error = %sync, "re-syncing the authorizers failed");
            }
            let recovered = refresh_token(fleet, appid).await?;
            if recovered.expose() == refresh.expose() {
                // Not in WeChat's list with another token: the merchant has to authorize again.
                return Err(e);
            }
            (refresh_with(fleet, platform, appid, &recovered).await?, recovered)
        }
        other => (other?, refresh),
    };
    tracing::debug!(platform, appid, expires_in = answer.expires_in, "obtained an authorizer_access_token");
    let renewed = Some(answer.authorizer_refresh_token).filter(|new| !new.is_empty() && new != used.expose());
    if renewed.is_some() {
        tracing::info!(platform, appid, "WeChat returned a new refresh token; stored");
    }
    let issued = Issued { token: answer.authorizer_access_token, obtained_at: asked_at, expires_at: asked_at + answer.expires_in * 1000 };
    Ok(Fetched { issued, refresh_token: renewed })
}

async fn refresh_with(fleet: &Fleet, platform: &str, appid: &str, refresh: &SecretString) -> Result<ApiAuthorizerTokenResponse> {
    fleet
        .with_component_token(platform, |api, cat| {
            let request = ApiAuthorizerTokenRequest {
                component_appid: platform.to_owned(),
                authorizer_appid: appid.to_owned(),
                authorizer_refresh_token: refresh.expose().to_owned(),
            };
            async move { api.api_authorizer_token(ComponentToken(&cat), &request).await }
        })
        .await
}

async fn refresh_token(fleet: &Fleet, appid: &str) -> Result<SecretString> {
    let (vault, name, appid) = (fleet.vault().clone(), crate::authorizers::refresh_token_secret(appid), appid.to_owned());
    fleet
        .store()
        .read(move |conn| {
            secrets::get_str(conn, &vault, &name)?.ok_or_else(|| {
                FleetError::Secrets(format!(
                    "the refresh token of mini program {appid} is missing from the workspace: re-sync the authorizers \
                     (WeChat's authorizer list has it), or ask the merchant to authorize again"
                ))
            })
        })
        .await
}
