//! The real `vitrin-player` binary in its kiosk window under Xvfb showing each menu design in
//! Persian and English, then the organization's brand kit: every look is photographed
//! (`target/test-artifacts/window_theme_*.png`) and checked by its colours, and each change
//! arrives by push from an edit in the admin API.

mod support;

use serde_json::{Value, json};
use support::{
    Process, events, have, pairing_code, player_command, rgb, screenshot_until, share, shop,
    solid_png, start_xvfb, until_event,
};
use vitrin_player::render::text::Palette;

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
/// The featured item's photo.
const ORANGE: [u8; 3] = [240, 130, 20];
/// The brand kit's background: a light cream, far from the default dark slate.
const CREAM: [u8; 3] = [0xf7, 0xf1, 0xe3];

/// A café menu in `lang` with sizes, badges, calories, a sold-out item and a featured item
/// with a photo, in `theme`.
fn menu(theme: &str, lang: &str, photo: &str) -> Value {
    let fa = lang == "fa";
    let t = |fa_text: &str, en_text: &str| {
        if fa {
            fa_text.to_owned()
        } else {
            en_text.to_owned()
        }
    };
    let sizes = |small: i64, large: i64| json!([{"name": t("کوچک", "Small"), "price": small}, {"name": t("بزرگ", "Large"), "price": large}]);
    json!({"name": "Menu", "type": "menu_board", "menu": {
        "title": t("کافه ویترین", "Vitrin Café"), "theme": theme, "categories": [
            {"name": t("قهوه", "Coffee"), "items": [
                {"name": t("لاته", "Latte"), "price": 85000, "variants": sizes(85000, 110000),
                 "badges": ["new"], "calories": 190, "featured": true,
                 "image": {"sha256": photo}},
                {"name": t("کاپوچینو", "Cappuccino"), "price": 80000, "variants": sizes(80000, 105000)},
                {"name": t("اسپرسو", "Espresso"), "price": 60000, "sold_out": true}]},
            {"name": t("کیک", "Cakes"), "items": [
                {"name": t("چیزکیک", "Cheesecake"), "price": 140000, "badges": ["chefs_pick"], "calories": 410},
                {"name": t("کیک هویج", "Carrot cake"), "price": 120000, "badges": ["vegetarian"]}]}]}})
}

#[test]
fn each_menu_design_and_the_brand_kit_show_on_the_real_player() {
    if !have("Xvfb", "-help") || !have("import", "-version") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(WIDTH, HEIGHT);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Valiasr");
    let (photo, content, layout) = runtime.block_on(async {
        let photo = admin.upload("latte.png", solid_png(ORANGE, 480, 480)).await;
        let content = admin
            .create("/api/v1/content", menu("list", "fa", &photo))
            .await;
        let playlist = admin
            .create(
                "/api/v1/playlists",
                json!({"name": "Menu", "entries": [{"content": content, "duration_ms": 3_600_000}]}),
            )
            .await;
        let layout = admin
            .create(
                "/api/v1/layouts",
                json!({"name": "Board", "template": "fullscreen",
                       "zones": [{"zone": "main", "playlist": playlist}]}),
            )
            .await;
        (photo, content, layout)
    });

    let mut player = Process(
        player_command(&server.url(""), &dir.path().join("player"), &display)
            .spawn()
            .unwrap(),
    );
    let events = events(&mut player.0);
    let code = pairing_code(&events);
    let (status, screen) = runtime.block_on(admin.send(
        reqwest::Method::POST,
        "/api/v1/screens/pair",
        json!({"code": code, "screen": {"store_id": store, "name": "Board", "default_layout_id": layout}}),
    ));
    assert_eq!(status, 200, "{screen}");
    until_event(&events, "paired");

    let palette = Palette::default();
    let whole = (0.0, 0.0, 1.0, 1.0);
    let mut previous: Option<image::RgbImage> = None;
    for theme in ["list", "cards", "hero"] {
        for lang in ["fa", "en"] {
            let (status, answer) = runtime.block_on(admin.send(
                reqwest::Method::PUT,
                &format!("/api/v1/content/{content}"),
                menu(theme, lang, &photo),
            ));
            assert_eq!(status, 200, "{answer}");
            let before = previous.take();
            let shot = screenshot_until(
                &display,
                &format!("window_theme_{theme}_{lang}.png"),
                |shot| {
                    let changed = before.as_ref().is_none_or(|b| differing(b, shot) > 0.02);
                    let board = share(shot, whole, rgb(palette.background)) > 0.2
                        && share(shot, whole, rgb(palette.text)) > 0.001
                        && share(shot, whole, rgb(palette.accent)) > 0.001;
                    // The photo is small in a list, a card's top in cards, large in the hero.
                    let photo = share(shot, whole, ORANGE);
                    let looks = match theme {
                        "hero" => photo > 0.08,
                        "cards" => photo > 0.01 && share(shot, whole, rgb(palette.band)) > 0.1,
                        _ => photo < 0.08,
                    };
                    eprintln!(
                        "{theme} {lang}: changed {changed}, board {board}, photo {photo:.3}, band {:.3}, text {:.4}, accent {:.4}",
                        share(shot, whole, rgb(palette.band)),
                        share(shot, whole, rgb(palette.text)),
                        share(shot, whole, rgb(palette.accent))
                    );
                    changed && board && looks
                },
            );
            previous = Some(shot);
        }
    }

    // The organization's brand kit: a cream background and the Naskh typeface, pushed to the
    // screen like any change.
    let (status, kit) = runtime.block_on(admin.send(
        reqwest::Method::PUT,
        "/api/v1/brand",
        json!({"background": "#f7f1e3", "surface": "#ebe1c8", "text": "#2b2118",
               "muted": "#6b5a48", "accent": "#9c3d1c", "typeface": "parastoo"}),
    ));
    assert_eq!(status, 200, "{kit}");
    screenshot_until(&display, "window_theme_brand_kit.png", |shot| {
        share(shot, whole, CREAM) > 0.4 && share(shot, whole, [0x2b, 0x21, 0x18]) > 0.002
    });
}

/// The share of pixels that differ between two screenshots of the same size.
fn differing(a: &image::RgbImage, b: &image::RgbImage) -> f32 {
    let differ = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| !support::near(p, q.0))
        .count();
    differ as f32 / (a.width() * a.height()).max(1) as f32
}
