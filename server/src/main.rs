//! `vitrin-server`: parse the command line, set up logging, run the server.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = vitrin_server::Cli::parse();

    // RUST_LOG picks what is logged; without it, info and above.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for people: logs read by journald or tests stay plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    match vitrin_server::run(cli.into_config()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
