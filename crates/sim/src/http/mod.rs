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

use axum::Router;

use crate::Sim;

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
        .layer(axum::middleware::from_fn_with_state(sim.clone(), crate::faults::inject));
    Router::new().merge(api).merge(consent::routes()).merge(admin::routes()).merge(admin_code::routes()).with_state(sim)
}
