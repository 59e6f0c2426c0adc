//! The real `vitrin-player` binary in its kiosk window under Xvfb, against a real server: it
//! shows a pairing code with a QR code, is paired through the API, and then draws the
//! scheduled layout (a picture, a Persian menu board and a ticker), zone by zone, which a
//! screenshot of the X screen proves. It also tells
//! the (fake) service manager it is ready and alive.

mod support;

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use serde_json::json;
use support::{
    Process, events, have, pairing_code, player_command, rgb, screenshot_until, share, shop,
    solid_png, start_xvfb, until_event,
};
use vitrin_player::render::text::Palette;

const WIDTH: u32 = 1024;
const HEIGHT: u32 = 576;
const ORANGE: [u8; 3] = [240, 130, 20];

#[test]
fn the_kiosk_window_pairs_and_shows_its_layout() {
    if !have("Xvfb", "-help") || !have("import", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(WIDTH, HEIGHT);

    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Valiasr");
    let (store, layout) = runtime.block_on(async {
        let sha = admin.upload("orange.png", solid_png(ORANGE, 640, 360)).await;
        let picture = json!({"name": "Orange", "type": "image", "media": {"sha256": sha}, "fit": "cover"});
        let menu = json!({"name": "Menu", "type": "menu_board", "menu": {
            "title": "منوی کافه",
            "categories": [{"name": "نوشیدنی گرم", "items": [
                {"name": "چای", "price": 45000},
                {"name": "Espresso دوبل", "price": 85000},
                {"name": "کاپوچینو", "price": 95000, "sold_out": true}]}]}});
        let ticker = json!({"name": "News", "type": "ticker", "source": "static",
            "lines": ["به ویترین خوش آمدید — 20٪ تخفیف"]});
        let mut playlists = Vec::new();
        for item in [picture, menu, ticker] {
            let name = item["name"].clone();
            let content = admin.create("/api/v1/content", item).await;
            let playlist = admin
                .create(
                    "/api/v1/playlists",
                    json!({"name": name, "entries": [{"content": content, "duration_ms": 3_600_000}]}),
                )
                .await;
            playlists.push(playlist);
        }
        let layout = admin
            .create(
                "/api/v1/layouts",
                json!({"name": "Counter", "template": "main_side_ticker", "zones": [
                    {"zone": "main", "playlist": playlists[0]},
                    {"zone": "side", "playlist": playlists[1]},
                    {"zone": "ticker", "playlist": playlists[2]}]}),
            )
            .await;
        (store, layout)
    });

    let notify_path = dir.path().join("notify");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let child = player_command(&server.url(""), &dir.path().join("player"), &display)
        .env("NOTIFY_SOCKET", &notify_path)
        .spawn()
        .unwrap();
    let mut player = Process(child);
    let events = events(&mut player.0);

    // The UI loop tells the service manager it is ready, and keeps pinging the watchdog.
    let mut buf = [0u8; 128];
    let n = notify.recv(&mut buf).expect("READY=1 from the window");
    let first = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        first.contains("READY=1") && first.contains("WATCHDOG=1"),
        "{first:?}"
    );

    let code = pairing_code(&events);
    // The pairing screen: a QR code (pure black and white modules) on the right half.
    screenshot_until(&display, "window_smoke_pairing.png", |shot| {
        share(shot, (0.6, 0.1, 0.35, 0.8), [255, 255, 255]) > 0.2
            && share(shot, (0.6, 0.1, 0.35, 0.8), [0, 0, 0]) > 0.1
    });

    let (status, screen) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/screens/pair",
        json!({"code": code, "screen": {"store_id": store, "name": "Counter", "default_layout_id": layout}}),
    ));
    assert_eq!(status, 200, "{screen}");
    until_event(&events, "paired");
    let showing = until_event(&events, "showing");
    assert_eq!(showing["main"]["layout"], layout, "{showing}");

    // Kiosk: the window covers the whole X screen (there is no window manager). The main
    // zone (left 70 %, top 90 %) shows the orange picture; the side zone (right 30 %) the
    // menu board: its background, its title in the accent colour and its items in light text.
    let side = (0.72, 0.02, 0.26, 0.86);
    let shot = screenshot_until(&display, "window_smoke.png", |shot| {
        share(shot, (0.02, 0.02, 0.66, 0.86), ORANGE) > 0.95
            && share(shot, side, rgb(Palette::default().background)) > 0.5
            && share(shot, side, rgb(Palette::default().accent)) > 0.002
            && share(shot, side, rgb(Palette::default().text)) > 0.002
            // The ticker strip (bottom 10 %) scrolls its light text in.
            && share(shot, (0.0, 0.91, 1.0, 0.08), rgb(Palette::default().text)) > 0.001
    });
    assert_eq!((shot.width(), shot.height()), (WIDTH, HEIGHT));
    assert!(
        share(&shot, (0.0, 0.0, 1.0, 1.0), [0, 0, 0]) < 0.01,
        "no black on screen"
    );

    // An emergency pre-empts everything at once (pushed ahead of its manifest), and the
    // layout comes back when it is withdrawn.
    let (status, emergency) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/emergencies",
        json!({"text": "لطفاً ساختمان را ترک کنید — Exit 2", "scope": {"stores": [store]}}),
    ));
    assert_eq!(status, 201, "{emergency}");
    let red = rgb(vitrin_player::render::emergency::FIELD);
    screenshot_until(&display, "window_smoke_emergency.png", |shot| {
        share(shot, (0.0, 0.0, 1.0, 1.0), red) > 0.6
            && share(shot, (0.1, 0.2, 0.8, 0.6), [255, 255, 255]) > 0.005
    });
    let rule = emergency["rule_id"].as_i64().unwrap();
    let (status, body) = runtime.block_on(admin.send(
        reqwest::Method::DELETE,
        &format!("/api/v1/emergencies/{rule}"),
        json!({}),
    ));
    assert!(status < 300, "{status} {body}");
    screenshot_until(&display, "window_smoke_after.png", |shot| {
        share(shot, (0.02, 0.02, 0.66, 0.86), ORANGE) > 0.95
    });

    // Still alive: watchdog pings keep coming from the UI loop.
    let n = notify.recv(&mut buf).expect("a later watchdog ping");
    assert!(String::from_utf8_lossy(&buf[..n]).contains("WATCHDOG=1"));
}
