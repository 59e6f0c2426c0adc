//! A real server and the headless player engine, end to end: pairing, publish, offline
//! dayparts with a fast clock, proof of play after reconnecting, resumed and corrupt downloads,
//! and the disk budget.

use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Output, Settings};
use vitrin_tests::{Admin, ServerProcess, TestServer, noise_png, test_state};

const SERVER: &str = env!("CARGO_BIN_EXE_vitrin-test-server");

const WAIT: Duration = Duration::from_secs(20);

/// A player engine running in this process, its events in a channel.
struct Player {
    engine: std::sync::Arc<Engine>,
    events: UnboundedReceiver<Event>,
    task: tokio::task::JoinHandle<vitrin_player::engine::Exit>,
}

impl Player {
    fn start(server: &str, data_dir: &Path, budget: u64, clock: Clock) -> Player {
        let (output, events) = Output::channel();
        let settings = Settings {
            server: server.parse().unwrap(),
            ca_file: None,
            data_dir: data_dir.to_path_buf(),
            disk_budget: budget,
            lookahead: vitrin_player::engine::LOOKAHEAD,
        };
        let engine = Engine::open(settings, clock, output).unwrap();
        let task = tokio::spawn(engine.clone().run());
        Player {
            engine,
            events,
            task,
        }
    }

    /// The first event `pick` accepts, skipping others; panics after `WAIT`.
    async fn until<T>(&mut self, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .expect("the awaited player event did not come")
                .expect("the player stopped");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    }

    fn stop(self) {
        self.task.abort();
    }
}

/// A server with its owner signed in and a store in Tehran.
async fn cafe(data_dir: &Path) -> (TestServer, Admin, i64) {
    let server = TestServer::start(test_state(data_dir).await).await.unwrap();
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    (server, admin, store)
}

fn text(name: &str, body: &str) -> Value {
    json!({"name": name, "type": "text", "title": name, "body": body})
}

/// Content → one-entry playlist → fullscreen layout; returns (content, layout).
async fn chain(admin: &Admin, name: &str, item: Value) -> (i64, i64) {
    let content = admin.create("/api/v1/content", item).await;
    let layout = admin.fullscreen_layout(name, &[content], 3_600_000).await;
    (content, layout)
}

/// Pairs `player` as a new screen of `store` with `layout` as its default.
async fn pair(admin: &Admin, player: &mut Player, store: i64, layout: i64) -> i64 {
    let code = player
        .until(|e| match e {
            Event::PairingCode { code, .. } => Some(code.clone()),
            _ => None,
        })
        .await;
    let id = admin.pair_screen(&code, store, "Counter", layout).await;
    let paired = player
        .until(|e| match e {
            Event::Paired { screen_id } => Some(*screen_id),
            _ => None,
        })
        .await;
    assert_eq!(paired, id);
    id
}

fn main_content(event: &Event) -> Option<(u64, Option<i64>, Option<i64>)> {
    match event {
        Event::Showing { view, .. } => view.main.as_ref().map(|main| {
            (
                view.manifest_version,
                main.rule,
                main.zones.get("main").copied().flatten(),
            )
        }),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairs_then_shows_a_publish_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = cafe(&dir.path().join("server")).await;
    let (welcome, layout) = chain(&admin, "Welcome", text("Welcome", "v1")).await;
    let mut player = Player::start(
        &server.url(""),
        &dir.path().join("player"),
        1 << 30,
        Clock::system(),
    );
    pair(&admin, &mut player, store, layout).await;

    let (version, _, content) = player.until(main_content).await;
    assert_eq!((version, content), (1, Some(welcome)));

    // A publish: a new item in the playlist's place. The player learns of it by push.
    let (promo, promo_layout) = chain(&admin, "Promo", text("Promo", "۲۰٪ تخفیف")).await;
    let published = Instant::now();
    admin
        .create(
            "/api/v1/rules",
            json!({"name": "Now", "target": {"type": "layout", "id": promo_layout},
                   "scope": {"stores": [store]}, "when": {"window": {"type": "all_day"}}}),
        )
        .await;
    let shown = player
        .until(|e| main_content(e).filter(|(_, _, c)| *c == Some(promo)))
        .await;
    println!(
        "publish -> shown on the player in {:.0} ms (manifest version {})",
        published.elapsed().as_secs_f64() * 1000.0,
        shown.0
    );
    assert!(shown.1.is_some(), "shown by the new rule");

    // Heartbeats make the screen online; commands are carried out and acknowledged.
    let screens: Value = admin
        .client
        .get(format!("{}/api/v1/screens", admin.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let screen = &screens[0];
    assert_eq!(screen["online"], true);
    assert_eq!(
        screen["status"]["player_version"],
        env!("CARGO_PKG_VERSION")
    );
    let id = screen["id"].as_i64().unwrap();
    admin
        .create(
            &format!("/api/v1/screens/{id}/commands"),
            json!({"command": "identify"}),
        )
        .await;
    let name = player
        .until(|e| match e {
            Event::Identify { name } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name.as_deref(), Some("Counter"));
    let deadline = Instant::now() + WAIT;
    loop {
        let commands: Value = admin
            .client
            .get(format!("{}/api/v1/screens/{id}/commands", admin.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if commands[0]["ok"] == true {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the command was not acknowledged"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A screenshot goes through the hook the window provides, and up to the server.
    let png = noise_png(16, 9, 3);
    let shot = png.clone();
    player
        .engine
        .set_screenshot_hook(Box::new(move || Ok(shot.clone())));
    admin
        .create(
            &format!("/api/v1/screens/{id}/commands"),
            json!({"command": "screenshot"}),
        )
        .await;
    let deadline = Instant::now() + WAIT;
    loop {
        let response = admin
            .client
            .get(format!("{}/api/v1/screens/{id}/screenshot", admin.base))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            assert_eq!(response.bytes().await.unwrap(), png);
            break;
        }
        assert!(Instant::now() < deadline, "no screenshot arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    player.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_server_url_means_pairing_again() {
    let dir = tempfile::tempdir().unwrap();
    let (first, admin, store) = cafe(&dir.path().join("first")).await;
    let (_, layout) = chain(&admin, "Welcome", text("Welcome", "v1")).await;
    let player_dir = dir.path().join("player");
    let mut player = Player::start(&first.url(""), &player_dir, 1 << 30, Clock::system());
    pair(&admin, &mut player, store, layout).await;
    player.stop();

    // The same screen pointed at another server: its old token means nothing there.
    let second = TestServer::start(test_state(&dir.path().join("second")).await)
        .await
        .unwrap();
    let mut player = Player::start(&second.url(""), &player_dir, 1 << 30, Clock::system());
    player
        .until(|e| matches!(e, Event::PairingCode { .. }).then_some(()))
        .await;
    player.stop();
}

/// A server gone bad: every answer from the list in `mode`.
async fn bad_server(mode: &'static str) -> String {
    use axum::routing::any;
    let app = axum::Router::new().fallback(any(move || async move {
        match mode {
            "garbage" => (
                axum::http::StatusCode::OK,
                "{\"api_version\": 1, \"version\": ",
            )
                .into_response(),
            "error" => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
            _ => {
                // Hangs: accepts the request and never answers.
                std::future::pending::<()>().await;
                unreachable!()
            }
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

use axum::response::IntoResponse;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_gone_bad_leaves_the_player_on_its_last_good_content() {
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = cafe(&dir.path().join("server")).await;
    let (welcome, layout) = chain(&admin, "Welcome", text("Welcome", "v1")).await;
    let player_dir = dir.path().join("player");
    let mut player = Player::start(&server.url(""), &player_dir, 1 << 30, Clock::system());
    pair(&admin, &mut player, store, layout).await;
    player
        .until(|e| matches!(e, Event::ManifestApplied { .. }).then_some(()))
        .await;
    player.stop();

    for (mode, expected) in [
        ("garbage", "does not parse"),
        ("error", "500"),
        ("hang", ""),
    ] {
        // The same screen, its server now answering badly (the identity follows the URL).
        let url = bad_server(mode).await;
        let identity_path = player_dir.join("device.json");
        let mut identity: Value =
            serde_json::from_slice(&std::fs::read(&identity_path).unwrap()).unwrap();
        identity["server"] = Value::String(url.clone());
        std::fs::write(&identity_path, identity.to_string()).unwrap();
        let mut player = Player::start(&url, &player_dir, 1 << 30, Clock::system());
        let (version, _, content) = player.until(main_content).await;
        assert_eq!(
            (version, content),
            (1, Some(welcome)),
            "{mode}: last good content"
        );
        if !expected.is_empty() {
            let reason = player
                .until(|e| match e {
                    Event::Error { reason } if reason.contains(expected) => Some(reason.clone()),
                    _ => None,
                })
                .await;
            assert!(reason.contains("keeping the current content"), "{reason}");
        }
        assert_eq!(player.engine.current().unwrap().manifest.version, 1);
        player.stop();
    }
}

/// Breakfast, lunch and dinner in Tehran on a closed-sign default; returns (store, closed
/// layout, [breakfast, lunch, dinner] rule ids).
async fn dayparts(admin: &Admin) -> (i64, i64, Vec<i64>) {
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Valiasr", "timezone": "Asia/Tehran"}),
        )
        .await;
    let (_, closed) = chain(admin, "Closed", text("Closed", "بسته است")).await;
    let mut rules = Vec::new();
    for (name, start, end) in [
        ("Breakfast", "07:00", "11:00"),
        ("Lunch", "11:00", "17:00"),
        ("Dinner", "17:00", "23:00"),
    ] {
        let (_, layout) = chain(admin, name, text(name, name)).await;
        rules.push(
            admin
                .create(
                    "/api/v1/rules",
                    json!({"name": name, "target": {"type": "layout", "id": layout},
                           "scope": {"stores": [store]},
                           "when": {"window": {"type": "daily", "start": start, "end": end}}}),
                )
                .await,
        );
    }
    (store, closed, rules)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_following_dayparts_offline_and_reports_plays_once_back_online() {
    let dir = tempfile::tempdir().unwrap();
    let server_dir = dir.path().join("server");
    let addr = vitrin_tests::free_addr();
    let server = ServerProcess::start(SERVER, &server_dir, addr).await;
    let admin = Admin::setup(&server.url("")).await;
    let (store, closed, rules) = dayparts(&admin).await;

    // A clock 36 000 times faster than real time: a simulated week in under 20 seconds. It
    // starts thirty days ago at 05:00 in Tehran: the server refuses plays more than a day in
    // its future, and the fast clock keeps running while the journal drains, so the start
    // leaves 30 simulated days (72 s of the test) before any play could be refused, whatever
    // the time of day. (From eight days ago the test failed when it ran slowly late in the day.)
    let tehran = jiff::tz::TimeZone::get("Asia/Tehran").unwrap();
    let start = (Timestamp::now() - jiff::SignedDuration::from_hours(30 * 24))
        .to_zoned(tehran)
        .with()
        .time(jiff::civil::time(5, 0, 0, 0))
        .build()
        .unwrap()
        .timestamp();
    let clock = Clock::scaled(start, 36_000.0);
    let mut player = Player::start(&server.url(""), &dir.path().join("player"), 1 << 30, clock);
    let screen = pair(&admin, &mut player, store, closed).await;
    player
        .until(|e| matches!(e, Event::ManifestApplied { .. }).then_some(()))
        .await;

    // The server dies and stays away for a week.
    drop(server);
    let loaded = player.engine.current().expect("a manifest on disk");
    let offline_from = player
        .until(|e| match e {
            Event::Showing { at, .. } => Some(*at),
            _ => None,
        })
        .await;
    let offline_until = offline_from + jiff::SignedDuration::from_hours(7 * 24);
    let mut seen: Vec<(Timestamp, Option<i64>)> = Vec::new();
    while seen.last().is_none_or(|(at, _)| *at < offline_until) {
        let (at, rule) = player
            .until(|e| match e {
                Event::Showing { at, view } => Some((*at, view.main.as_ref().and_then(|m| m.rule))),
                _ => None,
            })
            .await;
        if seen.last().is_none_or(|(_, last)| *last != rule) {
            seen.push((at, rule));
        }
    }

    // Exactly what the schedule says, in order: the same engine, evaluated offline.
    let expected: Vec<Option<i64>> = loaded
        .schedule
        .timeline(seen[0].0, seen.last().unwrap().0, &loaded.tz)
        .iter()
        .map(|span| span.layers.main.and_then(|m| m.rule).map(|r| r.0))
        .fold(Vec::new(), |mut out, rule| {
            if out.last() != Some(&rule) {
                out.push(rule);
            }
            out
        });
    let observed: Vec<Option<i64>> = seen.iter().map(|(_, rule)| *rule).collect();
    assert_eq!(observed, expected);
    let breakfasts = observed.iter().filter(|r| **r == Some(rules[0])).count();
    assert!(breakfasts >= 6, "a week of breakfasts: {observed:?}");
    for (at, rule) in &seen[1..] {
        // Each switch happened on the hour the rules name, in Tehran.
        let local = at.to_zoned(loaded.tz.clone());
        let hour = local.hour();
        let expected_hour = match rule {
            Some(r) if *r == rules[0] => 7,
            Some(r) if *r == rules[1] => 11,
            Some(r) if *r == rules[2] => 17,
            _ => 23,
        };
        assert_eq!(hour, expected_hour, "switch to {rule:?} at {local}");
    }

    // Back online, where it was: the week's proof of play arrives, each play once.
    let _server = ServerProcess::start(SERVER, &server_dir, addr).await;
    let db = vitrin_server::db::Db::connect(&vitrin_server::default_database_url(&server_dir))
        .await
        .unwrap();
    let deadline = Instant::now() + WAIT;
    while player.engine.pending_plays() > 0 {
        assert!(Instant::now() < deadline, "the journal did not drain");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let plays: Vec<(String, i64, i64)> = vitrin_server::db::sql(
        "SELECT zone, started_at, ended_at FROM plays WHERE screen_id = $1 ORDER BY started_at",
    )
    .bind(screen)
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(
        plays.len() >= 4 * 6,
        "a week of dayparts: {} plays",
        plays.len()
    );
    for pair in plays.windows(2) {
        assert!(pair[0].2 <= pair[1].1, "no play counted twice: {pair:?}");
    }
    let covered: i64 = plays.iter().map(|(_, s, e)| e - s).sum();
    let week_ms = 7 * 24 * 3600 * 1000;
    assert!(
        covered >= week_ms * 9 / 10,
        "the plays cover the week: {covered} ms"
    );
    player.stop();
}

fn image_item(name: &str, sha: &str) -> Value {
    json!({"name": name, "type": "image", "media": {"sha256": sha}})
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resumes_interrupted_downloads_and_never_uses_a_corrupt_file() {
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = cafe(&dir.path().join("server")).await;
    let png = noise_png(800, 600, 7);
    let sha = admin.upload("menu.png", png.clone()).await;
    assert_eq!(sha, sha256(&png));
    let (_, layout) = chain(&admin, "Menu", image_item("Menu", &sha)).await;
    let player_dir = dir.path().join("player");
    let mut player = Player::start(&server.url(""), &player_dir, 1 << 30, Clock::system());
    pair(&admin, &mut player, store, layout).await;
    player
        .until(|e| matches!(e, Event::ManifestApplied { downloaded: 1, .. }).then_some(()))
        .await;
    player.stop();

    let blob = player_dir.join("cache/blobs").join(&sha[..2]).join(&sha);
    let partial = player_dir.join("cache/partial").join(format!("{sha}.part"));
    assert_eq!(std::fs::read(&blob).unwrap(), png);
    let media_206 = || {
        let metrics = server.state.metrics.render();
        metrics
            .lines()
            .find(|l| l.contains("route=\"/api/player/v1/media/{sha256}\",status=\"206\""))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
            .unwrap_or(0)
    };

    // Killed half way through a download: the next start resumes with a Range request.
    std::fs::remove_file(&blob).unwrap();
    std::fs::remove_file(player_dir.join("manifest.json")).unwrap();
    std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
    std::fs::write(&partial, &png[..png.len() / 2]).unwrap();
    let mut player = Player::start(&server.url(""), &player_dir, 1 << 30, Clock::system());
    player
        .until(|e| matches!(e, Event::ManifestApplied { downloaded: 1, .. }).then_some(()))
        .await;
    assert_eq!(media_206(), 1, "the second half came by Range");
    assert_eq!(sha256(&std::fs::read(&blob).unwrap()), sha);
    player.stop();

    // A damaged partial (a bad disk, a proxy that rewrote bytes) is caught by its hash,
    // thrown away and fetched again whole.
    std::fs::remove_file(&blob).unwrap();
    std::fs::remove_file(player_dir.join("manifest.json")).unwrap();
    std::fs::write(&partial, vec![0u8; png.len() / 2]).unwrap();
    let mut player = Player::start(&server.url(""), &player_dir, 1 << 30, Clock::system());
    let reason = player
        .until(|e| match e {
            Event::Error { reason } if reason.contains("corrupt") => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(reason.contains(&sha), "{reason}");
    player
        .until(|e| matches!(e, Event::ManifestApplied { .. }).then_some(()))
        .await;
    assert_eq!(sha256(&std::fs::read(&blob).unwrap()), sha);
    player.stop();

    // A cached file damaged on disk is dropped at start and fetched again.
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[1000] ^= 0xFF;
    std::fs::write(&blob, bytes).unwrap();
    let mut player = Player::start(&server.url(""), &player_dir, 1 << 30, Clock::system());
    player
        .until(|e| match e {
            Event::ManifestApplied { downloaded, .. } => Some(*downloaded),
            _ => None,
        })
        .await;
    assert_eq!(sha256(&std::fs::read(&blob).unwrap()), sha);
    player.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stays_within_its_disk_budget() {
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = cafe(&dir.path().join("server")).await;
    // Four pictures of about 1.4 MB each; the budget holds two and a half.
    let pictures: Vec<Vec<u8>> = (1..=4).map(|seed| noise_png(800, 600, seed)).collect();
    let budget = (pictures[0].len() as u64) * 5 / 2;
    let mut shas = Vec::new();
    let mut layouts = Vec::new();
    let mut contents = Vec::new();
    for (i, png) in pictures.iter().enumerate() {
        let name = format!("P{i}");
        let sha = admin.upload(&format!("{name}.png"), png.clone()).await;
        let (content, layout) = chain(&admin, &name, image_item(&name, &sha)).await;
        shas.push(sha);
        layouts.push(layout);
        contents.push(content);
    }
    let player_dir = dir.path().join("player");
    let blob = |sha: &str| player_dir.join("cache/blobs").join(&sha[..2]).join(sha);
    let cached = || -> u64 {
        shas.iter()
            .filter_map(|sha| std::fs::metadata(blob(sha)).ok())
            .map(|m| m.len())
            .sum()
    };
    let mut player = Player::start(&server.url(""), &player_dir, budget, Clock::system());
    let screen = pair(&admin, &mut player, store, layouts[0]).await;
    let show =
        |layout: i64| json!({"store_id": store, "name": "Counter", "default_layout_id": layout});

    // P0, then P1: both fit (the current manifest's pictures are never evicted for the next).
    for step in [1, 2] {
        admin
            .put(&format!("/api/v1/screens/{screen}"), show(layouts[step]))
            .await;
        player
            .until(|e| main_content(e).filter(|(_, _, c)| *c == Some(contents[step])))
            .await;
        assert!(
            cached() <= budget,
            "{} bytes cached, budget {budget}",
            cached()
        );
    }
    // P2 needs room: the least recently used picture no manifest needs (P0) goes.
    assert!(!blob(&shas[0]).exists(), "P0 was evicted");
    assert!(blob(&shas[1]).exists() && blob(&shas[2]).exists());

    // A rule that adds P3 still fits (P1, needed no more, goes). One more that brings P1 back
    // would need three pictures at once: refused, and the last manifest that fit plays on.
    // (Each at a priority of its own: rules that would tie are refused.)
    let rule = |name: &str, layout: i64, start: &str, priority: i32| {
        json!({"name": name, "target": {"type": "layout", "id": layout},
               "scope": {"stores": [store]}, "priority": priority,
               "when": {"window": {"type": "daily", "start": start, "end": "00:02"}}})
    };
    admin
        .create("/api/v1/rules", rule("P3", layouts[3], "00:00", 1))
        .await;
    // The manifest that brings P3 (an earlier event may still be queued).
    let p3 = blob(&shas[3]);
    player
        .until(|e| (matches!(e, Event::ManifestApplied { .. }) && p3.exists()).then_some(()))
        .await;
    assert!(!blob(&shas[1]).exists(), "P1 was evicted");
    admin
        .create("/api/v1/rules", rule("P1", layouts[1], "00:01", 2))
        .await;
    let reason = player
        .until(|e| match e {
            Event::Error { reason } if reason.contains("no room") => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(reason.contains(&shas[1]), "{reason}");
    let current = player.engine.current().unwrap();
    let mut shown: Vec<String> = current
        .manifest
        .media()
        .iter()
        .map(|m| m.sha256.clone())
        .collect();
    shown.sort();
    let mut fit = vec![shas[2].clone(), shas[3].clone()];
    fit.sort();
    assert_eq!(shown, fit, "still the last manifest that fit");
    assert!(
        cached() <= budget,
        "{} bytes cached, budget {budget}",
        cached()
    );
    player.stop();
}
