//! A headless player engine (what `vitrin-player --headless` runs) inside the test process,
//! with its events in a channel, for tests that pair a real player and read what it loaded.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Exit, LOOKAHEAD, Output, Settings};

/// How long a test waits for a player event.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Player {
    pub engine: Arc<Engine>,
    events: UnboundedReceiver<Event>,
    task: tokio::task::JoinHandle<Exit>,
}

impl Player {
    /// Starts a player of `server` keeping its cache in `data_dir`.
    pub fn start(server: &str, data_dir: &Path) -> Player {
        Player::start_trusting(server, data_dir, None)
    }

    /// `start` with a CA file (`--ca-file`); pins go in `server` (`#pin=`).
    pub fn start_trusting(server: &str, data_dir: &Path, ca_file: Option<&Path>) -> Player {
        let (output, events) = Output::channel();
        let settings = Settings {
            server: server.parse().expect("a server URL"),
            ca_file: ca_file.map(Path::to_path_buf),
            data_dir: data_dir.to_path_buf(),
            disk_budget: 1 << 30,
            lookahead: LOOKAHEAD,
        };
        let engine = Engine::open(settings, Clock::system(), output).expect("the player opens");
        let task = tokio::spawn(engine.clone().run());
        Player {
            engine,
            events,
            task,
        }
    }

    /// Waits for the first event `pick` chooses, failing after `WAIT`.
    pub async fn until<T>(&mut self, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .expect("the awaited player event did not come")
                .expect("the player stopped");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    }

    /// The code the player shows for pairing.
    pub async fn pairing_code(&mut self) -> String {
        self.until(|e| match e {
            Event::PairingCode { code, .. } => Some(code.clone()),
            _ => None,
        })
        .await
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.task.abort();
    }
}
