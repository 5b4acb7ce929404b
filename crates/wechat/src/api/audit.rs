//! Audit: submit, status, undo, speed-up, quota (reference §8).
//!
//! Every call here acts on behalf of one mini program (`?access_token=AAT`) and needs permission
//! set 18 (development management).

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error, Upload};

/// Declares an enum over a numeric code that WeChat may extend: the known values get variants and
/// any other number decodes to `Other(n)` instead of failing the whole answer.
macro_rules! number_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(from = "i64", into = "i64")]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this crate does not know (yet), kept as WeChat sent it.
            Other(i64),
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $( $value => $name::$variant, )+
                    other => $name::Other(other),
                }
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                match value {
                    $( $name::$variant => $value, )+
                    $name::Other(other) => other,
                }
            }
        }
    };
}
pub(crate) use number_enum;

number_enum! {
    /// Where an audit (审核单) stands: the `status` of `get_auditstatus` / `get_latest_auditstatus`.
    pub enum AuditStatus {
        /// 0 — passed (审核成功); the version can be released.
        Passed = 0,
        /// 1 — rejected (审核被拒绝); `reason` and `screenshot` say why.
        Rejected = 1,
        /// 2 — under review (审核中).
        UnderReview = 2,
        /// 3 — withdrawn (已撤回) with `undocodeaudit`.
        Withdrawn = 3,
        /// 4 — delayed (审核延后); `reason` says why.
        Delayed = 4,
    }
}

/// The body of `submit_audit`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubmitAuditRequest {
    /// The pages to describe, at most 5 (85023 otherwise). The category of each must be one the mini
    /// program already has approved. Left out of the body when empty, which WeChat accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_list: Vec<AuditItem>,
    /// Feedback to the reviewer, at most 200 characters; only read when the previous version was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_info: Option<String>,
    /// Media ids of at most 5 images joined with `|`; only read when the previous version was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_stuff: Option<String>,
    /// What this version does, for the reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_desc: Option<String>,
    /// Screenshots and screen recordings uploaded with [`Client::uploadmedia`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_info: Option<PreviewInfo>,
    /// The user-generated-content declaration; required on the first submission of social categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ugc_declare: Option<UgcDeclare>,
    /// `true` declares that privacy APIs detected in the code but not configured are not used (avoids 61040).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_api_not_use: Option<bool>,
    /// The page of the order center, for mini programs that sell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_path: Option<String>,
}

/// One page of the mini program as described to the reviewer; also the shape of a standard
/// template's `category_list` entries.
///
/// The category can be given by names (`first_class`…), by ids (`first_id`…), or both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditItem {
    /// The page path, as listed by `get_page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Tags separated by spaces: at most 10, each at most 20 characters (85006 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// First-level category name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_class: Option<String>,
    /// Second-level category name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_class: Option<String>,
    /// Third-level category name, where the category has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    /// First-level category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_id: Option<i64>,
    /// Second-level category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_id: Option<i64>,
    /// Third-level category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_id: Option<i64>,
    /// The page title, at most 32 characters (85011 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Screenshots and recordings shown to the reviewer (`preview_info`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewInfo {
    /// Media ids of screen recordings.
    #[serde(default)]
    pub video_id_list: Vec<String>,
    /// Media ids of screenshots.
    #[serde(default)]
    pub pic_id_list: Vec<String>,
}

/// The user-generated-content (UGC) security declaration (`ugc_declare`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UgcDeclare {
    /// Kinds of user content: 0 none, 1 profiles, 2 images, 3 videos, 4 text, 5 other (or audio in
    /// newer docs). With 0 the other fields are not needed.
    #[serde(default)]
    pub scene: Vec<i64>,
    /// What "other" means, at most 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_scene_desc: Option<String>,
    /// How content is checked: 1 WeChat's content-security API, 2 another product, 3 manual review, 4 not checked.
    #[serde(default)]
    pub method: Vec<i64>,
    /// 1 when there is a review team, 0 when not (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_audit_team: Option<i64>,
    /// How the content is reviewed, at most 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_desc: Option<String>,
}

/// The answer of `submit_audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubmitAuditResponse {
    /// The audit's id, for `get_auditstatus` and `speedupaudit`; the audit push carries no id.
    pub auditid: i64,
}

/// The body of `get_auditstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetAuditstatusRequest {
    /// The id `submit_audit` returned.
    pub auditid: i64,
}

/// The answer of `get_auditstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetAuditstatusResponse {
    /// Where the audit stands.
    pub status: AuditStatus,
    /// Why it was rejected (status 1) or delayed (status 4); may contain `<br>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Media ids of the reviewer's screenshots joined with `|` (status 1). Older answers spell it `ScreenShot`.
    #[serde(default, alias = "ScreenShot", skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
}

/// The answer of `get_latest_auditstatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetLatestAuditstatusResponse {
    /// The id of the latest audit.
    pub auditid: i64,
    /// Where it stands.
    pub status: AuditStatus,
    /// Why it was rejected or delayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Media ids of the reviewer's screenshots joined with `|`. The docs' example spells it
    /// `ScreenShot`, the field table `screenshot`; both are accepted.
    #[serde(default, alias = "ScreenShot", skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
    /// The `user_version` of the committed code under audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_version: Option<String>,
    /// The `user_desc` of the committed code under audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_desc: Option<String>,
    /// When it was submitted (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_audit_time: Option<i64>,
}

/// The body of `speedupaudit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpeedupauditRequest {
    /// The audit to expedite.
    pub auditid: i64,
}

/// The answer of `queryquota`: the platform's audit budget this month, shared by all its mini programs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueryquotaResponse {
    /// Submissions left this month.
    pub rest: i64,
    /// Submissions granted this month.
    pub limit: i64,
    /// Speed-ups left this month.
    pub speedup_rest: i64,
    /// Speed-ups granted this month.
    pub speedup_limit: i64,
}

/// The answer of `uploadmedia`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadmediaResponse {
    /// `image` or `video`.
    pub r#type: String,
    /// The media id for `preview_info`; valid for three days.
    pub mediaid: String,
}

impl Client {
    /// Submits the committed code for audit.
    ///
    /// `POST /wxa/submit_audit?access_token=AAT` — perm 18. Consumes one of the platform's monthly
    /// submissions whatever the outcome.
    ///
    /// Errors: 85006 bad tag, 85007 bad page path, 85008 no approved category, 85009 a version is
    /// already under audit, 85010 empty item, 85011 bad title, 85023 item count not 1–5, 85077
    /// category withdrawn, 85085 submissions over limit, 85086 commit first, 85087
    /// navigateToMiniProgram without a declared appid list, 85092/85093 preview_info format/count,
    /// 85094 UGC declaration required, 86002 name/avatar/description not set, 86007 mini program
    /// barred from submitting, 86009/86010 platform penalized, 61039 privacy scan not finished, 61040
    /// privacy API not configured or not authorized.
    pub async fn submit_audit(&self, aat: AuthorizerToken<'_>, req: &SubmitAuditRequest) -> Result<SubmitAuditResponse, Error> {
        self.post_json("/wxa/submit_audit", aat.param(), &[], req).await
    }

    /// The state of one audit.
    ///
    /// `POST /wxa/get_auditstatus?access_token=AAT` — perm 18.
    ///
    /// Errors: 85012 invalid auditid, 86000 not called by a platform, 86001 no committed code.
    pub async fn get_auditstatus(&self, aat: AuthorizerToken<'_>, req: &GetAuditstatusRequest) -> Result<GetAuditstatusResponse, Error> {
        self.post_json("/wxa/get_auditstatus", aat.param(), &[], req).await
    }

    /// The state of the latest audit; what a desktop that missed the audit push reconciles with.
    ///
    /// `GET /wxa/get_latest_auditstatus?access_token=AAT` — perm 18.
    ///
    /// Errors: 86000 not called by a platform, 86001 no committed code.
    pub async fn get_latest_auditstatus(&self, aat: AuthorizerToken<'_>) -> Result<GetLatestAuditstatusResponse, Error> {
        self.get_json("/wxa/get_latest_auditstatus", aat.param(), &[]).await
    }

    /// Withdraws the audit under way.
    ///
    /// `GET /wxa/undocodeaudit?access_token=AAT` — perm 18. At most 5 per day and 10 per month per
    /// mini program.
    ///
    /// Errors: 87013 withdraw quota used up.
    pub async fn undocodeaudit(&self, aat: AuthorizerToken<'_>) -> Result<(), Error> {
        let _: IgnoredAny = self.get_json("/wxa/undocodeaudit", aat.param(), &[]).await?;
        Ok(())
    }

    /// Expedites an audit (expected to finish in 2–12 h).
    ///
    /// `POST /wxa/speedupaudit?access_token=AAT` — perm 18. Uses one of the platform's monthly speed-ups.
    ///
    /// Errors: 89401 system unstable, 89402 not in the audit queue, 89403 this kind cannot be
    /// expedited, 89404 already expedited, 89405 no speed-ups left this month.
    pub async fn speedupaudit(&self, aat: AuthorizerToken<'_>, req: &SpeedupauditRequest) -> Result<(), Error> {
        let _: IgnoredAny = self.post_json("/wxa/speedupaudit", aat.param(), &[], req).await?;
        Ok(())
    }

    /// The platform's audit and speed-up budget for this month (any authorizer's token will do).
    ///
    /// `GET /wxa/queryquota?access_token=AAT` — perm 18.
    pub async fn queryquota(&self, aat: AuthorizerToken<'_>) -> Result<QueryquotaResponse, Error> {
        self.get_json("/wxa/queryquota", aat.param(), &[]).await
    }

    /// Uploads a screenshot (PNG/JPEG/GIF, ≤ 2 MB) or a recording (MP4, ≤ 10 MB) for `preview_info`.
    ///
    /// `POST /wxa/uploadmedia?access_token=AAT` (multipart, field `media`) — perm 18.
    ///
    /// Errors: 40005 file type not accepted, 40006 file too large, 41005 no file in the request.
    pub async fn uploadmedia(&self, aat: AuthorizerToken<'_>, media: Upload) -> Result<UploadmediaResponse, Error> {
        self.upload("/wxa/uploadmedia", aat.param(), &[], "media", media).await
    }
}
