//! Campaigns and their items as stored: transitions, views, and the hooks the releases area calls
//! when an audit ends, is withdrawn, or a version is released outside the campaign. The types are
//! in [`super::model`].

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

pub use super::model::{Campaign, CampaignItem, CampaignState, CampaignView, Counts, ItemLite, ItemRow, ItemState};
use super::preflight::PreflightReport;
use super::spec::CampaignSpec;
use crate::error::{FleetError, Result};

/// A campaign row before its JSON and state are parsed.
struct CampaignRaw {
    id: i64,
    spec: String,
    state: String,
    reason: Option<String>,
    canary_open: bool,
    actor: String,
    times: [Option<i64>; 4],
}

fn campaign_from_row(row: &Row<'_>) -> rusqlite::Result<CampaignRaw> {
    Ok(CampaignRaw {
        id: row.get("id")?,
        spec: row.get("spec")?,
        state: row.get("state")?,
        reason: row.get("state_reason")?,
        canary_open: row.get("canary_open")?,
        actor: row.get("actor")?,
        times: [row.get("created_at")?, row.get("started_at")?, row.get("finished_at")?, row.get("updated_at")?],
    })
}

/// Inserts a campaign (state `ready`) and its items; returns its id.
pub fn insert_campaign(
    conn: &Connection,
    spec: &CampaignSpec,
    actor: &str,
    now: i64,
    items: &[(PreflightReport, bool, Option<String>)],
) -> Result<i64> {
    conn.execute(
        "INSERT INTO campaigns (platform, template_id, user_version, user_desc, spec, state, actor, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'ready', ?6, ?7, ?7)",
        params![spec.platform, spec.template_id, spec.user_version, spec.user_desc, serde_json::to_string(spec)?, actor, now],
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare(
        "INSERT INTO campaign_items (campaign_id, seq, appid, canary, state, preflight, category, problem, finished_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (seq, (report, canary, category)) in items.iter().enumerate() {
        let state = if report.ok { ItemState::Pending } else { ItemState::Excluded };
        let problem = report
            .first_failure()
            .map(|check| serde_json::json!({ "code": "preflight", "message": check.detail, "check": check.check }).to_string());
        stmt.execute(params![
            id,
            seq as i64,
            report.appid,
            canary,
            state.as_str(),
            serde_json::to_string(report)?,
            category,
            problem,
            (!report.ok).then_some(now),
            now
        ])?;
    }
    Ok(id)
}

/// One campaign with its counts.
pub fn campaign(conn: &Connection, id: i64) -> Result<Campaign> {
    let raw = conn
        .query_row("SELECT * FROM campaigns WHERE id = ?1", [id], campaign_from_row)
        .optional()?
        .ok_or_else(|| FleetError::not_found(format!("campaign {id}")))?;
    finish_campaign(conn, raw)
}

fn finish_campaign(conn: &Connection, raw: CampaignRaw) -> Result<Campaign> {
    let CampaignRaw { id, spec, state, reason, canary_open, actor, times: [created_at, started_at, finished_at, updated_at] } = raw;
    let mut counts = Counts::default();
    let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM campaign_items WHERE campaign_id = ?1 GROUP BY state")?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        let state = ItemState::parse(&state)?;
        for _ in 0..n {
            counts.add(state);
        }
    }
    Ok(Campaign {
        id,
        spec: serde_json::from_str(&spec)?,
        state: CampaignState::parse(&state)?,
        state_reason: reason.map(|r| serde_json::from_str(&r)).transpose()?,
        canary_open,
        actor,
        created_at: created_at.unwrap_or_default(),
        started_at,
        finished_at,
        updated_at: updated_at.unwrap_or_default(),
        counts,
    })
}

/// Every campaign, newest first.
pub fn campaigns(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = conn.prepare("SELECT * FROM campaigns ORDER BY id DESC")?;
    let raws = stmt.query_map([], campaign_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(|raw| finish_campaign(conn, raw)).collect()
}

fn item_from_row(row: &Row<'_>) -> rusqlite::Result<(CampaignItem, String, String, Option<String>)> {
    Ok((
        CampaignItem {
            id: row.get("id")?,
            seq: row.get("seq")?,
            appid: row.get("appid")?,
            canary: row.get("canary")?,
            state: ItemState::Pending,
            preflight: PreflightReport::default(),
            auditid: row.get("auditid")?,
            audit_row: row.get("audit_row")?,
            attempts: row.get("attempts")?,
            privacy_waits: row.get("privacy_waits")?,
            next_at: row.get("next_at")?,
            release_requested: row.get("release_requested")?,
            errcode: row.get("errcode")?,
            problem: None,
            started_at: row.get("started_at")?,
            committed_at: row.get("committed_at")?,
            submitted_at: row.get("submitted_at")?,
            audit_at: row.get("audit_at")?,
            released_at: row.get("released_at")?,
            finished_at: row.get("finished_at")?,
            updated_at: row.get("updated_at")?,
        },
        row.get("state")?,
        row.get("preflight")?,
        row.get("problem")?,
    ))
}

/// Every item of a campaign, in order.
pub fn items(conn: &Connection, campaign_id: i64) -> Result<Vec<CampaignItem>> {
    let mut stmt = conn.prepare("SELECT * FROM campaign_items WHERE campaign_id = ?1 ORDER BY seq")?;
    let raws = stmt.query_map([campaign_id], item_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter()
        .map(|(mut item, state, preflight, problem)| {
            item.state = ItemState::parse(&state)?;
            item.preflight = serde_json::from_str(&preflight)?;
            item.problem = problem.map(|p| serde_json::from_str(&p)).transpose()?;
            Ok(item)
        })
        .collect()
}

const LITE_COLUMNS: &str = "i.id, i.appid, i.canary, i.state, i.next_at, i.release_requested, i.submitted_at, a.last_polled_at";

fn lite_from_row(row: &Row<'_>) -> rusqlite::Result<(ItemLite, String)> {
    Ok((
        ItemLite {
            id: row.get(0)?,
            appid: row.get(1)?,
            canary: row.get(2)?,
            state: ItemState::Pending,
            next_at: row.get(4)?,
            release_requested: row.get(5)?,
            submitted_at: row.get(6)?,
            last_polled_at: row.get(7)?,
        },
        row.get(3)?,
    ))
}

fn finish_lite((mut lite, state): (ItemLite, String)) -> Result<ItemLite> {
    lite.state = ItemState::parse(&state)?;
    Ok(lite)
}

/// The runner's view of every item.
pub fn lites(conn: &Connection, campaign_id: i64) -> Result<Vec<ItemLite>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {LITE_COLUMNS} FROM campaign_items i LEFT JOIN audits a ON a.id = i.audit_row WHERE i.campaign_id = ?1 ORDER BY i.seq"
    ))?;
    let raws = stmt.query_map([campaign_id], lite_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(finish_lite).collect()
}

/// The runner's view of one item.
pub fn lite(conn: &Connection, item_id: i64) -> Result<ItemLite> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {LITE_COLUMNS} FROM campaign_items i LEFT JOIN audits a ON a.id = i.audit_row WHERE i.id = ?1"))?;
    let raw =
        stmt.query_row([item_id], lite_from_row).optional()?.ok_or_else(|| FleetError::not_found(format!("campaign item {item_id}")))?;
    finish_lite(raw)
}

/// What a step needs of one item.
pub fn item_row(conn: &Connection, item_id: i64) -> Result<ItemRow> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, appid, state, category, audit_row, auditid, intent_at, attempts, privacy_waits FROM campaign_items WHERE id = ?1",
    )?;
    let (row, state) = stmt
        .query_row([item_id], |r| {
            Ok((
                ItemRow {
                    id: r.get(0)?,
                    appid: r.get(1)?,
                    state: ItemState::Pending,
                    category: r.get(3)?,
                    audit_row: r.get(4)?,
                    auditid: r.get(5)?,
                    intent_at: r.get(6)?,
                    attempts: r.get(7)?,
                    privacy_waits: r.get(8)?,
                },
                r.get::<_, String>(2)?,
            ))
        })
        .optional()?
        .ok_or_else(|| FleetError::not_found(format!("campaign item {item_id}")))?;
    Ok(ItemRow { state: ItemState::parse(&state)?, ..row })
}

/// Sets the campaign's state (and its reason; `finished_at` on done or cancelled).
pub fn set_campaign_state(conn: &Connection, id: i64, state: CampaignState, reason: Option<&Value>, now: i64) -> Result<()> {
    let finished = matches!(state, CampaignState::Done | CampaignState::Cancelled).then_some(now);
    conn.execute(
        "UPDATE campaigns SET state = ?2, state_reason = ?3, finished_at = ?4, updated_at = ?5,
           started_at = CASE WHEN ?2 = 'running' THEN COALESCE(started_at, ?5) ELSE started_at END
         WHERE id = ?1",
        params![id, state.as_str(), reason.map(Value::to_string), finished, now],
    )?;
    Ok(())
}

/// Opens the canary gate.
pub fn open_canary(conn: &Connection, id: i64, now: i64) -> Result<()> {
    conn.execute("UPDATE campaigns SET canary_open = 1, updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Moves an item to `state` only if it is in `from` (so a push that got there first is not undone).
/// Returns whether it moved.
pub fn move_item(conn: &Connection, item_id: i64, from: &[ItemState], state: ItemState, now: i64) -> Result<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let moved = conn.execute(
        "UPDATE campaign_items SET state = ?2, updated_at = ?3,
           finished_at = CASE WHEN ?2 IN ('excluded', 'audit_rejected', 'released', 'failed', 'cancelled') THEN ?3 ELSE finished_at END
         WHERE id = ?1 AND state IN (SELECT value FROM json_each(?4))",
        params![item_id, state.as_str(), now, serde_json::to_string(&from)?],
    )?;
    Ok(moved > 0)
}

/// Records the intent of a step: the `…ing` state, when, and the step's start.
pub fn intend(conn: &Connection, item_id: i64, state: ItemState, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE campaign_items SET state = ?2, intent_at = ?3, started_at = COALESCE(started_at, ?3), updated_at = ?3 WHERE id = ?1",
        params![item_id, state.as_str(), now],
    )?;
    Ok(())
}

/// A step succeeded: the next state, the time it reached it, counters reset.
pub fn advanced(conn: &Connection, item_id: i64, state: ItemState, now: i64) -> Result<()> {
    let column = match state {
        ItemState::Committed => "committed_at",
        ItemState::Submitted => "submitted_at",
        ItemState::Released => "released_at",
        _ => "updated_at",
    };
    conn.execute(
        &format!(
            "UPDATE campaign_items SET state = ?2, {column} = ?3, attempts = 0, next_at = NULL, errcode = NULL, problem = NULL, updated_at = ?3,
               finished_at = CASE WHEN ?2 = 'released' THEN ?3 ELSE finished_at END
             WHERE id = ?1"
        ),
        params![item_id, state.as_str(), now],
    )?;
    Ok(())
}

/// The item's audit row and auditid.
pub fn set_audit(conn: &Connection, item_id: i64, audit_row: i64, auditid: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE campaign_items SET audit_row = ?2, auditid = COALESCE(?3, auditid) WHERE id = ?1",
        params![item_id, audit_row, auditid],
    )?;
    Ok(())
}

/// Forgets the item's audit record (its submission did not happen; the record goes).
pub fn clear_audit(conn: &Connection, item_id: i64) -> Result<()> {
    conn.execute("UPDATE campaign_items SET audit_row = NULL, auditid = NULL WHERE id = ?1", [item_id])?;
    Ok(())
}

/// A failed try, as written.
#[derive(Debug, Clone)]
pub struct Setback {
    /// Where the item stands now: its stable state, its `…ing` state (outcome unknown), or `failed`.
    pub state: ItemState,
    /// Try again then.
    pub next_at: Option<i64>,
    /// Why.
    pub problem: crate::error::Problem,
    /// Counts as a failed try.
    pub attempt: bool,
    /// Counts as a 61039 wait.
    pub privacy_wait: bool,
}

/// Records a failed try.
pub fn setback(conn: &Connection, item_id: i64, setback: &Setback, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE campaign_items SET state = ?2, next_at = ?3, errcode = ?4, problem = ?5,
           attempts = attempts + ?6, privacy_waits = privacy_waits + ?7, updated_at = ?8,
           finished_at = CASE WHEN ?2 IN ('failed', 'cancelled') THEN ?8 ELSE finished_at END
         WHERE id = ?1",
        params![
            item_id,
            setback.state.as_str(),
            setback.next_at,
            setback.problem.errcode,
            serde_json::to_string(&setback.problem)?,
            i64::from(setback.attempt),
            i64::from(setback.privacy_wait),
            now
        ],
    )?;
    Ok(())
}

/// Asks for the release of passed items (all, or those of `appids`); returns how many.
pub fn request_release(conn: &Connection, campaign_id: i64, appids: Option<&[String]>, now: i64) -> Result<u32> {
    let filter = appids.map(serde_json::to_string).transpose()?;
    let n = conn.execute(
        "UPDATE campaign_items SET release_requested = 1, updated_at = ?3
         WHERE campaign_id = ?1 AND state IN ('audit_passed', 'releasing') AND release_requested = 0
           AND (?2 IS NULL OR appid IN (SELECT value FROM json_each(?2)))",
        params![campaign_id, filter, now],
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Cancels every item that has not been submitted.
pub fn cancel_unsubmitted(conn: &Connection, campaign_id: i64, now: i64) -> Result<u32> {
    let n = conn.execute(
        "UPDATE campaign_items SET state = 'cancelled', finished_at = ?2, updated_at = ?2
         WHERE campaign_id = ?1 AND state IN ('pending', 'committing', 'committed')",
        params![campaign_id, now],
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Items still `submitting` (their submission's outcome unknown).
pub fn submitting_items(conn: &Connection, campaign_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM campaign_items WHERE campaign_id = ?1 AND state = 'submitting'")?;
    let ids = stmt.query_map([campaign_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Hook for the releases area: the audit `audit_row` ended. Items waiting on it move to
/// `audit_passed` / `audit_rejected`; returns (campaign id, item id) of those that moved.
pub fn on_audit_result(conn: &Connection, audit_row: i64, passed: bool, at_ms: i64) -> Result<Vec<(i64, i64)>> {
    let state = if passed { ItemState::AuditPassed } else { ItemState::AuditRejected };
    let mut stmt = conn.prepare_cached(
        "UPDATE campaign_items SET state = ?2, audit_at = ?3, updated_at = ?3,
           finished_at = CASE WHEN ?2 = 'audit_rejected' THEN ?3 ELSE finished_at END
         WHERE audit_row = ?1 AND state IN ('submitting', 'submitted')
         RETURNING campaign_id, id",
    )?;
    let moved =
        stmt.query_map(params![audit_row, state.as_str(), at_ms], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(moved)
}

/// Hook for the releases area: the audit `audit_row` was withdrawn; its items fail (the operator
/// withdrew it).
pub fn on_audit_withdrawn(conn: &Connection, audit_row: i64, at_ms: i64) -> Result<Vec<(i64, i64)>> {
    let problem = serde_json::json!({ "code": "withdrawn", "message": "the audit was withdrawn (undocodeaudit)", "class": "final" });
    let mut stmt = conn.prepare_cached(
        "UPDATE campaign_items SET state = 'failed', problem = ?3, finished_at = ?2, updated_at = ?2
         WHERE audit_row = ?1 AND state IN ('submitting', 'submitted', 'audit_passed')
         RETURNING campaign_id, id",
    )?;
    let moved = stmt
        .query_map(params![audit_row, at_ms, problem.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(moved)
}

/// Hook for the releases area: the version of `audit_row` was released by hand.
pub fn on_released(conn: &Connection, audit_row: i64, at_ms: i64) -> Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "UPDATE campaign_items SET state = 'released', released_at = ?2, finished_at = ?2, updated_at = ?2
         WHERE audit_row = ?1 AND state IN ('audit_passed', 'releasing')
         RETURNING campaign_id, id",
    )?;
    let moved = stmt.query_map(params![audit_row, at_ms], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(moved)
}
