//! The real `vitrin-player` binary under Xvfb against a real server plays a video zone: a clip
//! made at test time (a white square moving over blue, VP8 in WebM) is uploaded, scheduled and
//! paired, and screenshots of the X screen show the clip's picture (through GStreamer) with
//! the square in a different place from one shot to the next: frames advance, and keep
//! advancing after the clip loops.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::json;
use support::{
    Process, events, have, pairing_code, player_command, screenshot_until, share, shop, start_xvfb,
    until_event,
};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;
/// The clip's background.
const BLUE: [u8; 3] = [0x1e, 0x78, 0xdc];
const WHITE: [u8; 3] = [255, 255, 255];
/// Where the 4:3 clip lands, letterboxed in the 16:9 screen: its middle part.
const PICTURE: (f32, f32, f32, f32) = (0.2, 0.05, 0.6, 0.9);

/// A 320×240 WebM (VP8) of one second at 30 fps: a white square crosses the blue picture,
/// moving every frame. (ffmpeg makes it: the server's upload probe refuses GStreamer's own
/// WebM muxing, 415, while it takes ffmpeg's; `window_video` plays videotestsrc clips.)
fn make_clip(path: &Path) {
    let status = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg("color=c=0x1e78dc:s=320x240:r=30:d=1")
        .args(["-f", "lavfi", "-i", "color=c=white:s=48x48:r=30:d=1"])
        .args(["-filter_complex", "[0][1]overlay=x='16+t*240':y=96"])
        .args(["-c:v", "libvpx", "-b:v", "400k"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg made no clip");
}

/// How many sampled pixels of the picture differ clearly between two screenshots.
fn changed(a: &image::RgbImage, b: &image::RgbImage) -> usize {
    let (x, y, w, h) = PICTURE;
    let (sw, sh) = (a.width() as f32, a.height() as f32);
    let xs = (x * sw) as u32..((x + w) * sw) as u32;
    let ys = (y * sh) as u32..((y + h) * sh) as u32;
    ys.step_by(2)
        .flat_map(|py| xs.clone().step_by(2).map(move |px| (px, py)))
        .filter(|&(px, py)| {
            let (p, q) = (a.get_pixel(px, py), b.get_pixel(px, py));
            p.0.iter().zip(q.0).any(|(u, v)| u.abs_diff(v) > 60)
        })
        .count()
}

/// The clip is on screen: mostly its blue, with some of the white square.
fn shows_the_clip(shot: &image::RgbImage) -> bool {
    share(shot, PICTURE, BLUE) > 0.6 && share(shot, PICTURE, WHITE) > 0.002
}

#[test]
fn a_video_zone_plays_in_the_kiosk_window() {
    if !have("Xvfb", "-help") || !have("import", "-version") || !have("ffmpeg", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("square.webm");
    make_clip(&clip);
    let (_xvfb, display) = start_xvfb(WIDTH, HEIGHT);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Lobby");
    let (store, layout) = runtime.block_on(async {
        let sha = admin
            .upload("square.webm", std::fs::read(&clip).unwrap())
            .await;
        let video = admin
            .create(
                "/api/v1/content",
                json!({"name": "Square", "type": "video", "media": {"sha256": sha}}),
            )
            .await;
        (
            store,
            admin.fullscreen_layout("Square", &[video], 3_600_000).await,
        )
    });

    let child = player_command(&server.url(""), &dir.path().join("player"), &display)
        .spawn()
        .unwrap();
    let mut player = Process(child);
    let events = events(&mut player.0);
    let code = pairing_code(&events);
    let (status, screen) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/screens/pair",
        json!({"code": code, "screen": {"store_id": store, "name": "Lobby", "default_layout_id": layout}}),
    ));
    assert_eq!(status, 200, "{screen}");
    let showing = until_event(&events, "showing");
    assert_eq!(showing["main"]["layout"], layout, "{showing}");

    // The clip's picture is on screen...
    let mut shot = screenshot_until(&display, "window_video_zone.png", shows_the_clip);
    // ...and moves: each next shot shows the square elsewhere (a frozen or black video never
    // does). Five changes take several seconds at one shot per 300 ms: the one-second clip
    // loops on the way.
    let threshold = ((WIDTH * HEIGHT) as f32 * PICTURE.2 * PICTURE.3 / 4.0 * 0.002) as usize;
    for step in 0..5 {
        let before = shot;
        shot = screenshot_until(&display, &format!("window_video_zone_{step}.png"), |s| {
            shows_the_clip(s) && changed(&before, s) > threshold
        });
    }
}
