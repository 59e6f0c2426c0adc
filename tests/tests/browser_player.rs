//! The browser player (`/play/`, the wasm build of the player's engine and renderers) in a
//! real headless Chromium with WebGL2 on SwiftShader, against a real server process with the
//! demo café: it pairs by the code it shows, plays the daypart the schedule says, follows a
//! publish through the push stream, and after the server is gone a reload of the page still
//! plays the right daypart from the service worker's app cache and the Cache Storage.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vitrin_server::demo;
use vitrin_tests::browser::{Browser, PLAYER_ARGS, WAIT, artifacts_dir};
use vitrin_tests::{ServerProcess, free_addr};

const SERVER: &str = env!("CARGO_BIN_EXE_vitrin-test-server");
/// The main layer's layout id.
fn main_layout(s: &Value) -> Option<i64> {
    s["showing"]["main"]["layout"].as_i64()
}

async fn signed_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": demo::OWNER_EMAIL, "password": demo::OWNER_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    client
}

async fn get(client: &reqwest::Client, url: &str) -> Value {
    let response = client.get(url).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// Ids of the demo's layouts by name.
async fn layout_id(client: &reqwest::Client, base: &str, name: &str) -> i64 {
    let layouts = get(client, &format!("{base}/api/v1/layouts")).await;
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
    let Some(b) = Browser::start_with(&PLAYER_ARGS).await else {
        return;
    };
    b.viewport(1280, 720).await;
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let server = ServerProcess::start_with(SERVER, data.path(), addr, &["--demo"]).await;
    let base = server.url("");
    let admin = signed_in(&base).await;

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
    let screens = get(&admin, &format!("{base}/api/v1/screens")).await;
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
    let screen = get(&admin, &format!("{base}/api/v1/screens/{counter}")).await;
    let deadline = Instant::now() + WAIT;
    let mut screen = screen;
    while !screen["status"]["platform"]
        .as_str()
        .is_some_and(|p| p.starts_with("browser "))
    {
        assert!(Instant::now() < deadline, "no browser heartbeat: {screen}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        screen = get(&admin, &format!("{base}/api/v1/screens/{counter}")).await;
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
    let rules = get(&admin, &format!("{base}/api/v1/rules")).await;
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
    let response = admin
        .put(format!("{base}/api/v1/rules/{rule_id}"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let published = Instant::now();
    b.wait_player("the published lunch layout", |s| {
        (main_layout(s) == Some(lunch)).then_some(())
    })
    .await;
    let switched = published.elapsed();
    println!("publish to browser screen: {} ms", switched.as_millis());
    assert!(
        switched < Duration::from_secs(3),
        "a publish reaches the browser by push, not by the minute's poll: {switched:?}"
    );

    // Proof of play reaches the server.
    let deadline = Instant::now() + WAIT;
    loop {
        let plays = get(
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
