//! The real `vitrin-server` binary, started as an operator would.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_vitrin-server");

/// A running server process; killed on drop so a failing test leaves nothing behind.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    log: Receiver<String>,
}

impl ServerProcess {
    /// Starts the binary and waits for its `listening on http://ADDR` log line.
    pub fn start(command: &mut Command) -> ServerProcess {
        let mut child = command
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start vitrin-server");
        let stderr = child.stderr.take().unwrap();
        let (tx, log) = mpsc::channel();
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // Owned by the guard from here on, so a failed wait below still kills the process.
        let mut process = ServerProcess {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = process
                .log
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no 'listening on' line; log so far: {seen:#?}"));
            if let Some(rest) = line.split("listening on http://").nth(1) {
                process.addr = rest.split_whitespace().next().unwrap().parse().unwrap();
                return process;
            }
            seen.push(line);
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Log lines printed so far (after the listening line).
    pub fn drain_log(&self) -> Vec<String> {
        std::iter::from_fn(|| self.log.recv_timeout(Duration::from_millis(500)).ok()).collect()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
