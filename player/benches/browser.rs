//! Browser player figures for BENCHMARKS.md, beside the native player on the same layout and
//! the same machine (software rendering, 1280×720, no GPU):
//! - the wasm bundle as served (gzip) and unpacked;
//! - cold start: a first visit (empty browser cache) to the pairing code, and a reload of a
//!   paired page to the first content frame (the page's own `performance.now()` marks),
//!   against the native player's start from its cache to its first content frame;
//! - CPU while the demo café's layout plays (a Persian menu, a clock, a ticker at 30 fps): the
//!   native process against every process of the headless Chromium (browser, renderer and GPU
//!   processes; WebGL2 through SwiftShader).
//!
//! `cargo bench -p vitrin-player --bench browser` (needs Xvfb, chromedriver and Chromium).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{
    cpu_share, first_frame_ms, have, median, pairing_code, pids_with, shop, start_player,
    start_xvfb, until_event,
};
use vitrin_tests::browser::{Browser, PLAYER_ARGS};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const RUNS: usize = 5;
/// CPU is measured over this many windows of this length; the median is reported.
const CPU_WINDOWS: usize = 3;
const CPU_SECS: u64 = 10;

fn main() {
    if !have("Xvfb", "-help") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_xvfb, display) = start_xvfb(WIDTH, HEIGHT);
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "ولیعصر");
    let layout = runtime.block_on(support::cafe_layout(&admin));
    let pair = |code: &str, name: &str| {
        runtime.block_on(admin.pair_screen(code, store, name, layout));
    };

    // The bundle as a browser downloads it.
    let (gzip, raw) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let get = |encoding: &'static str| {
            let request = client
                .get(server.url("/play/app_bg.wasm"))
                .header("accept-encoding", encoding);
            async move { request.send().await.unwrap().bytes().await.unwrap().len() }
        };
        (get("gzip").await, get("identity").await)
    });
    println!(
        "bundle: app_bg.wasm {:.2} MiB gzip, {:.2} MiB unpacked",
        gzip as f64 / 1048576.0,
        raw as f64 / 1048576.0
    );

    // Native: paired once, then started RUNS times from its cache.
    let data = dir.path().join("native");
    let native = start_player(&server.url(""), &data, &display, 0);
    pair(&pairing_code(&native.events), "Native");
    until_event(&native.events, "showing");
    first_frame_ms(&native);
    drop(native);
    let mut native_starts = Vec::new();
    for _ in 0..RUNS {
        let player = start_player(&server.url(""), &data, &display, 0);
        native_starts.push(first_frame_ms(&player) as f64);
    }
    let player = start_player(&server.url(""), &data, &display, 0);
    first_frame_ms(&player);
    std::thread::sleep(Duration::from_secs(3));
    let pid = player.process.0.id();
    let native_cpu: Vec<f64> = (0..CPU_WINDOWS)
        .map(|_| cpu_share(&[pid], CPU_SECS))
        .collect();
    drop(player);

    // Browser: a first visit, pairing, then RUNS reloads.
    let Some(b) = runtime.block_on(Browser::start_with(&PLAYER_ARGS)) else {
        return;
    };
    let mark = |name: &str| -> f64 {
        let script = format!("return window.{name} === undefined ? null : window.{name};");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(ms) = runtime.block_on(b.run(&script)).as_f64() {
                return ms;
            }
            assert!(Instant::now() < deadline, "no {name} on the page");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    runtime.block_on(async {
        b.viewport(WIDTH, HEIGHT).await;
        b.goto(&server.url("/play/")).await;
    });
    let first_visit = mark("vitrinPairingMs");
    let code = runtime.block_on(b.wait_player("a pairing code", |s: &Value| {
        s["code"].as_str().map(str::to_owned)
    }));
    pair(&code, "Browser");
    runtime.block_on(b.wait_player("the layout", |s: &Value| {
        (s["showing"]["main"]["layout"] == layout).then_some(())
    }));
    mark("vitrinFirstFrameMs");
    let mut browser_starts = Vec::new();
    for _ in 0..RUNS {
        runtime.block_on(b.goto(&server.url("/play/")));
        browser_starts.push(mark("vitrinFirstFrameMs"));
    }
    std::thread::sleep(Duration::from_secs(3));
    let browser_cpu: Vec<f64> = (0..CPU_WINDOWS)
        .map(|_| cpu_share(&pids_with("chromium"), CPU_SECS))
        .collect();
    runtime.block_on(b.close());

    println!(
        "cold start, first visit to the pairing code: browser {:.0} ms",
        first_visit
    );
    println!(
        "cold start to the first content frame, median of {RUNS}: native {:.0} ms {:?}, \
         browser reload {:.0} ms {:?}, ratio {:.1}",
        median(native_starts.clone()),
        native_starts,
        median(browser_starts.clone()),
        browser_starts,
        median(browser_starts.clone()) / median(native_starts.clone()).max(1.0)
    );
    println!(
        "CPU, menu + clock + ticker, median of {CPU_WINDOWS} × {CPU_SECS} s: native {:.1} % \
         {:.1?}, browser (all Chromium processes) {:.1} % {:.1?}, ratio {:.1}",
        median(native_cpu.clone()),
        native_cpu,
        median(browser_cpu.clone()),
        browser_cpu,
        median(browser_cpu.clone()) / median(native_cpu.clone()).max(0.1)
    );
}
