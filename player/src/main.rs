//! `vitrin-player`: parse the command line, then run the engine (or `--check` once).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use vitrin_player::client::Api;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Exit, Output, Settings};
use vitrin_player::{Config, Event};

/// Exit code asking the service manager for a restart (the `restart` command).
const RESTART: u8 = 75;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    // Logs go to stderr; stdout carries only the JSON event lines.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Err(e) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!(
            "vitrin-player: cannot create data dir {}: {e}",
            config.data_dir.display()
        );
        return ExitCode::FAILURE;
    }
    let out = Output::default();
    if config.check {
        let server = config.server.to_string();
        return match Api::new(&config.server).health().await {
            Ok(health) => {
                out.emit(&Event::ServerReachable {
                    server,
                    version: health.version,
                    api_version: health.api_version,
                });
                ExitCode::SUCCESS
            }
            Err(e) => {
                out.emit(&Event::ServerUnreachable {
                    server,
                    error: e.to_string(),
                });
                ExitCode::FAILURE
            }
        };
    }
    if !config.headless {
        tracing::info!("no window in this build yet; running headless");
    }
    let clock = match config.clock_start {
        Some(start) => Clock::scaled(start, config.clock_speed),
        None => Clock::system(),
    };
    let settings = Settings {
        server: config.server,
        data_dir: config.data_dir,
        disk_budget: config.disk_budget_mb.saturating_mul(1024 * 1024),
        lookahead: jiff::SignedDuration::from_hours(i64::from(config.lookahead_hours)),
    };
    let engine = match Engine::open(settings, clock, out) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("vitrin-player: {e}");
            return ExitCode::FAILURE;
        }
    };
    match engine.run().await {
        Exit::Restart => ExitCode::from(RESTART),
    }
}
