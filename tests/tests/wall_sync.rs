//! A menu wall of three screens switching together: three headless players on a real server,
//! paired as the tiles of a 1×3 wall, their device clocks deliberately seconds apart, all
//! playing one playlist of short items. Each player sets its clock by the server's
//! (`GET /api/player/v1/time`, NTP-style), so the three switch within milliseconds of each
//! other; this test measures by how much (the figure in BENCHMARKS.md, "Menu walls").
//!
//! ```sh
//! cargo test -p vitrin-tests --test wall_sync -- --nocapture
//! ```

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use vitrin_player::Event;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Exit, LOOKAHEAD, Output, Settings};
use vitrin_tests::{Admin, TestServer, test_state};

const WAIT: Duration = Duration::from_secs(30);

/// When (in this process) a player switched, and to which content.
type Switches = Vec<(Instant, i64)>;
/// Each item's time on screen: short, so that a run sees many switches.
const ITEM_MS: u64 = 500;
/// Switches measured (at least).
const SWITCHES: usize = 40;
/// The players' device clocks: wrong by this much (seconds apart from each other).
const DEVICE_OFF_MS: [i64; 3] = [3_000, -2_000, 700];

struct Player {
    engine: Arc<Engine>,
    events: UnboundedReceiver<Event>,
    task: tokio::task::JoinHandle<Exit>,
}

impl Player {
    fn start(server: &str, data_dir: &Path, clock: Clock) -> Player {
        let (output, events) = Output::channel();
        let settings = Settings {
            server: server.parse().unwrap(),
            ca_file: None,
            data_dir: data_dir.to_path_buf(),
            disk_budget: 1 << 30,
            lookahead: LOOKAHEAD,
        };
        let engine = Engine::open(settings, clock, output).unwrap();
        let task = tokio::spawn(engine.clone().run());
        Player {
            engine,
            events,
            task,
        }
    }

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
}

impl Drop for Player {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The content the main zone shows, if the event says.
fn shown(event: &Event) -> Option<i64> {
    match event {
        Event::Showing { view, .. } => view
            .main
            .as_ref()
            .and_then(|main| main.zones.get("main").copied().flatten()),
        _ => None,
    }
}

fn ms(d: SignedDuration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tiles_of_a_wall_switch_within_50_ms() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&dir.path().join("server")).await)
        .await
        .unwrap();
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Wall", "timezone": "Asia/Tehran"}),
        )
        .await;
    let mut items = Vec::new();
    for name in ["Espresso", "Latte", "Cappuccino"] {
        let item = json!({"name": name, "type": "text", "title": name, "body": name});
        items.push(admin.create("/api/v1/content", item).await);
    }
    let layout = admin.fullscreen_layout("Menu wall", &items, ITEM_MS).await;

    // Three device clocks seconds apart: uncorrected, their screens would switch seconds apart.
    let mut players = Vec::new();
    for (i, off) in DEVICE_OFF_MS.iter().enumerate() {
        let clock = Clock::system_off_by(SignedDuration::from_millis(*off));
        let wrong = ms(clock.now().duration_since(Timestamp::now()));
        assert!(
            (wrong - *off as f64).abs() < 100.0,
            "the device clock {i} is off by {off} ms before any sync: {wrong}"
        );
        let data = dir.path().join(format!("player{i}"));
        players.push(Player::start(&server.url(""), &data, clock));
    }
    for (i, player) in players.iter_mut().enumerate() {
        let code = player
            .until(|e| match e {
                Event::PairingCode { code, .. } => Some(code.clone()),
                _ => None,
            })
            .await;
        let (status, screen) = admin
            .send(
                reqwest::Method::POST,
                "/api/v1/screens/pair",
                json!({"code": code, "screen": {"store_id": store, "name": format!("Wall {i}"),
                       "default_layout_id": layout,
                       "wall": {"cols": 3, "rows": 1, "col": i, "row": 0}}}),
            )
            .await;
        assert_eq!(status, 200, "{screen}");
        assert_eq!(
            screen["wall"],
            json!({"cols": 3, "rows": 1, "col": i, "row": 0})
        );
    }
    for (i, player) in players.iter_mut().enumerate() {
        let (offset, round_trip) = player
            .until(|e| match e {
                Event::ClockSynced {
                    offset_ms,
                    round_trip_ms,
                } => Some((*offset_ms, *round_trip_ms)),
                _ => None,
            })
            .await;
        println!(
            "player {i}: device clock corrected by {offset:.3} ms (round trip {round_trip:.3} ms)"
        );
        player.until(shown).await;
        let tile = player
            .engine
            .current()
            .unwrap()
            .manifest
            .screen
            .wall
            .unwrap();
        assert_eq!(
            (tile.cols, tile.rows, tile.col, tile.row),
            (3, 1, i as u8, 0)
        );
    }
    // Synced: each player's clock reads the real time (this process's, which is the server's);
    // the device clocks underneath are still as wrong as they were.
    for (i, player) in players.iter().enumerate() {
        let off = ms(player.engine.now().duration_since(Timestamp::now()));
        assert!(off.abs() < 10.0, "player {i} is {off} ms off after sync");
        let device = ms(player.engine.device_now().duration_since(Timestamp::now()));
        assert!(
            (device - DEVICE_OFF_MS[i] as f64).abs() < 100.0,
            "the device clock {i} stays wrong: {device}"
        );
    }

    // Record when (in this process's real time) each player switches, until enough switches.
    let recorded: Arc<Mutex<Vec<Switches>>> = Arc::new(Mutex::new(vec![Vec::new(); 3]));
    let record_for = Duration::from_millis(ITEM_MS * (SWITCHES as u64 + 2));
    let started = Instant::now();
    let mut recorders = Vec::new();
    for (i, mut player) in players.into_iter().enumerate() {
        let recorded = recorded.clone();
        recorders.push(tokio::spawn(async move {
            let end = tokio::time::Instant::from_std(started + record_for);
            while let Ok(Some(event)) = tokio::time::timeout_at(end, player.events.recv()).await {
                if let Some(content) = shown(&event) {
                    recorded.lock().unwrap()[i].push((Instant::now(), content));
                }
            }
            player
        }));
    }
    for recorder in recorders {
        drop(recorder.await.unwrap());
    }
    let recorded = recorded.lock().unwrap().clone();

    // Match each of player 0's switches with the others' switch to the same content nearest in
    // time (half an item apart at most: the next switch of the same content is three items on).
    let mut skews = Vec::new();
    for &(at, content) in &recorded[0] {
        let mut times = vec![at];
        for other in &recorded[1..] {
            let nearest = other
                .iter()
                .filter(|(_, c)| *c == content)
                .map(|(t, _)| *t)
                .min_by_key(|t| if *t > at { *t - at } else { at - *t });
            match nearest {
                Some(t)
                    if (if t > at { t - at } else { at - t })
                        < Duration::from_millis(ITEM_MS / 2) =>
                {
                    times.push(t)
                }
                _ => {}
            }
        }
        if times.len() == 3 {
            let first = *times.iter().min().unwrap();
            let last = *times.iter().max().unwrap();
            skews.push((last - first).as_secs_f64() * 1000.0);
        }
    }
    let counts: Vec<usize> = recorded.iter().map(Vec::len).collect();
    assert!(
        skews.len() >= 30,
        "at least 30 switches seen on all three screens: {} (events per player {counts:?})",
        skews.len()
    );
    skews.sort_by(f64::total_cmp);
    let median = percentile(&skews, 50.0);
    let p99 = percentile(&skews, 99.0);
    let max = skews[skews.len() - 1];
    println!(
        "wall switch skew over {} switches: median {median:.2} ms, p99 {p99:.2} ms, max {max:.2} ms \
         (device clocks {:?} ms off, up to {} ms apart before the sync)",
        skews.len(),
        DEVICE_OFF_MS,
        DEVICE_OFF_MS.iter().max().unwrap() - DEVICE_OFF_MS.iter().min().unwrap(),
    );
    assert!(
        p99 < 50.0,
        "p99 switch skew {p99:.2} ms (median {median:.2} ms)"
    );
}

/// The screen API keeps a wall position, sends it in the manifest and refuses one outside the
/// wall, naming the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wall_position_is_kept_sent_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(test_state(&dir.path().join("server")).await)
        .await
        .unwrap();
    let admin = Admin::setup(&server.url("")).await;
    let store = admin
        .create(
            "/api/v1/stores",
            json!({"name": "Wall", "timezone": "Asia/Tehran"}),
        )
        .await;
    let screen = admin
        .create(
            "/api/v1/screens",
            json!({"store_id": store, "name": "Left", "wall": {"cols": 2, "rows": 2, "col": 0, "row": 1}}),
        )
        .await;
    let (status, manifest) = admin
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/screens/{screen}/manifest"),
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{manifest}");
    assert_eq!(
        manifest["screen"]["wall"],
        json!({"cols": 2, "rows": 2, "col": 0, "row": 1})
    );
    for (wall, field) in [
        (
            json!({"cols": 3, "rows": 1, "col": 3, "row": 0}),
            "wall.col",
        ),
        (
            json!({"cols": 5, "rows": 1, "col": 0, "row": 0}),
            "wall.cols",
        ),
        (
            json!({"cols": 2, "rows": 0, "col": 0, "row": 0}),
            "wall.rows",
        ),
    ] {
        let (status, problem) = admin
            .send(
                reqwest::Method::PUT,
                &format!("/api/v1/screens/{screen}"),
                json!({"store_id": store, "name": "Left", "wall": wall}),
            )
            .await;
        assert_eq!(status, 422, "{problem}");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(fields.contains(&field), "{field} in {problem}");
    }
    // Without `wall` the screen is a screen of its own again.
    let (status, saved) = admin
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/screens/{screen}"),
            json!({"store_id": store, "name": "Left"}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert!(saved["wall"].is_null(), "{saved}");
}
