//! What the window's Xvfb tests and benchmarks share: a private X server, processes killed
//! when dropped, screenshots, and the player's JSON event lines.

#![allow(dead_code)] // each user takes what it needs

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The real player binary in its kiosk window on `display`, for `server`, with its JSON event
/// lines on stdout; callers add what else they need (`.env(…)`) and spawn it.
pub fn player_command(server: &str, data_dir: &Path, display: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vitrin-player"));
    command
        .args(["--server", server, "--data-dir"])
        .arg(data_dir)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("VITRIN_SERVER")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped());
    command
}

/// The pairing code the player shows, from its event lines.
pub fn pairing_code(events: &Receiver<Value>) -> String {
    until_event(events, "pairing_code")["code"]
        .as_str()
        .expect("a pairing code")
        .to_owned()
}

/// A real server in this process with its owner signed in and one store in Tehran.
pub fn shop(
    runtime: &tokio::runtime::Runtime,
    data_dir: &Path,
    store: &str,
) -> (vitrin_tests::TestServer, vitrin_tests::Admin, i64) {
    runtime.block_on(async {
        let state = vitrin_tests::test_state(data_dir).await;
        let server = vitrin_tests::TestServer::start(state).await.unwrap();
        let admin = vitrin_tests::Admin::setup(&server.url("")).await;
        let store = admin
            .create(
                "/api/v1/stores",
                serde_json::json!({"name": store, "timezone": "Asia/Tehran"}),
            )
            .await;
        (server, admin, store)
    })
}

/// The Persian/English breakfast menu board of the demo café (content JSON for the API):
/// Persian and Latin names, Toman prices, a sold-out item.
pub fn breakfast_menu() -> Value {
    serde_json::json!({"name": "Breakfast", "type": "menu_board", "menu": {
        "title": "صبحانه · Breakfast", "unit": "toman",
        "categories": vitrin_server::demo::breakfast_categories()}})
}

/// The demo café's board as one layout (`main_side_ticker`): the breakfast menu, a clock
/// with both calendars and a Persian/English ticker. Returns the layout's id.
pub async fn cafe_layout(admin: &vitrin_tests::Admin) -> i64 {
    let clock = serde_json::json!({"name": "Clock", "type": "clock", "calendar": "both"});
    let ticker = serde_json::json!({"name": "News", "type": "ticker", "source": "static",
        "lines": ["به کافه ویترین خوش آمدید", "Wi-Fi: vitrin-guest"]});
    let mut playlists = Vec::new();
    for item in [breakfast_menu(), clock, ticker] {
        let content = admin.create("/api/v1/content", item).await;
        playlists.push(
            admin
                .create(
                    "/api/v1/playlists",
                    serde_json::json!({"name": content.to_string(),
                           "entries": [{"content": content, "duration_ms": 3_600_000}]}),
                )
                .await,
        );
    }
    admin
        .create(
            "/api/v1/layouts",
            serde_json::json!({"name": "Café", "template": "main_side_ticker", "zones": [
                {"zone": "main", "playlist": playlists[0]},
                {"zone": "side", "playlist": playlists[1]},
                {"zone": "ticker", "playlist": playlists[2]}]}),
        )
        .await
}

/// A stand-in for the program `name` in the directory `bin`: it writes its arguments, one
/// call a line, to the returned log (which exists from its first call on).
pub fn stand_in(bin: &Path, name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).unwrap();
    let log = bin.with_file_name(format!("{name}.log"));
    let program = bin.join(name);
    std::fs::write(
        &program,
        format!("#!/bin/sh\necho \"$*\" >> '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    log
}

/// `PATH` with `bin` (of stand-ins) first.
pub fn path_with(bin: &Path) -> String {
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The calls a stand-in wrote down so far.
pub fn calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits until `check` accepts a stand-in's calls (or fails after 60 s saying `what`).
pub fn until_calls(log: &Path, what: &str, check: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let calls = calls(log);
        if check(&calls) {
            return calls;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: never; calls to {} so far: {calls:?}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the server's view of `screen` (`GET /api/v1/screens/{id}`, whose `status` is
/// the last heartbeat) passes `check`; returns it (or fails after 60 s saying `what`).
pub fn until_screen(
    runtime: &tokio::runtime::Runtime,
    admin: &vitrin_tests::Admin,
    screen: i64,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let url = format!("{}/api/v1/screens/{screen}", admin.base);
        let seen = runtime.block_on(vitrin_tests::get_json(&admin.client, &url));
        if check(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: never; the server last saw {}",
            seen["status"]
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether `program` can be run; without it a test fails under CI and is skipped locally.
pub fn have(program: &str, arg: &str) -> bool {
    let found = Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is required in CI"
        );
        eprintln!("notice: {program} not found; skipping");
    }
    found
}

/// A process killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display number; returns it with the display name. Xvfb picks the
/// number itself (`-displayfd`) and says it once it accepts clients: tests running at the
/// same time never share a display, and stale lock files of killed servers do not count.
pub fn start_xvfb(width: u32, height: u32) -> (Process, String) {
    let child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            &format!("{width}x{height}x24"),
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut xvfb = Process(child);
    let stdout = xvfb.0.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("Xvfb names its display within 20 s");
    let number: u32 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Xvfb did not start: {line:?}"));
    (xvfb, format!(":{number}"))
}

/// A PNG of `width` × `height` pixels all of `color`.
pub fn solid_png(color: [u8; 3], width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(width, height, image::Rgb(color));
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// An egui colour as the screenshot's pixel.
pub fn rgb(color: egui::Color32) -> [u8; 3] {
    [color.r(), color.g(), color.b()]
}

/// Where screenshots are kept for people to look at: `target/test-artifacts/`.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn screenshot(display: &str, path: &Path) -> Option<image::RgbImage> {
    let status = Command::new("import")
        .args(["-display", display, "-window", "root"])
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    image::open(path).ok().map(|i| i.to_rgb8())
}

pub fn near(pixel: &image::Rgb<u8>, want: [u8; 3]) -> bool {
    pixel.0.iter().zip(want).all(|(a, b)| a.abs_diff(b) < 24)
}

/// The share of pixels in the fractional rect `(x, y, w, h)` of `shot` close to `color`.
pub fn share(shot: &image::RgbImage, (x, y, w, h): (f32, f32, f32, f32), color: [u8; 3]) -> f32 {
    let (sw, sh) = (shot.width() as f32, shot.height() as f32);
    let (x0, y0) = ((x * sw) as u32, (y * sh) as u32);
    let (x1, y1) = (((x + w) * sw) as u32, ((y + h) * sh) as u32);
    let mut hits = 0;
    let mut all = 0;
    for py in (y0..y1).step_by(4) {
        for px in (x0..x1).step_by(4) {
            all += 1;
            hits += u32::from(near(shot.get_pixel(px, py), color));
        }
    }
    hits as f32 / all.max(1) as f32
}

/// Takes screenshots until `check` accepts one (or 60 s pass); saves the last one.
pub fn screenshot_until(
    display: &str,
    name: &str,
    check: impl Fn(&image::RgbImage) -> bool,
) -> image::RgbImage {
    let path = artifacts().join(name);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(shot) = screenshot(display, &path) {
            if check(&shot) {
                return shot;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never looked right; see {}",
                path.display()
            );
        } else {
            assert!(
                Instant::now() < deadline,
                "import could not take a screenshot of {display}"
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The player's JSON event lines, read on a thread.
pub fn events(child: &mut Child) -> Receiver<Value> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if let Ok(value) = serde_json::from_str::<Value>(&line)
                && tx.send(value).is_err()
            {
                return;
            }
        }
    });
    rx
}

pub fn until_event(events: &Receiver<Value>, name: &str) -> Value {
    until_event_where(events, name, |_| true)
}

/// The next `name` event that passes `check` (or a panic after 60 s).
pub fn until_event_where(
    events: &Receiver<Value>,
    name: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no such {name} event within 60 s"));
        if event["event"] == name && check(&event) {
            return event;
        }
    }
}

// Benchmarks: process figures and the player's own log lines.

/// User + system CPU seconds the process has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks as f64 / per_second
}

pub fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024.0
}

/// Pids of the running processes whose command line contains `needle`.
pub fn pids_with(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

/// CPU used by `pids` over `secs` seconds, in percent of one core (processes that end
/// meanwhile count as idle from then on).
pub fn cpu_share(pids: &[u32], secs: u64) -> f64 {
    cpu_shares([pids], secs)[0]
}

/// `cpu_share` of several groups of processes over the same `secs` seconds.
pub fn cpu_shares<const N: usize>(groups: [&[u32]; N], secs: u64) -> [f64; N] {
    let total = |pids: &[u32]| -> f64 {
        pids.iter()
            .filter(|pid| Path::new(&format!("/proc/{pid}/stat")).exists())
            .map(|&pid| cpu_seconds(pid))
            .sum()
    };
    let start = groups.map(total);
    let began = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let seconds = began.elapsed().as_secs_f64();
    std::array::from_fn(|i| (total(groups[i]) - start[i]) / seconds * 100.0)
}

/// The `{json}` of a player's `frame_stats {json}` log line (`VITRIN_FRAME_STATS`), if `line`
/// is one.
pub fn frame_stats(line: &str) -> Option<Value> {
    const MARK: &str = "frame_stats ";
    serde_json::from_str(line[line.find(MARK)? + MARK.len()..].trim()).ok()
}

/// The player with its JSON events (stdout) and log lines (stderr), each read on a thread.
pub struct Player {
    pub process: Process,
    pub events: Receiver<Value>,
    pub log: Receiver<String>,
}

pub fn start_player(server: &str, data_dir: &Path, display: &str, frame_stats: u64) -> Player {
    start_player_with(server, data_dir, display, frame_stats, &[])
}

/// [`start_player`] with more environment variables (e.g. `VITRIN_RENDERER`).
pub fn start_player_with(
    server: &str,
    data_dir: &Path,
    display: &str,
    frame_stats: u64,
    env: &[(&str, &str)],
) -> Player {
    let mut command = player_command(server, data_dir, display);
    command.envs(env.iter().copied());
    command.stderr(Stdio::piped());
    if frame_stats > 0 {
        command.env(
            vitrin_player::render::frame_stats::ENV,
            frame_stats.to_string(),
        );
    }
    let mut process = Process(command.spawn().unwrap());
    let events = events(&mut process.0);
    let stderr = process.0.stderr.take().unwrap();
    let (tx, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    Player {
        process,
        events,
        log,
    }
}

/// The next log line containing `what` (or a panic after `within`).
pub fn until_log(log: &Receiver<String>, what: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = log
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no log line with {what:?} within {within:?}"));
        if line.contains(what) {
            return line;
        }
    }
}

/// Waits for the player's "first content frame" log line; returns its startup_ms.
pub fn first_frame_ms(player: &Player) -> u64 {
    let line = until_log(&player.log, "first content frame", Duration::from_secs(120));
    line.split("startup_ms=")
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("the log line carries startup_ms")
}

/// The median (the upper one of an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
