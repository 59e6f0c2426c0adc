//! The browser admin in a real headless Chromium: first-run setup, uploads (the plain form and
//! the script's progress bar), thumbnails, pairing a real headless player by typing its code,
//! and seeing it online on the dashboard; in English and in Persian. Keyboard-only login.
//! Screenshots of the key pages are saved (see `vitrin_tests::browser::artifacts_dir`).

use std::path::Path;

use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Output, Settings};
use vitrin_tests::browser::{Browser, WAIT, keys};
use vitrin_tests::{Admin, TestServer, test_state};

/// The texts the journey looks for, per language.
struct Words {
    lang: &'static str,
    setup: &'static str,
    dashboard: &'static str,
    uploaded: &'static str,
    paired: &'static str,
    online: &'static str,
}

const ENGLISH: Words = Words {
    lang: "en",
    setup: "Set up Vitrin",
    dashboard: "Dashboard",
    uploaded: "was added to the library",
    paired: "is paired",
    online: "online",
};

const PERSIAN: Words = Words {
    lang: "fa",
    setup: "راه‌اندازی ویترین",
    dashboard: "پیشخوان",
    uploaded: "به کتابخانه افزوده شد",
    paired: "جفت شد",
    online: "برخط",
};

/// A headless player engine in this process; returns its pairing code.
async fn start_player(server: &str, data_dir: &Path) -> (tokio::task::JoinHandle<()>, String) {
    let (output, mut events): (Output, UnboundedReceiver<Event>) = Output::channel();
    let settings = Settings {
        server: server.parse().unwrap(),
        ca_file: None,
        data_dir: data_dir.to_path_buf(),
        disk_budget: 1 << 30,
        lookahead: vitrin_player::engine::LOOKAHEAD,
    };
    let engine = Engine::open(settings, Clock::system(), output).unwrap();
    let task = tokio::spawn(async move {
        engine.run().await;
    });
    let code = tokio::time::timeout(WAIT, async {
        loop {
            match events.recv().await.expect("the player runs") {
                Event::PairingCode { code, .. } => return code,
                _ => continue,
            }
        }
    })
    .await
    .expect("the player shows a pairing code");
    // Keep draining events so the engine never blocks on its channel.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    (task, code)
}

fn png_file(dir: &Path, name: &str, w: u32, h: u32) -> String {
    let path = dir.join(name);
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(&path)
    .unwrap();
    path.to_str().unwrap().to_owned()
}

async fn journey(words: Words) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let tag = words.lang;
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&dir.path().join("server")).await)
        .await
        .unwrap();
    let base = server.url("");

    // 1. First-run setup (in Persian: chosen with the language switcher first).
    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.path().await, "/setup");
    if words.lang == "fa" {
        browser.select("#lang-select", "fa").await;
        browser
            .wait_script("return document.documentElement.dir === 'rtl'")
            .await;
    }
    browser.wait_text("h1", words.setup).await;
    let html = browser.run("return document.documentElement.lang").await;
    assert_eq!(html, words.lang);
    browser.screenshot(&format!("{tag}-setup")).await;
    browser.fill("#f-organization", "Café Vitrin").await;
    browser.fill("#f-name", "Owner").await;
    browser.fill("#f-email", "owner@cafe.test").await;
    browser.fill("#f-password", "a long test password").await;
    browser.click("main button[type=submit]").await;
    browser.wait_text("h1", words.dashboard).await;
    assert_eq!(browser.path().await, "/dashboard");

    // 2. An upload through the plain form (as without JavaScript)...
    browser.goto(&format!("{base}/media")).await;
    let plain = png_file(dir.path(), "plain.png", 640, 360);
    browser
        .find("#f-file")
        .await
        .send_keys(&plain)
        .await
        .unwrap();
    browser
        .run("document.querySelector('form[data-upload]').submit()")
        .await;
    browser.wait_text(".flash", words.uploaded).await;
    browser.wait_text(".flash", "plain.png").await;
    // ...and one through the script, whose progress bar shows.
    browser
        .run(
            "const bar = document.querySelector('form[data-upload] progress');
             window.barShown = false;
             new MutationObserver(() => { if (!bar.hidden) window.barShown = true; })
               .observe(bar, {attributes: true});",
        )
        .await;
    let scripted = png_file(dir.path(), "progress.png", 1920, 1080);
    browser
        .find("#f-file")
        .await
        .send_keys(&scripted)
        .await
        .unwrap();
    browser.click("form[data-upload] button[type=submit]").await;
    browser.wait_text(".flash", "progress.png").await;
    assert_eq!(browser.run("return window.barShown").await, true);
    // Both thumbnails are shown.
    browser
        .wait_script(
            "const imgs = [...document.querySelectorAll('img[src$=\"/thumbnail\"]')];
             return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth > 0);",
        )
        .await;
    browser.screenshot(&format!("{tag}-media")).await;

    // 3. A real headless player shows a code; it is typed into the pairing form.
    let (player, code) = start_player(&base, &dir.path().join("player")).await;
    browser.goto(&format!("{base}/screens")).await;
    browser.fill("#f-code", &code).await;
    browser.fill("#f-name", "Counter").await;
    browser.fill("#f-new_store", "Valiasr").await;
    browser.click("#pair button[type=submit]").await;
    browser.wait_text(".flash", words.paired).await;
    browser.wait_text("h1", "Counter").await;
    browser.screenshot(&format!("{tag}-screen")).await;

    // 4. The dashboard shows it online (the live stream updates the page when it comes up).
    browser.goto(&format!("{base}/dashboard")).await;
    browser
        .wait_text("[data-screen] [data-field=status]", words.online)
        .await;
    let status = browser.text("[data-screen] [data-field=status]").await;
    assert_eq!(status, words.online);
    browser.screenshot(&format!("{tag}-dashboard")).await;

    player.abort();
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_upload_pair_and_see_the_screen_online_in_english() {
    journey(ENGLISH).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_upload_pair_and_see_the_screen_online_in_persian() {
    journey(PERSIAN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_works_with_the_keyboard_alone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(dir.path()).await)
        .await
        .unwrap();
    Admin::setup(&server.url("")).await;
    browser.goto(&server.url("/login?next=/media")).await;
    // Tab from the top of the page to the e-mail field: the skip link, the switcher, then it.
    let mut tabs = 0;
    while browser.focused_id().await != "f-email" {
        browser.keys(keys::TAB).await;
        tabs += 1;
        assert!(tabs < 15, "the e-mail field is not reachable with Tab");
    }
    browser.keys("owner@cafe.test").await;
    browser.keys(keys::TAB).await;
    assert_eq!(browser.focused_id().await, "f-password");
    browser.keys("a long test password").await;
    // A visible focus ring: the stylesheet's :focus-visible outline is applied.
    let outline = browser
        .run("return getComputedStyle(document.activeElement).outlineStyle")
        .await;
    assert_eq!(outline, "solid");
    browser.keys(keys::ENTER).await;
    browser.wait_text("h1", "Media library").await;
    assert_eq!(browser.path().await, "/media");
    browser.screenshot("en-keyboard-login").await;
    browser.close().await;
}
