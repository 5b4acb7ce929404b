//! `wxfleet`: the wxfleet core on the command line.

mod push;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// wxfleet — operate many merchants' mini programs from one WeChat third-party platform.
#[derive(Parser)]
#[command(name = "wxfleet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pushes WeChat sends to the platform's callback URLs.
    #[command(subcommand)]
    Push(push::PushCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Push(command) => command.run(),
    }
}
