//! Testers (reference §9).
//!
//! Testers (体验者) may open the trial version before it is released. Admins of the mini program
//! need no binding. Every call acts on behalf of one mini program (`?access_token=AAT`) and needs
//! permission set 18.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error};

/// The body of `bind_tester`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BindTesterRequest {
    /// The person's WeChat id (微信号), not a nickname or openid.
    pub wechatid: String,
}

/// The answer of `bind_tester`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BindTesterResponse {
    /// A stable id for this person in this mini program; `memberauth` lists testers by it.
    pub userstr: String,
}

/// The body of `unbind_tester`: the person, by exactly one of their two ids.
///
/// Serialises as `{"wechatid": "…"}` or `{"userstr": "…"}`; a body with both or neither does not decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum UnbindTesterRequest {
    /// By WeChat id (微信号).
    #[serde(rename = "wechatid")]
    Wechatid(String),
    /// By the `userstr` from `bind_tester` or `memberauth` (the only id known for testers bound elsewhere).
    #[serde(rename = "userstr")]
    Userstr(String),
}

/// What `memberauth` is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum MemberauthAction {
    /// `get_experiencer`: the testers (体验者).
    #[default]
    #[serde(rename = "get_experiencer")]
    GetExperiencer,
}

/// The body of `memberauth`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MemberauthRequest {
    /// Always `get_experiencer`.
    pub action: MemberauthAction,
}

/// The answer of `memberauth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MemberauthResponse {
    /// The testers. WeChat ids are not returned, only `userstr`.
    #[serde(default)]
    pub members: Vec<Member>,
}

/// One tester.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Member {
    /// The person's stable id in this mini program.
    pub userstr: String,
}

impl Client {
    /// Makes a WeChat user a tester of the mini program.
    ///
    /// `POST /wxa/bind_tester?access_token=AAT` — perm 18.
    ///
    /// Errors: 85001 WeChat id not found or not searchable, 85002 the mini program has reached its
    /// tester limit, 85003 the person is a tester of too many mini programs, 85004 already bound.
    pub async fn bind_tester(&self, aat: AuthorizerToken<'_>, req: &BindTesterRequest) -> Result<BindTesterResponse, Error> {
        self.post_json("/wxa/bind_tester", aat.param(), &[], req).await
    }

    /// Removes a tester.
    ///
    /// `POST /wxa/unbind_tester?access_token=AAT` — perm 18.
    ///
    /// Errors: -1 busy.
    pub async fn unbind_tester(&self, aat: AuthorizerToken<'_>, req: &UnbindTesterRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/unbind_tester", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The testers of the mini program.
    ///
    /// `POST /wxa/memberauth?access_token=AAT` — perm 18.
    ///
    /// Errors: -1 busy.
    pub async fn memberauth(&self, aat: AuthorizerToken<'_>, req: &MemberauthRequest) -> Result<MemberauthResponse, Error> {
        self.post_json("/wxa/memberauth", aat.param(), &[], req).await
    }
}
