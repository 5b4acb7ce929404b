//! Handing an opened event to its idempotent handler, and recording how it went on its row.
//!
//! A handler error (WeChat unreachable for `api_query_auth`, a local failure) never loses the event
//! and never holds the relay loop: the row keeps the error and is retried by the platform's retry
//! timer with a growing delay ([`retry_delay_ms`]); after [`MAX_ATTEMPTS`] it waits for an operator
//! (`retry_inbox_item`). The relay's own "do not ack" retry would stop every later push — tickets
//! included — behind one stuck event, so the event is acked once stored and retried here.

use rusqlite::{params, OptionalExtension};
use wechat::xml::Event;

use super::open::{Content, Opened};
use crate::error::{FleetError, Result};
use crate::releases::AuditOutcome;
use crate::tokens::TokenKind;
use crate::{Fleet, FleetEvent};

/// Attempts before an event waits for an operator.
pub const MAX_ATTEMPTS: i64 = 10;
const FIRST_RETRY_MS: i64 = 5_000;
const LONGEST_RETRY_MS: i64 = 10 * 60_000;

/// The delay after the `attempts`-th failure: 5 s, 10 s, 20 s … up to 10 min (≈ 40 min in all,
/// longer than an auth code lives and than most outages).
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    FIRST_RETRY_MS.saturating_mul(1 << doublings).min(LONGEST_RETRY_MS)
}

/// How a handler ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Handled,
    /// No handler for this kind: kept raw.
    Unhandled,
    /// A later authorization event about the same mini program was handled already.
    Superseded,
}

impl Outcome {
    fn state(self) -> &'static str {
        match self {
            Outcome::Handled => "handled",
            Outcome::Unhandled => "unhandled",
            Outcome::Superseded => "superseded",
        }
    }
}

const AUTHORIZATION_KINDS: [&str; 3] = ["authorized", "updateauthorized", "unauthorized"];

impl Fleet {
    /// Handles the opened event of row `id` once (unless another task is handling it right now) and
    /// records the outcome on the row.
    pub(crate) async fn dispatch_opened(&self, platform: &str, id: i64, opened: Opened, received_at: i64) {
        let Some(_claim) = self.inbox_runtime().claim(id) else { return };
        let outcome = match self.superseded(platform, id, &opened).await {
            Ok(true) => Ok(Outcome::Superseded),
            Ok(false) => self.handle(platform, &opened, received_at).await,
            Err(e) => Err(e),
        };
        let ok = outcome.is_ok();
        if let Err(e) = self.record_outcome(id, &opened.kind, outcome).await {
            tracing::error!(inbox_id = id, error = %e, "could not record how an inbox event was handled; it will be handled again");
        }
        self.emit(FleetEvent::PushReceived { inbox_id: id, kind: opened.kind.clone(), ok });
    }

    async fn record_outcome(&self, id: i64, kind: &str, outcome: Result<Outcome>) -> Result<()> {
        let now = self.now_ms();
        match outcome {
            Ok(outcome) => {
                self.store()
                    .write(move |tx| {
                        tx.execute(
                        "UPDATE inbox SET state = ?2, handled_at = ?3, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL
                             WHERE id = ?1",
                        params![id, outcome.state(), now],
                    )?;
                        Ok(())
                    })
                    .await
            }
            Err(error) => {
                let message = match error.errcode() {
                    Some(code) => format!("[{}:{code}] {error}", error.code()),
                    None => format!("[{}] {error}", error.code()),
                };
                tracing::warn!(inbox_id = id, kind, error = %message, "an inbox event's handler failed; kept for a retry");
                self.store()
                    .write(move |tx| {
                        let attempts: i64 = tx.query_row("SELECT attempts + 1 FROM inbox WHERE id = ?1", [id], |r| r.get(0))?;
                        let (state, next) =
                            if attempts >= MAX_ATTEMPTS { ("error", None) } else { ("retrying", Some(now + retry_delay_ms(attempts))) };
                        tx.execute(
                            "UPDATE inbox SET state = ?2, attempts = ?3, last_error = ?4, next_attempt_at = ?5 WHERE id = ?1",
                            params![id, state, attempts, message, next],
                        )?;
                        Ok(())
                    })
                    .await
            }
        }
    }

    /// Whether a later `authorized`/`updateauthorized`/`unauthorized` of the same mini program was
    /// handled already (this one is a late retry: applying it would undo the newer one).
    async fn superseded(&self, platform: &str, id: i64, opened: &Opened) -> Result<bool> {
        let (Some(subject), Some(create_time)) = (opened.subject.clone(), opened.create_time) else { return Ok(false) };
        if !AUTHORIZATION_KINDS.contains(&opened.kind.as_str()) {
            return Ok(false);
        }
        let platform = platform.to_owned();
        self.store()
            .read(move |conn| {
                let later: Option<i64> = conn
                    .query_row(
                        "SELECT id FROM inbox WHERE component_appid = ?1 AND subject = ?2 AND id <> ?3 AND state = 'handled'
                           AND kind IN ('authorized', 'updateauthorized', 'unauthorized') AND create_time > ?4 LIMIT 1",
                        params![platform, subject, id, create_time],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(later.is_some())
            })
            .await
    }

    /// The handlers, one per kind; each is idempotent (pushes repeat, retries repeat).
    async fn handle(&self, platform: &str, opened: &Opened, received_at: i64) -> Result<Outcome> {
        match &opened.content {
            Content::Push { event, .. } => self.handle_push(platform, opened.subject.as_deref(), event, received_at).await,
            Content::LinkResult { link, state, auth_code } => {
                crate::links::on_link_result(self, platform, link, state, auth_code.as_deref()).await?;
                Ok(Outcome::Handled)
            }
            Content::Gap => {
                self.reconcile_after_gap(platform).await?;
                Ok(Outcome::Handled)
            }
        }
    }

    async fn handle_push(&self, platform: &str, subject: Option<&str>, event: &Event, received_at: i64) -> Result<Outcome> {
        match event {
            Event::ComponentVerifyTicket(ticket) => {
                let (vault, platform_, value) = (self.vault().clone(), platform.to_owned(), ticket.component_verify_ticket.clone());
                let (create_time, arrived) = (ticket.header.create_time, received_at.min(self.now_ms()));
                let stored =
                    self.store().write(move |tx| crate::tickets::store(tx, &vault, &platform_, &value, create_time, arrived)).await?;
                if stored {
                    self.emit(FleetEvent::TicketReceived { platform: platform.to_owned() });
                    if self.ticket_status(platform).await?.valid {
                        self.due_now(platform, super::rearm::Waiting::Ticket).await;
                    }
                }
            }
            Event::Authorized(authorization) | Event::UpdateAuthorized(authorization) => {
                crate::authorizers::accept_authorized_push(self, platform, authorization).await?;
                self.due_now(platform, super::rearm::Waiting::AuthorizedPush).await;
            }
            Event::Unauthorized(revoked) => {
                // When the push reached the relay, in ms: `CreateTime` has whole seconds only, and a
                // revocation in the same second as the authorization must not look older than it.
                let at_ms = received_at.max(revoked.header.create_time.saturating_mul(1000));
                crate::authorizers::mark_revoked(self, platform, &revoked.authorizer_appid, at_ms).await?;
                self.forget_token(TokenKind::Authorizer, &revoked.authorizer_appid).await?;
            }
            Event::NotifyThirdFasteregister(registered) => {
                if registered.succeeded() && !registered.auth_code.is_empty() {
                    crate::authorizers::accept_auth_code(self, platform, &registered.auth_code, None).await?;
                } else {
                    tracing::info!(platform, appid = %registered.appid, status = registered.status, msg = %registered.msg, "fast registration did not create a mini program");
                }
            }
            Event::WeappAuditSuccess(success) => {
                let appid = self.audited_app(subject, &success.header.to_user_name).await?;
                crate::releases::on_audit_event(self, &appid, AuditOutcome::Passed { at: success.succ_time }).await?;
            }
            Event::WeappAuditFail(fail) => {
                let appid = self.audited_app(subject, &fail.header.to_user_name).await?;
                let outcome =
                    AuditOutcome::Rejected { at: fail.fail_time, reason: fail.reason.clone(), screenshots: fail.screen_shot.clone() };
                crate::releases::on_audit_event(self, &appid, outcome).await?;
            }
            Event::WeappAuditDelay(delay) => {
                let appid = self.audited_app(subject, &delay.header.to_user_name).await?;
                let outcome = AuditOutcome::Delayed { at: delay.delay_time, reason: delay.reason.clone() };
                crate::releases::on_audit_event(self, &appid, outcome).await?;
            }
            _ => return Ok(Outcome::Unhandled),
        }
        Ok(Outcome::Handled)
    }

    /// The mini program an audit result is about: the `{appid}` of the relay URL it came to, else the
    /// authorizer whose original id is `ToUserName`.
    async fn audited_app(&self, relay_appid: Option<&str>, to_user_name: &str) -> Result<String> {
        if let Some(appid) = relay_appid {
            return Ok(appid.to_owned());
        }
        let original_id = to_user_name.to_owned();
        self.store()
            .read(move |conn| {
                conn.query_row("SELECT appid FROM authorizers WHERE user_name = ?1 AND user_name <> ''", [&original_id], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| FleetError::not_found(format!("the mini program with original id {original_id} (sync its profile)")))
            })
            .await
    }

    /// After the relay lost events: the authorizer list, the pending audits and a fresh ticket,
    /// asked of WeChat. All three are tried; the first error is returned (and all three retried).
    async fn reconcile_after_gap(&self, platform: &str) -> Result<()> {
        let synced = crate::authorizers::sync_all(self, platform).await.map(drop);
        let audits = crate::releases::reconcile_audits(self, platform).await.map(drop);
        let ticket = self.request_ticket_push(platform).await;
        synced.and(audits).and(ticket)
    }
}
