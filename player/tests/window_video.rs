//! Video through GStreamer: a clip made by videotestsrc at test time plays, loops and delivers
//! changing RGBA frames of the right size; a broken file fails instead of showing black.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::have;
use vitrin_player::render::video::Video;

/// A 320×240 clip of `frames` frames at 30 fps with a moving ball (VP8 in WebM).
fn make_clip(path: &Path, frames: u32) {
    let status = Command::new("gst-launch-1.0")
        .args([
            "-q",
            "videotestsrc",
            &format!("num-buffers={frames}"),
            "pattern=ball",
            "!",
            "video/x-raw,width=320,height=240,framerate=30/1",
            "!",
            "vp8enc",
            "deadline=1",
            "!",
            "webmmux",
            "!",
            "filesink",
        ])
        .arg(format!("location={}", path.display()))
        .status()
        .unwrap();
    assert!(status.success(), "gst-launch-1.0 made no clip");
}

/// Polls `video` until `done` says so (or fails the test after 30 s).
fn until(video: &mut Video, what: &str, mut done: impl FnMut(&Video) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(video) {
        video
            .poll()
            .unwrap_or_else(|e| panic!("video failed while waiting for {what}: {e}"));
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_clip_plays_with_changing_frames_and_loops() {
    if !have("gst-launch-1.0", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("ball.webm");
    // One second: the loop comes round quickly.
    make_clip(&clip, 30);
    let mut video = Video::open(&clip, true, || {}).unwrap();
    until(&mut video, "the first frame", |v| v.newest().is_some());
    let first = video.newest().unwrap();
    assert_eq!((first.width, first.height), (320, 240));
    assert_eq!(first.rgba.len(), 320 * 240 * 4, "rows packed as RGBA");
    assert!(
        first.rgba.chunks(4).any(|p| p[..3] != [0, 0, 0]),
        "not a black frame"
    );

    until(&mut video, "a different picture", |v| {
        v.newest()
            .is_some_and(|f| f.number > first.number && f.rgba != first.rgba)
    });
    // 30 frames a loop: more than 45 frames means the clip started over.
    until(&mut video, "the loop", |v| {
        v.newest().is_some_and(|f| f.number > 45)
    });
}

#[test]
fn a_broken_file_fails() {
    if !have("gst-launch-1.0", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.mp4");
    std::fs::write(
        &broken,
        b"\x00\x00\x00\x18ftypmp42 this is not a movie".repeat(50),
    )
    .unwrap();
    let failure = match Video::open(&broken, true, || {}) {
        Err(reason) => reason,
        Ok(mut video) => {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Err(reason) = video.poll() {
                    break reason;
                }
                assert!(video.newest().is_none(), "a broken file shows no picture");
                assert!(
                    Instant::now() < deadline,
                    "a broken file must fail, not hang"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    };
    assert!(!failure.is_empty());
    eprintln!("broken file: {failure}");
}
