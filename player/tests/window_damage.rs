//! Damage-limited drawing on the real player: the demo café's board (menu, clock, ticker) in
//! two kiosk windows side by side, one as shipped (only what changed is shaded again, the
//! rest kept from the last frame) and one with `VITRIN_FULL_REDRAW=1` (every frame shaded
//! whole, as eframe draws). The kept parts must be the full redraw's pixels, and the moving
//! ticker must leave no trail behind: a frame that repainted too little shows both. The
//! `screenshot` command, which reads the picture back from the compositor, shows the same
//! board as the X screen.

mod support;

use std::time::Duration;

use support::{
    have, pairing_code, screenshot, shop, start_player_with, start_xvfb, until_event, until_log,
};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
/// The main zone of `main_side_ticker` (the menu): left 70 %, top 90 %.
const MENU: (f32, f32, f32, f32) = (0.0, 0.0, 0.7, 0.9);
/// The ticker's strip, the bottom tenth, inside its edges.
const TICKER: (f32, f32, f32, f32) = (0.0, 0.91, 1.0, 0.08);

#[test]
fn a_damage_limited_board_matches_a_full_redraw_and_its_ticker_leaves_no_trail() {
    if !have("Xvfb", "-help") || !have("import", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "ولیعصر");
    let layout = runtime.block_on(support::cafe_layout(&admin));

    let mut sides = Vec::new();
    for (name, env) in [
        ("kept", &[][..]),
        ("full", &[("VITRIN_FULL_REDRAW", "1")][..]),
    ] {
        let (xvfb, display) = start_xvfb(WIDTH, HEIGHT);
        let player = start_player_with(&server.url(""), &dir.path().join(name), &display, 0, env);
        // Each window says how it draws: the test is only worth something if they differ.
        let ready = until_log(
            &player.log,
            "window compositor ready",
            Duration::from_secs(60),
        );
        let kept = name == "kept";
        assert!(
            ready.contains(&format!("damage_limited={kept}")),
            "{name}: {ready}"
        );
        let code = pairing_code(&player.events);
        let screen = runtime.block_on(admin.pair_screen(&code, store, name, layout));
        until_event(&player.events, "showing");
        sides.push((name, xvfb, display, player, screen));
    }
    // Long enough for the ticker (about 80 px/s at 720 lines) to move well past its own
    // glyphs' width: a trail would cover the strip by then.
    std::thread::sleep(Duration::from_secs(6));
    let artifacts = support::artifacts();
    let shots: Vec<image::RgbImage> = sides
        .iter()
        .map(|(name, _, display, _, _)| {
            let path = artifacts.join(format!("window_damage_{name}.png"));
            screenshot(display, &path).expect("a screenshot")
        })
        .collect();
    let (kept, full) = (&shots[0], &shots[1]);
    // The kept side's ticker moves on (a frame that drew nothing new would freeze it).
    std::thread::sleep(Duration::from_millis(500));
    let later = screenshot(&sides[0].2, &artifacts.join("window_damage_kept_later.png"))
        .expect("a screenshot");
    let moved = 1.0 - same_share(kept, &later, TICKER);
    assert!(moved > 0.01, "the ticker did not move: {moved}");

    // The still menu is the same picture, pixel for pixel (within rounding).
    let same = same_share(kept, full, MENU);
    assert!(same > 0.995, "only {same} of the menu is the full redraw's");

    // The ticker strip: the same background, and about as much text on it. Repainting only
    // where the text is now (not where it was) would smear it over the strip.
    let background = commonest(full, TICKER);
    assert_eq!(commonest(kept, TICKER), background);
    let (ink_kept, ink_full) = (ink(kept, TICKER, background), ink(full, TICKER, background));
    assert!(
        ink_full > 0.01,
        "no ticker text on the full redraw: {ink_full}"
    );
    assert!(
        ink_kept > ink_full * 0.5 && ink_kept < ink_full * 1.6,
        "ticker text covers {ink_kept} of the kept strip, {ink_full} of the full redraw's"
    );

    // The screenshot command of the damage-limited player: the whole board, as on screen.
    let screen = sides[0].4;
    let png = runtime.block_on(async {
        admin
            .create(
                &format!("/api/v1/screens/{screen}/commands"),
                serde_json::json!({"command": "screenshot"}),
            )
            .await;
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let response = admin
                .client
                .get(format!("{}/api/v1/screens/{screen}/screenshot", admin.base))
                .send()
                .await
                .unwrap();
            if response.status() == 200 {
                break response.bytes().await.unwrap();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no screenshot arrived"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let reported = image::load_from_memory(&png).expect("a PNG").to_rgb8();
    reported
        .save(artifacts.join("window_damage_command.png"))
        .unwrap();
    assert_eq!((reported.width(), reported.height()), (WIDTH, HEIGHT));
    let same = same_share(&reported, kept, MENU);
    assert!(
        same > 0.995,
        "only {same} of the reported menu is the screen's"
    );
}

/// The pixels of the fractional rect `(x, y, w, h)`.
fn pixels(shot: &image::RgbImage, (x, y, w, h): (f32, f32, f32, f32)) -> Vec<[u8; 3]> {
    let (sw, sh) = (shot.width() as f32, shot.height() as f32);
    let (x0, y0) = ((x * sw) as u32, (y * sh) as u32);
    let (x1, y1) = (((x + w) * sw) as u32, ((y + h) * sh) as u32);
    (y0..y1)
        .flat_map(|py| (x0..x1).map(move |px| shot.get_pixel(px, py).0))
        .collect()
}

fn same_share(a: &image::RgbImage, b: &image::RgbImage, rect: (f32, f32, f32, f32)) -> f32 {
    let (a, b) = (pixels(a, rect), pixels(b, rect));
    let same = a
        .iter()
        .zip(&b)
        .filter(|(p, q)| p.iter().zip(q.iter()).all(|(x, y)| x.abs_diff(*y) <= 2))
        .count();
    same as f32 / a.len() as f32
}

fn commonest(shot: &image::RgbImage, rect: (f32, f32, f32, f32)) -> [u8; 3] {
    let mut counts = std::collections::HashMap::new();
    for pixel in pixels(shot, rect) {
        *counts.entry(pixel).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .expect("pixels")
        .0
}

/// The share of the rect's pixels clearly not the background.
fn ink(shot: &image::RgbImage, rect: (f32, f32, f32, f32), background: [u8; 3]) -> f32 {
    let all = pixels(shot, rect);
    let inked = all
        .iter()
        .filter(|p| p.iter().zip(background).any(|(x, y)| x.abs_diff(y) > 40))
        .count();
    inked as f32 / all.len() as f32
}
