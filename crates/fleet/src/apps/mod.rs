//! A mini program's settings: basic info, avatar, categories, domains, privacy, testers, QR codes,
//! payment configuration, and fast registration of new mini programs.
//!
//! Every call on behalf of a mini program checks first that it is authorized and granted the
//! permission set the endpoint needs ([`Fleet::require_permission`]), so a missing grant is named
//! before WeChat is asked. Every change is an operator action in the audit log. Batch actions
//! ([`BatchReport`]) go through every mini program and report each one; one failure stops nothing.

pub mod basic;
pub mod batch;
pub mod category;
pub mod domains;
pub mod payment;
pub mod privacy;
pub mod qrcodes;
pub mod register;
pub mod testers;

pub use batch::{AppResult, BatchReport};

use std::future::Future;

use wechat::api::Client;

use crate::authorizers;
use crate::error::{FleetError, Result};
use crate::Fleet;

/// WeChat's "component is not authorized by this account": the merchant revoked us.
const NOT_AUTHORIZED: i64 = 61003;

impl Fleet {
    /// Calls WeChat on behalf of `appid` after checking that it is authorized and granted `set`.
    /// A 61003 on the way marks the mini program revoked.
    pub(crate) async fn call_app<T, F, Fut>(&self, appid: &str, set: u32, call: F) -> Result<T>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = std::result::Result<T, wechat::api::Error>>,
    {
        self.require_permission(appid, set).await?;
        match self.with_authorizer_token(appid, call).await {
            Err(e) if e.errcode() == Some(NOT_AUTHORIZED) => {
                let platform = self.authorizer_platform(appid).await?;
                authorizers::mark_revoked(self, &platform, appid, self.now_ms()).await?;
                Err(FleetError::Revoked { appid: appid.to_owned() })
            }
            other => other,
        }
    }
}
