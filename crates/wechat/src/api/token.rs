//! The two kinds of token, as distinct types so an endpoint cannot be handed the wrong one.

use std::fmt;

/// A `component_access_token` (CAT): the platform's own token (reference §3.1).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ComponentToken<'a>(pub &'a str);

/// An `authorizer_access_token` (AAT): acts on behalf of one authorized mini program (reference §3.4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuthorizerToken<'a>(pub &'a str);

/// Which query parameter carries the token of a call.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TokenParam<'a> {
    /// No token (`api_component_token`, `api_start_push_ticket`, `clear_quota/v2`).
    None,
    /// `?component_access_token=…` — the legacy form, used for `cgi-bin/component/api_*`.
    ComponentAccessToken(&'a str),
    /// `?access_token=…` — an AAT, or a CAT where the newer docs name the parameter so.
    AccessToken(&'a str),
}

impl<'a> ComponentToken<'a> {
    /// As `?component_access_token=CAT`.
    pub(crate) fn as_component_access_token(self) -> TokenParam<'a> {
        TokenParam::ComponentAccessToken(self.0)
    }

    /// As `?access_token=CAT`.
    pub(crate) fn as_access_token(self) -> TokenParam<'a> {
        TokenParam::AccessToken(self.0)
    }
}

impl<'a> AuthorizerToken<'a> {
    /// As `?access_token=AAT`.
    pub(crate) fn param(self) -> TokenParam<'a> {
        TokenParam::AccessToken(self.0)
    }
}

impl TokenParam<'_> {
    pub(crate) fn query_pair(&self) -> Option<(&'static str, &str)> {
        match self {
            TokenParam::None => None,
            TokenParam::ComponentAccessToken(t) => Some(("component_access_token", t)),
            TokenParam::AccessToken(t) => Some(("access_token", t)),
        }
    }
}

/// Tokens are credentials: logs and panics show only a prefix.
fn redacted(f: &mut fmt::Formatter<'_>, kind: &str, token: &str) -> fmt::Result {
    let prefix: String = token.chars().take(6).collect();
    write!(f, "{kind}({prefix}…)")
}

impl fmt::Debug for ComponentToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "ComponentToken", self.0)
    }
}

impl fmt::Debug for AuthorizerToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "AuthorizerToken", self.0)
    }
}
