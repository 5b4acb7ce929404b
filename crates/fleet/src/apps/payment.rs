//! WeChat Pay configuration of a mini program: the merchant id in the clear, the API key and the
//! p12 certificate as secrets ('payment/{appid}/key', 'payment/{appid}/p12'). What is shown never
//! includes them: only whether they are set, and the certificate's size and fingerprint.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{FleetError, Result};
use crate::secrets;
use crate::Fleet;

/// The secret name of a mini program's WeChat Pay API key.
pub fn key_secret(appid: &str) -> String {
    format!("payment/{appid}/key")
}

/// The secret name of a mini program's WeChat Pay p12 certificate.
pub fn p12_secret(appid: &str) -> String {
    format!("payment/{appid}/p12")
}

/// A p12 file is small; anything larger is not one.
const P12_MAX_BYTES: usize = 64 * 1024;

/// What the staff enter. `None` keeps what is stored.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentInput {
    /// The merchant id (商户号).
    pub mchid: String,
    /// The API key (32 characters, set in the merchant platform).
    #[serde(default)]
    pub key: Option<String>,
    /// The API certificate (`apiclient_cert.p12`).
    #[serde(default)]
    pub p12: Option<Vec<u8>>,
}

impl std::fmt::Debug for PaymentInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentInput").field("mchid", &self.mchid).finish_non_exhaustive()
    }
}

/// Whether a secret is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SecretState {
    /// Stored.
    #[serde(rename = "set")]
    Set,
    /// Not stored.
    #[serde(rename = "not set")]
    NotSet,
}

/// The stored certificate, described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertificateInfo {
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the file, hex: compare it with the file on disk.
    pub sha256: String,
}

/// A mini program's payment configuration, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentView {
    /// The mini program.
    pub appid: String,
    /// The merchant id.
    pub mchid: String,
    /// Whether the API key is stored.
    pub key: SecretState,
    /// The certificate, when stored.
    pub p12: Option<CertificateInfo>,
    /// Unix ms.
    pub updated_at: i64,
}

fn check(input: &PaymentInput) -> Result<()> {
    let mchid = input.mchid.trim();
    if mchid.is_empty() || !mchid.chars().all(|c| c.is_ascii_digit()) || mchid.len() > 32 {
        return Err(FleetError::invalid("mchid", "the merchant id (商户号) is digits, as shown in the WeChat Pay merchant platform"));
    }
    if let Some(key) = &input.key {
        let key = key.trim();
        if key.len() != 32 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FleetError::invalid(
                "key",
                "the API key is 32 letters and digits (set in the merchant platform under API security)",
            ));
        }
    }
    if let Some(p12) = &input.p12 {
        // DER: a PKCS#12 file is one SEQUENCE.
        if p12.is_empty() || p12.len() > P12_MAX_BYTES || p12[0] != 0x30 {
            return Err(FleetError::invalid("p12", "not a PKCS#12 certificate: upload apiclient_cert.p12 as downloaded"));
        }
    }
    Ok(())
}

fn view(conn: &Connection, appid: &str) -> Result<Option<PaymentView>> {
    let row: Option<(String, Option<i64>, Option<String>, i64)> = conn
        .query_row("SELECT mchid, p12_size, p12_sha256, updated_at FROM payment_configs WHERE appid = ?1", [appid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((mchid, p12_size, p12_sha256, updated_at)) = row else { return Ok(None) };
    let key_set: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM secrets WHERE name = ?1)", [key_secret(appid)], |r| r.get(0))?;
    let p12 = match (p12_size, p12_sha256) {
        (Some(size), Some(sha256)) => Some(CertificateInfo { size: size as u64, sha256 }),
        _ => None,
    };
    Ok(Some(PaymentView {
        appid: appid.to_owned(),
        mchid,
        key: if key_set { SecretState::Set } else { SecretState::NotSet },
        p12,
        updated_at,
    }))
}

/// The mini program must be known and not revoked to be configured.
fn require_known(conn: &Connection, appid: &str) -> Result<()> {
    let status: Option<String> = conn.query_row("SELECT status FROM authorizers WHERE appid = ?1", [appid], |r| r.get(0)).optional()?;
    match status.as_deref() {
        None => Err(FleetError::not_found(format!("mini program {appid}"))),
        Some("revoked") => Err(FleetError::Revoked { appid: appid.to_owned() }),
        Some(_) => Ok(()),
    }
}

impl Fleet {
    /// Stores the payment configuration (the key and certificate sealed; `None` keeps what is there).
    pub async fn set_payment_config(&self, appid: &str, input: PaymentInput) -> Result<PaymentView> {
        let changed = [input.key.as_ref().map(|_| "key"), input.p12.as_ref().map(|_| "p12")].into_iter().flatten().collect::<Vec<_>>();
        let detail = format!(
            "mchid {}{}",
            input.mchid.trim(),
            if changed.is_empty() { String::new() } else { format!("; {} replaced", changed.join(", ")) }
        );
        let outcome = async {
            check(&input)?;
            let (vault, now, app) = (self.vault().clone(), self.now_ms(), appid.to_owned());
            self.store()
                .write(move |tx| {
                    require_known(tx, &app)?;
                    let fingerprint = input.p12.as_ref().map(|p12| (p12.len() as i64, hex::encode(Sha256::digest(p12))));
                    tx.execute(
                        "INSERT INTO payment_configs (appid, mchid, p12_size, p12_sha256, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (appid) DO UPDATE SET mchid = excluded.mchid, p12_size = COALESCE(excluded.p12_size, p12_size),
                           p12_sha256 = COALESCE(excluded.p12_sha256, p12_sha256), updated_at = excluded.updated_at",
                        params![app, input.mchid.trim(), fingerprint.as_ref().map(|f| f.0), fingerprint.as_ref().map(|f| &f.1), now],
                    )?;
                    if let Some(key) = &input.key {
                        secrets::put_str(tx, &vault, &key_secret(&app), key.trim(), now)?;
                    }
                    if let Some(p12) = &input.p12 {
                        secrets::put(tx, &vault, &p12_secret(&app), p12, now)?;
                    }
                    view(tx, &app)?.ok_or_else(|| FleetError::Store("payment configuration vanished".to_owned()))
                })
                .await
        }
        .await;
        self.record("app.payment.set", &[appid.to_owned()], &outcome, &detail).await;
        outcome
    }

    /// The payment configuration, without its secrets (`None` when there is none).
    pub async fn payment_config(&self, appid: &str) -> Result<Option<PaymentView>> {
        let appid = appid.to_owned();
        self.store().read(move |conn| view(conn, &appid)).await
    }

    /// Removes the payment configuration with its key and certificate.
    pub async fn clear_payment_config(&self, appid: &str) -> Result<()> {
        let app = appid.to_owned();
        let outcome = self
            .store()
            .write(move |tx| {
                tx.execute("DELETE FROM payment_configs WHERE appid = ?1", [&app])?;
                secrets::delete(tx, &key_secret(&app))?;
                secrets::delete(tx, &p12_secret(&app))
            })
            .await;
        self.record("app.payment.clear", &[appid.to_owned()], &outcome, "").await;
        outcome
    }
}
