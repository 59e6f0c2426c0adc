//! Window figures for BENCHMARKS.md, measured on the real binary under Xvfb (software
//! rendering, 1280×720) against a real server:
//! - idle CPU while a static text slide is on screen (the window should sleep);
//! - resident memory while cycling twenty 4K JPEGs, one every 2 s;
//! - cold start from the cache to the first content frame (the player's own log line).
//!
//! `cargo bench -p vitrin-player --bench window` (add `--profile dev` to skip a release build).

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Process, events, have, start_xvfb, until_event};
use vitrin_tests::{Admin, TestServer, test_state};

const BIN: &str = env!("CARGO_BIN_EXE_vitrin-player");
const IMAGES: usize = 20;
const CYCLE_SECS: u64 = 2;

/// A 3840×2160 JPEG: gradients with noise, so it compresses like a photo rather than a flat
/// colour.
fn photo_4k(seed: u32) -> Vec<u8> {
    let mut state = seed.max(1);
    let picture = image::RgbImage::from_fn(3840, 2160, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1f) as u8;
        image::Rgb([
            ((x * 255 / 3840) as u8).wrapping_add(noise),
            ((y * 255 / 2160) as u8).wrapping_add(seed as u8 * 12),
            (((x + y) / 24) as u8).wrapping_add(noise),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&picture)
        .unwrap();
    jpeg
}

/// User + system CPU seconds the process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks as f64 / per_second
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024.0
}

fn start_player(server: &str, data_dir: &Path, display: &str) -> Process {
    let child = Command::new(BIN)
        .args(["--server", server, "--data-dir"])
        .arg(data_dir)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("VITRIN_SERVER")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Process(child)
}

/// Waits for the player's "first content frame" log line; returns its startup_ms.
fn first_frame_ms(child: &mut Child) -> u64 {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("first content frame") {
                let ms = line
                    .split("startup_ms=")
                    .nth(1)
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<u64>().ok());
                let _ = tx.send(ms);
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the player logs its first content frame")
        .expect("the log line carries startup_ms")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    if !have("Xvfb", "-help") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(1280, 720);
    let server = runtime
        .block_on(async { TestServer::start(test_state(&dir.path().join("server")).await).await })
        .unwrap();
    let admin = runtime.block_on(Admin::setup(&server.url("")));
    eprintln!("making and uploading {IMAGES} 4K JPEGs…");
    let (store, slide_layout, cycle_layout) = runtime.block_on(async {
        let store = admin
            .create(
                "/api/v1/stores",
                json!({"name": "Bench", "timezone": "Asia/Tehran"}),
            )
            .await;
        let slide = admin
            .create(
                "/api/v1/content",
                json!({"name": "Slide", "type": "text", "title": "ساعت کار ۸ تا ۲۲",
                       "body": "Open every day — هر روز باز است"}),
            )
            .await;
        let mut entries = Vec::new();
        for i in 0..IMAGES {
            let sha = admin
                .upload(&format!("photo{i}.jpg"), photo_4k(i as u32 + 1))
                .await;
            let content = admin
                .create(
                    "/api/v1/content",
                    json!({"name": format!("Photo {i}"), "type": "image",
                           "media": {"sha256": sha}, "fit": "cover"}),
                )
                .await;
            entries.push(json!({"content": content, "duration_ms": CYCLE_SECS * 1000}));
        }
        let mut layouts = Vec::new();
        for (name, entries) in [
            (
                "Slide",
                vec![json!({"content": slide, "duration_ms": 3_600_000})],
            ),
            ("Photos", entries),
        ] {
            let playlist = admin
                .create(
                    "/api/v1/playlists",
                    json!({"name": name, "entries": entries}),
                )
                .await;
            layouts.push(
                admin
                    .create(
                        "/api/v1/layouts",
                        json!({"name": name, "template": "fullscreen",
                               "zones": [{"zone": "main", "playlist": playlist}]}),
                    )
                    .await,
            );
        }
        (store, layouts[0], layouts[1])
    });

    let data_dir = dir.path().join("player");
    let mut player = start_player(&server.url(""), &data_dir, &display);
    let pid = player.0.id();
    let events = events(&mut player.0);
    let code = until_event(&events, "pairing_code")["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/screens/pair",
        json!({"code": code, "screen": {"store_id": store, "name": "Bench", "default_layout_id": slide_layout}}),
    ));
    assert_eq!(status, 200, "{body}");
    // The photos download during pairing's first sync; the slide shows once it is applied.
    first_frame_ms(&mut player.0);
    std::thread::sleep(Duration::from_secs(5));
    let (cpu0, t0) = (cpu_seconds(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(30));
    let idle = (cpu_seconds(pid) - cpu0) / t0.elapsed().as_secs_f64() * 100.0;
    let idle_rss = rss_mib(pid);

    // Cycle the photos: a rule puts the photo layout on screen.
    runtime.block_on(admin.create(
        "/api/v1/rules",
        json!({"name": "Photos", "target": {"type": "layout", "id": cycle_layout},
               "scope": {"stores": [store]}, "when": {"window": {"type": "all_day"}}}),
    ));
    let (cpu1, t1) = (cpu_seconds(pid), Instant::now());
    let mut peak: f64 = 0.0;
    // Two full rounds of the playlist.
    while t1.elapsed() < Duration::from_secs(2 * IMAGES as u64 * CYCLE_SECS) {
        peak = peak.max(rss_mib(pid));
        std::thread::sleep(Duration::from_millis(250));
    }
    let cycling_cpu = (cpu_seconds(pid) - cpu1) / t1.elapsed().as_secs_f64() * 100.0;
    let end_rss = rss_mib(pid);
    drop(player);

    // Cold start: the manifest and media are cached; the server is still there but the
    // first frame must not wait for it.
    let mut starts = Vec::new();
    for _ in 0..3 {
        let mut again = start_player(&server.url(""), &data_dir, &display);
        starts.push(first_frame_ms(&mut again.0) as f64);
        drop(again);
    }

    println!("window benchmark (debug/opt build as run; Xvfb 1280x720, software rendering)");
    println!(
        "idle CPU, static text slide, 30 s:        {idle:.2} % of one core (RSS {idle_rss:.0} MiB)"
    );
    println!(
        "cycling {IMAGES} 4K JPEGs every {CYCLE_SECS} s, {} s: RSS peak {peak:.0} MiB, at end {end_rss:.0} MiB, CPU {cycling_cpu:.0} %",
        2 * IMAGES as u64 * CYCLE_SECS
    );
    println!(
        "cold start from cache to first content frame: median {:.0} ms of {starts:?}",
        median(starts.clone())
    );
}
