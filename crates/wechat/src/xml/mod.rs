//! The push XML (reference §1.4, §1.5, §2): the envelopes around encrypted pushes and replies,
//! and the typed events carried inside decrypted pushes.
//!
//! [`Envelope`] is the outer XML of a push (who it is for, and `Encrypt`); [`ReplyEnvelope`] the
//! encrypted passive reply. [`Event::parse`] reads the plaintext of a push — what `Encrypt` holds
//! once verified and decrypted — into an [`Event`]; [`Event::to_xml`] writes one back exactly as
//! WeChat would send it, which is how the simulator builds its pushes. Kinds this crate has no
//! type for are kept whole as [`UnknownEvent`], never dropped. [`Event::dedup_key`] identifies a
//! push across WeChat's retries.

mod envelope;
mod event;
mod event_app;
mod event_component;
mod event_element;
mod event_error;
mod event_flat;
mod event_unknown;

pub(crate) use envelope::BorrowedEnvelope;
pub use envelope::{Addressee, Envelope, EnvelopeError, ReplyEnvelope};
pub use event::Event;
pub use event_app::{MessageHeader, WeappAuditDelay, WeappAuditFail, WeappAuditSuccess, WxaCategoryAudit, WxaNicknameAudit};
pub use event_component::{
    Authorization, ComponentHeader, ComponentVerifyTicket, FasteregisterInfo, NotifyThirdFasteregister, Unauthorized,
};
pub use event_error::XmlError;
pub use event_unknown::UnknownEvent;
