//! The brand kit from the browser, in a real headless Chromium: the owner opens /brand, sees
//! the browser player's preview of a menu drawn with the saved kit, changes the background
//! colour and the typeface and sees the preview (the same renderer as the screens) redraw
//! with them, is warned when a text colour is unreadable on the background, saves, and finds
//! everything again after a reload. The page is photographed in English and Persian.

use std::time::Duration;

use image::RgbImage;
use serde_json::{Value, json};
use vitrin_tests::browser::{Browser, artifacts_dir};
use vitrin_tests::{Admin, TestServer, get_json, test_state};

/// The preview player's state inside the page's frame, `null` until it runs.
const FRAME_STATE: &str = "const f = document.getElementById('brand-preview'); \
     const w = f && f.contentWindow; \
     return w && w.vitrinState ? w.vitrinState() : null;";

/// Waits until the frame shows `src_part` and its player draws a menu.
async fn wait_preview(b: &Browser, src_part: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        // The frame's document, not its attribute: the old one plays until the new one loads.
        let src = b
            .run(
                "const w = document.getElementById('brand-preview').contentWindow; \
                 try { return w.location.href; } catch (e) { return null; }",
            )
            .await;
        let state = b.run(FRAME_STATE).await;
        let first_frame = b
            .run(
                "const w = document.getElementById('brand-preview').contentWindow; \
                 return !!w && typeof w.vitrinFirstFrameMs === 'number';",
            )
            .await;
        if src.as_str().is_some_and(|s| s.contains(src_part))
            && state["mode"] == "playing"
            && state["showing"]["main"]["zones"]["main"].is_number()
            && first_frame == json!(true)
        {
            // A few frames for the text textures.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            return;
        }
        if tokio::time::Instant::now() > deadline {
            b.screenshot("brand-preview-failed").await;
            panic!("the preview never showed {src_part}: src {src}, state {state}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The preview frame's pixels, cut from a screenshot of the page.
async fn preview_pixels(b: &Browser, name: &str) -> RgbImage {
    let rect = b
        .run(
            "const r = document.getElementById('brand-preview').getBoundingClientRect(); \
             const d = devicePixelRatio; \
             return [r.left * d, r.top * d, r.width * d, r.height * d].map(Math.round);",
        )
        .await;
    let n = |i: usize| rect[i].as_u64().unwrap() as u32;
    let shot = image::open(b.screenshot(name).await).unwrap().to_rgb8();
    let (x, y) = (n(0), n(1));
    let w = n(2).min(shot.width() - x);
    let h = n(3).min(shot.height() - y);
    assert!(w > 100 && h > 100, "the preview is on the page: {rect}");
    image::imageops::crop_imm(&shot, x, y, w, h).to_image()
}

/// The share of pixels within a few levels of `colour`.
fn share_of(image: &RgbImage, colour: [u8; 3]) -> f64 {
    let near = image
        .pixels()
        .filter(|p| (0..3).all(|i| (i32::from(p.0[i]) - i32::from(colour[i])).abs() <= 10))
        .count();
    near as f64 / image.pixels().len() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_edits_the_brand_kit_and_sees_the_players_preview_follow() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let _admin = Admin::setup(&base).await;
    b.viewport(1280, 900).await;
    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;

    b.goto(&format!("{base}/brand")).await;
    b.wait_text("main h1", "Brand kit").await;
    // The built-in kit: the preview's background is its dark #161a22.
    wait_preview(&b, "background=%23161a22").await;
    let before = preview_pixels(&b, "brand-en-preview-default").await;
    assert!(
        share_of(&before, [0x16, 0x1a, 0x22]) > 0.3,
        "the default background fills the preview ({} of it); artifacts in {}",
        share_of(&before, [0x16, 0x1a, 0x22]),
        artifacts_dir().display()
    );

    // A green background, typed as hex: the picker follows, the preview redraws in green.
    b.fill("#f-background", "#1e5631").await;
    assert_eq!(
        b.run("return document.getElementById('f-background-picker').value;")
            .await,
        json!("#1e5631")
    );
    wait_preview(&b, "background=%231e5631").await;
    let green = preview_pixels(&b, "brand-en-preview-green").await;
    assert!(
        share_of(&green, [0x1e, 0x56, 0x31]) > 0.3,
        "the new background fills the preview ({})",
        share_of(&green, [0x1e, 0x56, 0x31])
    );
    assert!(share_of(&green, [0x16, 0x1a, 0x22]) < 0.05);

    // Another typeface: the same colours, other letters.
    b.click("#f-typeface-parastoo").await;
    wait_preview(&b, "typeface=parastoo").await;
    let parastoo = preview_pixels(&b, "brand-en-preview-parastoo").await;
    let differ = green
        .pixels()
        .zip(parastoo.pixels())
        .filter(|(a, b)| a.0 != b.0)
        .count();
    assert!(
        differ > 2000,
        "the letters change with the typeface: {differ} pixels differ"
    );

    // Text nearly the colour of the background: warned about at once, next to the colour.
    assert_eq!(b.text("#w-text").await, "");
    b.fill("#f-text", "#2a6a40").await;
    b.wait_text("#w-text li", "Hard to read on the Background colour")
        .await;
    b.screenshot("brand-en-warning").await;

    // Saved, and kept across a reload.
    b.click("#brand-form button.primary").await;
    b.wait_text(".flash", "Brand kit saved.").await;
    b.goto(&format!("{base}/brand")).await;
    b.wait_text("main h1", "Brand kit").await;
    let kept = b
        .run(
            "return [document.getElementById('f-background').value, \
                     document.getElementById('f-text').value, \
                     document.getElementById('f-typeface-parastoo').checked, \
                     document.getElementById('w-text').textContent.length > 0];",
        )
        .await;
    assert_eq!(kept, json!(["#1e5631", "#2a6a40", true, true]));
    let saved = get_json(&_admin.client, &format!("{base}/api/v1/brand")).await;
    assert_eq!(saved["own"]["background"], "#1e5631", "{saved}");
    assert_eq!(saved["own"]["typeface"], "parastoo");
    assert!(
        saved["contrast_warnings"]
            .as_array()
            .is_some_and(|w| !w.is_empty())
    );
    // A readable text colour again, for the photographs.
    b.fill("#f-text", "#fdf6e3").await;
    b.wait_script("return document.getElementById('w-text').children.length === 0")
        .await;
    b.click("#brand-form button.primary").await;
    b.wait_text(".flash", "Brand kit saved.").await;
    wait_preview(&b, "text=%23fdf6e3").await;
    // The samples are drawn in their own faces (the admin serves the player's font files).
    b.wait_script(
        "return document.fonts.check('20px Sahel', 'منو') \
            && document.fonts.check('20px Parastoo', 'منو') \
            && [...document.fonts].some(f => f.family.includes('Parastoo') && f.status === 'loaded');",
    )
    .await;
    b.screenshot("brand-en").await;

    // In Persian.
    b.select("#lang-select", "fa").await;
    b.wait_script("return document.documentElement.lang === 'fa'")
        .await;
    b.goto(&format!("{base}/brand")).await;
    b.wait_text("main h1", "هویت بصری").await;
    wait_preview(&b, "background=%231e5631").await;
    let page: Value = b
        .run("return document.querySelector('.faces .sample').textContent;")
        .await;
    assert_eq!(page, json!("منوی امروز · Today's menu ۱۲۳"));
    b.screenshot("brand-fa").await;
    b.viewport(390, 844).await;
    b.screenshot("brand-fa-phone").await;
    b.close().await;
}
