//! `vitrin-load player-idle`: what a paired player's engine costs at rest (its push stream,
//! heartbeats and schedule timers), the native build beside the aarch64 build under
//! qemu-user. Headless: the window's drawing is measured on its own (BENCHMARKS.md, frame
//! cost); emulation makes the aarch64 figures an upper bound, not a Raspberry Pi's.

use std::path::Path;
use std::time::Duration;

use crate::Admin;
use crate::load::{cpu_seconds, proc_status_bytes};
use crate::player_process::PlayerProcess;

/// One measured player: its command, what it used at rest.
pub struct Idle {
    pub label: String,
    pub cpu_share: f64,
    pub rss: u64,
    pub peak_rss: u64,
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
    let player = PlayerProcess::start(
        command,
        server,
        data_dir,
        &[],
        "warn",
        Duration::from_secs(120),
    );
    let code = player.until("pairing_code", |_| true)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    admin.pair_screen(&code, store, label, layout).await;
    player.until("showing", |_| true);
    // Pairing, the first sync and the first heartbeat are over; then only rest is measured.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pid = player.pid();
    let before = cpu_seconds(pid).expect("the player runs");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let used = cpu_seconds(pid).expect("the player runs") - before;
    Idle {
        label: label.to_owned(),
        cpu_share: used / secs as f64,
        rss: proc_status_bytes(pid, "VmRSS:").unwrap_or(0),
        peak_rss: proc_status_bytes(pid, "VmHWM:").unwrap_or(0),
    }
}
