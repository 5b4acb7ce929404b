//! A pulled batch of relay events stored in ONE transaction with the cursor, then handled in order.
//!
//! The relay client hands events over one by one and saves the cursor (then acks) after the batch;
//! the intake collects them and this stores them all when the cursor is saved — so an event is acked
//! only once it is committed, a crash before the commit leaves it unacked (the relay delivers it
//! again, and `(relay_log, relay_seq)` keeps it from being stored twice), and a backlog costs one
//! commit per batch instead of one per event.
//!
//! Tickets are state, not work: of the batch's `component_verify_ticket`s the newest is stored and
//! all of them are recorded handled in that same transaction. So the batch's other events — an
//! `authorized` push that sat at the relay before the day's tickets — find the fresh ticket on their
//! first attempt, and a backlog of tickets costs nothing more.

use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection};
use tokio::sync::watch;
use wechat::xml::Event;

use super::intake::{store, Incoming};
use super::open::{self, Content, Failure, Opened};
use super::rearm::Waiting;
use crate::error::Result;
use crate::secrets::Vault;
use crate::{Fleet, FleetEvent};

/// Events handed over by the relay loop and not yet committed, in order.
#[derive(Clone, Default)]
pub(crate) struct Pending(Arc<Mutex<Vec<Incoming>>>);

impl Pending {
    pub(crate) fn push(&self, incoming: Incoming) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(incoming);
    }

    fn take(&self) -> Vec<Incoming> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Puts events whose commit failed back in front of any handed over since.
    fn restore(&self, mut events: Vec<Incoming>) {
        let mut pending = self.0.lock().unwrap_or_else(|p| p.into_inner());
        events.append(&mut pending);
        *pending = events;
    }
}

/// One stored row of the batch.
struct Stored {
    id: i64,
    state: &'static str,
    received_at: i64,
    opened: std::result::Result<Opened, Failure>,
}

/// What the transaction did with the batch's tickets.
#[derive(Default)]
struct Tickets {
    handled: Vec<i64>,
    stored_fresh: Option<bool>,
}

/// Commits the pending events (and the cursor at `cursor`, when given), then hands the new rows to
/// their handlers in order — until `stopped`: what is left then is `pending` for the retry timer
/// (and due at once on the next start). On a failed commit the events stay pending and the error is
/// returned (the loop saves again before it acks).
pub(crate) async fn commit(
    fleet: &Fleet,
    platform: &str,
    pending: &Pending,
    cursor: Option<i64>,
    stopped: &watch::Receiver<bool>,
) -> Result<()> {
    let events = pending.take();
    if events.is_empty() {
        let Some(seq) = cursor else { return Ok(()) };
        let (platform, now) = (platform.to_owned(), fleet.now_ms());
        return fleet.store().write(move |tx| super::intake::set_cursor(tx, &platform, seq, now)).await;
    }
    let crypt = match fleet.msg_crypt(platform).await {
        Ok(crypt) => crypt,
        Err(e) => {
            pending.restore(events);
            return Err(e);
        }
    };
    let opened: Vec<_> = events.iter().map(|e| open::open(&crypt, platform, &e.source, e.appid.as_deref(), &e.query, &e.body)).collect();
    let events = Arc::new(events);
    let (vault, platform_, now, batch) = (fleet.vault().clone(), platform.to_owned(), fleet.now_ms(), Arc::clone(&events));
    let written = fleet
        .store()
        .write(move |tx| {
            let mut rows = Vec::with_capacity(batch.len());
            for (incoming, opened) in batch.iter().zip(opened) {
                if let Some((id, state)) = store(tx, &vault, &platform_, incoming, &opened, now)? {
                    rows.push(Stored { id, state, received_at: incoming.received_at, opened });
                }
            }
            let tickets = apply_tickets(tx, &vault, &platform_, &rows, now)?;
            if let Some(seq) = cursor {
                super::intake::set_cursor(tx, &platform_, seq, now)?;
            }
            Ok((rows, tickets))
        })
        .await;
    let (rows, tickets) = match written {
        Ok(written) => written,
        Err(e) => {
            pending.restore(Arc::try_unwrap(events).unwrap_or_else(|shared| (*shared).clone()));
            return Err(e);
        }
    };
    if let Some(fresh) = tickets.stored_fresh {
        fleet.emit(FleetEvent::TicketReceived { platform: platform.to_owned() });
        if fresh {
            fleet.due_now(platform, Waiting::Ticket).await;
        }
    }
    for row in rows {
        match row.opened {
            Ok(opened) if tickets.handled.contains(&row.id) => {
                fleet.emit(FleetEvent::PushReceived { inbox_id: row.id, kind: opened.kind, ok: true });
            }
            Ok(opened) if row.state == "pending" => {
                if *stopped.borrow() {
                    continue;
                }
                fleet.dispatch_opened(platform, row.id, opened, row.received_at).await;
            }
            Ok(opened) => {
                tracing::info!(platform, inbox_id = row.id, kind = %opened.kind, "a push WeChat sent before; not handled again");
                fleet.emit(FleetEvent::PushReceived { inbox_id: row.id, kind: opened.kind, ok: true });
            }
            Err(failure) => {
                tracing::warn!(platform, inbox_id = row.id, step = failure.step, detail = %failure.detail, "a push did not open; kept for diagnosis");
                fleet.emit(FleetEvent::PushReceived { inbox_id: row.id, kind: failure.step.to_owned(), ok: false });
            }
        }
    }
    Ok(())
}

/// Stores the newest of the batch's new tickets and records every one of them handled. A ticket
/// with an empty value is left to its handler (which records why it is refused).
fn apply_tickets(tx: &Connection, vault: &Vault, platform: &str, rows: &[Stored], now: i64) -> Result<Tickets> {
    let tickets: Vec<(i64, i64, &str, i64)> = rows
        .iter()
        .filter(|row| row.state == "pending")
        .filter_map(|row| match &row.opened {
            Ok(Opened { content: Content::Push { event, .. }, .. }) => match event.as_ref() {
                Event::ComponentVerifyTicket(t) if !t.component_verify_ticket.trim().is_empty() => {
                    Some((row.id, t.header.create_time, t.component_verify_ticket.as_str(), row.received_at.min(now)))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let Some(&(_, create_time, value, arrived)) = tickets.iter().max_by_key(|(id, create_time, ..)| (*create_time, *id)) else {
        return Ok(Tickets::default());
    };
    let stored = crate::tickets::store(tx, vault, platform, value, create_time, arrived)?;
    for (id, ..) in &tickets {
        tx.execute(
            "UPDATE inbox SET state = 'handled', handled_at = ?2, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL
             WHERE id = ?1",
            params![id, now],
        )?;
    }
    let fresh = now - crate::tickets::fresh_since(arrived, create_time, now) < crate::tickets::TICKET_VALIDITY_MS;
    Ok(Tickets { handled: tickets.iter().map(|(id, ..)| *id).collect(), stored_fresh: stored.then_some(fresh) })
}
