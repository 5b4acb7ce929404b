//! Access tokens: the component token of each platform and the authorizer token of each mini
//! program — persisted (sealed), refreshed ahead of expiry, single-flight, and on a token-invalid
//! errcode expired only if still equal to the failing token, then retried once.
//!
//! FIRST CUT (skeleton): works, but without single-flight, persistence or the contested-token
//! warning; the tokens area replaces the internals, keeping `with_component_token` and
//! `with_authorizer_token` as the entry points every other area uses.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use wechat::api::auth::ApiAuthorizerTokenRequest;
use wechat::api::component::ApiComponentTokenRequest;
use wechat::api::{Client, ComponentToken};
use wechat::errcode::ErrorClass;

use crate::error::{FleetError, Result};
use crate::platforms::secret;
use crate::Fleet;

/// Cached tokens.
#[derive(Default)]
pub struct TokenCache {
    cached: Mutex<HashMap<(&'static str, String), (String, i64)>>,
}

const AHEAD_MS: i64 = 5 * 60 * 1000;

impl Fleet {
    /// Calls `call` with the platform's API client and a valid component token; when WeChat says the
    /// token is invalid, expires it (if still the same) and retries once.
    pub async fn with_component_token<T, F, Fut>(&self, component_appid: &str, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        let api = self.api(component_appid).await?;
        let token = self.component_token(component_appid).await?;
        match call(api.clone(), token.clone()).await {
            Err(e) if e.class() == ErrorClass::TokenInvalid => {
                self.tokens().forget("component", component_appid, &token);
                let token = self.component_token(component_appid).await?;
                call(api, token).await.map_err(FleetError::from)
            }
            other => other.map_err(FleetError::from),
        }
    }

    /// Calls `call` with the mini program's platform client and a valid authorizer token; same retry
    /// rule.
    pub async fn with_authorizer_token<T, F, Fut>(&self, appid: &str, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        let platform = self.authorizer_platform(appid).await?;
        let api = self.api(&platform).await?;
        let token = self.authorizer_token(&platform, appid).await?;
        match call(api.clone(), token.clone()).await {
            Err(e) if e.class() == ErrorClass::TokenInvalid => {
                self.tokens().forget("authorizer", appid, &token);
                let token = self.authorizer_token(&platform, appid).await?;
                call(api, token).await.map_err(FleetError::from)
            }
            other => other.map_err(FleetError::from),
        }
    }

    /// A valid component token.
    pub async fn component_token(&self, component_appid: &str) -> Result<String> {
        if let Some(token) = self.tokens().get("component", component_appid, self.now_ms()) {
            return Ok(token);
        }
        let api = self.api(component_appid).await?;
        let appsecret = self.platform_secret(secret::appsecret(component_appid)).await?;
        let ticket = self.current_ticket(component_appid).await?;
        let answer = api
            .api_component_token(&ApiComponentTokenRequest {
                component_appid: component_appid.to_owned(),
                component_appsecret: appsecret.expose().to_owned(),
                component_verify_ticket: ticket.expose().to_owned(),
            })
            .await?;
        let expires_at = self.now_ms() + answer.expires_in * 1000;
        self.tokens().put("component", component_appid, &answer.component_access_token, expires_at);
        Ok(answer.component_access_token)
    }

    /// A valid authorizer token of `appid` (a mini program of `component_appid`).
    pub async fn authorizer_token(&self, component_appid: &str, appid: &str) -> Result<String> {
        if let Some(token) = self.tokens().get("authorizer", appid, self.now_ms()) {
            return Ok(token);
        }
        let refresh = self.platform_secret(crate::authorizers::refresh_token_secret(appid)).await?;
        let answer = self
            .with_component_token(component_appid, |api, cat| {
                let refresh = refresh.expose().to_owned();
                let (component_appid, appid) = (component_appid.to_owned(), appid.to_owned());
                async move {
                    api.api_authorizer_token(
                        ComponentToken(&cat),
                        &ApiAuthorizerTokenRequest { component_appid, authorizer_appid: appid, authorizer_refresh_token: refresh },
                    )
                    .await
                }
            })
            .await?;
        let expires_at = self.now_ms() + answer.expires_in * 1000;
        self.tokens().put("authorizer", appid, &answer.authorizer_access_token, expires_at);
        Ok(answer.authorizer_access_token)
    }
}

impl TokenCache {
    fn get(&self, kind: &'static str, owner: &str, now_ms: i64) -> Option<String> {
        let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        cached.get(&(kind, owner.to_owned())).filter(|(_, expires_at)| now_ms + AHEAD_MS < *expires_at).map(|(token, _)| token.clone())
    }

    fn put(&self, kind: &'static str, owner: &str, token: &str, expires_at: i64) {
        self.cached.lock().unwrap_or_else(|p| p.into_inner()).insert((kind, owner.to_owned()), (token.to_owned(), expires_at));
    }

    fn forget(&self, kind: &'static str, owner: &str, failed: &str) {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.get(&(kind, owner.to_owned())).is_some_and(|(token, _)| token == failed) {
            cached.remove(&(kind, owner.to_owned()));
        }
    }
}
