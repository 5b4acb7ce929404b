//! `wxfleet platform …`: the workspace's third-party platforms, their tickets and credentials.

use clap::{Args, Subcommand};
use fleet::platforms::{Platform, PlatformInput, RelayInput};
use fleet::tickets::TicketStatus;
use fleet::{Fleet, Result};
use serde::Serialize;

use crate::output::{age, Output};

/// Platform commands.
#[derive(Subcommand)]
pub enum PlatformCommand {
    /// Add a platform (or update one with the same appid). Secrets can come from the environment.
    Add(Box<AddArgs>),
    /// List the platforms with their ticket's age and the push URLs to enter at WeChat.
    List,
    /// Ask WeChat to push a component_verify_ticket now (api_start_push_ticket).
    PushTicket(crate::args::PlatformArg),
    /// Remove a platform and everything stored for it (WeChat is not told).
    Remove {
        /// The component appid.
        appid: String,
    },
}

/// What the open platform's console shows ("开发资料"), and the relay.
#[derive(Args)]
pub struct AddArgs {
    /// component_appid.
    #[arg(long)]
    appid: String,
    /// A name for the staff.
    #[arg(long)]
    name: String,
    /// component_appsecret.
    #[arg(long, env = "WXFLEET_APPSECRET", hide_env_values = true)]
    secret: String,
    /// The message Token (消息校验Token).
    #[arg(long, env = "WXFLEET_TOKEN", hide_env_values = true)]
    token: String,
    /// The EncodingAESKey (消息加解密Key, 43 characters).
    #[arg(long = "aes-key", env = "WXFLEET_AES_KEY", hide_env_values = true)]
    aes_key: String,
    /// The API's base URL (default https://api.weixin.qq.com).
    #[arg(long)]
    api_base_url: Option<String>,
    /// The relay's public URL.
    #[arg(long, requires_all = ["relay_platform", "relay_credential"])]
    relay_url: Option<String>,
    /// The platform's id in the relay's config.
    #[arg(long)]
    relay_platform: Option<String>,
    /// This desktop's device credential at the relay (`wxfleet-relay device add`).
    #[arg(long, env = "WXFLEET_RELAY_CREDENTIAL", hide_env_values = true)]
    relay_credential: Option<String>,
    /// Send API calls through the relay's egress proxy (its whitelisted IP), e.g. http://relay.example.com:3128.
    #[arg(long, requires = "relay_url")]
    proxy_url: Option<String>,
    /// Where the consent pages are, when not WeChat's (a simulator's URL).
    #[arg(long, hide = true)]
    consent_origin: Option<String>,
}

#[derive(Serialize)]
struct PlatformView {
    #[serde(flatten)]
    platform: Platform,
    ticket: TicketStatus,
    component_push_url: Option<String>,
    message_push_url: Option<String>,
}

impl PlatformCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            PlatformCommand::Add(args) => {
                let args = *args;
                let relay = match (args.relay_url, args.relay_platform, args.relay_credential) {
                    (Some(url), Some(platform_id), Some(credential)) => Some(RelayInput { url, platform_id, credential }),
                    _ => None,
                };
                let platform = fleet
                    .add_platform(PlatformInput {
                        component_appid: args.appid,
                        name: args.name,
                        appsecret: args.secret,
                        token: args.token,
                        encoding_aes_key: args.aes_key,
                        api_base_url: args.api_base_url,
                        relay,
                        proxy_url: args.proxy_url,
                        consent_origin: args.consent_origin,
                        sandbox: false,
                    })
                    .await?;
                out.show(&platform, |p| {
                    let mut text = format!(
                        "added {} ({})\nsecrets are sealed with the master key from the {}\n",
                        p.component_appid,
                        p.name,
                        fleet.key_source()
                    );
                    if let (Some(c), Some(m)) = (p.component_push_url(), p.message_push_url()) {
                        text += &format!("enter at WeChat (开发资料):\n  授权事件接收URL  {c}\n  消息与事件接收URL {m}\n");
                    }
                    text
                });
            }
            PlatformCommand::List => {
                let mut views = Vec::new();
                for platform in fleet.platforms().await? {
                    let ticket = fleet.ticket_status(&platform.component_appid).await?;
                    let (component_push_url, message_push_url) = (platform.component_push_url(), platform.message_push_url());
                    views.push(PlatformView { platform, ticket, component_push_url, message_push_url });
                }
                out.show(&views, |views| {
                    let mut text = String::new();
                    for v in views {
                        let ticket = match (v.ticket.age_ms, v.ticket.valid) {
                            (None, _) => "no ticket yet".to_owned(),
                            (Some(a), true) => format!("ticket {} old", age(a)),
                            (Some(a), false) => format!("ticket EXPIRED ({} old)", age(a)),
                        };
                        let sandbox = if v.platform.sandbox { " [sandbox]" } else { "" };
                        text += &format!(
                            "{}  {}{}  {}  api {}\n",
                            v.platform.component_appid, v.platform.name, sandbox, ticket, v.platform.api_base_url
                        );
                    }
                    if views.is_empty() {
                        text = "no platforms yet: `wxfleet platform add …`, or `wxfleet sandbox` for the simulated one".to_owned();
                    }
                    text + &format!("\nmaster key: {}", fleet.key_source())
                });
            }
            PlatformCommand::PushTicket(platform) => {
                let appid = platform.resolve(fleet).await?;
                fleet.request_ticket_push(&appid).await?;
                out.show(&serde_json::json!({ "requested": appid }), |_| {
                    format!("WeChat pushes a ticket to {appid}'s authorization-event URL now; `wxfleet platform list` shows its age once it arrived")
                });
            }
            PlatformCommand::Remove { appid } => {
                fleet.remove_platform(&appid).await?;
                out.show(&serde_json::json!({ "removed": appid }), |_| format!("removed {appid}"));
            }
        }
        Ok(())
    }
}
