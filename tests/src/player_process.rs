//! A `vitrin-player --headless` process (any build: native, or another architecture's under
//! an emulator) with its JSON event lines in a channel; killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct PlayerProcess {
    child: Child,
    events: Receiver<Value>,
    /// How long `until` waits for an event.
    wait: Duration,
}

impl PlayerProcess {
    /// Starts `command` (a player binary, after its emulator if any) headless for `server`
    /// with its cache in `data_dir`, with `extra` arguments and `RUST_LOG=log`.
    pub fn start(
        command: &[String],
        server: &str,
        data_dir: &Path,
        extra: &[&str],
        log: &str,
        wait: Duration,
    ) -> PlayerProcess {
        let mut child = Command::new(&command[0])
            .args(&command[1..])
            .args(["--server", server, "--headless", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .env("RUST_LOG", log)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        let (tx, events) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let event = serde_json::from_str(&line).expect("every line is JSON");
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
        PlayerProcess {
            child,
            events,
            wait,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The first event called `name` that `check` accepts.
    pub fn until(&self, name: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = self
                .events
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {name} event within {:?}", self.wait));
            if event["event"] == name && check(&event) {
                return event;
            }
        }
    }
}

impl Drop for PlayerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
