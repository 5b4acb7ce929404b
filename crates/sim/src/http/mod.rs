//! The simulator's HTTP surface: WeChat's API paths (one module per area, as in the `wechat`
//! crate), the consent pages, and the admin API.

pub mod admin;
pub mod admin_code;
pub mod audit;
pub mod auth;
pub mod basic;
pub mod category;
pub mod code;
pub mod component;
pub mod consent;
pub mod domain;
pub mod extract;
pub mod privacy;
pub mod qrcode;
pub mod quota;
pub mod register;
pub mod release;
pub mod template;
pub mod tester;

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use wechat::api::quota::RidRequest;

use crate::world::quota::RidEntry;
use crate::wx_error::{new_rid, with_rid, ErrorAnswer};
use crate::Sim;

/// The largest request body the API reads (media uploads are the big ones: 2 MB avatars, 10 MB
/// material); more is answered with HTTP 413, as WeChat's front end does.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// How much of a request body the rid log keeps.
const RID_BODY_CHARS: usize = 4096;

/// Every route: the WeChat API (behind injected latency and faults), the consent pages and the
/// admin API (never faulted).
pub fn router(sim: Sim) -> Router {
    let api = Router::new()
        .merge(component::routes())
        .merge(auth::routes())
        .merge(register::routes())
        .merge(basic::routes())
        .merge(category::routes())
        .merge(privacy::routes())
        .merge(domain::routes())
        .merge(tester::routes())
        .merge(template::routes())
        .merge(code::routes())
        .merge(audit::routes())
        .merge(release::routes())
        .merge(qrcode::routes())
        .merge(quota::routes())
        .layer(axum::middleware::from_fn_with_state(sim.clone(), crate::faults::inject))
        .layer(axum::middleware::from_fn_with_state(sim.clone(), record_rids));
    Router::new().merge(api).merge(consent::routes()).merge(admin::routes()).merge(admin_code::routes()).with_state(sim)
}

/// The outermost layer of the API: picks the call's rid (error answers carry it), and logs failed
/// calls for `openapi/rid/get` with what WeChat records: the query, the body, the answer, the
/// caller's IP and the time taken.
async fn record_rids(State(sim): State<Sim>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let invoke_time = sim.now();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "413 Request Entity Too Large").into_response();
    };
    let query = parts.uri.query().map(str::to_owned);
    let path = parts.uri.path().to_owned();
    let client_ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string()).unwrap_or_default();
    let request_body =
        String::from_utf8_lossy(&bytes[..bytes.len().min(RID_BODY_CHARS * 4)]).chars().take(RID_BODY_CHARS).collect::<String>();
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = with_rid(new_rid(invoke_time), next.run(request)).await;
    if let Some(answer) = response.extensions().get::<ErrorAnswer>() {
        let cost_in_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        sim.with_world(|world, now| {
            let account = extract::token_owner(world, query.as_deref(), now).or_else(|| body_component_appid(&request_body));
            world.rids.record(RidEntry {
                rid: answer.rid.clone(),
                account,
                path,
                request: RidRequest {
                    invoke_time,
                    cost_in_ms,
                    request_url: query.unwrap_or_default(),
                    request_body,
                    response_body: answer.body.clone(),
                    client_ip,
                },
            });
        });
    }
    response
}

/// The `component_appid` of a JSON body: the account of the calls that carry no token
/// (`api_component_token`, `api_start_push_ticket`, `clear_quota/v2`).
fn body_component_appid(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value.get("component_appid")?.as_str().map(str::to_owned)
}
