//! `relay-ingest`: how many signed WeChat pushes per second the relay stores durably, and how long
//! WeChat waits for its `success` (the "ack"), beside nginx answering a static `success` on the same
//! machine as the ceiling. Driven by `bench/relay-ingest.sh`, which starts and stops the servers.
//!
//! ```text
//! relay-ingest run --label relay-sqlite --addr 127.0.0.1:8080 --rate 1000   # one run, one JSON line
//! relay-ingest run --label nginx --addr 127.0.0.1:8081 --rate 0             # unthrottled
//! relay-ingest table results.jsonl                                          # the Markdown table
//! ```

mod conn;
mod load;
mod pushes;
mod report;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "relay-ingest", about = "Relay ingest benchmark: signed pushes at fixed rates, beside nginx.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One run against one server; prints one JSON line.
    Run {
        /// What is measured (`relay-sqlite`, `relay-postgres`, `nginx`), for the table.
        #[arg(long)]
        label: String,
        /// The server's loopback address.
        #[arg(long)]
        addr: SocketAddr,
        /// Pushes per second, open loop; 0 = unthrottled (as fast as answered).
        #[arg(long)]
        rate: u32,
        /// Seconds the run lasts (at a fixed rate: `rate × duration` pushes).
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Keep-alive connections.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// The relay's platform id (pushes go to `/wx/{platform}/component`).
        #[arg(long, default_value = "bench")]
        platform: String,
        /// The component appid the pushes are for.
        #[arg(long, default_value = "wx00000000000be0c4")]
        component_appid: String,
        /// The platform's message Token (the relay checks the signatures with it).
        #[arg(long, default_value = "relaybenchtoken")]
        token: String,
        /// The EncodingAESKey the pushes are encrypted with.
        #[arg(long, default_value = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")]
        encoding_aes_key: String,
    },
    /// Prints the Markdown table of a results file (JSON lines of `run`).
    Table {
        /// The results file.
        results: PathBuf,
        /// The label of the ceiling the ratios are taken against.
        #[arg(long, default_value = "nginx")]
        baseline: String,
    },
}

/// Distinct pushes generated per run; an unthrottled run cycles through them (the relay stores a
/// repeated push again, as it must: it cannot tell WeChat's retries from new pushes).
const POOL: usize = 20_000;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { label, addr, rate, duration, connections, platform, component_appid, token, encoding_aes_key } => {
            let platform = pushes::Platform { id: platform, component_appid, token, encoding_aes_key };
            run(&label, addr, rate, Duration::from_secs(duration), connections, &platform)
        }
        Command::Table { results, baseline } => report::table(&results, &baseline).map(|table| print!("{table}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("relay-ingest: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    label: &str,
    addr: SocketAddr,
    rate: u32,
    duration: Duration,
    connections: usize,
    platform: &pushes::Platform,
) -> Result<(), String> {
    let now_secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let count = (rate as usize * duration.as_secs() as usize).max(POOL);
    let requests = Arc::new(pushes::requests(platform, &addr.to_string(), count, now_secs)?);
    // One thread for the generator: it shares the two cores with the server it measures, and it
    // is the same generator for the relay and for nginx.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let outcome = runtime.block_on(async {
        if rate == 0 {
            load::unthrottled(addr, requests, duration, connections).await
        } else {
            load::fixed_rate(addr, requests, rate, duration, connections).await
        }
    })?;
    let line = report::Line::new(label, rate, connections, duration, outcome);
    println!("{}", line.to_json());
    Ok(())
}
