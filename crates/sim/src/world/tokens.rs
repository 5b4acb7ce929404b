//! Access tokens: the platform's `component_access_token` and each authorizer's
//! `authorizer_access_token`, with WeChat's lifetimes.
//!
//! A token lives 7200 s. Fetching a new one supersedes the owner's previous token, which stays valid
//! for a short overlap (WeChat documents 5 minutes) so in-flight calls do not fail; after that it
//! answers 40001 ("not latest"). An expired token answers 42001; an unknown one 40001.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::WxError;

/// How long a token lives, in seconds.
pub const TOKEN_LIFETIME_SECS: i64 = 7200;
/// How long a superseded token keeps working.
pub const SUPERSEDED_OVERLAP_SECS: i64 = 300;

/// Whose token it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TokenKind {
    /// A `component_access_token` of this platform.
    Component {
        /// The platform.
        component_appid: String,
    },
    /// An `authorizer_access_token`: this platform acting for this mini program.
    Authorizer {
        /// The platform.
        component_appid: String,
        /// The mini program.
        appid: String,
    },
}

/// One issued token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedToken {
    /// Whose it is.
    pub kind: TokenKind,
    /// When it stops working.
    pub expires_at: i64,
    /// When a newer token of the same owner was issued.
    pub superseded_at: Option<i64>,
}

/// Every token issued, by value, and the current one per owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tokens {
    by_value: BTreeMap<String, IssuedToken>,
    current: BTreeMap<String, String>,
    /// Dead tokens are swept when this many are stored, then the mark doubles: sweeping on every
    /// issue would make token refreshes O(n) under load.
    #[serde(default)]
    sweep_at: usize,
}

fn owner_key(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Component { component_appid } => format!("component/{component_appid}"),
        TokenKind::Authorizer { component_appid, appid } => format!("authorizer/{component_appid}/{appid}"),
    }
}

impl Tokens {
    /// Records `value` as the owner's new token, superseding the previous one. Returns its expiry.
    pub fn issue(&mut self, kind: TokenKind, value: String, now: i64) -> i64 {
        let key = owner_key(&kind);
        if let Some(previous) = self.current.insert(key, value.clone()) {
            if let Some(old) = self.by_value.get_mut(&previous) {
                old.superseded_at = Some(now);
            }
        }
        let expires_at = now + TOKEN_LIFETIME_SECS;
        self.by_value.insert(value, IssuedToken { kind, expires_at, superseded_at: None });
        if self.by_value.len() >= self.sweep_at {
            self.forget_dead(now);
            self.sweep_at = (self.by_value.len() * 2).max(1024);
        }
        expires_at
    }

    /// Whose `value` is, if it still works at `now`: 40001 when unknown or superseded for longer
    /// than the overlap, 42001 when expired.
    pub fn validate(&self, value: &str, now: i64) -> Result<&TokenKind, WxError> {
        let token = self.by_value.get(value).ok_or_else(WxError::invalid_credential)?;
        if now >= token.expires_at {
            return Err(WxError::token_expired());
        }
        if token.superseded_at.is_some_and(|at| now >= at + SUPERSEDED_OVERLAP_SECS) {
            return Err(WxError::invalid_credential());
        }
        Ok(&token.kind)
    }

    /// Invalidates every token of this platform for this mini program (it was unauthorized).
    pub fn revoke_authorizer(&mut self, component_appid: &str, appid: &str) {
        let kind = TokenKind::Authorizer { component_appid: component_appid.to_owned(), appid: appid.to_owned() };
        self.by_value.retain(|_, t| t.kind != kind);
        self.current.remove(&owner_key(&kind));
    }

    /// How many tokens are alive (issued, not yet forgotten).
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    /// Whether no token is alive.
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }

    /// Drops tokens that can never validate again, so a long run does not grow without bound.
    fn forget_dead(&mut self, now: i64) {
        self.by_value.retain(|_, t| now < t.expires_at && t.superseded_at.is_none_or(|at| now < at + SUPERSEDED_OVERLAP_SECS));
    }
}

/// Real tokens are about 150 characters of `[0-9A-Za-z_-]` after a short numeric prefix.
const TOKEN_PREFIX: &str = "86_";
const TOKEN_LEN: usize = 136;

impl super::World {
    /// Issues a new `component_access_token` (superseding the previous one); returns it and `expires_in`.
    pub fn issue_component_token(&mut self, component_appid: &str, now: i64) -> (String, i64) {
        let value = self.ids.opaque(TOKEN_PREFIX, TOKEN_LEN);
        let expires_at = self.tokens.issue(TokenKind::Component { component_appid: component_appid.to_owned() }, value.clone(), now);
        (value, expires_at - now)
    }

    /// Issues a new `authorizer_access_token` (superseding the previous one); returns it and `expires_in`.
    pub fn issue_authorizer_token(&mut self, component_appid: &str, appid: &str, now: i64) -> (String, i64) {
        let value = self.ids.opaque(TOKEN_PREFIX, TOKEN_LEN);
        let kind = TokenKind::Authorizer { component_appid: component_appid.to_owned(), appid: appid.to_owned() };
        let expires_at = self.tokens.issue(kind, value.clone(), now);
        (value, expires_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component() -> TokenKind {
        TokenKind::Component { component_appid: "wxc".into() }
    }

    #[test]
    fn a_token_works_until_it_expires() {
        let mut tokens = Tokens::default();
        tokens.issue(component(), "t1".into(), 1000);
        assert_eq!(tokens.validate("t1", 1000 + TOKEN_LIFETIME_SECS - 1).unwrap(), &component());
        assert_eq!(tokens.validate("t1", 1000 + TOKEN_LIFETIME_SECS).unwrap_err().errcode, 42001);
    }

    #[test]
    fn a_superseded_token_works_for_the_overlap_only() {
        let mut tokens = Tokens::default();
        tokens.issue(component(), "t1".into(), 1000);
        tokens.issue(component(), "t2".into(), 2000);
        assert!(tokens.validate("t1", 2000 + SUPERSEDED_OVERLAP_SECS - 1).is_ok());
        assert_eq!(tokens.validate("t1", 2000 + SUPERSEDED_OVERLAP_SECS).unwrap_err().errcode, 40001);
        assert!(tokens.validate("t2", 2000 + SUPERSEDED_OVERLAP_SECS).is_ok());
    }

    #[test]
    fn unknown_and_revoked_tokens_are_invalid() {
        let mut tokens = Tokens::default();
        assert_eq!(tokens.validate("nope", 0).unwrap_err().errcode, 40001);
        let kind = TokenKind::Authorizer { component_appid: "wxc".into(), appid: "wxa".into() };
        tokens.issue(kind, "a1".into(), 0);
        tokens.revoke_authorizer("wxc", "wxa");
        assert_eq!(tokens.validate("a1", 1).unwrap_err().errcode, 40001);
    }
}
