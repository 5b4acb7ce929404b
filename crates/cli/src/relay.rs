//! `wxfleet relay status`: does the relay answer, does it accept this desktop, how many pushes wait.

use clap::Subcommand;
use fleet::{Fleet, Result};

use crate::args::PlatformArg;
use crate::output::Output;

/// Relay commands.
#[derive(Subcommand)]
pub enum RelayCommand {
    /// Check the platform's relay (nothing is acknowledged or moved).
    Status(PlatformArg),
}

impl RelayCommand {
    /// Runs the command.
    pub async fn run(self, fleet: &Fleet, out: Output) -> Result<()> {
        match self {
            RelayCommand::Status(platform) => {
                let check = fleet.check_relay(&platform.resolve(fleet).await?).await?;
                out.show(&check, |c| {
                    let yes_no = |b: bool| if b { "yes" } else { "NO" };
                    let mut text = format!(
                        "relay {}\n  answers: {}\n  accepts this desktop: {}\n  pushes waiting: {}\n  cursor: {}\n",
                        c.relay_url,
                        yes_no(c.healthy),
                        yes_no(c.credential_accepted),
                        c.waiting.map(|n| n.to_string()).unwrap_or_else(|| "?".to_owned()),
                        c.cursor
                    );
                    if let (Some(component), Some(message)) = (&c.component_push_url, &c.message_push_url) {
                        text += &format!("  授权事件接收URL  {component}\n  消息与事件接收URL {message}\n");
                    }
                    if let Some(problem) = &c.problem {
                        text += &format!("problem: {problem}\n");
                    }
                    text
                });
            }
        }
        Ok(())
    }
}
