//! `wxfleet`: the wxfleet core on the command line — the same operations as the desktop, for
//! scripts and agencies' CI pipelines. Human output by default, `--json` for machines.

mod app;
mod args;
mod campaign;
mod events;
mod ext;
mod merchant;
mod output;
mod platform;
mod push;
mod relay;
mod sandbox;
mod template;
mod version;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fleet::{FleetError, Result};
use output::Output;

/// wxfleet — operate many merchants' mini programs from one WeChat third-party platform.
#[derive(Parser)]
#[command(name = "wxfleet", version, about)]
struct Cli {
    /// The workspace directory (default: $WXFLEET_HOME, else the user's data directory).
    #[arg(long, global = true, env = "WXFLEET_HOME")]
    workspace: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Third-party platforms: add, list (with ticket age), remove.
    #[command(subcommand)]
    Platform(platform::PlatformCommand),
    /// Merchants: authorization links with QR codes, the mini programs that authorized, re-sync.
    #[command(subcommand)]
    Merchant(merchant::MerchantCommand),
    /// One mini program's settings: info, categories, domains, privacy, testers, codes, payment.
    #[command(subcommand)]
    App(app::AppCommand),
    /// Drafts and the template library: sync, add, delete, prune, metadata (ext schema, requirements).
    #[command(subcommand)]
    Template(template::TemplateCommand),
    /// Each merchant's ext_json: show, set (validated), history, diff, preview.
    #[command(subcommand)]
    Ext(ext::ExtCommand),
    /// One mini program's versions: history, commit, submit, undo, speed-up, release, revert, visit status.
    #[command(subcommand)]
    Version(version::VersionCommand),
    /// Campaigns: one template to many mini programs (pre-flight, canary, quota-aware, resumable).
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Pushes received through the relay (the inbox), and the receiver.
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// The platform's relay: does it answer, accept this desktop, how many pushes wait.
    #[command(subcommand)]
    Relay(relay::RelayCommand),
    /// Run the simulated WeChat and a relay on loopback with demo merchants, until Ctrl-C.
    Sandbox(sandbox::SandboxArgs),
    /// Explain a WeChat errcode: meaning and what to do (zh-CN and en).
    Explain {
        /// The errcode, e.g. 45009.
        errcode: i64,
    },
    /// The operator audit log: who did what, on which mini programs.
    Log {
        /// Only entries touching this mini program.
        #[arg(long)]
        appid: Option<String>,
        /// How many (newest first).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Pushes WeChat sends to the platform's callback URLs (offline diagnosis).
    #[command(subcommand)]
    Push(push::PushCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_env("WXFLEET_LOG")).with_writer(std::io::stderr).init();
    let out = Output { json: cli.json };
    let dir = cli.workspace.unwrap_or_else(workspace::default_dir);
    match cli.command {
        Command::Push(command) => command.run(),
        Command::Explain { errcode } => explain(errcode, out),
        command => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => return out.fail(&FleetError::Io(format!("cannot start the async runtime: {e}"))),
            };
            match runtime.block_on(run(command, &dir, out)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => out.fail(&e),
            }
        }
    }
}

async fn run(command: Command, dir: &std::path::Path, out: Output) -> Result<()> {
    let fleet = workspace::open(dir)?;
    match command {
        Command::Platform(command) => command.run(&fleet, out).await,
        Command::Sandbox(args) => args.run(&fleet, dir, out).await,
        Command::Merchant(command) => command.run(&fleet, out).await,
        Command::App(command) => command.run(&fleet, out).await,
        Command::Template(command) => command.run(&fleet, out).await,
        Command::Version(command) => command.run(&fleet, out).await,
        Command::Campaign(command) => command.run(&fleet, out).await,
        Command::Events(command) => command.run(&fleet, out).await,
        Command::Relay(command) => command.run(&fleet, out).await,
        Command::Ext(command) => command.run(&fleet, out).await,
        Command::Log { appid, limit } => {
            let entries = fleet.audit_log(appid.as_deref(), limit).await?;
            out.show(&entries, |entries| {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{}  {:<10} {:<22} {:<8} {} {}",
                            output::time(e.at),
                            e.actor,
                            e.action,
                            e.result,
                            e.appids.join(","),
                            e.detail
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        Command::Push(_) | Command::Explain { .. } => unreachable!("handled without a workspace"),
    }
}

fn explain(errcode: i64, out: Output) -> ExitCode {
    match wechat::errcode::explain(errcode) {
        Some(e) => {
            out.show(
                &serde_json::json!({
                    "errcode": e.code, "meaning_zh": e.meaning_zh, "meaning_en": e.meaning_en,
                    "remedy_zh": e.remedy_zh, "remedy_en": e.remedy_en, "permission_set": e.permission_set,
                }),
                |_| format!("{}: {} / {}\nwhat to do: {}\n            {}", e.code, e.meaning_zh, e.meaning_en, e.remedy_zh, e.remedy_en),
            );
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("errcode {errcode} is not in the table; ask WeChat with `openapi/rid/get` using the rid in errmsg");
            ExitCode::from(1)
        }
    }
}
