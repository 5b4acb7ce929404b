//! Mini program codes: wxacode A/B and the square QR code (reference §10).
//!
//! All three are `POST`s with a JSON body that answer with the image bytes on success and with
//! JSON `{errcode, errmsg}` on failure. They act on behalf of one mini program
//! (`?access_token=AAT`) and need permission set 17. Only published pages can be coded unless
//! `check_path` is false or `env_version` names another version.

use serde::{Deserialize, Serialize};

use super::{AuthorizerToken, Client, Error, Media};

/// Which version of the mini program a code opens (`env_version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum EnvVersion {
    /// `release`: the released version, the default.
    #[default]
    Release,
    /// `trial`: the trial (体验) version.
    Trial,
    /// `develop`: the development version.
    Develop,
}

/// The colour of the code's lines (`line_color`), used when `auto_color` is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineColor {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

/// The body of `getwxacode`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetwxacodeRequest {
    /// The page and its query (`pages/index/index?id=1`), at most 1024 bytes.
    pub path: String,
    /// The width in px, 280–1280 (WeChat's default 430).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pick the line colour automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_color: Option<bool>,
    /// The line colour when `auto_color` is false (black by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_color: Option<LineColor>,
    /// A transparent background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hyaline: Option<bool>,
    /// The version to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_version: Option<EnvVersion>,
}

/// The body of `getwxacodeunlimit`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GetwxacodeunlimitRequest {
    /// At most 32 characters from `[0-9A-Za-z]` and ``!#$&'()*+,/:;=?@-._~``; the page receives it
    /// URL-encoded as its `scene` query parameter. See [`validate_scene`].
    pub scene: String,
    /// The page, without a leading `/` and without a query; the home page when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// `false` allows unpublished or non-existent pages (at most 60 000 such); WeChat's default is `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_path: Option<bool>,
    /// The version to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_version: Option<EnvVersion>,
    /// The width in px, 280–1280 (WeChat's default 430).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pick the line colour automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_color: Option<bool>,
    /// The line colour when `auto_color` is false (black by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_color: Option<LineColor>,
    /// A transparent background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hyaline: Option<bool>,
}

/// The body of `createwxaqrcode`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreatewxaqrcodeRequest {
    /// The page and its query, at most 128 bytes.
    pub path: String,
    /// The width in px, 280–1280 (WeChat's default 430).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
}

/// The most characters a `scene` may have.
pub const SCENE_MAX_CHARS: usize = 32;

/// Why a `scene` would be refused by `getwxacodeunlimit`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SceneError {
    /// The scene is empty; WeChat requires one.
    #[error("the scene is empty")]
    Empty,
    /// The scene is longer than [`SCENE_MAX_CHARS`].
    #[error("the scene has {chars} characters, at most {SCENE_MAX_CHARS} are allowed")]
    TooLong {
        /// How many characters it has.
        chars: usize,
    },
    /// The scene has a character outside the allowed set (`%` included, so URL-encoded text does not fit).
    #[error("the scene has {character:?} at position {position}; only 0-9, A-Z, a-z and !#$&'()*+,/:;=?@-._~ are allowed")]
    InvalidCharacter {
        /// The character.
        character: char,
        /// Its position, counted in characters from 0.
        position: usize,
    },
}

/// Checks a `scene` against WeChat's documented rules before spending a call on it.
///
/// The client does not call this itself: requests go to WeChat (or the simulator) as given, so
/// their own answer stays observable.
pub fn validate_scene(scene: &str) -> Result<(), SceneError> {
    const SPECIAL: &str = "!#$&'()*+,/:;=?@-._~";
    if scene.is_empty() {
        return Err(SceneError::Empty);
    }
    if let Some((position, character)) = scene.chars().enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || SPECIAL.contains(*c))) {
        return Err(SceneError::InvalidCharacter { character, position });
    }
    // Every allowed character is one byte, so the byte length is the character count here.
    if scene.len() > SCENE_MAX_CHARS {
        return Err(SceneError::TooLong { chars: scene.len() });
    }
    Ok(())
}

impl Client {
    /// A mini program code (the round 小程序码) for a page with its query; limited in number.
    ///
    /// `POST /wxa/getwxacode?access_token=AAT` — perm 17. Answers an image, or JSON on failure.
    /// Counts toward the 100 000 codes shared with `createwxaqrcode`.
    ///
    /// Errors: 45029 total reached, 45009 daily limit, 40159 invalid path, 40189 invalid width,
    /// 40097 invalid env_version, 45063 no permission.
    pub async fn getwxacode(&self, aat: AuthorizerToken<'_>, req: &GetwxacodeRequest) -> Result<Media, Error> {
        self.post_for_media("/wxa/getwxacode", aat.param(), &[], req).await
    }

    /// A mini program code for a page plus a short `scene`; unlimited in number.
    ///
    /// `POST /wxa/getwxacodeunlimit?access_token=AAT` — perm 17. Answers an image, or JSON on
    /// failure. About 5000 calls per minute.
    ///
    /// Errors: 41030 page missing, not published, starting with `/` or carrying a query; 45009 rate
    /// limit; 40169 invalid scene (unverified); 40097 invalid env_version.
    pub async fn getwxacodeunlimit(&self, aat: AuthorizerToken<'_>, req: &GetwxacodeunlimitRequest) -> Result<Media, Error> {
        self.post_for_media("/wxa/getwxacodeunlimit", aat.param(), &[], req).await
    }

    /// A square QR code for a page with its query; limited in number.
    ///
    /// `POST /cgi-bin/wxaapp/createwxaqrcode?access_token=AAT` — perm 17. Answers an image, or JSON
    /// on failure. Counts toward the 100 000 codes shared with `getwxacode`.
    ///
    /// Errors: 45029 total reached, 40159 invalid path.
    pub async fn createwxaqrcode(&self, aat: AuthorizerToken<'_>, req: &CreatewxaqrcodeRequest) -> Result<Media, Error> {
        self.post_for_media("/cgi-bin/wxaapp/createwxaqrcode", aat.param(), &[], req).await
    }
}
