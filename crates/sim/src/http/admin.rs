//! The admin API: look at all state, and do what the merchant, WeChat's staff or time would do —
//! confirm a consent page, revoke an authorization, push a ticket now, move the clock, inject
//! faults, add platforms and merchants, set quotas. JSON in and out (errors are
//! `{"error": "…"}` with a 4xx status), plus a small HTML status page at `/admin`.
//!
//! None of this exists on the real platform; it is never faulted and never counted.

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::consent::escape;
use crate::demo::{add_merchants, DEMO_COMPONENT_APPID, MAX_MERCHANTS};
use crate::faults::FaultUpdate;
use crate::world::{Confirmation, MiniProgram, Platform, World};
use crate::Sim;

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/admin", get(status_page))
        .route("/admin/state", get(state))
        .route("/admin/consent", post(consent))
        .route("/admin/revoke", post(revoke))
        .route("/admin/push-ticket", post(push_ticket))
        .route("/admin/clock", get(clock).post(advance_clock))
        .route("/admin/faults", get(faults).post(set_faults))
        .route("/admin/platforms", post(add_platform))
        .route("/admin/merchants", post(merchants))
        .route("/admin/quota", post(set_quota))
}

/// An admin error: a status and `{"error": message}`.
#[derive(Debug)]
pub struct AdminError(StatusCode, String);

impl AdminError {
    fn bad(message: impl Into<String>) -> Self {
        AdminError(StatusCode::BAD_REQUEST, message.into())
    }

    fn not_found(message: impl Into<String>) -> Self {
        AdminError(StatusCode::NOT_FOUND, message.into())
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<crate::WxError> for AdminError {
    fn from(e: crate::WxError) -> Self {
        AdminError::bad(e.to_string())
    }
}

/// A JSON body; an empty body reads as `{}`.
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AdminError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { bytes };
    serde_json::from_slice(bytes).map_err(|e| AdminError::bad(format!("bad JSON body: {e}")))
}

type AdminResult = Result<Json<Value>, AdminError>;

/// Which apps `/admin/state` lists.
#[derive(Debug, Default, Deserialize)]
struct StateQuery {
    /// Only this mini program.
    appid: Option<String>,
    /// At most this many mini programs (all by default).
    limit: Option<usize>,
}

async fn state(State(sim): State<Sim>, Query(q): Query<StateQuery>) -> AdminResult {
    let faults = sim.faults().lock().unwrap_or_else(|p| p.into_inner()).view();
    let offset = sim.clock().offset();
    Ok(Json(sim.with_world(|world, now| {
        let apps: Vec<Value> = world
            .apps
            .values()
            .filter(|app| q.appid.as_deref().is_none_or(|a| a == app.appid))
            .take(q.limit.unwrap_or(usize::MAX))
            .map(app_state)
            .collect();
        json!({
            "now": now,
            "clock_offset_secs": offset,
            "platforms": world.platforms.values().map(|p| platform_state(world, p, now)).collect::<Vec<_>>(),
            "apps": apps,
            "app_count": world.apps.len(),
            "tokens": { "alive": world.tokens.len() },
            "pending_pushes": world.outbox.pending.len(),
            "deliveries": world.outbox.log,
            "faults": faults,
            "quotas": { "default_limit": world.quotas.default_limit.unwrap_or(crate::world::quota::DEFAULT_DAILY_LIMIT), "limits": world.quotas.limits },
            "rids": world.rids.len(),
        })
    })))
}

/// A platform without its secrets (the appsecret, Token and key are the console's, and the
/// simulator announced the demo platform's on start); tickets show a prefix only.
fn platform_state(world: &World, p: &Platform, now: i64) -> Value {
    let tickets: Vec<Value> = p
        .tickets
        .iter()
        .rev()
        .map(|t| {
            json!({
                "ticket": format!("{}…", t.value.chars().take(16).collect::<String>()),
                "issued_at": t.issued_at,
                "expires_at": t.expires_at(),
                "age_secs": now - t.issued_at,
                "valid": now < t.expires_at(),
            })
        })
        .collect();
    json!({
        "component_appid": p.component_appid,
        "name": p.name,
        "launch_domain": p.launch_domain,
        "push_url": p.push_url,
        "message_url": p.message_url,
        "ip_whitelist": p.ip_whitelist,
        "tickets": tickets,
        "next_ticket_at": p.next_ticket_at,
        "authorizer_count": world.apps.values().filter(|a| a.grants.contains_key(&p.component_appid)).count(),
        "domains": p.domains,
        "library": p.library,
        "audit_quota": p.audit_quota,
        "fast_registrations": p.fast_registrations,
    })
}

/// A mini program with its grants (refresh tokens left out) and every area's state.
fn app_state(app: &MiniProgram) -> Value {
    let mut value = serde_json::to_value(app).unwrap_or_default();
    if let Some(grants) = value.get_mut("grants").and_then(Value::as_object_mut) {
        for grant in grants.values_mut() {
            if let Some(grant) = grant.as_object_mut() {
                grant.remove("refresh_token");
            }
        }
    }
    // Uploaded media bytes are no state worth showing.
    if let Some(profile) = value.get_mut("profile").and_then(Value::as_object_mut) {
        profile.remove("media");
    }
    value
}

/// What the merchant's click on the consent page does (the same rules, without the browser).
async fn consent(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let confirmation: Confirmation = body(&bytes)?;
    let consented = sim.with_world(|world, now| world.confirm_consent(&confirmation, now)).map_err(|e| AdminError::bad(e.to_string()))?;
    Ok(Json(serde_json::to_value(consented).unwrap_or_default()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeRequest {
    authorizer_appid: String,
    #[serde(default)]
    component_appid: Option<String>,
}

/// The merchant revokes the platform from the MP admin site.
async fn revoke(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: RevokeRequest = body(&bytes)?;
    let component_appid = req.component_appid.unwrap_or_else(|| DEMO_COMPONENT_APPID.to_owned());
    sim.with_world(|world, now| world.revoke_authorization(&component_appid, &req.authorizer_appid, now))?;
    Ok(Json(json!({ "revoked": req.authorizer_appid, "component_appid": component_appid })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PushTicketRequest {
    #[serde(default)]
    component_appid: Option<String>,
}

async fn push_ticket(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: PushTicketRequest = body(&bytes)?;
    let component_appid = req.component_appid.unwrap_or_else(|| DEMO_COMPONENT_APPID.to_owned());
    let ticket = sim
        .with_world(|world, now| world.push_ticket(&component_appid, now))
        .map_err(|_| AdminError::not_found(format!("no platform {component_appid}")))?;
    Ok(Json(json!({ "component_appid": component_appid, "ticket": ticket })))
}

fn clock_view(sim: &Sim) -> Value {
    json!({ "now": sim.now(), "offset_secs": sim.clock().offset() })
}

async fn clock(State(sim): State<Sim>) -> AdminResult {
    Ok(Json(clock_view(&sim)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_secs: i64,
}

/// Moves virtual time forward and runs everything that became due (tickets, audits, reviews).
async fn advance_clock(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: ClockRequest = body(&bytes)?;
    if req.advance_secs < 0 {
        return Err(AdminError::bad("advance_secs must not be negative: WeChat's time does not go back"));
    }
    sim.clock().advance(req.advance_secs);
    crate::ticker::tick(&sim);
    Ok(Json(clock_view(&sim)))
}

async fn faults(State(sim): State<Sim>) -> AdminResult {
    Ok(Json(sim.faults().lock().unwrap_or_else(|p| p.into_inner()).view()))
}

async fn set_faults(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let update: FaultUpdate = body(&bytes)?;
    let mut plan = sim.faults().lock().unwrap_or_else(|p| p.into_inner());
    plan.update(update).map_err(AdminError::bad)?;
    Ok(Json(plan.view()))
}

/// A platform as registered on the open platform's console.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformRequest {
    component_appid: String,
    component_appsecret: String,
    #[serde(default)]
    name: String,
    token: String,
    encoding_aes_key: String,
    #[serde(default)]
    push_url: Option<String>,
    #[serde(default)]
    message_url: Option<String>,
    launch_domain: String,
    #[serde(default)]
    ip_whitelist: Option<Vec<IpAddr>>,
}

/// Adds a platform, or changes the console settings of an existing one (its tickets, templates
/// and authorizations stay).
async fn add_platform(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: PlatformRequest = body(&bytes)?;
    if req.component_appid.is_empty() || req.component_appsecret.is_empty() || req.token.is_empty() || req.launch_domain.is_empty() {
        return Err(AdminError::bad("component_appid, component_appsecret, token and launch_domain must not be empty"));
    }
    wechat::crypto::MsgCrypt::new(&req.token, &req.encoding_aes_key, &req.component_appid)
        .map_err(|e| AdminError::bad(format!("encoding_aes_key: {e}")))?;
    let created = sim.with_world(|world, _| {
        let created = !world.platforms.contains_key(&req.component_appid);
        let platform = world.platforms.entry(req.component_appid.clone()).or_default();
        platform.component_appid = req.component_appid.clone();
        platform.component_appsecret = req.component_appsecret;
        platform.name = req.name;
        platform.token = req.token;
        platform.encoding_aes_key = req.encoding_aes_key;
        platform.push_url = req.push_url;
        platform.message_url = req.message_url;
        platform.launch_domain = req.launch_domain;
        platform.ip_whitelist = req.ip_whitelist;
        created
    });
    Ok(Json(json!({ "component_appid": req.component_appid, "created": created })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MerchantsRequest {
    count: usize,
}

async fn merchants(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: MerchantsRequest = body(&bytes)?;
    if req.count == 0 || req.count > MAX_MERCHANTS {
        return Err(AdminError::bad(format!("count must be between 1 and {MAX_MERCHANTS}")));
    }
    let seed = sim.config().seed;
    let merchants = sim.with_world(|world, _| add_merchants(world, seed, req.count));
    Ok(Json(json!({ "merchants": merchants })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotaRequest {
    /// Limits by API path; `null` removes a path's own limit.
    #[serde(default)]
    limits: BTreeMap<String, Option<u64>>,
    /// The limit of APIs without one of their own.
    #[serde(default)]
    default_limit: Option<u64>,
}

async fn set_quota(State(sim): State<Sim>, bytes: Bytes) -> AdminResult {
    let req: QuotaRequest = body(&bytes)?;
    if let Some(path) = req.limits.keys().find(|p| !p.starts_with('/')) {
        return Err(AdminError::bad(format!("{path}: limits are keyed by API path, starting with /")));
    }
    Ok(Json(sim.with_world(|world, _| {
        for (path, limit) in req.limits {
            match limit {
                Some(limit) => world.quotas.limits.insert(path, limit),
                None => world.quotas.limits.remove(&path),
            };
        }
        if req.default_limit.is_some() {
            world.quotas.default_limit = req.default_limit;
        }
        json!({ "default_limit": world.quotas.default_limit, "limits": world.quotas.limits })
    })))
}

/// The HTML status page: platforms and their tickets, mini programs and their grants, recent
/// deliveries. Text only, all of it escaped; refreshes itself every 5 seconds.
async fn status_page(State(sim): State<Sim>) -> Html<String> {
    const LISTED_APPS: usize = 200;
    const LISTED_DELIVERIES: usize = 50;
    let offset = sim.clock().offset();
    let html = sim.with_world(|world, now| {
        let mut out = String::new();
        out.push_str(&format!(
            "<p>虚拟时间 {now}（比真实时间快 {offset} 秒） · 小程序 {} 个 · 有效令牌 {} 个 · 待发送推送 {} 条</p>",
            world.apps.len(),
            world.tokens.len(),
            world.outbox.pending.len()
        ));
        out.push_str("<h2>第三方平台</h2><table><tr><th>component_appid</th><th>名称</th><th>授权事件 URL</th><th>消息与事件 URL</th><th>发起页域名</th><th>最新 ticket</th><th>已授权</th></tr>");
        for p in world.platforms.values() {
            let ticket = p.latest_ticket().map_or_else(|| "尚无".to_owned(), |t| format!("{} 秒前（共 {} 张）", now - t.issued_at, p.tickets.len()));
            let authorized = world.apps.values().filter(|a| a.grants.contains_key(&p.component_appid)).count();
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{authorized}</td></tr>",
                escape(&p.component_appid),
                escape(&p.name),
                escape(p.push_url.as_deref().unwrap_or("未配置")),
                escape(p.message_url.as_deref().unwrap_or("未配置")),
                escape(&p.launch_domain),
                escape(&ticket)
            ));
        }
        out.push_str("</table>");
        out.push_str(&format!("<h2>小程序（前 {LISTED_APPS} 个）</h2><table><tr><th>appid</th><th>原始 ID</th><th>名称</th><th>管理员</th><th>授权</th><th>代码</th></tr>"));
        for app in world.apps.values().take(LISTED_APPS) {
            let grants: Vec<String> = app.grants.iter().map(|(c, g)| format!("{c}: {:?}", g.func_ids)).collect();
            let code: String = serde_json::to_string(&app.code).unwrap_or_default().chars().take(160).collect();
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                escape(&app.appid),
                escape(&app.original_id),
                escape(&app.nickname),
                escape(&app.admin_wechat),
                escape(&if grants.is_empty() { "未授权".to_owned() } else { grants.join("; ") }),
                escape(&code)
            ));
        }
        out.push_str("</table>");
        out.push_str(&format!("<h2>最近的推送（{LISTED_DELIVERIES} 条）</h2><table><tr><th>#</th><th>时间</th><th>类型</th><th>小程序</th><th>URL</th><th>尝试</th><th>结果</th><th>错误</th></tr>"));
        for d in world.outbox.log.iter().rev().take(LISTED_DELIVERIES) {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                d.id,
                d.queued_at,
                escape(&d.kind),
                escape(d.appid.as_deref().unwrap_or("")),
                escape(d.url.as_deref().unwrap_or("")),
                d.attempts,
                escape(&serde_json::to_value(d.outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
                escape(d.last_error.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("</table>");
        out
    });
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"refresh\" content=\"5\"><title>wxfleet-sim 状态</title><style>body{{font-family:sans-serif;margin:16px;color:#222}}\
table{{border-collapse:collapse;font-size:13px;margin-bottom:16px}}td,th{{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}}\
th{{background:#f5f5f5}}code{{font-size:12px}}</style></head><body><h1>wxfleet-sim 状态</h1>{html}\
<p>JSON：<a href=\"/admin/state\">/admin/state</a></p></body></html>"
    ))
}
