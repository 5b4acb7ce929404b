//! `component_verify_ticket`: the latest per platform, durable, with its age, and "request a push
//! now" (`api_start_push_ticket`).
//!
//! WeChat pushes a ticket every 10 minutes; it is valid for 12 hours. The component token cannot be
//! fetched without one, so its health is shown (age, validity) and a push can be asked for. A ticket
//! is stored only when its decrypted `AppId` is the platform's own (two platforms pushing to one URL
//! would otherwise overwrite each other's ticket — field-notes #1); the inbox checks that before
//! calling [`store`].

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use wechat::api::component::ApiStartPushTicketRequest;

use crate::error::{FleetError, Result};
use crate::platforms::secret;
use crate::secrets::{self, SecretString, Vault};
use crate::Fleet;

/// WeChat's ticket stays valid for 12 hours after it was pushed.
pub const TICKET_VALIDITY_MS: i64 = 12 * 3600 * 1000;

/// Since when a ticket counts as fresh: the later of the relay's receive time and WeChat's
/// `CreateTime`, never after `now_ms`. WeChat counts the 12 hours from issuing it, so a relay whose
/// clock lags must not make a fresh ticket look stale (and cut the platform off from WeChat); the
/// receive time still counts when WeChat's clock is the one behind.
pub fn fresh_since(received_at_ms: i64, create_time: i64, now_ms: i64) -> i64 {
    received_at_ms.max(create_time.saturating_mul(1000)).min(now_ms)
}

/// The secret name of a platform's ticket.
pub fn secret_name(component_appid: &str) -> String {
    format!("ticket/{component_appid}")
}

/// Stores `ticket` as the platform's latest, unless a newer one (by `CreateTime`) is stored already.
/// `received_at_ms` is when the push arrived (the relay's receive time for pushes from the inbox).
/// Returns whether it was stored.
pub fn store(conn: &Connection, vault: &Vault, component_appid: &str, ticket: &str, create_time: i64, received_at_ms: i64) -> Result<bool> {
    if ticket.trim().is_empty() {
        return Err(FleetError::invalid("ComponentVerifyTicket", "the push carries an empty ticket"));
    }
    let newer: Option<i64> = conn
        .query_row(
            "SELECT create_time FROM tickets WHERE component_appid = ?1 AND create_time > ?2",
            params![component_appid, create_time],
            |r| r.get(0),
        )
        .optional()?;
    if newer.is_some() {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO tickets (component_appid, received_at, create_time) VALUES (?1, ?2, ?3)
         ON CONFLICT (component_appid) DO UPDATE SET received_at = excluded.received_at, create_time = excluded.create_time",
        params![component_appid, received_at_ms, create_time],
    )?;
    secrets::put_str(conn, vault, &secret_name(component_appid), ticket, received_at_ms)?;
    Ok(true)
}

/// The health of a platform's ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketStatus {
    /// The platform.
    pub component_appid: String,
    /// When the latest ticket arrived (unix ms); `None` when none has.
    pub received_at: Option<i64>,
    /// Its `CreateTime` (unix s, WeChat's clock).
    pub create_time: Option<i64>,
    /// Its age in ms, counted from [`fresh_since`].
    pub age_ms: Option<i64>,
    /// Whether it is still valid (younger than 12 h).
    pub valid: bool,
}

impl Fleet {
    /// The age and validity of the platform's latest ticket.
    pub async fn ticket_status(&self, component_appid: &str) -> Result<TicketStatus> {
        let appid = component_appid.to_owned();
        let now = self.now_ms();
        let row: Option<(i64, i64)> = self
            .store()
            .read(move |conn| {
                Ok(conn
                    .query_row("SELECT received_at, create_time FROM tickets WHERE component_appid = ?1", [appid], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?)
            })
            .await?;
        let age_ms = row.map(|(at, create_time)| now - fresh_since(at, create_time, now));
        Ok(TicketStatus {
            component_appid: component_appid.to_owned(),
            received_at: row.map(|(at, _)| at),
            create_time: row.map(|(_, create_time)| create_time),
            age_ms,
            valid: age_ms.is_some_and(|age| age < TICKET_VALIDITY_MS),
        })
    }

    /// The ticket health of every platform of the workspace (the UI's health lights).
    pub async fn ticket_statuses(&self) -> Result<Vec<TicketStatus>> {
        let mut statuses = Vec::new();
        for platform in self.platforms().await? {
            statuses.push(self.ticket_status(&platform.component_appid).await?);
        }
        Ok(statuses)
    }

    /// The platform's valid ticket, or [`FleetError::TicketMissing`] (none yet, or older than 12 h),
    /// whose message says what to do.
    pub async fn current_ticket(&self, component_appid: &str) -> Result<SecretString> {
        let status = self.ticket_status(component_appid).await?;
        if !status.valid {
            if let Some(age_ms) = status.age_ms {
                tracing::warn!(platform = component_appid, age_hours = age_ms / 3_600_000, "the latest ticket is older than 12 hours");
            }
            return Err(FleetError::TicketMissing { platform: component_appid.to_owned() });
        }
        let (vault, name) = (self.vault().clone(), secret_name(component_appid));
        let appid = component_appid.to_owned();
        self.store().read(move |conn| secrets::get_str(conn, &vault, &name)?.ok_or(FleetError::TicketMissing { platform: appid })).await
    }

    /// Asks WeChat to push a ticket now (`api_start_push_ticket`, with the platform's AppSecret); it
    /// arrives through the relay like the regular ones. Recorded in the audit log.
    pub async fn request_ticket_push(&self, component_appid: &str) -> Result<()> {
        let outcome = self.request_ticket_push_inner(component_appid).await;
        self.record("ticket.request_push", &[], &outcome, component_appid).await;
        outcome
    }

    async fn request_ticket_push_inner(&self, component_appid: &str) -> Result<()> {
        let api = self.api(component_appid).await?;
        let appsecret = self.platform_secret(secret::appsecret(component_appid)).await?;
        api.api_start_push_ticket(&ApiStartPushTicketRequest {
            component_appid: component_appid.to_owned(),
            component_secret: appsecret.expose().to_owned(),
        })
        .await?;
        Ok(())
    }
}
