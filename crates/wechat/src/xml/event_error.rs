//! Why a decrypted push could not be read.

/// A decrypted push that is not the XML WeChat sends.
///
/// Mirrors step `-40002` ("xml") of the official WXBizMsgCrypt samples (reference §1.6), so the
/// crypto layer can report it with the same code and step name as its own failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// Not well-formed XML: unbalanced tags, bad markup, an unknown entity, a DOCTYPE, no root.
    #[error("malformed XML at byte {position}: {message}")]
    Malformed {
        /// Byte offset in the input where reading stopped.
        position: u64,
        /// What the reader found wrong.
        message: String,
    },
    /// Well-formed, but the root element is not `<xml>`.
    #[error("the root element is <{0}>, but WeChat pushes are wrapped in <xml>")]
    UnexpectedRoot(String),
    /// A push of a known kind lacks one of its documented fields.
    #[error("the {kind} push has no <{field}>")]
    MissingField {
        /// `InfoType` or `Event` of the push.
        kind: String,
        /// The missing element; nested ones are written `parent.child`.
        field: String,
    },
    /// A numeric field of a known kind does not hold an integer.
    #[error("<{field}> of the {kind} push is not an integer: {value:?}")]
    NotAnInteger {
        /// `InfoType` or `Event` of the push.
        kind: String,
        /// The offending element; nested ones are written `parent.child`.
        field: String,
        /// Its text, as received.
        value: String,
    },
}

impl XmlError {
    /// The official sample's error code for this step: `-40002` (ParseXml_Error).
    pub const CODE: i32 = -40002;

    /// `-40002`, the code the official WXBizMsgCrypt samples use for XML that cannot be parsed.
    pub fn code(&self) -> i32 {
        Self::CODE
    }

    /// `"xml"`: the step of push handling that failed.
    pub fn step(&self) -> &'static str {
        "xml"
    }
}
