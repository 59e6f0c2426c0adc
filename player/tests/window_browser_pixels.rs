//! Same pixels: the same Persian menu board drawn by the native player (its kiosk window under
//! Xvfb) and by the browser player (`/play/` in headless Chromium, WebGL2 on SwiftShader) at
//! the same size must differ in only a small share of pixels. Both go through the same
//! renderers, cosmic-text and bundled fonts; what may differ is the GPU path (wgpu on
//! llvmpipe against WebGL2 on SwiftShader) at glyph edges. The two screenshots and a map of
//! the differing pixels are kept as test artifacts.

mod support;

use serde_json::{Value, json};
use support::{
    Process, artifacts, events, have, pairing_code, player_command, screenshot_until, share, shop,
    start_xvfb, until_event,
};
use vitrin_player::render::text::Palette;
use vitrin_tests::browser::{Browser, PLAYER_ARGS};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
/// A pixel differs when a channel is off by more than this (antialiasing noise is below it).
const TOLERANCE: u8 = 24;
/// The largest share of differing pixels accepted.
const MAX_DIFFERENT: f64 = 0.005;

fn background() -> [u8; 3] {
    let c = Palette::default().background;
    [c.r(), c.g(), c.b()]
}

#[test]
fn the_browser_player_draws_the_persian_menu_like_the_native_player() {
    if !have("Xvfb", "-help") || !have("import", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(WIDTH, HEIGHT);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "ولیعصر");
    let layout = runtime.block_on(async {
        let menu = support::breakfast_menu();
        let content = admin.create("/api/v1/content", menu).await;
        admin.fullscreen_layout("Menu", &[content], 3_600_000).await
    });
    let pair = |code: &str, name: &str| {
        let (status, screen) = runtime.block_on(admin.send(
            reqwest::Method::POST,
            "/api/v1/screens/pair",
            json!({"code": code, "screen": {"store_id": store, "name": name,
                   "default_layout_id": layout}}),
        ));
        assert_eq!(status, 200, "{screen}");
    };

    // The native player, fullscreen on the 1280×720 X screen.
    let mut native = Process(
        player_command(&server.url(""), &dir.path().join("player"), &display)
            .spawn()
            .unwrap(),
    );
    let native_events = events(&mut native.0);
    pair(&pairing_code(&native_events), "Native");
    let showing = until_event(&native_events, "showing");
    assert_eq!(showing["main"]["layout"], layout, "{showing}");
    let native_shot = screenshot_until(&display, "pixels-native.png", |shot| {
        // The menu: the slate with text on it, and no longer the pairing screen's white QR.
        let slate = share(shot, (0.0, 0.0, 1.0, 1.0), background());
        let qr = share(shot, (0.6, 0.2, 0.35, 0.6), [255, 255, 255]);
        slate > 0.5 && slate < 0.97 && qr < 0.05
    });

    // The browser player, its page 1280×720 CSS pixels.
    let Some(b) = runtime.block_on(Browser::start_with(&PLAYER_ARGS)) else {
        return;
    };
    let code = runtime.block_on(async {
        b.viewport(WIDTH, HEIGHT).await;
        b.goto(&server.url("/play/")).await;
        b.wait_player("a pairing code", |s: &Value| {
            s["code"].as_str().map(str::to_owned)
        })
        .await
    });
    pair(&code, "Browser");
    let browser_shot = runtime.block_on(async {
        b.wait_player("the menu", |s: &Value| {
            (s["showing"]["main"]["layout"] == layout && s["online"] == true).then_some(())
        })
        .await;
        b.wait_script("return typeof window.vitrinFirstFrameMs === 'number';")
            .await;
        // Textures upload on the frame after the first; give the page a few frames.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let path = b.screenshot("pixels-browser").await;
        b.close().await;
        image::open(path).unwrap().to_rgb8()
    });
    drop(native);

    assert_eq!(
        browser_shot.dimensions(),
        native_shot.dimensions(),
        "both screens are {WIDTH}×{HEIGHT}"
    );
    let mut diff = image::RgbImage::new(WIDTH, HEIGHT);
    let (mut different, mut touched, mut worst) = (0u64, 0u64, 0u8);
    for (x, y, native) in native_shot.enumerate_pixels() {
        let browser = browser_shot.get_pixel(x, y);
        let off = native
            .0
            .iter()
            .zip(browser.0)
            .map(|(a, b)| a.abs_diff(b))
            .max()
            .unwrap_or(0);
        touched += u64::from(off > 8);
        worst = worst.max(off);
        if off > TOLERANCE {
            different += 1;
            diff.put_pixel(x, y, image::Rgb([255, 0, 255]));
        } else {
            let grey = (native.0.iter().map(|&c| u32::from(c)).sum::<u32>() / 12) as u8;
            diff.put_pixel(x, y, image::Rgb([grey, grey, grey]));
        }
    }
    let path = artifacts().join("pixels-difference.png");
    diff.save(&path).unwrap();
    let share = different as f64 / f64::from(WIDTH * HEIGHT);
    println!(
        "native vs browser: {:.3} % of pixels differ by more than {TOLERANCE}, {:.3} % by \
         more than 8, at most by {worst} (map: {})",
        share * 100.0,
        touched as f64 / f64::from(WIDTH * HEIGHT) * 100.0,
        path.display()
    );
    assert!(
        share < MAX_DIFFERENT,
        "{:.2} % of the pixels differ; see {}",
        share * 100.0,
        path.display()
    );
}
