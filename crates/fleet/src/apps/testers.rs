//! Testers (体验者, perm 18): who may open the trial version.

use wechat::api::tester::{BindTesterRequest, MemberauthRequest, UnbindTesterRequest};
use wechat::api::AuthorizerToken;

use crate::error::{FleetError, Result};
use crate::permissions::DEVELOPMENT;
use crate::Fleet;

impl Fleet {
    /// Binds a tester by WeChat id; returns the `userstr` that names them from now on (WeChat never
    /// returns WeChat ids).
    pub async fn bind_tester(&self, appid: &str, wechatid: &str) -> Result<String> {
        let wechatid = wechatid.trim().to_owned();
        let outcome = async {
            if wechatid.is_empty() {
                return Err(FleetError::invalid("wechatid", "the tester's WeChat id (微信号), not their nickname"));
            }
            let request = BindTesterRequest { wechatid: wechatid.clone() };
            let answer = self
                .call_app(appid, DEVELOPMENT, |api, aat| {
                    let request = request.clone();
                    async move { api.bind_tester(AuthorizerToken(&aat), &request).await }
                })
                .await?;
            Ok(answer.userstr)
        }
        .await;
        self.record("app.tester.bind", &[appid.to_owned()], &outcome, &wechatid).await;
        outcome
    }

    /// Unbinds a tester, by WeChat id or by `userstr`.
    pub async fn unbind_tester(&self, appid: &str, tester: UnbindTesterRequest) -> Result<()> {
        let detail = match &tester {
            UnbindTesterRequest::Wechatid(id) => id.clone(),
            UnbindTesterRequest::Userstr(userstr) => format!("userstr {userstr}"),
        };
        let outcome = self
            .call_app(appid, DEVELOPMENT, |api, aat| {
                let tester = tester.clone();
                async move { api.unbind_tester(AuthorizerToken(&aat), &tester).await }
            })
            .await;
        self.record("app.tester.unbind", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    /// The testers' `userstr`s.
    pub async fn testers(&self, appid: &str) -> Result<Vec<String>> {
        let answer =
            self.call_app(appid, DEVELOPMENT, |api, aat| async move {
                api.memberauth(AuthorizerToken(&aat), &MemberauthRequest::default()).await
            })
            .await?;
        Ok(answer.members.into_iter().map(|m| m.userstr).collect())
    }
}
