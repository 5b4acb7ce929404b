//! `wxfleet version …`: one mini program's versions — history and the single actions (commit,
//! submit, undo, speed-up, release, gray release, revert, visit status).

use clap::Subcommand;
use fleet::releases::{CommitSpec, SubmitOptions};
use fleet::{Fleet, Result};
use wechat::api::release::VisitAction;

use crate::output::{time, Output};

/// Version commands.
#[derive(Subcommand)]
pub enum VersionCommand {
    /// Every commit, audit, release and revert of the mini program.
    History {
        /// The mini program.
        appid: String,
    },
    /// Commit a template with the mini program's ext_json (creates the trial version).
    Commit {
        /// The mini program.
        appid: String,
        /// The template.
        #[arg(long)]
        template: i64,
        /// user_version.
        #[arg(long = "version")]
        user_version: String,
        /// user_desc.
        #[arg(long, default_value = "")]
        desc: String,
    },
    /// Submit the committed code for audit.
    Submit {
        /// The mini program.
        appid: String,
        /// Declare detected-but-unconfigured privacy APIs unused.
        #[arg(long)]
        privacy_api_not_use: bool,
    },
    /// Withdraw the audit (5 a day, 10 a month; refused here when none are left).
    Undo {
        /// The mini program.
        appid: String,
    },
    /// Ask WeChat to audit faster (a monthly quota).
    Speedup {
        /// The mini program.
        appid: String,
    },
    /// Release the version that passed its audit.
    Release {
        /// The mini program.
        appid: String,
        /// Release to this share of users only (gray release, 1–100).
        #[arg(long)]
        percent: Option<u8>,
    },
    /// Roll back to the previous release (or to --to APP_VERSION).
    Revert {
        /// The mini program.
        appid: String,
        /// The app_version to go back to.
        #[arg(long)]
        to: Option<i64>,
    },
    /// Hide the live version from users, or show it again.
    Visit {
        /// The mini program.
        appid: String,
        /// `close` or `open`.
        #[arg(value_parser = ["close", "open"])]
        action: String,
    },
    /// The platform's monthly audit quota and this mini program's undo quota.
    Quota {
        /// The mini program.
        appid: String,
    },
}

impl VersionCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        let event = match self {
            VersionCommand::History { appid } => {
                let history = fleet.versions(&appid).await?;
                out.show(&history, |h| {
                    h.events
                        .iter()
                        .map(|e| {
                            format!(
                                "{}  {:<18} {:<10} {} {}",
                                time(e.at),
                                format!("{:?}", e.kind).to_lowercase(),
                                e.actor,
                                e.user_version.as_deref().unwrap_or(""),
                                e.template_id.map(|t| format!("template {t}")).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
                return Ok(());
            }
            VersionCommand::Commit { appid, template, user_version, desc } => {
                fleet.commit(&appid, &CommitSpec { template_id: template, user_version, user_desc: desc }).await?
            }
            VersionCommand::Submit { appid, privacy_api_not_use } => {
                let audit = fleet.submit_audit(&appid, &SubmitOptions { privacy_api_not_use, ..SubmitOptions::default() }).await?;
                out.show(&audit, |a| serde_json::to_string_pretty(a).unwrap_or_default());
                return Ok(());
            }
            VersionCommand::Undo { appid } => {
                let quota = fleet.undo_quota(&appid).await?;
                let left = fleet.undo_audit(&appid).await?;
                out.show(&left, |l| format!("audit withdrawn ({} undo left before, {} left now)", quota.left, l.left));
                return Ok(());
            }
            VersionCommand::Speedup { appid } => fleet.speedup_audit(&appid).await?,
            VersionCommand::Release { appid, percent: None } => fleet.release(&appid).await?,
            VersionCommand::Release { appid, percent: Some(p) } => fleet.gray_release(&appid, p).await?,
            VersionCommand::Revert { appid, to } => fleet.revert(&appid, to).await?,
            VersionCommand::Visit { appid, action } => {
                let action = if action == "close" { VisitAction::Close } else { VisitAction::Open };
                fleet.change_visit_status(&appid, action).await?
            }
            VersionCommand::Quota { appid } => {
                let platform = fleet.authorizer_platform(&appid).await?;
                let audit = fleet.audit_quota(&platform).await?;
                let undo = fleet.undo_quota(&appid).await?;
                let both = serde_json::json!({ "audit": audit, "undo": undo });
                out.show(&both, |_| {
                    format!(
                        "audit submissions left this month: {} of {}; speed-ups left: {} of {}\nundo left: {} (today {}/{}, this month {}/{})",
                        audit.rest, audit.limit, audit.speedup_rest, audit.speedup_limit, undo.left, undo.used_today, undo.per_day, undo.used_this_month, undo.per_month
                    )
                });
                return Ok(());
            }
        };
        out.show(&event, |e| format!("{}: {:?} at {}", e.appid, e.kind, time(e.at)));
        Ok(())
    }
}
