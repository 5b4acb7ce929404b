//! Release, revert, gray release, visit status, version info (reference §8).
//!
//! Every call here acts on behalf of one mini program (`?access_token=AAT`) and needs permission
//! set 18 (development management). Several `POST`s take no parameters but still need the body
//! `{}` (44002 "empty post data" otherwise); those send it themselves.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::audit::number_enum;
use super::{AuthorizerToken, Client, Error};

/// The `{}` body of parameterless `POST`s.
#[derive(Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct EmptyBody {}

/// The parameters of `revertcoderelease`, sent in the query string (the call is a `GET`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevertcodereleaseRequest {
    /// Roll back to this version (from `get_history_version`); to the previous one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<i64>,
}

/// The answer of `get_history_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetHistoryVersionResponse {
    /// The versions one can roll back to (at most the 5 latest released or rolled-back ones).
    #[serde(default)]
    pub version_list: Vec<HistoryVersion>,
}

/// One version one can roll back to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryVersion {
    /// The version's number, for `revertcoderelease`'s `app_version`.
    pub app_version: i64,
    /// The `user_version` it was committed with.
    pub user_version: String,
    /// The `user_desc` it was committed with.
    pub user_desc: String,
    /// When it was committed (Unix seconds).
    pub commit_time: i64,
}

/// The body of `grayrelease`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrayreleaseRequest {
    /// The share of users who get the new version, in percent (1–100; each call must raise it).
    /// 0 is accepted only together with one of the two flags below.
    pub gray_percentage: i64,
    /// `true` gives the new version to testers first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_experiencer_first: Option<bool>,
    /// `true` gives the new version to project members first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_debuger_first: Option<bool>,
}

number_enum! {
    /// Where a phased release stands (`gray_release_plan.status`).
    pub enum GrayReleaseStatus {
        /// 0 — initial.
        Initial = 0,
        /// 1 — running.
        Running = 1,
        /// 2 — paused.
        Paused = 2,
        /// 3 — done.
        Done = 3,
        /// 4 — deleted.
        Deleted = 4,
    }
}

/// The answer of `getgrayreleaseplan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetgrayreleaseplanResponse {
    /// The current phased release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gray_release_plan: Option<GrayReleasePlan>,
}

/// A phased (gray) release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrayReleasePlan {
    /// Where it stands.
    pub status: GrayReleaseStatus,
    /// When it was created (Unix seconds).
    pub create_timestamp: i64,
    /// The current share of users, in percent.
    pub gray_percentage: i64,
    /// Testers get the new version first.
    #[serde(default)]
    pub support_experiencer_first: bool,
    /// Project members get the new version first.
    #[serde(default)]
    pub support_debuger_first: bool,
}

/// What `change_visitstatus` does to the released version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum VisitAction {
    /// `close`: hide the mini program from users (暂停服务).
    Close,
    /// `open`: serve it again (the state after a release).
    Open,
}

/// The body of `change_visitstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeVisitstatusRequest {
    /// Close or open.
    pub action: VisitAction,
}

number_enum! {
    /// Whether the mini program is serving users (`getvisitstatus`'s `status`).
    pub enum VisitStatus {
        /// 0 — service paused, by the owner or for a violation.
        Paused = 0,
        /// 1 — serving.
        Serving = 1,
    }
}

/// The answer of `getvisitstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetvisitstatusResponse {
    /// Paused or serving.
    pub status: VisitStatus,
}

/// The answer of `getversioninfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetversioninfoResponse {
    /// The trial version, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_info: Option<ExpInfo>,
    /// The released version, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_info: Option<ReleaseInfo>,
}

/// The trial (体验) version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExpInfo {
    /// When it was committed (Unix seconds).
    pub exp_time: i64,
    /// Its `user_version`.
    pub exp_version: String,
    /// Its `user_desc`.
    pub exp_desc: String,
}

/// The released (线上) version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReleaseInfo {
    /// When it was released (Unix seconds).
    pub release_time: i64,
    /// Its `user_version`.
    pub release_version: String,
    /// Its `user_desc`.
    pub release_desc: String,
}

/// The answer of `getweappsupportversion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetweappsupportversionResponse {
    /// The minimum base library (基础库) version currently set.
    pub now_version: String,
    /// How the users spread over base library versions.
    #[serde(default)]
    pub uv_info: UvInfo,
}

/// How the users spread over base library versions (`uv_info`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UvInfo {
    /// One entry per version.
    #[serde(default)]
    pub items: Vec<VersionShare>,
}

/// The share of users on one base library version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionShare {
    /// The share, in percent (a float).
    pub percentage: f64,
    /// The base library version.
    pub version: String,
}

/// The body of `setweappsupportversion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetweappsupportversionRequest {
    /// A released base library version such as `2.30.0`.
    pub version: String,
}

impl Client {
    /// Releases the version that passed audit to all users.
    ///
    /// `POST /wxa/release?access_token=AAT` with body `{}` — perm 18.
    ///
    /// Errors: 85019 no version passed audit, 85020 the audit state does not allow release, 85052
    /// already released, 44002 empty body.
    pub async fn release(&self, aat: AuthorizerToken<'_>) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/release", aat.param(), &[], &EmptyBody {}).await?;
        Ok(())
    }

    /// Rolls the released version back to the previous one, or to `app_version`.
    ///
    /// `GET /wxa/revertcoderelease?access_token=AAT[&app_version=N]` — perm 18. Only the 5 latest
    /// released or rolled-back versions are kept; a rolled-back version cannot be rolled back again.
    ///
    /// Errors: 87011 a phased release is running, 87012 cannot roll back (no previous version,
    /// already rolled back, or too old), 40097 invalid arguments.
    pub async fn revertcoderelease(&self, aat: AuthorizerToken<'_>, req: &RevertcodereleaseRequest) -> Result<(), Error> {
        let app_version = req.app_version.map(|v| v.to_string());
        let query: Vec<(&str, &str)> = app_version.iter().map(|v| ("app_version", v.as_str())).collect();
        let _: IgnoredAny = self.get_json("/wxa/revertcoderelease", aat.param(), &query).await?;
        Ok(())
    }

    /// The versions `revertcoderelease` can roll back to (rolls nothing back).
    ///
    /// `GET /wxa/revertcoderelease?access_token=AAT&action=get_history_version` — perm 18.
    pub async fn get_history_version(&self, aat: AuthorizerToken<'_>) -> Result<GetHistoryVersionResponse, Error> {
        self.get_json("/wxa/revertcoderelease", aat.param(), &[("action", "get_history_version")]).await
    }

    /// Starts or widens a phased (gray) release of the version that passed audit.
    ///
    /// `POST /wxa/grayrelease?access_token=AAT` — perm 18.
    ///
    /// Errors: 85079 nothing released yet, 85080 the audit has not passed, 85081 invalid
    /// percentage, 85082 the percentage must be higher than before, 86002 name/avatar/description
    /// not set, 40097 invalid arguments.
    pub async fn grayrelease(&self, aat: AuthorizerToken<'_>, req: &GrayreleaseRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/grayrelease", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The current phased release.
    ///
    /// `GET /wxa/getgrayreleaseplan?access_token=AAT` — perm 18.
    pub async fn getgrayreleaseplan(&self, aat: AuthorizerToken<'_>) -> Result<GetgrayreleaseplanResponse, Error> {
        self.get_json("/wxa/getgrayreleaseplan", aat.param(), &[]).await
    }

    /// Cancels the phased release; users who got the new version go back to the old one.
    ///
    /// `GET /wxa/revertgrayrelease?access_token=AAT` — perm 18.
    pub async fn revertgrayrelease(&self, aat: AuthorizerToken<'_>) -> Result<(), Error> {
        let _: IgnoredAny = self.get_json("/wxa/revertgrayrelease", aat.param(), &[]).await?;
        Ok(())
    }

    /// Pauses (`close`) or resumes (`open`) service of the released version (暂停服务设置).
    ///
    /// `POST /wxa/change_visitstatus?access_token=AAT` — perm 18.
    ///
    /// Errors: 85021 the state does not allow it, 85022 invalid action.
    pub async fn change_visitstatus(&self, aat: AuthorizerToken<'_>, req: &ChangeVisitstatusRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/change_visitstatus", aat.param(), &[], req).await?;
        Ok(())
    }

    /// Whether the mini program is serving users.
    ///
    /// `POST /wxa/getvisitstatus?access_token=AAT` with body `{}` — perm 18.
    ///
    /// Errors: 44002 empty body.
    pub async fn getvisitstatus(&self, aat: AuthorizerToken<'_>) -> Result<GetvisitstatusResponse, Error> {
        self.post_json("/wxa/getvisitstatus", aat.param(), &[], &EmptyBody {}).await
    }

    /// The trial and released versions.
    ///
    /// `POST /wxa/getversioninfo?access_token=AAT` with body `{}` — perm 18. The version under audit
    /// is in `get_latest_auditstatus` instead.
    ///
    /// Errors: 44002 empty body.
    pub async fn getversioninfo(&self, aat: AuthorizerToken<'_>) -> Result<GetversioninfoResponse, Error> {
        self.post_json("/wxa/getversioninfo", aat.param(), &[], &EmptyBody {}).await
    }

    /// The minimum base library version and how users spread over versions.
    ///
    /// `POST /cgi-bin/wxopen/getweappsupportversion?access_token=AAT` with body `{}` — perm 18.
    pub async fn getweappsupportversion(&self, aat: AuthorizerToken<'_>) -> Result<GetweappsupportversionResponse, Error> {
        self.post_json("/cgi-bin/wxopen/getweappsupportversion", aat.param(), &[], &EmptyBody {}).await
    }

    /// Sets the minimum base library version; users on older ones are asked to update WeChat.
    ///
    /// `POST /cgi-bin/wxopen/setweappsupportversion?access_token=AAT` — perm 18.
    ///
    /// Errors: 89014 not a released base library version.
    pub async fn setweappsupportversion(&self, aat: AuthorizerToken<'_>, req: &SetweappsupportversionRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/cgi-bin/wxopen/setweappsupportversion", aat.param(), &[], req).await?;
        Ok(())
    }
}
