//! `wxfleet template …`: drafts and the template library, with local metadata (changelog, ext
//! schema, requirements).

use std::path::PathBuf;

use clap::Subcommand;
use fleet::templates::TemplateMeta;
use fleet::{Fleet, FleetError, Result};

use crate::args::{read_json, PlatformArg};
use crate::output::{time, Output};

/// Template commands.
#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Fetch drafts and templates from WeChat (local metadata is kept).
    Sync(PlatformArg),
    /// The template library, newest first.
    List(PlatformArg),
    /// The draft box (uploads from the developer tool).
    Drafts(PlatformArg),
    /// Add a draft to the library.
    Add {
        /// The draft id (`wxfleet template drafts`).
        draft_id: i64,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// Delete a template from the library.
    Delete {
        /// The template id.
        template_id: i64,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// Delete the oldest templates not in use, keeping `--keep` (the library holds at most 200).
    Prune {
        /// How many to keep.
        #[arg(long, default_value_t = 150)]
        keep: usize,
        /// Template ids never to delete.
        #[arg(long = "protect")]
        protect: Vec<i64>,
        /// Really delete (without it: only show what would go).
        #[arg(long)]
        apply: bool,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// Show a template's local metadata (changelog, screenshots, ext schema, requirements).
    Meta {
        /// The template id.
        template_id: i64,
        /// Replace it with this JSON file (`-` for standard input).
        #[arg(long)]
        set: Option<PathBuf>,
        #[command(flatten)]
        platform: PlatformArg,
    },
}

impl TemplateCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            TemplateCommand::Sync(platform) => {
                let sync = fleet.sync_templates(&platform.resolve(fleet).await?).await?;
                out.show(&sync, |s| format!("{} drafts, {} templates; new: {:?}; gone: {:?}", s.drafts, s.templates, s.added, s.gone));
            }
            TemplateCommand::List(platform) => {
                let templates = fleet.templates(&platform.resolve(fleet).await?).await?;
                out.show(&templates, |list| {
                    let mut text = format!("{:>6}  {:<12} {:<20} {}\n", "id", "version", "created", "description");
                    for t in list.iter().filter(|t| t.gone_at.is_none()) {
                        let kind = if t.template_type == 1 { " [standard]" } else { "" };
                        text += &format!(
                            "{:>6}  {:<12} {:<20} {}{}\n",
                            t.template_id,
                            t.user_version,
                            time(t.create_time * 1000),
                            t.user_desc,
                            kind
                        );
                    }
                    text + &format!(
                        "{} of {} library slots used",
                        list.iter().filter(|t| t.gone_at.is_none()).count(),
                        fleet::templates::LIBRARY_CAP
                    )
                });
            }
            TemplateCommand::Drafts(platform) => {
                let drafts = fleet.drafts(&platform.resolve(fleet).await?).await?;
                out.show(&drafts, |list| {
                    list.iter()
                        .map(|d| format!("{:>6}  {:<12} {:<20} {}", d.draft_id, d.user_version, time(d.create_time * 1000), d.user_desc))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            TemplateCommand::Add { draft_id, platform } => {
                let template = fleet.add_draft_to_template(&platform.resolve(fleet).await?, draft_id).await?;
                out.show(&template, |t| format!("draft {draft_id} is template {} ({})", t.template_id, t.user_version));
            }
            TemplateCommand::Delete { template_id, platform } => {
                fleet.delete_template(&platform.resolve(fleet).await?, template_id).await?;
                out.show(&serde_json::json!({ "deleted": template_id }), |_| format!("deleted template {template_id}"));
            }
            TemplateCommand::Prune { keep, protect, apply, platform } => {
                let plan = fleet.prune_templates(&platform.resolve(fleet).await?, keep, &protect, !apply).await?;
                out.show(&plan, |p| {
                    let verb = if p.dry_run { "would delete" } else { "deleted" };
                    let ids: Vec<String> = p.delete.iter().map(|t| t.template_id.to_string()).collect();
                    let mut text = format!("{verb} {} of {}: {}", ids.len(), p.library_size, ids.join(", "));
                    if p.short_by > 0 {
                        text += &format!("\n{} more are in use or protected: the library stays above --keep", p.short_by);
                    }
                    if p.dry_run {
                        text += "\n(dry run: add --apply to delete)";
                    }
                    text
                });
            }
            TemplateCommand::Meta { template_id, set, platform } => {
                let platform = platform.resolve(fleet).await?;
                let meta = match set {
                    Some(path) => {
                        let meta: TemplateMeta = serde_json::from_value(read_json(&path)?)
                            .map_err(|e| FleetError::invalid(path.display().to_string(), e.to_string()))?;
                        fleet.set_template_meta(&platform, template_id, meta).await?
                    }
                    None => fleet.template_meta(&platform, template_id).await?,
                };
                out.show(&meta, |m| serde_json::to_string_pretty(m).unwrap_or_default());
            }
        }
        Ok(())
    }
}
