//! `vitrin-player`: for now, create the data dir and check once that the server is reachable.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use vitrin_player::{Config, Event, check_server};

/// Long enough for a slow network, short enough that a wrong URL is noticed quickly.
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(e) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!(
            "vitrin-player: cannot create data dir {}: {e}",
            config.data_dir.display()
        );
        return ExitCode::FAILURE;
    }
    // One JSON line on stdout, so scripts and tests can read the outcome.
    let server = config.server.to_string();
    let (event, code) = match check_server(&config.server, TIMEOUT) {
        Ok(health) => (
            Event::ServerReachable {
                server,
                version: health.version,
                api_version: health.api_version,
            },
            ExitCode::SUCCESS,
        ),
        Err(error) => (
            Event::ServerUnreachable { server, error },
            ExitCode::FAILURE,
        ),
    };
    println!("{event}");
    code
}
