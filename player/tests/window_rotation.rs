//! Rotation follows the screen's setting at runtime. Rotating is the display server's job (see
//! `render::kiosk`): the real binary under Xvfb asks it through `xrandr`, here a stand-in
//! first on `PATH` that writes down what it was asked (Xvfb itself cannot rotate). Changing
//! the screen's orientation on the server turns the output while the player keeps running,
//! in the direction that puts the picture's top where the screen is mounted.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{
    Process, events, have, pairing_code, path_with, player_command, shop, stand_in, start_xvfb,
};

/// Waits until the stand-in `xrandr` was last asked for `args` (or fails after 60 s).
fn until_rotated(log: &Path, args: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let calls = std::fs::read_to_string(log).unwrap_or_default();
        if calls.lines().last() == Some(args) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "xrandr was never asked for {args:?}; calls so far: {calls:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_output_turns_when_the_screens_orientation_changes() {
    if !have("Xvfb", "-help") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let log = stand_in(&bin, "xrandr");
    let path = path_with(&bin);

    let (_xvfb, display) = start_xvfb(640, 360);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Lobby");
    let (store, layout) = runtime.block_on(async {
        let slide = admin
            .create(
                "/api/v1/content",
                json!({"name": "Hours", "type": "text", "title": "ساعت کار ۸ تا ۲۲", "body": ""}),
            )
            .await;
        (
            store,
            admin.fullscreen_layout("Hours", &[slide], 3_600_000).await,
        )
    });

    let child = player_command(&server.url(""), &dir.path().join("player"), &display)
        .env("PATH", path)
        .spawn()
        .unwrap();
    let mut player = Process(child);
    let events = events(&mut player.0);
    let code = pairing_code(&events);
    let settings = |orientation: &str| {
        json!({"store_id": store, "name": "Lobby", "default_layout_id": layout,
               "orientation": orientation})
    };
    let (status, screen) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/screens/pair",
        json!({"code": code, "screen": settings("landscape")}),
    ));
    assert_eq!(status, 200, "{screen}");
    let screen = screen["id"].as_i64().expect("the paired screen's id");
    // The first manifest: mounted as landscape, the output is upright.
    until_rotated(&log, "-o normal");

    // Turned on its side while playing: the top of the picture goes to the right.
    for (orientation, xrandr) in [
        ("portrait", "-o right"),
        ("landscape_flipped", "-o inverted"),
        ("portrait_flipped", "-o left"),
        ("landscape", "-o normal"),
    ] {
        runtime.block_on(admin.put(&format!("/api/v1/screens/{screen}"), settings(orientation)));
        until_rotated(&log, xrandr);
    }
    assert!(
        player.0.try_wait().unwrap().is_none(),
        "the player kept running"
    );
}
