//! Window figures for BENCHMARKS.md, measured on the real binary under Xvfb (software
//! rendering, 1280×720) against a real server:
//! - idle CPU while a static text slide is on screen (the window should sleep);
//! - resident memory while cycling twenty 4K JPEGs, one every 2 s;
//! - cold start from the cache to the first content frame (the player's own log line);
//! - frame times while a 720p H.264 clip plays above a Persian ticker (the player's own
//!   `VITRIN_FRAME_STATS` reports), with the CPU it costs.
//!
//! `cargo bench -p vitrin-player --bench window` (add `--profile dev` to skip a release build).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{
    Player, cpu_seconds, first_frame_ms, have, median, rss_mib, shop, start_player, start_xvfb,
    until_event, until_log,
};

const IMAGES: usize = 20;
const CYCLE_SECS: u64 = 2;
const COLD_STARTS: usize = 5;
/// The frame-time report period, and how many reports are taken.
const FRAME_STATS_SECS: u64 = 20;
const FRAME_REPORTS: usize = 2;
const PROFILE: &str = if cfg!(debug_assertions) {
    "debug (dev profile)"
} else {
    "release"
};

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

/// The next `frame_stats {json}` report of the player.
fn frame_report(player: &Player) -> Value {
    let line = until_log(
        &player.log,
        "frame_stats ",
        Duration::from_secs(3 * FRAME_STATS_SECS),
    );
    support::frame_stats(&line).expect("a frame_stats report")
}

/// A 1280×720 H.264 MP4 of `secs` seconds at 30 fps (ffmpeg's moving test pattern), the
/// usual format of a signage clip.
fn clip_720p(dir: &Path, secs: u32) -> Vec<u8> {
    let out = dir.join("clip.mp4");
    let status = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=1280x720:rate=30:duration={secs}"))
        .args([
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-g", "60",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg made no clip");
    std::fs::read(out).unwrap()
}

fn main() {
    if !have("Xvfb", "-help") || !have("ffmpeg", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(1280, 720);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Bench");
    eprintln!("making and uploading {IMAGES} 4K JPEGs and a 720p clip…");
    let clip = clip_720p(dir.path(), 10);
    let (store, slide_layout, cycle_layout, video_layout) = runtime.block_on(async {
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
        // A looping clip above a Persian ticker (main_ticker: 90 % / 10 % of the height).
        let sha = admin.upload("clip.mp4", clip).await;
        let video = admin
            .create(
                "/api/v1/content",
                json!({"name": "Clip", "type": "video", "media": {"sha256": sha}}),
            )
            .await;
        let ticker = admin
            .create(
                "/api/v1/content",
                json!({"name": "News", "type": "ticker", "source": "static", "lang": "fa",
                       "lines": ["به ویترین خوش آمدید — ۲۰٪ تخفیف روی همه نوشیدنی‌ها",
                                 "Open every day 8–22", "قیمت‌ها به تومان است"]}),
            )
            .await;
        let mut playlists = Vec::new();
        for (name, content) in [("Clip", video), ("News", ticker)] {
            playlists.push(
                admin
                    .create(
                        "/api/v1/playlists",
                        json!({"name": name,
                               "entries": [{"content": content, "duration_ms": 3_600_000}]}),
                    )
                    .await,
            );
        }
        let video_layout = admin
            .create(
                "/api/v1/layouts",
                json!({"name": "Clip and ticker", "template": "main_ticker",
                       "zones": [{"zone": "main", "playlist": playlists[0]},
                                 {"zone": "ticker", "playlist": playlists[1]}]}),
            )
            .await;
        (store, layouts[0], layouts[1], video_layout)
    });

    let data_dir = dir.path().join("player");
    let player = start_player(&server.url(""), &data_dir, &display, 0);
    let pid = player.process.0.id();
    let code = until_event(&player.events, "pairing_code")["code"]
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
    first_frame_ms(&player);
    std::thread::sleep(Duration::from_secs(5));
    let (cpu0, t0) = (cpu_seconds(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(30));
    let idle = (cpu_seconds(pid) - cpu0) / t0.elapsed().as_secs_f64() * 100.0;
    let idle_rss = rss_mib(pid);

    // Cycle the photos: a rule puts the photo layout on screen.
    let photos_rule = runtime.block_on(admin.create(
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
    for _ in 0..COLD_STARTS {
        let again = start_player(&server.url(""), &data_dir, &display, 0);
        starts.push(first_frame_ms(&again) as f64);
        drop(again);
    }

    // Frame times: the clip and the ticker replace the photos; the player reports its frame
    // intervals every FRAME_STATS_SECS. The report that spans the switch is left out.
    let player = start_player(&server.url(""), &data_dir, &display, FRAME_STATS_SECS);
    let pid = player.process.0.id();
    first_frame_ms(&player);
    let (status, body) = runtime.block_on(admin.send(
        reqwest::Method::DELETE,
        &format!("/api/v1/rules/{photos_rule}"),
        json!({}),
    ));
    assert!(status < 300, "{status} {body}");
    runtime.block_on(admin.create(
        "/api/v1/rules",
        json!({"name": "Clip", "target": {"type": "layout", "id": video_layout},
               "scope": {"stores": [store]}, "when": {"window": {"type": "all_day"}}}),
    ));
    loop {
        let showing = until_event(&player.events, "showing");
        if showing["main"]["layout"] == video_layout {
            break;
        }
    }
    until_log(
        &player.log,
        "frame_stats ",
        Duration::from_secs(3 * FRAME_STATS_SECS),
    );
    let (cpu2, t2) = (cpu_seconds(pid), Instant::now());
    let reports: Vec<Value> = (0..FRAME_REPORTS).map(|_| frame_report(&player)).collect();
    let video_cpu = (cpu_seconds(pid) - cpu2) / t2.elapsed().as_secs_f64() * 100.0;
    let video_rss = rss_mib(pid);
    drop(player);

    println!("window benchmark ({PROFILE} build; Xvfb 1280x720, software rendering)");
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
    println!(
        "720p H.264 clip + Persian ticker (ticker cap {} fps), {FRAME_REPORTS} × {FRAME_STATS_SECS} s: CPU {video_cpu:.0} %, RSS {video_rss:.0} MiB",
        vitrin_player::render::ticker::FPS
    );
    for report in &reports {
        println!(
            "  frames {} ({:.1} fps): interval p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            report["frames"],
            report["fps"].as_f64().unwrap(),
            report["p50_ms"].as_f64().unwrap(),
            report["p95_ms"].as_f64().unwrap(),
            report["p99_ms"].as_f64().unwrap(),
            report["max_ms"].as_f64().unwrap(),
        );
    }
}
