//! Pushes an operation caused, waiting to be delivered, and the log of deliveries.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Deliveries kept in the log (the oldest are forgotten first).
pub const DELIVERY_LOG_LEN: usize = 500;

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

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Still being attempted.
    Pending,
    /// The receiver answered `success`.
    Delivered,
    /// Every attempt failed (wrong answer, error status, timeout, connection refused).
    Failed,
    /// There was nowhere to send it: no URL configured, or the platform or mini program is gone.
    Undeliverable,
}

/// One push's delivery, as `/admin/state` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Sequence number, from 1.
    pub id: u64,
    /// When it was taken for delivery (virtual time).
    pub queued_at: i64,
    /// The platform.
    pub component_appid: String,
    /// The mini program, for message-and-event pushes.
    pub appid: Option<String>,
    /// `InfoType` or `Event`.
    pub kind: String,
    /// The URL posted to (query string left out), when there is one.
    pub url: Option<String>,
    /// Attempts made so far.
    pub attempts: u32,
    /// How it ended (or `pending`).
    pub outcome: DeliveryOutcome,
    /// What went wrong on the last failed attempt.
    pub last_error: Option<String>,
    /// When it ended (virtual time).
    pub finished_at: Option<i64>,
}

/// Pushes waiting, and what happened to the delivered ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outbox {
    /// Waiting for delivery, oldest first.
    pub pending: VecDeque<OutgoingPush>,
    /// The most recent deliveries, oldest first.
    #[serde(default)]
    pub log: VecDeque<Delivery>,
    #[serde(default)]
    last_id: u64,
}

impl Outbox {
    /// Queues a push.
    pub fn push(&mut self, push: OutgoingPush) {
        self.pending.push_back(push);
    }

    /// Starts the log entry of a delivery; returns its id.
    pub fn start_delivery(&mut self, mut delivery: Delivery) -> u64 {
        self.last_id += 1;
        delivery.id = self.last_id;
        if self.log.len() >= DELIVERY_LOG_LEN {
            self.log.pop_front();
        }
        self.log.push_back(delivery);
        self.last_id
    }

    /// The log entry `id`, if it is still kept.
    pub fn delivery_mut(&mut self, id: u64) -> Option<&mut Delivery> {
        // Ids are consecutive, so the entry's index follows from the first one's.
        let first = self.log.front()?.id;
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        self.log.get_mut(index).filter(|d| d.id == id)
    }
}
