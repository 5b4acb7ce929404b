//! Pushes an operation caused, waiting to be delivered, and the log of deliveries.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Which callback URL of a platform a push goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushTarget {
    /// The authorization-event URL (tickets, authorizations, fast registration).
    Component,
    /// The message-and-event URL, for this authorizer (`$APPID$` is replaced by it).
    App {
        /// The mini program the event is about.
        appid: String,
    },
}

/// One push to deliver: the plaintext event XML; it is encrypted at delivery time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutgoingPush {
    /// The platform whose URL, Token and key are used.
    pub component_appid: String,
    /// Which of its URLs.
    pub target: PushTarget,
    /// The decrypted XML (`wechat::xml::Event::to_xml`).
    pub xml: String,
}

/// Pushes waiting, and what happened to the delivered ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outbox {
    /// Waiting for delivery, oldest first.
    pub pending: VecDeque<OutgoingPush>,
}

impl Outbox {
    /// Queues a push.
    pub fn push(&mut self, push: OutgoingPush) {
        self.pending.push_back(push);
    }
}
