//! `wxfleet ext …`: each merchant's ext_json, validated against the template's schema, with
//! history and diffs.

use std::path::PathBuf;

use clap::Subcommand;
use fleet::{Fleet, Result};

use crate::args::read_json;
use crate::output::{time, Output};

/// ext_json commands.
#[derive(Subcommand)]
pub enum ExtCommand {
    /// The mini program's current configuration.
    Show {
        /// The mini program.
        appid: String,
    },
    /// Validate and save a new configuration (every problem is listed; nothing is saved when one fails).
    Set {
        /// The mini program.
        appid: String,
        /// The template it is for.
        #[arg(long)]
        template: i64,
        /// The configuration (JSON: `ext` and optional window/tabBar/extPages overrides); `-` reads standard input.
        #[arg(long)]
        file: PathBuf,
        /// Only check; do not save.
        #[arg(long)]
        check: bool,
    },
    /// Every saved revision.
    History {
        /// The mini program.
        appid: String,
    },
    /// What changed: between two revisions, or (default) since the last commit.
    Diff {
        /// The mini program.
        appid: String,
        /// From this revision.
        #[arg(long, requires = "to")]
        from: Option<i64>,
        /// To this revision.
        #[arg(long)]
        to: Option<i64>,
    },
    /// The exact ext_json a commit would send (defaults filled, merge warnings).
    Preview {
        /// The mini program.
        appid: String,
        /// The template.
        #[arg(long)]
        template: i64,
    },
}

impl ExtCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            ExtCommand::Show { appid } => {
                let current = fleet.ext_config(&appid).await?;
                out.show(&current, |c| match c {
                    Some(r) => format!(
                        "revision {} for template {} ({} by {})\n{}",
                        r.id,
                        r.template_id,
                        time(r.created_at),
                        r.actor,
                        pretty(&r.config)
                    ),
                    None => format!("{appid} has no ext_json yet: `wxfleet ext set {appid} --template ID --file config.json`"),
                });
            }
            ExtCommand::Set { appid, template, file, check } => {
                let config = read_json(&file)?;
                if check {
                    let issues = fleet.check_ext_config(&appid, template, config).await?;
                    out.show(&issues, |issues| {
                        if issues.is_empty() {
                            "valid".to_owned()
                        } else {
                            issues.iter().map(|i| format!("{}: {}", i.pointer, i.message)).collect::<Vec<_>>().join("\n")
                        }
                    });
                } else {
                    let revision = fleet.set_ext_config(&appid, template, config).await?;
                    out.show(&revision, |r| format!("saved revision {} of {appid}", r.id));
                }
            }
            ExtCommand::History { appid } => {
                let history = fleet.ext_history(&appid).await?;
                out.show(&history, |h| {
                    h.iter()
                        .map(|r| format!("{:>5}  template {:<6} {}  {}", r.id, r.template_id, time(r.created_at), r.actor))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            ExtCommand::Diff { appid, from, to } => {
                let changes = match (from, to) {
                    (Some(from), Some(to)) => fleet.ext_diff(&appid, from, to).await?,
                    _ => fleet.ext_diff_against_committed(&appid).await?.changes,
                };
                out.show(&changes, |changes| {
                    if changes.is_empty() {
                        return "no changes".to_owned();
                    }
                    changes
                        .iter()
                        .map(|c| {
                            format!(
                                "{:<8} {}  {} → {}",
                                c.op,
                                c.path,
                                c.old.as_ref().map(compact).unwrap_or_default(),
                                c.new.as_ref().map(compact).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            ExtCommand::Preview { appid, template } => {
                let preview = fleet::ext::preview(fleet, &appid, template).await?;
                out.show(&preview, |p| {
                    let mut text = p.pretty.clone();
                    for issue in &p.issues {
                        text += &format!("\nERROR {}: {}", issue.pointer, issue.message);
                    }
                    for warning in &p.warnings {
                        text += &format!("\nwarning {}: {}", warning.pointer, warning.message);
                    }
                    text
                });
            }
        }
        Ok(())
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn compact(value: &serde_json::Value) -> String {
    value.to_string()
}
