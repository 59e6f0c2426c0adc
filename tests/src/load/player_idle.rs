//! `vitrin-load player-idle`: what a paired player's engine costs at rest (its push stream,
//! heartbeats and schedule timers), the native build beside the aarch64 build under
//! qemu-user. Headless: the window's drawing is measured on its own (BENCHMARKS.md, frame
//! cost); emulation makes the aarch64 figures an upper bound, not a Raspberry Pi's.

use std::path::Path;
use std::time::Duration;

use crate::Admin;
use crate::load::proc_status_bytes;
use crate::player_process::PlayerProcess;

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
