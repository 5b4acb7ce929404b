//! Access tokens: the component token of each platform and the authorizer token of each mini
//! program.
//!
//! * **Persisted** — sealed in `secrets`, times in `tokens` ([`persist`]): a restart reuses a valid
//!   token instead of spending the daily quota of `api_component_token`.
//! * **Refreshed ahead** — from [`REFRESH_AHEAD_MS`] before expiry one caller refreshes while the
//!   others keep using the current token; a failed early refresh keeps the current token.
//! * **Single-flight** — fetching happens under a per-token async lock, and whoever gets the lock
//!   looks again first: 1,000 callers with an expired token cause one request.
//! * **Expire-if-equal, retry once** — on a token-invalid errcode (40001, 42001, 40014, …) the token
//!   is expired only if it is still the one that failed (a caller late with its failure does not
//!   throw away the token another caller just fetched), then the call is retried once.
//! * **Contested** — WeChat rejecting a token we obtained minutes ago means another server or tool
//!   refreshes this platform's tokens and kicks ours out: warned loudly and told to the UI
//!   ([`FleetEvent::TokenContested`]). Only one owner may refresh.
//! * **Refresh tokens** are durable (`authorizers::refresh_token_secret`); a new one returned by
//!   `api_authorizer_token` is stored with the token; on 61023 the refresh token is recovered once
//!   from `api_get_authorizer_list` (`authorizers::sync_all`).

mod cache;
mod fetch;
pub mod persist;

use std::fmt;
use std::future::Future;

use rusqlite::OptionalExtension;
use serde::Serialize;
use wechat::api::Client;
use wechat::errcode::ErrorClass;

pub use cache::TokenCache;
use cache::TokenKey;

use crate::error::{FleetError, Result};
use crate::{Fleet, FleetEvent};

/// From this long before expiry a token is refreshed (WeChat suggests refreshing a 2-hour token
/// after about 1 h 50 min).
pub const REFRESH_AHEAD_MS: i64 = 10 * 60 * 1000;
/// In its last minute a token is no longer handed out: a call made with it could arrive expired.
pub const EXPIRY_MARGIN_MS: i64 = 60 * 1000;
/// A token rejected this soon after we obtained it was taken away by someone else's refresh (WeChat
/// keeps a superseded token working for 5 minutes, so the other party refreshed right after us).
pub const CONTESTED_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Which kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A platform's `component_access_token`; the owner is the component appid.
    Component,
    /// A mini program's `authorizer_access_token`; the owner is the mini program's appid.
    Authorizer,
}

impl TokenKind {
    /// `component` or `authorizer`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Component => "component",
            TokenKind::Authorizer => "authorizer",
        }
    }
}

/// A token as obtained: its value and our clock's times.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    pub(crate) token: String,
    pub(crate) obtained_at: i64,
    pub(crate) expires_at: i64,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.token.chars().take(6).collect();
        f.debug_struct("Issued").field("token", &format!("{prefix}…")).field("expires_at", &self.expires_at).finish()
    }
}

impl Issued {
    /// Still safe to send.
    fn usable(&self, now: i64) -> bool {
        now < self.expires_at - EXPIRY_MARGIN_MS
    }

    /// Time to refresh (at most half the lifetime ahead, so a short-lived token is not refreshed on
    /// every call).
    fn due(&self, now: i64) -> bool {
        let ahead = REFRESH_AHEAD_MS.min((self.expires_at - self.obtained_at) / 2);
        now >= self.expires_at - ahead
    }

    fn info(&self, now: i64) -> TokenInfo {
        TokenInfo { obtained_at: self.obtained_at, expires_at: self.expires_at, valid: self.usable(now), refresh_due: self.due(now) }
    }
}

/// A token's times, for the UI (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenInfo {
    /// When we obtained it (unix ms).
    pub obtained_at: i64,
    /// When it expires (unix ms).
    pub expires_at: i64,
    /// Whether it is still handed out.
    pub valid: bool,
    /// Whether the next call refreshes it.
    pub refresh_due: bool,
}

/// Whose token, and the platform that fetches it.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    kind: TokenKind,
    owner: String,
    platform: String,
}

impl Owner {
    fn component(platform: &str) -> Owner {
        Owner { kind: TokenKind::Component, owner: platform.to_owned(), platform: platform.to_owned() }
    }

    fn authorizer(platform: &str, appid: &str) -> Owner {
        Owner { kind: TokenKind::Authorizer, owner: appid.to_owned(), platform: platform.to_owned() }
    }

    fn key(&self) -> TokenKey {
        (self.kind, self.owner.clone())
    }
}

impl Fleet {
    /// Calls `call` with the platform's API client and a valid component token; when WeChat says the
    /// token is invalid, expires it (if still the same) and retries once with a fresh one.
    pub async fn with_component_token<T, F, Fut>(&self, component_appid: &str, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        let api = self.api(component_appid).await?;
        self.with_token(&Owner::component(component_appid), api, call).await
    }

    /// Calls `call` with the mini program's platform client and a valid authorizer token; same retry
    /// rule. A mini program the merchant revoked is refused before calling WeChat.
    pub async fn with_authorizer_token<T, F, Fut>(&self, appid: &str, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        let platform = self.authorized_platform(appid).await?;
        let api = self.api(&platform).await?;
        self.with_token(&Owner::authorizer(&platform, appid), api, call).await
    }

    /// A valid component token of the platform.
    pub async fn component_token(&self, component_appid: &str) -> Result<String> {
        Ok(self.token_of(&Owner::component(component_appid)).await?.token)
    }

    /// A valid authorizer token of `appid` (a mini program of `component_appid`).
    pub async fn authorizer_token(&self, component_appid: &str, appid: &str) -> Result<String> {
        Ok(self.token_of(&Owner::authorizer(component_appid, appid)).await?.token)
    }

    /// Expires the token of `owner` if it is still `failed_token` (one fetched meanwhile stays).
    /// Returns whether it was expired. The next call fetches a new one.
    pub async fn expire_token(&self, kind: TokenKind, owner: &str, failed_token: &str) -> Result<bool> {
        let in_memory = self.tokens().forget_if(&(kind, owner.to_owned()), failed_token);
        let (vault, owner, failed) = (self.vault().clone(), owner.to_owned(), failed_token.to_owned());
        let stored = self.store().write(move |tx| persist::expire_if(tx, &vault, kind, &owner, &failed)).await?;
        Ok(in_memory || stored)
    }

    /// Drops the token of `owner`, whatever it is (a revoked mini program, a removed platform).
    pub async fn forget_token(&self, kind: TokenKind, owner: &str) -> Result<()> {
        self.tokens().forget(&(kind, owner.to_owned()));
        let owner = owner.to_owned();
        self.store().write(move |tx| persist::forget(tx, kind, &owner)).await
    }

    /// Keeps an authorizer token obtained elsewhere — the one `api_query_auth` returns with an
    /// authorization — so the first call after authorizing needs no refresh.
    pub async fn store_authorizer_token(&self, component_appid: &str, appid: &str, token: &str, expires_in_secs: i64) -> Result<()> {
        let now = self.now_ms();
        let issued = Issued { token: token.to_owned(), obtained_at: now, expires_at: now + expires_in_secs * 1000 };
        self.keep(&Owner::authorizer(component_appid, appid), issued, None).await.map(drop)
    }

    /// When the token of `owner` was obtained and expires (`None` when there is none).
    pub async fn token_info(&self, kind: TokenKind, owner: &str) -> Result<Option<TokenInfo>> {
        let now = self.now_ms();
        if let Some(held) = self.tokens().get(&(kind, owner.to_owned())) {
            return Ok(Some(held.info(now)));
        }
        let (vault, owner) = (self.vault().clone(), owner.to_owned());
        let stored = self.store().read(move |conn| persist::load(conn, &vault, kind, &owner)).await?;
        Ok(stored.map(|issued| issued.info(now)))
    }

    async fn with_token<T, F, Fut>(&self, who: &Owner, api: Client, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        let first = self.token_of(who).await?;
        match call(api.clone(), first.token.clone()).await {
            Err(e) if e.class() == ErrorClass::TokenInvalid => {
                self.rejected(who, &first, &e).await;
                let second = self.token_of(who).await?;
                match call(api, second.token.clone()).await {
                    Err(e) if e.class() == ErrorClass::TokenInvalid => {
                        self.rejected(who, &second, &e).await;
                        Err(e.into())
                    }
                    other => other.map_err(FleetError::from),
                }
            }
            other => other.map_err(FleetError::from),
        }
    }

    /// A valid token: the one held, else (single-flight) the persisted one, else a fetched one.
    pub(crate) async fn token_of(&self, who: &Owner) -> Result<Issued> {
        let key = who.key();
        let now = self.now_ms();
        if let Some(held) = self.tokens().get(&key) {
            if !held.due(now) {
                return Ok(held);
            }
            if held.usable(now) {
                return Ok(self.refresh_ahead(who, held).await);
            }
        }
        let lock = self.tokens().lock_of(&key);
        let _fetching = lock.lock().await;
        let now = self.now_ms();
        if let Some(held) = self.tokens().get(&key).filter(|held| held.usable(now)) {
            return Ok(held);
        }
        let (vault, kind, owner) = (self.vault().clone(), who.kind, who.owner.clone());
        let stored = self.store().read(move |conn| persist::load(conn, &vault, kind, &owner)).await?;
        if let Some(stored) = stored.filter(|stored| stored.usable(now)) {
            self.tokens().put(key, stored.clone());
            return Ok(stored);
        }
        let fetched = fetch::fetch(self, who).await?;
        self.keep(who, fetched.issued, fetched.refresh_token).await
    }

    /// The token is still good but due: one caller refreshes it, the others (finding the lock taken)
    /// use it meanwhile. A failed refresh keeps it; the next caller tries again.
    async fn refresh_ahead(&self, who: &Owner, held: Issued) -> Issued {
        let key = who.key();
        let lock = self.tokens().lock_of(&key);
        let Ok(_fetching) = lock.try_lock() else { return held };
        let now = self.now_ms();
        if let Some(fresh) = self.tokens().get(&key).filter(|t| !t.due(now)) {
            return fresh;
        }
        let refreshed = match fetch::fetch(self, who).await {
            Ok(fetched) => self.keep(who, fetched.issued, fetched.refresh_token).await,
            Err(e) => Err(e),
        };
        refreshed.unwrap_or_else(|error| {
            tracing::warn!(kind = who.kind.as_str(), owner = %who.owner, %error, "early token refresh failed; the current token is still valid");
            held
        })
    }

    /// Persists a token (and a new refresh token) in one transaction, then holds it.
    async fn keep(&self, who: &Owner, issued: Issued, refresh_token: Option<String>) -> Result<Issued> {
        let (vault, who_, kept) = (self.vault().clone(), who.clone(), issued.clone());
        self.store()
            .write(move |tx| {
                persist::save(tx, &vault, who_.kind, &who_.owner, &who_.platform, &kept)?;
                if let Some(refresh_token) = refresh_token {
                    let name = crate::authorizers::refresh_token_secret(&who_.owner);
                    crate::secrets::put_str(tx, &vault, &name, &refresh_token, kept.obtained_at)?;
                }
                Ok(())
            })
            .await?;
        self.tokens().put(who.key(), issued.clone());
        Ok(issued)
    }

    /// WeChat rejected `issued`: expire it if still current; warn when it was fresh (contested).
    async fn rejected(&self, who: &Owner, issued: &Issued, error: &wechat::api::Error) {
        let expired = match self.expire_token(who.kind, &who.owner, &issued.token).await {
            Ok(expired) => expired,
            Err(e) => {
                tracing::error!(kind = who.kind.as_str(), owner = %who.owner, error = %e, "could not expire a rejected token");
                self.tokens().forget_if(&who.key(), &issued.token)
            }
        };
        let age_ms = self.now_ms() - issued.obtained_at;
        if expired && age_ms < CONTESTED_WINDOW_MS {
            tracing::warn!(
                kind = who.kind.as_str(),
                owner = %who.owner,
                age_secs = age_ms / 1000,
                errcode = error.errcode(),
                "WeChat rejected a token obtained moments ago: another server or tool is refreshing this token and \
                 invalidates ours. Only one system may refresh it; stop the other one or let it use wxfleet's token."
            );
            self.emit(FleetEvent::TokenContested { kind: who.kind.as_str().to_owned(), owner: who.owner.clone() });
        } else if expired {
            tracing::info!(kind = who.kind.as_str(), owner = %who.owner, errcode = error.errcode(), "WeChat rejected a token; fetching a new one");
        }
    }

    /// The platform of an authorized mini program; a revoked one is refused.
    async fn authorized_platform(&self, appid: &str) -> Result<String> {
        let appid = appid.to_owned();
        self.store()
            .read(move |conn| {
                let row: Option<(String, String)> = conn
                    .query_row("SELECT component_appid, status FROM authorizers WHERE appid = ?1", [&appid], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match row {
                    None => Err(FleetError::not_found(format!("mini program {appid}"))),
                    Some((_, status)) if status == "revoked" => Err(FleetError::Revoked { appid }),
                    Some((platform, _)) => Ok(platform),
                }
            })
            .await
    }
}
