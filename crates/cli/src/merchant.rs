//! `wxfleet merchant …`: authorization links with their QR codes, and the mini programs that
//! authorized (status, granted permission sets), synced with WeChat.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use fleet::authorizers::{AuthorizerFilter, AuthorizerStatus};
use fleet::links::{LinkFilter, LinkMode};
use fleet::{Fleet, FleetError, Result};

use crate::args::PlatformArg;
use crate::output::{time, Output};

/// Which consent page.
#[derive(Clone, Copy, ValueEnum)]
pub enum Mode {
    /// A QR code the merchant scans on a PC (componentloginpage).
    Pc,
    /// A link opened in WeChat on the merchant's phone (bindcomponent).
    Mobile,
}

/// Merchant commands.
#[derive(Subcommand)]
pub enum MerchantCommand {
    /// Create an authorization link (on the relay's domain) and its QR code.
    Link {
        /// PC or mobile consent page.
        #[arg(long, value_enum, default_value = "mobile")]
        mode: Mode,
        /// Only this mini program may be authorized.
        #[arg(long)]
        biz_appid: Option<String>,
        /// Write the QR code as PNG here.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Write the QR code as SVG here.
        #[arg(long)]
        svg: Option<PathBuf>,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// Authorization links and their state (pending, done, expired, failed).
    Links(PlatformArg),
    /// The mini programs that authorized, with their permission sets.
    List {
        /// Only revoked ones.
        #[arg(long)]
        revoked: bool,
        /// Name or appid contains this.
        #[arg(long)]
        search: Option<String>,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// One mini program with its profile.
    Show {
        /// The mini program.
        appid: String,
        /// Fetch its profile from WeChat first.
        #[arg(long)]
        sync: bool,
    },
    /// Re-sync with WeChat's authorizer list: new ones recorded, refresh tokens recovered, missing ones revoked.
    Sync(PlatformArg),
}

impl MerchantCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            MerchantCommand::Link { mode, biz_appid, png, svg, platform } => {
                let mode = match mode {
                    Mode::Pc => LinkMode::Pc,
                    Mode::Mobile => LinkMode::Mobile,
                };
                let link = fleet.create_authorization_link(&platform.resolve(fleet).await?, mode, biz_appid.as_deref()).await?;
                if let Some(path) = png {
                    let bytes = fleet.link_qr_png(&link.id).await?;
                    std::fs::write(&path, bytes).map_err(|e| FleetError::Io(format!("cannot write {}: {e}", path.display())))?;
                }
                if let Some(path) = svg {
                    let text = fleet.link_qr_svg(&link.id).await?;
                    std::fs::write(&path, text).map_err(|e| FleetError::Io(format!("cannot write {}: {e}", path.display())))?;
                }
                out.show(&link, |l| {
                    format!(
                        "{}\nlink {} — send it to the merchant (or show the QR code); `wxfleet merchant links` shows when it is done",
                        l.url, l.id
                    )
                });
            }
            MerchantCommand::Links(platform) => {
                let filter = LinkFilter { component_appid: Some(platform.resolve(fleet).await?), ..LinkFilter::default() };
                let links = fleet.links(filter).await?;
                out.show(&links, |links| {
                    links
                        .iter()
                        .map(|l| {
                            format!(
                                "{}  {:<8} {:?}  {}  {}",
                                time(l.created_at),
                                format!("{:?}", l.state).to_lowercase(),
                                l.mode,
                                l.appid.as_deref().unwrap_or("-"),
                                l.url
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            MerchantCommand::List { revoked, search, platform } => {
                let filter = AuthorizerFilter {
                    component_appid: Some(platform.resolve(fleet).await?),
                    status: revoked.then_some(AuthorizerStatus::Revoked),
                    search,
                    ..AuthorizerFilter::default()
                };
                let list = fleet.authorizers(filter).await?;
                out.show(&list, |list| {
                    let mut text = String::new();
                    for a in list {
                        let sets: Vec<String> = a.granted.iter().map(|g| g.id.to_string()).collect();
                        let status = if a.status == AuthorizerStatus::Revoked { "REVOKED" } else { "ok" };
                        text += &format!("{}  {:<8} {:<24} sets {}\n", a.appid, status, a.nick_name, sets.join(","));
                    }
                    text + &format!("{} mini programs", list.len())
                });
            }
            MerchantCommand::Show { appid, sync } => {
                let detail = if sync { fleet.sync_authorizer_info(&appid).await? } else { fleet.authorizer(&appid).await? };
                out.show(&detail, |d| serde_json::to_string_pretty(d).unwrap_or_default());
            }
            MerchantCommand::Sync(platform) => {
                let report = fleet.sync_authorizers(&platform.resolve(fleet).await?).await?;
                out.show(&report, |r| {
                    format!("added {:?}\nrevoked {:?}\nrefresh tokens recovered: {}", r.added, r.revoked, r.refresh_tokens_recovered)
                });
            }
        }
        Ok(())
    }
}
