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

    let result = match cli.into_config() {
        Ok(config) => vitrin_server::run(config).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
