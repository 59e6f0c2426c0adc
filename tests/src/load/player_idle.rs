//! `vitrin-load player-idle`: what a paired player's engine costs at rest (its push stream,
//! heartbeats and schedule timers), the native build beside the aarch64 build under
//! qemu-user. Headless: the window's drawing is measured on its own (BENCHMARKS.md, frame
//! cost); emulation makes the aarch64 figures an upper bound, not a Raspberry Pi's.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::Admin;
use crate::load::proc_status_bytes;

/// User plus system CPU time of `pid` so far, from `/proc/<pid>/stat`, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the process runs");
    // Fields after the command name (which may hold spaces), from field 3 on.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks as f64 / per_second
}

/// One measured player: its command, what it used at rest.
pub struct Idle {
    pub label: String,
    pub cpu_share: f64,
    pub rss: u64,
    pub peak_rss: u64,
}

struct Running {
    child: Child,
    events: Receiver<Value>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn until(&self, name: &str) -> Value {
        loop {
            let event = self
                .events
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("the player sent no {name} event"));
            if event["event"] == name {
                return event;
            }
        }
    }
}

/// Starts `command` (a player binary, after an emulator if any) headless for `server`, pairs
/// it as a new screen of `store` showing `layout`, lets it settle, and measures `secs`.
pub async fn measure(
    label: &str,
    command: &[String],
    server: &str,
    admin: &Admin,
    (store, layout): (i64, i64),
    data_dir: &Path,
    secs: u64,
) -> Idle {
    let mut child = Command::new(&command[0])
        .args(&command[1..])
        .args(["--server", server, "--headless", "--data-dir"])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let (tx, events) = channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(event) = serde_json::from_str(&line) {
                let _ = tx.send(event);
            }
        }
    });
    let player = Running { child, events };
    let code = player.until("pairing_code")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, screen) = admin
        .send(
            reqwest::Method::POST,
            "/api/v1/screens/pair",
            json!({"code": code, "screen": {"store_id": store, "name": label,
                   "default_layout_id": layout}}),
        )
        .await;
    assert_eq!(status, 200, "{screen}");
    player.until("showing");
    // Pairing, the first sync and the first heartbeat are over; then only rest is measured.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pid = player.child.id();
    let before = cpu_seconds(pid);
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let used = cpu_seconds(pid) - before;
    Idle {
        label: label.to_owned(),
        cpu_share: used / secs as f64,
        rss: proc_status_bytes(pid, "VmRSS:").unwrap_or(0),
        peak_rss: proc_status_bytes(pid, "VmHWM:").unwrap_or(0),
    }
}
