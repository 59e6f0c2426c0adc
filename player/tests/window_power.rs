//! Screen power follows the store's hours. The real binary in its kiosk window under Xvfb,
//! against a real server whose store opens 08:00–23:00 (Tehran) every day, with a test clock:
//! outside opening hours it switches the panel off through stand-ins for `xset` (X11 DPMS) and
//! `cec-ctl` (the TV over HDMI-CEC, on a fake device) first on `PATH`, draws a black frame and
//! tells the server it sleeps by schedule; ten minutes before opening (the screen's wake lead)
//! it switches the panel on again and plays. The `wake` command turns it on at night.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::{Value, json};
use support::{
    Process, events, have, pairing_code, path_with, player_command, screenshot_until, share, shop,
    solid_png, stand_in, start_xvfb, until_calls, until_event_where, until_screen,
};

const ORANGE: [u8; 3] = [240, 130, 20];

/// Every pixel black (a dark slate, the players' background, is not).
fn black(shot: &image::RgbImage) -> bool {
    shot.pixels().all(|p| p.0.iter().all(|&c| c < 8))
}

fn orange(shot: &image::RgbImage) -> bool {
    share(shot, (0.05, 0.05, 0.9, 0.9), ORANGE) > 0.95
}

/// A kiosk player paired to a café open 08:00–23:00 in Tehran, its clock started at `clock`.
struct Cafe {
    runtime: tokio::runtime::Runtime,
    admin: vitrin_tests::Admin,
    screen: i64,
    display: String,
    player: Process,
    events: std::sync::mpsc::Receiver<Value>,
    xset: PathBuf,
    cec: PathBuf,
    cec_device: PathBuf,
    // Dropped last: the server, the X server and the files.
    _server: vitrin_tests::TestServer,
    _xvfb: Process,
    _dir: tempfile::TempDir,
}

impl Cafe {
    /// `name` tells its screenshots from another test's.
    fn open(name: &str, clock: &str) -> Cafe {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let xset = stand_in(&bin, "xset");
        let cec = stand_in(&bin, "cec-ctl");
        let cec_device = dir.path().join("cec0");
        std::fs::write(&cec_device, "").unwrap();

        let (xvfb, display) = start_xvfb(640, 360);
        let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "Café");
        let layout = runtime.block_on(async {
            let open = json!([{"open": "08:00", "close": "23:00"}]);
            let weekly: serde_json::Map<String, Value> = [
                "saturday",
                "sunday",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
            ]
            .iter()
            .map(|day| (day.to_string(), open.clone()))
            .collect();
            admin
                .put(
                    &format!("/api/v1/stores/{store}/hours"),
                    json!({"hours": {"weekly": weekly}}),
                )
                .await;
            let sha = admin
                .upload("orange.png", solid_png(ORANGE, 320, 180))
                .await;
            let picture = admin
                .create(
                    "/api/v1/content",
                    json!({"name": "Orange", "type": "image", "media": {"sha256": sha},
                           "fit": "cover"}),
                )
                .await;
            admin
                .fullscreen_layout("Orange", &[picture], 3_600_000)
                .await
        });

        let child = player_command(&server.url(""), &dir.path().join("player"), &display)
            .args(["--clock-start", clock, "--clock-speed", "1"])
            .env("PATH", path_with(&bin))
            .env(vitrin_player::power::CEC_DEVICE_ENV, &cec_device)
            .spawn()
            .unwrap();
        let mut player = Process(child);
        let events = events(&mut player.0);
        let code = pairing_code(&events);
        // The window is up and drawing (the pairing screen, its white QR code): from now on a
        // black screen is its doing, not the X server's black root window.
        screenshot_until(&display, &format!("{name}_pairing.png"), |shot| {
            share(shot, (0.0, 0.0, 1.0, 1.0), [255, 255, 255]) > 0.02
        });
        let (status, screen) = runtime.block_on(admin.send(
            reqwest::Method::POST,
            "/api/v1/screens/pair",
            json!({"code": code, "screen": {"store_id": store, "name": "Counter",
                   "default_layout_id": layout, "heartbeat_secs": 10}}),
        ));
        assert_eq!(status, 200, "{screen}");
        let screen = screen["id"].as_i64().expect("the paired screen's id");
        Cafe {
            runtime,
            admin,
            screen,
            display,
            player,
            events,
            xset,
            cec,
            cec_device,
            _server: server,
            _xvfb: xvfb,
            _dir: dir,
        }
    }

    /// The next `panel` event that says the panel is `on` (or not).
    fn until_panel(&self, on: bool) -> Value {
        until_event_where(&self.events, "panel", |e| e["on"] == on)
    }

    /// Waits until the server heard the panel is in `panel` state.
    fn until_heartbeat(&self, panel: Value) -> Value {
        until_screen(
            &self.runtime,
            &self.admin,
            self.screen,
            &format!("a heartbeat with panel {panel}"),
            |screen| screen["status"]["panel"] == panel,
        )
    }

    fn cec_call(&self, message: &str) -> String {
        format!("-d {} --to 0 {message}", self.cec_device.display())
    }

    /// The panel is off and the window black: xset forced DPMS off (after turning blanking
    /// off at start, and DPMS on, without which `force off` does nothing), the TV went to
    /// standby, and the server heard it sleeps by schedule.
    fn assert_asleep(&self, shot: &str) {
        let event = self.until_panel(false);
        assert_eq!(
            (&event["asleep_by_schedule"], &event["control"]),
            (&json!(true), &json!("xset")),
            "{event}"
        );
        let xset = until_calls(&self.xset, "xset dpms force off", |c| {
            c.last().is_some_and(|l| l == "dpms force off")
        });
        assert_eq!(
            xset,
            ["s off -dpms s noblank", "+dpms", "dpms force off"],
            "blanking off once at start, then DPMS forced off, each once"
        );
        until_calls(&self.cec, "cec-ctl --standby", |c| {
            c == [self.cec_call("--standby")]
        });
        screenshot_until(&self.display, shot, black);
        self.until_heartbeat(json!({"on": false, "asleep_by_schedule": true, "control": "xset"}));
    }

    /// The panel is on and plays again: DPMS forced on and disabled again (so it never
    /// blanks by itself), the TV woken, the picture on screen, the server told. Returns the
    /// player's `panel` event.
    fn assert_awake(&mut self, shot: &str) -> Value {
        let event = self.until_panel(true);
        assert_eq!(event["asleep_by_schedule"], false, "{event}");
        let xset = until_calls(&self.xset, "xset dpms force on", |c| {
            c.ends_with(&["dpms force on".to_owned(), "-dpms".to_owned()])
        });
        assert_eq!(xset.len(), 5, "each command once: {xset:?}");
        until_calls(&self.cec, "cec-ctl --image-view-on", |c| {
            c == [self.cec_call("--standby"), self.cec_call("--image-view-on")]
        });
        screenshot_until(&self.display, shot, orange);
        self.until_heartbeat(json!({"on": true, "asleep_by_schedule": false, "control": "xset"}));
        assert!(
            self.player.0.try_wait().unwrap().is_none(),
            "the player kept running"
        );
        event
    }
}

fn skip() -> bool {
    !have("Xvfb", "-help") || !have("import", "-version")
}

/// 07:49:35 in Tehran: closed, 25 seconds before the panel wakes for the 08:00 opening.
const BEFORE_OPENING: &str = "2026-12-05T04:19:35Z";
/// 07:50:00 in Tehran: ten minutes (the default wake lead) before opening.
const WAKE_AT: &str = "2026-12-05T04:20:00Z";

#[test]
fn the_panel_sleeps_while_the_store_is_closed_and_wakes_before_it_opens() {
    if skip() {
        return;
    }
    let mut cafe = Cafe::open("window_power_closed", BEFORE_OPENING);
    cafe.assert_asleep("window_power_closed.png");

    // The clock passes opening minus the wake lead: on again, on time (the player woke for
    // it rather than noticing later).
    let event = cafe.assert_awake("window_power_opening.png");
    let at: Timestamp = event["at"].as_str().unwrap().parse().unwrap();
    let wake: Timestamp = WAKE_AT.parse().unwrap();
    assert!(
        at >= wake && at.duration_since(wake).as_secs_f64() < 3.0,
        "switched on at {at}, due at {wake}"
    );
}

#[test]
fn the_wake_command_turns_the_panel_on_at_night() {
    if skip() {
        return;
    }
    // 03:00 in Tehran: the panel would sleep until 07:50.
    let mut cafe = Cafe::open("window_power_night", "2026-12-04T23:30:00Z");
    cafe.assert_asleep("window_power_night.png");

    let (status, sent) = cafe.runtime.block_on(cafe.admin.send(
        reqwest::Method::POST,
        &format!("/api/v1/screens/{}/commands", cafe.screen),
        json!({"command": "wake"}),
    ));
    assert_eq!(status, 201, "{sent}");
    cafe.assert_awake("window_power_woken.png");
    // The player acknowledged the command as done.
    let url = format!(
        "{}/api/v1/screens/{}/commands",
        cafe.admin.base, cafe.screen
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let commands = cafe
            .runtime
            .block_on(vitrin_tests::get_json(&cafe.admin.client, &url));
        let wake = commands
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == sent["id"])
            .cloned()
            .unwrap_or_else(|| panic!("the wake command among {commands}"));
        if wake["acked_at"].is_i64() {
            assert_eq!((&wake["ok"], &wake["error"]), (&json!(true), &Value::Null));
            break;
        }
        assert!(Instant::now() < deadline, "never acknowledged: {wake}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
