//! `wxfleet events …`: the inbox of pushes that came through the relay — what each was, whether it
//! opened (and at which step it failed if not), whether it was handled — and the receiver itself.

use clap::Subcommand;
use fleet::inbox::InboxFilter;
use fleet::{Fleet, Result};

use crate::args::PlatformArg;
use crate::output::{time, Output};

/// Event commands.
#[derive(Subcommand)]
pub enum EventsCommand {
    /// The newest pushes.
    List {
        /// Only those that failed to open or to be handled.
        #[arg(long)]
        problems: bool,
        /// Only this mini program's.
        #[arg(long)]
        appid: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        platform: PlatformArg,
    },
    /// One push: raw query and body, decrypted XML, what handled it.
    Show {
        /// The inbox id.
        id: i64,
    },
    /// Handle a failed push again.
    Retry {
        /// The inbox id.
        id: i64,
    },
    /// Receive pushes from the relay until Ctrl-C (what the desktop does while open).
    Pull(PlatformArg),
}

impl EventsCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            EventsCommand::List { problems, appid, limit, platform } => {
                let filter = InboxFilter {
                    platform: Some(platform.resolve(fleet).await?),
                    appid,
                    problems_only: problems,
                    limit: Some(limit),
                    ..InboxFilter::default()
                };
                let items = fleet.inbox(filter).await?;
                out.show(&items, |items| {
                    items
                        .iter()
                        .map(|i| {
                            let what =
                                i.kind.clone().or_else(|| i.failed_step.as_ref().map(|s| format!("FAILED at {s}"))).unwrap_or_default();
                            format!(
                                "{:>6}  {}  {:<9} {:<28} {:<18} {}",
                                i.id,
                                time(i.received_at),
                                i.source,
                                what,
                                i.appid.as_deref().unwrap_or("-"),
                                i.state.as_str()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
            EventsCommand::Show { id } => {
                let item = fleet.inbox_item(id).await?;
                out.show(&item, |i| serde_json::to_string_pretty(i).unwrap_or_default());
            }
            EventsCommand::Retry { id } => {
                let item = fleet.retry_inbox_item(id).await?;
                out.show(&item, |i| format!("push {} is {}", i.id, i.state.as_str()));
            }
            EventsCommand::Pull(platform) => {
                let platform = platform.resolve(fleet).await?;
                fleet.start_inbox(&platform).await?;
                let mut events = fleet.subscribe();
                out.line(&serde_json::json!({ "receiving": platform }), |_| format!("receiving {platform}'s pushes; Ctrl-C stops"));
                loop {
                    tokio::select! {
                        event = events.recv() => match event {
                            Ok(event) => out.line(&event, |e| format!("{e:?}")),
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(_) => break,
                        },
                        _ = crate::sandbox::stop_requested() => break,
                    }
                }
                fleet.stop_inbox(&platform).await?;
            }
        }
        Ok(())
    }
}
