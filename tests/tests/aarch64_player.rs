//! The aarch64 build of the player — the binary the arm64 package ships for a Raspberry Pi —
//! run headless under qemu-user against this machine's x86 server: it pairs, applies a
//! publish by push, follows a day of dayparts with the server gone, and reports those plays
//! once the server is back.
//!
//! `.ci/run` cross-compiles the player and names it in `VITRIN_AARCH64_PLAYER` before the
//! test run; the emulator is `qemu-aarch64` (or `CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::{Value, json};
use vitrin_tests::player_process::PlayerProcess;
use vitrin_tests::{Admin, ServerProcess, free_addr};

const SERVER: &str = env!("CARGO_BIN_EXE_vitrin-test-server");
/// Emulation makes the player some ten times slower than native.
const WAIT: Duration = Duration::from_secs(90);
/// `e_machine` of an ELF file for 64-bit ARM.
const EM_AARCH64: u16 = 183;

/// The emulator command and the aarch64 player binary, or `None` (loudly) outside CI when the
/// binary was not built.
fn aarch64_player() -> Option<(Vec<String>, PathBuf)> {
    let Some(path) = std::env::var_os("VITRIN_AARCH64_PLAYER") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "VITRIN_AARCH64_PLAYER must name the aarch64 player in CI (.ci/run builds it)"
        );
        eprintln!(
            "NOTICE: the aarch64 player test did NOT run: VITRIN_AARCH64_PLAYER is not set. \
             Build it as .ci/run does (. .ci/aarch64-env.sh; cargo build --target \
             aarch64-unknown-linux-gnu -p vitrin-player) and name the binary there."
        );
        return None;
    };
    let path = PathBuf::from(path);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..4],
        b"\x7fELF",
        "{} is no ELF binary",
        path.display()
    );
    assert_eq!(
        u16::from_le_bytes([bytes[18], bytes[19]]),
        EM_AARCH64,
        "{} is not built for aarch64",
        path.display()
    );
    let runner = std::env::var("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER")
        .unwrap_or_else(|_| "qemu-aarch64".to_owned());
    Some((runner.split_whitespace().map(str::to_owned).collect(), path))
}

/// The emulated player, headless, for `server`; only errors are logged (with the server gone
/// on purpose, every retry would warn).
fn start_player(
    (runner, binary): &(Vec<String>, PathBuf),
    server: &str,
    data_dir: &Path,
    extra: &[&str],
) -> PlayerProcess {
    let mut command = runner.clone();
    command.push(binary.display().to_string());
    PlayerProcess::start(&command, server, data_dir, extra, "error", WAIT)
}

/// The content a `showing` event has in the main zone, and the rule that put it there.
fn main_zone(event: &Value) -> (Option<i64>, Option<i64>) {
    let main = &event["main"];
    (main["zones"]["main"].as_i64(), main["rule"].as_i64())
}

fn text(name: &str) -> Value {
    json!({"name": name, "type": "text", "title": name, "body": name})
}

#[test]
fn the_aarch64_player_pairs_syncs_and_plays_offline() {
    let Some(player_binary) = aarch64_player() else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server_dir = dir.path().join("server");
    let player_dir = dir.path().join("player");
    let addr = free_addr();
    let server = runtime.block_on(ServerProcess::start(SERVER, &server_dir, addr));
    let url = server.url("");
    let admin = runtime.block_on(Admin::setup(&url));
    let (store, welcome, welcome_layout) = runtime.block_on(async {
        let store = admin
            .create(
                "/api/v1/stores",
                json!({"name": "Tajrish", "timezone": "Asia/Tehran"}),
            )
            .await;
        let welcome = admin.create("/api/v1/content", text("Welcome")).await;
        let layout = admin
            .fullscreen_layout("Welcome", &[welcome], 3_600_000)
            .await;
        (store, welcome, layout)
    });

    // Pairing, as a shop does it: the code on screen, typed into the admin.
    let player = start_player(&player_binary, &url, &player_dir, &[]);
    let code = player.until("pairing_code", |_| true)["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let screen = runtime.block_on(admin.pair_screen(&code, store, "Pi", welcome_layout));
    player.until("paired", |e| e["screen_id"] == screen);
    player.until("showing", |e| main_zone(e).0 == Some(welcome));

    // Dayparts, published while it plays: they reach it by push.
    let rules = runtime.block_on(async {
        let mut rules = Vec::new();
        for (name, start, end) in [
            ("Breakfast", "07:00", "11:00"),
            ("Lunch", "11:00", "17:00"),
            ("Dinner", "17:00", "23:00"),
        ] {
            let content = admin.create("/api/v1/content", text(name)).await;
            let layout = admin.fullscreen_layout(name, &[content], 3_600_000).await;
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
        rules
    });
    let published = runtime.block_on(vitrin_tests::get_json(
        &admin.client,
        &format!("{url}/api/v1/screens/{screen}/manifest"),
    ))["version"]
        .as_i64()
        .unwrap();
    player.until("manifest_applied", |e| {
        e["version"].as_i64().is_some_and(|v| v >= published)
    });
    drop(player);

    // The server is gone. The player starts again from its disk, with a clock an hour per
    // second from 05:00 in Tehran two days ago, and follows the day's dayparts on its own.
    drop(server);
    let tehran = jiff::tz::TimeZone::get("Asia/Tehran").unwrap();
    let dawn = (Timestamp::now() - jiff::SignedDuration::from_hours(48))
        .to_zoned(tehran.clone())
        .with()
        .time(jiff::civil::time(5, 0, 0, 0))
        .build()
        .unwrap()
        .timestamp();
    let player = start_player(
        &player_binary,
        &url,
        &player_dir,
        &["--clock-start", &dawn.to_string(), "--clock-speed", "3600"],
    );
    let mut seen: Vec<(Option<i64>, i8)> = Vec::new();
    let night = dawn + jiff::SignedDuration::from_hours(18) + jiff::SignedDuration::from_mins(30);
    loop {
        let event = player.until("showing", |_| true);
        let at: Timestamp = event["at"].as_str().unwrap().parse().unwrap();
        if at > night {
            break;
        }
        let rule = main_zone(&event).1;
        if seen.last().is_none_or(|(last, _)| *last != rule) {
            seen.push((rule, at.to_zoned(tehran.clone()).hour()));
        }
    }
    assert_eq!(
        seen,
        vec![
            (None, 5),
            (Some(rules[0]), 7),
            (Some(rules[1]), 11),
            (Some(rules[2]), 17),
            (None, 23)
        ],
        "closed, breakfast, lunch, dinner, closed, each on its hour in Tehran"
    );

    // The server is back: the offline day's plays arrive.
    let _server = runtime.block_on(ServerProcess::start(SERVER, &server_dir, addr));
    let db = runtime
        .block_on(vitrin_server::db::Db::connect(
            &vitrin_server::default_database_url(&server_dir),
        ))
        .unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let plays: Vec<(Option<i64>,)> = runtime
            .block_on(
                vitrin_server::db::sql("SELECT rule_id FROM plays WHERE screen_id = $1")
                    .bind(screen)
                    .fetch_all(&db),
            )
            .unwrap();
        let dayparts_played = rules
            .iter()
            .filter(|rule| plays.iter().any(|(played,)| *played == Some(**rule)))
            .count();
        if dayparts_played == rules.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the offline plays did not arrive: {plays:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
