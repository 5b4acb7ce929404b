//! `wxfleet campaign …`: one template to many mini programs — pre-flight, canary, rate, quota
//! stops, resumable after a crash. `run` is the runner: it stays in the foreground, receiving audit
//! results through the relay, until the campaign finishes or stops.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use fleet::campaigns::{AppFilter, CampaignSpec, CampaignState, CampaignView, RetryPolicy, Targets};
use fleet::releases::SubmitOptions;
use fleet::{Fleet, FleetError, FleetEvent, Result};

use crate::args::{read_json, PlatformArg};
use crate::output::{time, Output};

/// Campaign commands.
#[derive(Subcommand)]
pub enum CampaignCommand {
    /// Check every target (authorized, permissions, category, privacy, domains, ext_json) without creating anything.
    Preflight(SpecArgs),
    /// Create a campaign (pre-flight included; failing mini programs are excluded with the reason).
    Create(SpecArgs),
    /// Every campaign with its counts.
    List,
    /// One campaign with every mini program's state, error and timings.
    Show {
        /// The campaign id.
        id: i64,
    },
    /// Run (or resume after a stop, a pause or a crash) in the foreground until it finishes or stops.
    Run {
        /// The campaign id.
        id: i64,
    },
    /// Cancel: nothing new is submitted; submitted mini programs keep their audits.
    Cancel {
        /// The campaign id.
        id: i64,
    },
    /// Release the mini programs whose audit passed (campaigns without --auto-release).
    Release {
        /// The campaign id.
        id: i64,
        /// Only these mini programs.
        appids: Vec<String>,
    },
}

/// What a campaign does (or `--spec FILE` with the whole CampaignSpec as JSON).
#[derive(Args)]
pub struct SpecArgs {
    /// The whole spec as JSON (`-` for standard input); the other options are then ignored.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The template to commit.
    #[arg(long, required_unless_present = "spec")]
    template: Option<i64>,
    /// The version shown to WeChat's reviewers (user_version).
    #[arg(long = "version", required_unless_present = "spec")]
    user_version: Option<String>,
    /// The version's description (user_desc).
    #[arg(long, default_value = "")]
    desc: String,
    /// These mini programs (comma-separated) instead of all authorized ones.
    #[arg(long, value_delimiter = ',')]
    appids: Vec<String>,
    /// Only mini programs whose name contains this.
    #[arg(long)]
    name_contains: Option<String>,
    /// Submit these first and wait for their audit results before the rest.
    #[arg(long)]
    canary: Option<u32>,
    /// Release each mini program as soon as its audit passes.
    #[arg(long)]
    auto_release: bool,
    /// Mini programs worked on at once.
    #[arg(long, default_value_t = 8)]
    concurrency: u32,
    /// At most this many WeChat calls per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Declare detected-but-unconfigured privacy APIs unused (privacy_api_not_use).
    #[arg(long)]
    privacy_api_not_use: bool,
    /// A name for the campaign.
    #[arg(long, default_value = "")]
    name: String,
    #[command(flatten)]
    platform: PlatformArg,
}

impl SpecArgs {
    async fn spec(self, fleet: &Fleet) -> Result<CampaignSpec> {
        if let Some(path) = &self.spec {
            return serde_json::from_value(read_json(path)?).map_err(|e| FleetError::invalid(path.display().to_string(), e.to_string()));
        }
        let targets = match (self.appids.is_empty(), self.name_contains) {
            (false, _) => Targets::List(self.appids),
            (true, Some(name)) => Targets::Filter(AppFilter { name_contains: Some(name), ..AppFilter::default() }),
            (true, None) => Targets::All,
        };
        Ok(CampaignSpec {
            platform: self.platform.resolve(fleet).await?,
            name: self.name,
            template_id: self.template.unwrap_or_default(),
            user_version: self.user_version.unwrap_or_default(),
            user_desc: self.desc,
            targets,
            canary: self.canary,
            auto_release: self.auto_release,
            concurrency: self.concurrency,
            rate_per_sec: self.rate,
            submit: SubmitOptions { privacy_api_not_use: self.privacy_api_not_use, ..SubmitOptions::default() },
            retry: RetryPolicy::default(),
        })
    }
}

fn view_text(view: &CampaignView) -> String {
    let c = &view.campaign;
    let mut text = format!(
        "campaign {} {:?} — template {} as {} — {}\n",
        c.id,
        c.spec.name,
        c.spec.template_id,
        c.spec.user_version,
        c.state.as_str()
    );
    for item in &view.items {
        let problem = item.problem.as_ref().and_then(|p| p.get("message")).and_then(|m| m.as_str()).unwrap_or("");
        let canary = if item.canary { "canary " } else { "" };
        text += &format!("  {} {:<14} {canary}{problem}\n", item.appid, format!("{:?}", item.state).to_lowercase());
    }
    let n = &c.counts;
    text + &format!(
        "total {} · excluded {} · pending {} · in progress {} · under audit {} · passed {} · released {} · rejected {} · failed {}",
        n.total, n.excluded, n.pending, n.in_progress, n.under_audit, n.passed, n.released, n.rejected, n.failed
    )
}

impl CampaignCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            CampaignCommand::Preflight(args) => {
                let spec = args.spec(fleet).await?;
                let reports = fleet.preflight_campaign(&spec).await?;
                out.show(&reports, |reports| serde_json::to_string_pretty(reports).unwrap_or_default());
            }
            CampaignCommand::Create(args) => {
                let spec = args.spec(fleet).await?;
                let view = fleet.create_campaign(spec).await?;
                out.show(&view, |v| format!("{}\nstart it with `wxfleet campaign run {}`", view_text(v), v.campaign.id));
            }
            CampaignCommand::List => {
                let campaigns = fleet.campaigns().await?;
                out.show(&campaigns, |list| {
                    list.iter()
                        .map(|c| {
                            format!(
                                "{:>4}  {:<14} {}  template {} {}  {}/{} released",
                                c.id,
                                c.state.as_str(),
                                time(c.created_at),
                                c.spec.template_id,
                                c.spec.user_version,
                                c.counts.released,
                                c.counts.total
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            CampaignCommand::Show { id } => {
                let view = fleet.campaign(id).await?;
                out.show(&view, view_text);
            }
            CampaignCommand::Run { id } => run(fleet, id, out).await?,
            CampaignCommand::Cancel { id } => {
                let campaign = fleet.cancel_campaign(id).await?;
                out.show(&campaign, |c| format!("campaign {} is {}", c.id, c.state.as_str()));
            }
            CampaignCommand::Release { id, appids } => {
                let asked = fleet.release_campaign_items(id, (!appids.is_empty()).then_some(appids)).await?;
                out.show(&serde_json::json!({ "release_requested": asked }), |_| format!("{asked} mini programs will be released"));
            }
        }
        Ok(())
    }
}

/// Starts (or resumes) the campaign with the inbox running, printing progress until the runner stops.
async fn run(fleet: &Fleet, id: i64, out: Output) -> Result<()> {
    let view = fleet.campaign(id).await?;
    fleet.start_inbox(&view.campaign.spec.platform).await?;
    let mut events = fleet.subscribe();
    let printer = tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            if let FleetEvent::CampaignProgress { campaign_id, .. } = &event {
                if *campaign_id == id {
                    out.line(&event, |e| match e {
                        FleetEvent::CampaignProgress { state, done, failed, total, .. } => {
                            format!("campaign {id}: {state} — {done}/{total} done, {failed} failed")
                        }
                        _ => String::new(),
                    });
                }
            }
        }
    });
    let started =
        if view.campaign.state == CampaignState::Ready { fleet.start_campaign(id).await } else { fleet.resume_campaign(id).await };
    let outcome = match started {
        Ok(_) => fleet.wait_campaign(id).await,
        Err(e) => Err(e),
    };
    printer.abort();
    let campaign = outcome?;
    out.line(&campaign, |c| format!("campaign {} stopped: {}", c.id, c.state.as_str()));
    Ok(())
}
