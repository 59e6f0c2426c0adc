//! Frame cost for BENCHMARKS.md: the real player against a Chromium kiosk showing the same
//! board, on the same machine with no GPU (software rendering under Xvfb), at 1280×720 and
//! 1920×1080. The player runs three times: as shipped (`gl`: OpenGL on Mesa's llvmpipe here,
//! shading only what changed between frames), and as the same-run references `gl-full`
//! (`VITRIN_FULL_REDRAW=1`: every frame shaded whole, as eframe draws) and `wgpu` (Vulkan on
//! Mesa's lavapipe here).
//!
//! The board is the demo café's (`support::cafe_layout`): a Persian menu, a clock that changes
//! each minute and a ticker moving at 120 px/s on a 1080-high screen. Chromium (Debian's, in
//! `--kiosk`, its own defaults for a machine without a GPU) shows `frame_cost/board.html`, the
//! same layout, texts, colours and typeface written as a web signage player would: CSS layout
//! and a compositor-driven CSS animation. Each side runs alone on its own Xvfb; the figures
//! are the CPU of every process of the side and of its X server (a full-window present costs
//! the X server a copy too), in percent of one core, median of `CPU_WINDOWS` windows, and the
//! resident memory at the end. A screenshot of each side is kept in the test artifacts
//! (`frame_cost_{player_gl,player_gl-full,player_wgpu,chromium}_{720,1080}p.png`).
//!
//! `cargo bench -p vitrin-player --bench frame_cost` (needs Xvfb and Chromium). With
//! `VITRIN_PERF_DIR=<dir>` it also records `perf record -g` of the player's last window there.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{
    Process, cpu_shares, first_frame_ms, have, median, pairing_code, pids_with, rss_mib, shop,
    start_player_with, start_xvfb, until_event,
};
use vitrin_tests::browser::CHROMIUM;

const SIZES: [(u32, u32); 2] = [(1280, 720), (1920, 1080)];
/// How the player runs: as shipped first, then the references (name, environment).
const VARIANTS: [(&str, &[(&str, &str)]); 3] = [
    ("gl", &[("VITRIN_RENDERER", "gl")]),
    (
        "gl-full",
        &[("VITRIN_RENDERER", "gl"), ("VITRIN_FULL_REDRAW", "1")],
    ),
    ("wgpu", &[("VITRIN_RENDERER", "wgpu")]),
];
const CPU_WINDOWS: usize = 3;
const CPU_SECS: u64 = 10;
/// Time for each side to settle (first frames, font loading, caches) before measuring.
const SETTLE: Duration = Duration::from_secs(5);

fn main() {
    if !have("Xvfb", "-help") || !Path::new(CHROMIUM).exists() {
        eprintln!("frame_cost needs Xvfb and {CHROMIUM}");
        std::process::exit(1);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, admin, store) = shop(&runtime, &dir.path().join("server"), "ولیعصر");
    let layout = runtime.block_on(support::cafe_layout(&admin));

    // The reference page beside its typeface, loaded from file://.
    let page_dir = dir.path().join("page");
    std::fs::create_dir_all(&page_dir).unwrap();
    let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/frame_cost");
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../render/assets/fonts");
    std::fs::copy(bench_dir.join("board.html"), page_dir.join("board.html")).unwrap();
    for font in ["Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf"] {
        std::fs::copy(fonts.join(font), page_dir.join(font)).unwrap();
    }

    let mut rows = Vec::new();
    for (width, height) in SIZES {
        let mut natives = Vec::new();
        for variant in VARIANTS {
            natives.push(native_side(
                &runtime,
                &server,
                &admin,
                (store, layout),
                variant,
                (width, height),
                dir.path(),
            ));
        }

        // Chromium in kiosk mode on a fresh profile, alone on its own X server.
        let (xvfb, display) = start_xvfb(width, height);
        let profile = tempfile::tempdir().unwrap();
        let _chromium = Process(
            Command::new(CHROMIUM)
                .arg("--kiosk")
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg(format!("--window-size={width},{height}"))
                .args([
                    "--window-position=0,0",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--password-store=basic",
                    // A kiosk offers no translation of its own page.
                    "--disable-features=Translate",
                    // Root in a container has no user namespaces for the sandbox.
                    "--no-sandbox",
                ])
                .arg(format!("file://{}", page_dir.join("board.html").display()))
                .env("DISPLAY", &display)
                .env_remove("WAYLAND_DISPLAY")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let needle = profile.path().display().to_string();
        std::thread::sleep(SETTLE * 2);
        let pids = || pids_with(&needle);
        assert!(!pids().is_empty(), "Chromium did not start");
        let chromium = measure(pids, xvfb.0.id());
        support::screenshot(&display, &shot("chromium", height));
        let chromium_rss: f64 = pids().into_iter().map(rss_mib).sum();
        drop(_chromium);
        drop(xvfb);
        rows.push((width, height, natives, chromium, chromium_rss));
    }

    println!("| screen | side | CPU (processes + X server) | frames/s | ÷ Chromium's CPU | RSS |");
    println!("|---|---|---|---|---|---|");
    for (width, height, natives, chromium, chromium_rss) in rows {
        for native in natives {
            println!(
                "| {width}×{height} | Vitrin player, {} | **{:.1} %** ({:.1} + {:.1}; \
                 windows {:.1?}) | {:.1?} | {:.2}× | {:.0} MiB |",
                native.variant,
                native.cpu.total,
                native.cpu.process,
                native.cpu.x_server,
                native.cpu.windows,
                native.fps,
                native.cpu.total / chromium.total.max(0.1),
                native.rss,
            );
        }
        println!(
            "| {width}×{height} | Chromium kiosk (all processes) | **{:.1} %** ({:.1} + {:.1}; \
             windows {:.1?}) | — | 1× | {:.0} MiB (sum) |",
            chromium.total, chromium.process, chromium.x_server, chromium.windows, chromium_rss,
        );
    }
}

/// What one run of the native player cost.
struct Native {
    variant: &'static str,
    cpu: Cpu,
    fps: Vec<f64>,
    rss: f64,
}

/// Runs the native player as `variant` on its own Xvfb, paired afresh (a new data
/// directory), and measures it.
fn native_side(
    runtime: &tokio::runtime::Runtime,
    server: &vitrin_tests::TestServer,
    admin: &vitrin_tests::Admin,
    (store, layout): (i64, i64),
    (variant, env): (&'static str, &[(&str, &str)]),
    (width, height): (u32, u32),
    dir: &Path,
) -> Native {
    let (xvfb, display) = start_xvfb(width, height);
    let data = dir.join(format!("native-{variant}-{height}"));
    let player = start_player_with(&server.url(""), &data, &display, CPU_SECS, env);
    let code = pairing_code(&player.events);
    let name = format!("Native {variant} {height}p");
    runtime.block_on(admin.pair_screen(&code, store, &name, layout));
    until_event(&player.events, "showing");
    first_frame_ms(&player);
    std::thread::sleep(SETTLE);
    let pid = player.process.0.id();
    let perf = std::env::var_os("VITRIN_PERF_DIR").map(|out| {
        let out = Path::new(&out).join(format!("player-{variant}-{height}p.data"));
        Process(
            Command::new("perf")
                .args(["record", "-g", "-F", "499", "-o"])
                .arg(&out)
                .args(["-p", &pid.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("perf"),
        )
    });
    let cpu = measure(|| vec![pid], xvfb.0.id());
    support::screenshot(&display, &shot(&format!("player_{variant}"), height));
    let rss = rss_mib(pid);
    let fps = frame_rates(&player);
    if let Some(mut perf) = perf {
        // SIGINT makes perf write its file and stop.
        // SAFETY: kill has no memory preconditions.
        unsafe { libc::kill(perf.0.id() as i32, libc::SIGINT) };
        let _ = perf.0.wait();
    }
    Native {
        variant,
        cpu,
        fps,
        rss,
    }
}

/// Where the picture each side showed while measured is kept (a test artifact).
fn shot(side: &str, height: u32) -> std::path::PathBuf {
    support::artifacts().join(format!("frame_cost_{side}_{height}p.png"))
}

/// The frame rates the player reported so far (`VITRIN_FRAME_STATS` lines).
fn frame_rates(player: &support::Player) -> Vec<f64> {
    player
        .log
        .try_iter()
        .filter_map(|line| support::frame_stats(&line)?["fps"].as_f64())
        .collect()
}

/// CPU in percent of one core, medians over the windows.
struct Cpu {
    /// The side's processes and its X server together.
    total: f64,
    process: f64,
    x_server: f64,
    /// Each window's total.
    windows: Vec<f64>,
}

/// Measures `pids` (asked again each window: Chromium starts and ends helper processes) and
/// the X server `xvfb` over the same windows.
fn measure(pids: impl Fn() -> Vec<u32>, xvfb: u32) -> Cpu {
    let (mut totals, mut processes, mut servers) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..CPU_WINDOWS {
        let [process, server] = cpu_shares([&pids(), &[xvfb]], CPU_SECS);
        processes.push(process);
        servers.push(server);
        totals.push(process + server);
    }
    Cpu {
        total: median(totals.clone()),
        process: median(processes),
        x_server: median(servers),
        windows: totals,
    }
}
