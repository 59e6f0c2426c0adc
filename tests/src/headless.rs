//! A headless player engine (what `vitrin-player --headless` runs) inside the test process,
//! with its events in a channel, for tests that pair a real player and read what it loaded.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Exit, LOOKAHEAD, Output, Settings};
use vitrin_server::AppState;

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

impl Player {
    /// Waits until the main zone shows `content`.
    pub async fn until_showing(&mut self, content: i64) {
        self.until(|e| match e {
            Event::Showing { view, .. } => view
                .main
                .as_ref()
                .and_then(|main| main.zones.get("main").copied().flatten())
                .filter(|shown| *shown == content)
                .map(|_| ()),
            _ => None,
        })
        .await;
    }

    /// Waits until a manifest that needed exactly one download is in use.
    pub async fn until_one_download(&mut self) {
        self.until(|e| matches!(e, Event::ManifestApplied { downloaded: 1, .. }).then_some(()))
            .await;
    }
}

/// Waits until the server stored proof of play from `screen`.
pub async fn until_plays_stored(state: &AppState, screen: i64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (plays,): (i64,) =
            vitrin_server::db::sql("SELECT COUNT(*) FROM plays WHERE screen_id = $1")
                .bind(screen)
                .fetch_one(&state.db)
                .await
                .unwrap();
        if plays >= 1 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no proof of play stored"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Leaves `player_dir` as a player killed half way through downloading blob `sha` (`bytes`):
/// the first half in its partial file, no verified copy, no saved manifest.
pub fn cut_download_half_way(player_dir: &Path, sha: &str, bytes: &[u8]) {
    let blob = player_dir.join("cache/blobs").join(&sha[..2]).join(sha);
    let partial = player_dir.join("cache/partial").join(format!("{sha}.part"));
    std::fs::remove_file(blob).unwrap();
    std::fs::remove_file(player_dir.join("manifest.json")).unwrap();
    std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
    std::fs::write(&partial, &bytes[..bytes.len() / 2]).unwrap();
}

/// The verified copy of blob `sha` in a player's cache.
pub fn cached_blob(player_dir: &Path, sha: &str) -> Vec<u8> {
    std::fs::read(player_dir.join("cache/blobs").join(&sha[..2]).join(sha)).unwrap()
}

/// How many media requests the server answered with 206 (a Range).
pub fn media_206(state: &AppState) -> u64 {
    state
        .metrics
        .render()
        .lines()
        .find(|l| l.contains("route=\"/api/player/v1/media/{sha256}\",status=\"206\""))
        .map_or(0, |l| l.rsplit(' ').next().unwrap().parse().unwrap())
}

impl Drop for Player {
    fn drop(&mut self) {
        self.task.abort();
    }
}
