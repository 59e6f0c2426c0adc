//! The browser player (`/play/`, the wasm build of the player's engine and renderers) in a
//! real headless Chromium with WebGL2 on SwiftShader, against a real server process with the
//! demo café: it pairs by the code it shows, plays the daypart the schedule says, follows a
//! publish through the push stream, and after the server is gone a reload of the page still
//! plays the right daypart from the service worker's app cache and the Cache Storage.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vitrin_server::demo;
use vitrin_tests::browser::{Browser, PLAYER_ARGS, WAIT, artifacts_dir};
use vitrin_tests::{ServerProcess, free_addr, get_json, signed_in};

const SERVER: &str = env!("CARGO_BIN_EXE_vitrin-test-server");
/// The tests here take turns: each drives a Chromium drawing with SwiftShader on the CPU, and
/// two at once on two cores would measure each other.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The main layer's layout id.
fn main_layout(s: &Value) -> Option<i64> {
    s["showing"]["main"]["layout"].as_i64()
}

/// Ids of the demo's layouts by name.
async fn layout_id(client: &reqwest::Client, base: &str, name: &str) -> i64 {
    let layouts = get_json(client, &format!("{base}/api/v1/layouts")).await;
    layouts
        .as_array()
        .or_else(|| layouts["items"].as_array())
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .and_then(|l| l["id"].as_i64())
        .unwrap_or_else(|| panic!("no layout {name}: {layouts}"))
}

/// Today at `hh:mm` in Tehran (the demo store's zone), as RFC 3339.
fn tehran_today(hh: i8, mm: i8) -> String {
    let now = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Asia/Tehran").unwrap());
    now.date()
        .at(hh, mm, 0, 0)
        .to_zoned(now.time_zone().clone())
        .unwrap()
        .timestamp()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_pairs_plays_the_demo_cafe_follows_a_publish_and_survives_the_server() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(b) = Browser::start_with(&PLAYER_ARGS).await else {
        return;
    };
    b.viewport(1280, 720).await;
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let server = ServerProcess::start_with(SERVER, data.path(), addr, &["--demo"]).await;
    let base = server.url("");
    let admin = signed_in(&base, demo::OWNER_EMAIL, demo::OWNER_PASSWORD).await;

    // Breakfast time in Tehran by the player's test clock.
    let breakfast_at = tehran_today(8, 0);
    b.goto(&server.url(&format!("/play?clock={breakfast_at}")))
        .await;
    assert!(
        b.path().await.starts_with("/play/?clock="),
        "/play moves to /play/ with its query: {}",
        b.path().await
    );
    let code = b
        .wait_player("a pairing code", |s| {
            (s["mode"] == "pairing").then(|| s["code"].as_str().map(str::to_owned))?
        })
        .await;
    b.screenshot("browser-player-pairing").await;

    // The demo's counter screen takes this browser as its player.
    let screens = get_json(&admin, &format!("{base}/api/v1/screens")).await;
    let screens = screens
        .as_array()
        .or_else(|| screens["items"].as_array())
        .unwrap();
    let counter = screens
        .iter()
        .find(|s| s["name"] == "پیشخوان · Counter")
        .and_then(|s| s["id"].as_i64())
        .unwrap_or_else(|| panic!("no counter screen: {screens:?}"));
    let response = admin
        .post(format!("{base}/api/v1/screens/pair"))
        .json(&json!({"code": code, "screen_id": counter}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let breakfast = layout_id(&admin, &base, "Breakfast").await;
    let lunch = layout_id(&admin, &base, "Lunch").await;
    let dinner = layout_id(&admin, &base, "Dinner").await;
    let shown = b
        .wait_player("the breakfast layout", |s| {
            (main_layout(s) == Some(breakfast) && s["online"] == true).then(|| s.clone())
        })
        .await;
    assert!(
        shown["showing"]["main"]["zones"]["ticker"].is_i64(),
        "the ticker zone plays: {shown}"
    );
    assert_eq!(
        shown["persistent_media"], true,
        "media go to the Cache Storage"
    );
    // Every blob is stored (the promo picture), and the browser reports its quota.
    let stored = b
        .wait_player("a storage estimate", |s| {
            s["storage"].as_array().map(|a| a[1].as_u64().unwrap_or(0))
        })
        .await;
    assert!(stored > 0, "the browser reports a storage quota");
    b.wait_script("return typeof window.vitrinFirstFrameMs === 'number';")
        .await;
    b.screenshot("browser-player-breakfast").await;

    // The admin sees a browser player.
    let screen = get_json(&admin, &format!("{base}/api/v1/screens/{counter}")).await;
    let deadline = Instant::now() + WAIT;
    let mut screen = screen;
    while !screen["status"]["platform"]
        .as_str()
        .is_some_and(|p| p.starts_with("browser "))
    {
        assert!(Instant::now() < deadline, "no browser heartbeat: {screen}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        screen = get_json(&admin, &format!("{base}/api/v1/screens/{counter}")).await;
    }

    let page = admin
        .get(format!("{base}/screens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Browser player · Chrome") || page.contains("پخش‌کننده مرورگر · Chrome"),
        "the screens page names the browser player"
    );

    // A publish: the breakfast daypart now shows the lunch layout. The push stream brings
    // it (the poll would take a minute).
    let rules = get_json(&admin, &format!("{base}/api/v1/rules")).await;
    let rules = rules
        .as_array()
        .or_else(|| rules["items"].as_array())
        .unwrap();
    let mut rule = rules
        .iter()
        .find(|r| r["name"] == "Breakfast 07–11")
        .cloned()
        .unwrap_or_else(|| panic!("no breakfast rule: {rules:?}"));
    let rule_id = rule["id"].as_i64().unwrap();
    rule["target"]["id"] = json!(lunch);
    // Timed by the page's own clock: from just before the publish to the moment the engine
    // changed what shows (the test's polling through WebDriver adds its own delay).
    let before = b.run("return performance.now();").await.as_f64().unwrap();
    let put = Instant::now();
    let response = admin
        .put(format!("{base}/api/v1/rules/{rule_id}"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    let put_ms = put.elapsed().as_millis();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let published = Instant::now();
    b.wait_player("the published lunch layout", |s| {
        (main_layout(s) == Some(lunch)).then_some(())
    })
    .await;
    let changed = b
        .run("return window.vitrinShowingChangedMs;")
        .await
        .as_f64()
        .unwrap();
    let switched = changed - before;
    let phase = |name: &str| {
        let name = name.to_owned();
        let b = &b;
        async move {
            b.run(&format!("return window.{name};"))
                .await
                .as_f64()
                .map_or(f64::NAN, |t| t - before)
        }
    };
    println!(
        "publish to browser screen: {switched:.0} ms by the page's clock ({} ms seen by the \
         test); the server answered the PUT after {put_ms} ms, the push arrived at {:.0} ms, \
         the manifest at {:.0} ms",
        published.elapsed().as_millis(),
        phase("vitrinPushedMs").await,
        phase("vitrinManifestFetchedMs").await,
    );
    // The second the issue asks for, on SwiftShader sharing two cores with the (debug)
    // server. Measured 45–290 ms here while other builds ran (BENCHMARKS.md); it was 0.5–1.2 s
    // while the sync asked the Cache Storage about every blob of the manifest one by one.
    assert!(
        switched < 1000.0,
        "a publish reaches the browser screen by push within a second: {switched:.0} ms"
    );

    // Proof of play reaches the server.
    let deadline = Instant::now() + WAIT;
    loop {
        let plays = get_json(
            &admin,
            &format!("{base}/api/v1/reports/plays?screen={counter}"),
        )
        .await;
        if plays["total_plays"].as_i64().unwrap_or(0) > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no proof of play from the browser: {plays}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // The server goes away for good; the page is reloaded at dinner time.
    // The service worker controls the page: the app cache is in place.
    b.wait_script("return !!navigator.serviceWorker.controller;")
        .await;
    drop(server);
    let dinner_at = tehran_today(19, 0);
    b.goto(&format!("http://{addr}/play/?clock={dinner_at}"))
        .await;
    let offline = b
        .wait_player("dinner from the stored manifest", |s| {
            (main_layout(s) == Some(dinner)).then(|| s.clone())
        })
        .await;
    assert_eq!(offline["online"], false, "{offline}");
    b.wait_script("return typeof window.vitrinFirstFrameMs === 'number';")
        .await;
    let shot = b.screenshot("browser-player-offline-dinner").await;
    assert_not_blank(&shot);
    b.close().await;
}

/// The page shows content, not the empty background: many distinct colours.
fn assert_not_blank(png: &std::path::Path) {
    let image = image::open(png).unwrap().to_rgb8();
    let colours: std::collections::HashSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    assert!(
        colours.len() > 200,
        "{} looks empty ({} colours); artifacts in {}",
        png.display(),
        colours.len(),
        artifacts_dir().display()
    );
}

/// The admin's previews: the screen's own renderer in the browser player, at any instant
/// typed in the Solar Hijri (or Gregorian) calendar, and one layout or content item alone;
/// with the admin's session, and nothing for anyone else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_previews_a_screen_at_any_instant_and_an_item_alone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(b) = Browser::start_with(&PLAYER_ARGS).await else {
        return;
    };
    b.viewport(1280, 720).await;
    let data = tempfile::tempdir().unwrap();
    let state = vitrin_tests::test_state(data.path()).await;
    assert!(demo::seed(&state).await.unwrap());
    let server = vitrin_tests::TestServer::start(state).await.unwrap();
    let base = server.url("");
    let admin = signed_in(&base, demo::OWNER_EMAIL, demo::OWNER_PASSWORD).await;
    let dinner = layout_id(&admin, &base, "Dinner").await;
    let breakfast = layout_id(&admin, &base, "Breakfast").await;
    let screens = get_json(&admin, &format!("{base}/api/v1/screens")).await;
    let counter = screens.as_array().unwrap()[0]["id"].as_i64().unwrap();

    // Signed out, a preview shows why there is nothing, and the API gives nothing.
    b.goto(&format!("{base}/play/?preview=screen:{counter}"))
        .await;
    b.wait_script("return (window.vitrinProblem || '').includes('sign in to the admin');")
        .await;
    let anonymous = reqwest::get(format!("{base}/api/v1/layouts/{dinner}/preview"))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    b.sign_in(&base, demo::OWNER_EMAIL, demo::OWNER_PASSWORD)
        .await;

    // Tomorrow at 19:00 in Tehran, typed as a Solar Hijri day: the dinner daypart.
    let tomorrow = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Tehran").unwrap())
        .date()
        .tomorrow()
        .unwrap();
    let jalali = vitrin_shared::calendar::to_jalali(tomorrow);
    b.goto(&format!(
        "{base}/screens/{counter}/preview?date={}/{:02}/{:02}&time=19:00",
        jalali.year, jalali.month, jalali.day
    ))
    .await;
    assert!(b.path().await.starts_with("/play/?preview=screen:"));
    b.wait_player("the dinner daypart", |s| {
        (main_layout(s) == Some(dinner)).then_some(())
    })
    .await;
    // The same at breakfast time, in the Gregorian calendar.
    b.goto(&format!(
        "{base}/screens/{counter}/preview?date={tomorrow}&time=08:30"
    ))
    .await;
    b.wait_player("the breakfast daypart", |s| {
        (main_layout(s) == Some(breakfast)).then_some(())
    })
    .await;
    b.screenshot("browser-player-preview-breakfast").await;
    assert_eq!(
        b.player_state().await["pending_plays"],
        0,
        "a preview reports no proof of play"
    );

    // With opening hours, the screen is dark at night, as the real one will be: the page
    // cannot switch a panel off, so it draws black.
    let hours = json!({"hours": {"weekly": {"saturday": [{"open": "07:00", "close": "23:00"}],
        "sunday": [{"open": "07:00", "close": "23:00"}], "monday": [{"open": "07:00", "close": "23:00"}],
        "tuesday": [{"open": "07:00", "close": "23:00"}], "wednesday": [{"open": "07:00", "close": "23:00"}],
        "thursday": [{"open": "07:00", "close": "23:00"}], "friday": [{"open": "07:00", "close": "23:00"}]}}});
    let response = admin
        .put(format!("{base}/api/v1/hours"))
        .json(&hours)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    b.goto(&format!(
        "{base}/screens/{counter}/preview?date={tomorrow}&time=03:00"
    ))
    .await;
    b.wait_player("a dark screen at night", |s| {
        (s["mode"] == "playing" && s["panel"]["on"] == false).then_some(())
    })
    .await;
    let night = b.screenshot("browser-player-preview-night").await;
    let image = image::open(&night).unwrap().to_rgb8();
    let lit = image
        .pixels()
        .filter(|p| p.0.iter().any(|&c| c > 24))
        .count();
    assert!(
        lit * 1000 < image.pixels().len(),
        "{lit} lit pixels at 03:00 in {}",
        night.display()
    );
    b.goto(&format!(
        "{base}/screens/{counter}/preview?date={tomorrow}&time=08:30"
    ))
    .await;
    b.wait_player("the panel on at breakfast", |s| {
        (main_layout(s) == Some(breakfast) && s["panel"]["on"] == true).then_some(())
    })
    .await;
    let response = admin
        .put(format!("{base}/api/v1/hours"))
        .json(&json!({"hours": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // A portrait screen: the page turns the stage (a browser cannot turn the display) and the
    // player lays out for a tall screen.
    let screen = get_json(&admin, &format!("{base}/api/v1/screens/{counter}")).await;
    let response = admin
        .put(format!("{base}/api/v1/screens/{counter}"))
        .json(
            &json!({"store_id": screen["store_id"], "name": screen["name"],
                      "orientation": "portrait",
                      "default_layout_id": screen["default_layout_id"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    b.goto(&format!("{base}/play/?preview=screen:{counter}"))
        .await;
    b.wait_script(
        "const c = document.getElementById('vitrin'); \
         return document.getElementById('stage').dataset.rotation === '90' \
             && c.clientHeight > c.clientWidth;",
    )
    .await;
    b.screenshot("browser-player-preview-portrait").await;

    // One content item alone, full screen, with its picture from the media library.
    let content = get_json(&admin, &format!("{base}/api/v1/content")).await;
    let promo = content
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "image")
        .unwrap_or_else(|| panic!("the demo has a promo picture: {content}"));
    let promo_id = promo["id"].as_i64().unwrap();
    b.goto(&format!("{base}/play/?preview=content:{promo_id}"))
        .await;
    b.wait_player("the promo alone", |s| {
        (s["showing"]["main"]["zones"]["main"] == promo_id).then_some(())
    })
    .await;
    b.wait_script("return typeof window.vitrinFirstFrameMs === 'number';")
        .await;
    assert_not_blank(&b.screenshot("browser-player-preview-promo").await);

    // Nothing of that number in this organization: the page says so.
    b.goto(&format!("{base}/play/?preview=layout:999")).await;
    b.wait_script(
        "return (window.vitrinProblem || '').includes('no such screen, layout or item');",
    )
    .await;

    // The API refuses what is not one thing of this organization.
    let status = |path: String| {
        let admin = admin.clone();
        async move { admin.get(path).send().await.unwrap().status().as_u16() }
    };
    for path in [
        "screens/999/manifest",
        "layouts/999/preview",
        "content/999/preview",
    ] {
        assert_eq!(status(format!("{base}/api/v1/{path}")).await, 404, "{path}");
    }
    let sha = promo["media"]["sha256"].as_str().unwrap();
    assert_eq!(
        status(format!("{base}/api/v1/preview/media/{sha}")).await,
        200
    );
    assert_eq!(
        status(format!("{base}/api/v1/preview/media/{}", "0".repeat(64))).await,
        404
    );
    b.close().await;
}

/// A video item plays in the page's own `<video>` element laid over its zone (muted autoplay),
/// decoded by the browser, from the media the page stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_plays_in_its_own_element_over_its_zone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(b) = Browser::start_with(&PLAYER_ARGS).await else {
        return;
    };
    b.viewport(1280, 720).await;
    let data = tempfile::tempdir().unwrap();
    let server = vitrin_tests::TestServer::start(vitrin_tests::test_state(data.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    let admin = vitrin_tests::Admin::setup(&base).await;
    // Four seconds of VP8: a white square crossing a blue picture.
    let clip = data.path().join("clip.webm");
    let status = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg("color=c=0x1e78dc:s=320x240:r=30:d=4")
        .args(["-f", "lavfi", "-i", "color=c=white:s=48x48:r=30:d=4"])
        .args(["-filter_complex", "[0][1]overlay=x='16+t*60':y=96"])
        .args(["-c:v", "libvpx", "-b:v", "400k"])
        .arg(&clip)
        .status()
        .expect("ffmpeg runs (CI installs it)");
    assert!(status.success(), "ffmpeg made no clip");
    let sha = admin
        .upload("clip.webm", std::fs::read(&clip).unwrap())
        .await;
    let video = admin
        .create(
            "/api/v1/content",
            json!({"name": "Clip", "type": "video", "media": {"sha256": sha}}),
        )
        .await;

    b.sign_in(&base, "owner@cafe.test", "a long test password")
        .await;
    b.goto(&format!("{base}/play/?preview=content:{video}"))
        .await;
    b.wait_player("the clip", |s| {
        (s["showing"]["main"]["zones"]["main"] == video).then_some(())
    })
    .await;
    // The element exists, covers the zone (the whole page here), and its time moves.
    b.wait_script(
        "const v = document.querySelector('video.vitrin-video'); \
         return !!v && v.readyState >= 2 && v.muted && v.currentTime > 0.5;",
    )
    .await;
    let cover = b
        .run(
            "const r = document.querySelector('video.vitrin-video').getBoundingClientRect(); \
             return [Math.round(r.width), Math.round(r.height)];",
        )
        .await;
    assert_eq!(cover, json!([1280, 720]), "the video's box is its zone");
    let first = b
        .run("return document.querySelector('video.vitrin-video').currentTime;")
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let later = b
        .run("return document.querySelector('video.vitrin-video').currentTime;")
        .await;
    assert!(
        later.as_f64().unwrap() > first.as_f64().unwrap(),
        "the video plays: {first} then {later}"
    );
    // And it is seen: the clip's blue fills the middle of the page (over the canvas).
    let shot = image::open(b.screenshot("browser-player-video").await)
        .unwrap()
        .to_rgb8();
    let middle: Vec<_> = (200..520)
        .step_by(8)
        .flat_map(|y| (300..980).step_by(8).map(move |x| (x, y)))
        .collect();
    let blue = middle
        .iter()
        .filter(|&&(x, y)| {
            let p = shot.get_pixel(x, y).0;
            p[0] < 70 && (90..160).contains(&p[1]) && p[2] > 180
        })
        .count();
    assert!(
        blue * 2 > middle.len(),
        "the clip is not on the page: {blue} of {} sampled pixels blue",
        middle.len()
    );
    b.close().await;
}

/// Kiosk manners: with the permission a kiosk browser is set up with, the page holds a screen
/// wake lock; the first tap makes it fullscreen; there is no cursor; and it can be added to a
/// home screen as a fullscreen app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_page_keeps_the_screen_awake_goes_fullscreen_on_a_tap_and_hides_the_cursor() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(b) = Browser::start_with(&PLAYER_ARGS).await else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let server = vitrin_tests::TestServer::start(vitrin_tests::test_state(data.path()).await)
        .await
        .unwrap();
    let base = server.url("");
    // Permissions belong to an origin: grant on a page of the server, then open the player.
    b.goto(&format!("{base}/login")).await;
    b.grant("screen-wake-lock").await;
    b.goto(&format!("{base}/play/")).await;
    b.wait_script("return window.vitrinWakeLock !== undefined;")
        .await;
    let wake_lock = b.run("return window.vitrinWakeLock;").await;
    assert_eq!(wake_lock, "held", "the screen wake lock: {wake_lock}");
    let cursor = b
        .run("return getComputedStyle(document.getElementById('vitrin')).cursor;")
        .await;
    assert_eq!(cursor, "none");
    // Chromium refuses fullscreen without a gesture; the first tap (a real click) asks again.
    assert_eq!(
        b.run("return document.fullscreenElement === null;").await,
        true
    );
    // Tap only once the app runs: egui then stops the pointer event from bubbling, which is
    // how a listener on the bubbling phase missed the tap on a slow machine.
    b.wait_player("the pairing screen", |s| {
        (s["mode"] == "pairing").then_some(())
    })
    .await;
    b.click("#vitrin").await;
    b.wait_script("return document.fullscreenElement === document.documentElement;")
        .await;
    // "Add to home screen" opens it fullscreen.
    let manifest: serde_json::Value = reqwest::get(format!("{base}/play/manifest.webmanifest"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["display"], "fullscreen");
    assert_eq!(manifest["start_url"], "./");
    b.close().await;
}
