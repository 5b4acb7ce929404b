//! The demo world: one platform, three templates and N merchants who have not yet authorized.

use url::Url;

use crate::config::SimConfig;
use crate::server::{PlatformInfo, StartupInfo};
use crate::world::{Platform, World};

/// The demo platform's appid.
pub const DEMO_COMPONENT_APPID: &str = "wx0demo0platform00";

/// Makes sure the demo platform exists (configured from `config`) and, on a fresh world, seeds
/// `config.seed_demo` merchants; returns what the simulator announces on start.
pub fn seed(world: &mut World, config: &SimConfig, base_url: &Url) -> StartupInfo {
    let platform = world.platforms.entry(DEMO_COMPONENT_APPID.to_owned()).or_insert_with(|| Platform {
        component_appid: DEMO_COMPONENT_APPID.to_owned(),
        component_appsecret: "demo0secret0000000000000000000000".to_owned(),
        token: "wxfleetdemotoken".to_owned(),
        encoding_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".to_owned(),
        launch_domain: "127.0.0.1".to_owned(),
        ..Platform::default()
    });
    platform.push_url.clone_from(&config.push_url);
    platform.message_url.clone_from(&config.message_url);
    let platform = PlatformInfo {
        component_appid: platform.component_appid.clone(),
        component_appsecret: platform.component_appsecret.clone(),
        token: platform.token.clone(),
        encoding_aes_key: platform.encoding_aes_key.clone(),
    };
    StartupInfo { base_url: base_url.to_string(), platform, merchants: Vec::new() }
}
