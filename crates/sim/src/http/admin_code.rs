//! Admin API of the code lifecycle: upload drafts, decide audits, script audit outcomes, change
//! the limits tests need to reach.
//!
//! * `POST /admin/drafts {user_version, user_desc, pages?, privacy_keys?, source_miniprogram_appid?,
//!   developer?, component_appid?}` → `{draft_id}` — what a DevTools upload does.
//! * `POST /admin/audit {authorizer_appid, result: pass|fail|delay, reason?}` → `{auditid, status}` —
//!   decides the pending audit now and queues its push.
//! * `GET /admin/audit-rules`; `POST /admin/audit-rules {authorizer_appid?, outcomes?, after_secs?,
//!   fail_every_nth?}` — with an appid, a queue of outcomes for that mini program's next
//!   submissions; without, outcomes used in turn for everyone else (`[]` restores the configured
//!   default); `fail_every_nth` (0 or null switches it off) fails every n-th submission.
//! * `GET /admin/code-limits`; `POST /admin/code-limits {privacy_scan_secs?, wxacode_total?,
//!   audit_quota_limit?, speedup_limit?, component_appid?}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::world::code::audit::queue_push;
use crate::world::code::{AuditRules, Outcome};
use crate::world::template::{CodePackage, Upload};
use crate::world::World;
use crate::Sim;

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/admin/drafts", post(upload_draft))
        .route("/admin/audit", post(decide_audit))
        .route("/admin/audit-rules", post(set_audit_rules).get(get_audit_rules))
        .route("/admin/code-limits", post(set_code_limits).get(get_code_limits))
}

/// An admin API failure: an HTTP status and `{"error": "…"}`.
#[derive(Debug)]
struct AdminError(StatusCode, String);

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn not_found(what: impl Into<String>) -> AdminError {
    AdminError(StatusCode::NOT_FOUND, what.into())
}

/// The platform `requested`, or the only (first) one when not given.
fn platform_appid(world: &World, requested: Option<String>) -> Result<String, AdminError> {
    match requested {
        Some(appid) if world.platforms.contains_key(&appid) => Ok(appid),
        Some(appid) => Err(not_found(format!("no platform {appid}"))),
        None => world.platforms.keys().next().cloned().ok_or_else(|| not_found("no platform")),
    }
}

/// The body of `POST /admin/drafts`.
#[derive(Debug, Deserialize)]
struct DraftUpload {
    user_version: String,
    #[serde(default)]
    user_desc: String,
    #[serde(default)]
    pages: Vec<String>,
    #[serde(default)]
    privacy_keys: Vec<String>,
    source_miniprogram_appid: Option<String>,
    developer: Option<String>,
    component_appid: Option<String>,
}

async fn upload_draft(State(sim): State<Sim>, Json(req): Json<DraftUpload>) -> Result<Json<Value>, AdminError> {
    let draft_id = sim.with_world(|world, now| {
        let component_appid = platform_appid(world, req.component_appid)?;
        let upload = Upload {
            package: CodePackage {
                user_version: req.user_version,
                user_desc: req.user_desc,
                pages: req.pages,
                privacy_keys: req.privacy_keys,
            },
            source_miniprogram_appid: req.source_miniprogram_appid,
            developer: req.developer,
        };
        let World { platforms, ids, .. } = world;
        let platform = platforms.get_mut(&component_appid).expect("resolved above");
        Ok::<_, AdminError>(platform.library.upload(ids, upload, now))
    })?;
    Ok(Json(json!({ "draft_id": draft_id })))
}

/// The body of `POST /admin/audit`.
#[derive(Debug, Deserialize)]
struct AuditDecision {
    authorizer_appid: String,
    result: Outcome,
    reason: Option<String>,
}

async fn decide_audit(State(sim): State<Sim>, Json(req): Json<AuditDecision>) -> Result<Json<Value>, AdminError> {
    if req.result == Outcome::Manual {
        return Err(AdminError(StatusCode::BAD_REQUEST, "result must be pass, fail or delay".to_owned()));
    }
    let configured_after = sim.config().audit_after_secs;
    let (auditid, status) = sim.with_world(|world, now| {
        let after_secs = world.audit_rules.default_after_secs.unwrap_or(configured_after);
        let World { apps, ids, outbox, .. } = world;
        let app = apps.get_mut(&req.authorizer_appid).ok_or_else(|| not_found(format!("no mini program {}", req.authorizer_appid)))?;
        let (auditid, component_appid, event) = app
            .code
            .decide_now(req.result, req.reason, after_secs, &app.original_id, ids, now)
            .ok_or_else(|| AdminError(StatusCode::CONFLICT, format!("{} has no audit under review", req.authorizer_appid)))?;
        queue_push(outbox, component_appid, &app.appid, &event);
        let status = app.code.audit_status(auditid).map(|s| i64::from(s.status)).unwrap_or(-1);
        Ok::<_, AdminError>((auditid, status))
    })?;
    Ok(Json(json!({ "auditid": auditid, "status": status })))
}

/// The body of `POST /admin/audit-rules`.
#[derive(Debug, Deserialize)]
struct RulesChange {
    authorizer_appid: Option<String>,
    outcomes: Option<Vec<Outcome>>,
    after_secs: Option<u64>,
    /// Absent: unchanged; `null` or 0: off.
    #[serde(default, deserialize_with = "present")]
    fail_every_nth: Option<Option<u64>>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(deserializer).map(Some)
}

/// What the audit rules look like to the admin API.
#[derive(Debug, Serialize)]
struct RulesView<'a> {
    default_cycle: &'a [Outcome],
    default_after_secs: Option<u64>,
    per_app: &'a std::collections::BTreeMap<String, crate::world::code::rules::AppScript>,
    fail_every_nth: Option<u64>,
    submissions: u64,
    configured_default: Outcome,
    configured_after_secs: u64,
}

fn rules_view(rules: &AuditRules, sim: &Sim) -> Value {
    serde_json::to_value(RulesView {
        default_cycle: &rules.default_cycle,
        default_after_secs: rules.default_after_secs,
        per_app: &rules.per_app,
        fail_every_nth: rules.fail_every_nth,
        submissions: rules.submissions,
        configured_default: Outcome::from(sim.config().audit_default),
        configured_after_secs: sim.config().audit_after_secs,
    })
    .unwrap_or(Value::Null)
}

async fn set_audit_rules(State(sim): State<Sim>, Json(req): Json<RulesChange>) -> Result<Json<Value>, AdminError> {
    let view = sim.with_world(|world, _| {
        let rules = &mut world.audit_rules;
        match (&req.authorizer_appid, req.outcomes) {
            (Some(appid), outcomes) => rules.script_app(appid, outcomes.unwrap_or_default(), req.after_secs),
            (None, Some(outcomes)) => {
                rules.default_cycle = outcomes;
                rules.default_after_secs = req.after_secs;
            }
            (None, None) => {
                if req.after_secs.is_some() {
                    rules.default_after_secs = req.after_secs;
                }
            }
        }
        if let Some(nth) = req.fail_every_nth {
            rules.fail_every_nth = nth.filter(|n| *n > 0);
        }
        rules_view(rules, &sim)
    });
    Ok(Json(view))
}

async fn get_audit_rules(State(sim): State<Sim>) -> Json<Value> {
    Json(sim.with_world(|world, _| rules_view(&world.audit_rules, &sim)))
}

/// The body of `POST /admin/code-limits`.
#[derive(Debug, Deserialize)]
struct LimitsChange {
    privacy_scan_secs: Option<i64>,
    wxacode_total: Option<u64>,
    audit_quota_limit: Option<i64>,
    speedup_limit: Option<i64>,
    component_appid: Option<String>,
}

fn limits_view(world: &World, component_appid: &str) -> Value {
    let limits = &world.audit_rules.limits;
    let quota = world.platforms.get(component_appid).map(|p| &p.audit_quota);
    json!({
        "privacy_scan_secs": limits.privacy_scan_secs,
        "wxacode_total": limits.wxacode_total,
        "component_appid": component_appid,
        "audit_quota": quota,
    })
}

async fn set_code_limits(State(sim): State<Sim>, Json(req): Json<LimitsChange>) -> Result<Json<Value>, AdminError> {
    let view = sim.with_world(|world, _| {
        let component_appid = platform_appid(world, req.component_appid)?;
        let limits = &mut world.audit_rules.limits;
        if let Some(secs) = req.privacy_scan_secs {
            limits.privacy_scan_secs = secs.max(0);
        }
        if let Some(total) = req.wxacode_total {
            limits.wxacode_total = total;
        }
        let quota = &mut world.platforms.get_mut(&component_appid).expect("resolved above").audit_quota;
        if let Some(limit) = req.audit_quota_limit {
            quota.limit = limit.max(0);
        }
        if let Some(limit) = req.speedup_limit {
            quota.speedup_limit = limit.max(0);
        }
        Ok::<_, AdminError>(limits_view(world, &component_appid))
    })?;
    Ok(Json(view))
}

async fn get_code_limits(State(sim): State<Sim>) -> Result<Json<Value>, AdminError> {
    sim.with_world(|world, _| Ok(Json(limits_view(world, &platform_appid(world, None)?))))
}
