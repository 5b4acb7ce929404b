//! Shared test setup: a simulator per test, clients, and shortcuts into the world for tests that
//! are about one area and should not depend on the consent flow.

#![allow(dead_code)]

use wechat::{Client, ClientConfig};
use wxfleet_sim::world::{Grant, MiniProgram, TokenKind};
use wxfleet_sim::{RunningSim, SimConfig, Simulator};

/// A simulator with the demo platform and `merchants` demo merchants.
pub async fn start(merchants: usize) -> RunningSim {
    start_with(SimConfig { seed_demo: merchants, ..SimConfig::default() }).await
}

/// A simulator with `config` (listen is forced to a free loopback port).
pub async fn start_with(config: SimConfig) -> RunningSim {
    let config = SimConfig { listen: "127.0.0.1:0".parse().unwrap(), ..config };
    Simulator::start(config).await.expect("simulator starts")
}

/// A `wechat` client pointed at the simulator.
pub fn client(sim: &RunningSim) -> Client {
    Client::new(ClientConfig::with_base_url(sim.base_url().clone())).unwrap()
}

/// The demo platform's appid.
pub fn component_appid(sim: &RunningSim) -> String {
    sim.info.platform.component_appid.clone()
}

/// Issues a component access token for the demo platform directly in the world (the real flow,
/// ticket → `api_component_token`, is tested in `component`).
pub fn component_token(sim: &RunningSim) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|world, now| {
        let value = world.ids.opaque("cat_", 48);
        world.tokens.issue(TokenKind::Component { component_appid }, value.clone(), now);
        value
    })
}

/// Makes `appid` a mini program authorized to the demo platform with `func_ids`, and returns an
/// authorizer access token for it — directly in the world (the consent flow is tested in `consent`).
pub fn authorized_app(sim: &RunningSim, appid: &str, func_ids: &[u32]) -> String {
    let component_appid = component_appid(sim);
    sim.sim.with_world(|world, now| {
        let refresh_token = world.ids.opaque("refreshtoken@@@", 40);
        let app = world.apps.entry(appid.to_owned()).or_insert_with(|| MiniProgram {
            appid: appid.to_owned(),
            original_id: format!("gh_{}", &appid[appid.len().saturating_sub(12)..]),
            nickname: format!("测试小程序 {appid}"),
            principal_name: "测试商户有限公司".to_owned(),
            admin_wechat: format!("admin_{appid}"),
            ..MiniProgram::default()
        });
        app.grants.insert(component_appid.clone(), Grant { func_ids: func_ids.to_vec(), refresh_token, auth_time: now });
        let value = world.ids.opaque("aat_", 48);
        world.tokens.issue(TokenKind::Authorizer { component_appid, appid: appid.to_owned() }, value.clone(), now);
        value
    })
}

/// All permission sets the tests usually need.
pub const ALL_PERMS: &[u32] = &[17, 18, 30];
