//! `component_verify_ticket`: the latest per platform, durable, with its age.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{FleetError, Result};
use crate::secrets::{self, SecretString, Vault};
use crate::Fleet;

/// WeChat's ticket stays valid for 12 hours after it was pushed.
pub const TICKET_VALIDITY_MS: i64 = 12 * 3600 * 1000;

/// The secret name of a platform's ticket.
pub fn secret_name(component_appid: &str) -> String {
    format!("ticket/{component_appid}")
}

/// Stores `ticket` as the platform's latest, unless a newer one (by `CreateTime`) is stored already.
/// Returns whether it was stored.
pub fn store(conn: &Connection, vault: &Vault, component_appid: &str, ticket: &str, create_time: i64, now_ms: i64) -> Result<bool> {
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
        params![component_appid, now_ms, create_time],
    )?;
    secrets::put_str(conn, vault, &secret_name(component_appid), ticket, now_ms)?;
    Ok(true)
}

/// The health of a platform's ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketStatus {
    /// When the latest ticket arrived (unix ms); `None` when none has.
    pub received_at: Option<i64>,
    /// Its age in ms.
    pub age_ms: Option<i64>,
    /// Whether it is still valid (younger than 12 h).
    pub valid: bool,
}

impl Fleet {
    /// The age and validity of the platform's latest ticket.
    pub async fn ticket_status(&self, component_appid: &str) -> Result<TicketStatus> {
        let appid = component_appid.to_owned();
        let now = self.now_ms();
        let received_at: Option<i64> = self
            .store()
            .read(move |conn| {
                Ok(conn.query_row("SELECT received_at FROM tickets WHERE component_appid = ?1", [appid], |r| r.get(0)).optional()?)
            })
            .await?;
        let age_ms = received_at.map(|at| (now - at).max(0));
        Ok(TicketStatus { received_at, age_ms, valid: age_ms.is_some_and(|age| age < TICKET_VALIDITY_MS) })
    }

    /// The platform's valid ticket, or [`FleetError::TicketMissing`].
    pub async fn current_ticket(&self, component_appid: &str) -> Result<SecretString> {
        let status = self.ticket_status(component_appid).await?;
        if !status.valid {
            return Err(FleetError::TicketMissing { platform: component_appid.to_owned() });
        }
        let (vault, name) = (self.vault().clone(), secret_name(component_appid));
        let appid = component_appid.to_owned();
        self.store().read(move |conn| secrets::get_str(conn, &vault, &name)?.ok_or(FleetError::TicketMissing { platform: appid })).await
    }
}
