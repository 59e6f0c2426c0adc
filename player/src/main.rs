//! `vitrin-player`: parse the command line, then run the engine with its window (or
//! `--headless`, or `--check` once).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use vitrin_player::client::Api;
use vitrin_player::clock::Clock;
use vitrin_player::engine::{Engine, Exit, Output, Settings};
use vitrin_player::{Config, Event};

/// Exit code asking the service manager for a restart (the `restart` command).
const RESTART: u8 = 75;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let mut config = Config::parse();
    config.server.pins.append(&mut config.pins);
    // Logs go to stderr; stdout carries only the JSON event lines.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Err(e) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!(
            "vitrin-player: cannot create data dir {}: {e}",
            config.data_dir.display()
        );
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vitrin-player: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if config.check {
        return runtime.block_on(check(&config));
    }
    let window = !config.headless && cfg!(feature = "window");
    if !config.headless && !window {
        tracing::info!("this build has no window (feature `window` off); running headless");
    }
    if window && let Err(why) = display_server() {
        eprintln!("vitrin-player: {why}");
        return ExitCode::FAILURE;
    }
    let clock = match config.clock_start {
        Some(start) => Clock::scaled(start, config.clock_speed),
        None => Clock::system(),
    };
    let server = config.server.to_string();
    let settings = Settings {
        server: config.server,
        ca_file: config.ca_file,
        data_dir: config.data_dir,
        disk_budget: config.disk_budget_mb.saturating_mul(1024 * 1024),
        lookahead: jiff::SignedDuration::from_hours(i64::from(config.lookahead_hours)),
    };
    let (out, events) = if window {
        let (out, events) = Output::tee();
        (out, Some(events))
    } else {
        (Output::default(), None)
    };
    let engine = match Engine::open(settings, clock, out) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("vitrin-player: {e}");
            return ExitCode::FAILURE;
        }
    };
    #[cfg(feature = "window")]
    if let Some(events) = events {
        return run_window(
            &runtime,
            engine,
            events,
            config.windowed,
            config.renderer,
            server,
            started,
        );
    }
    #[cfg(not(feature = "window"))]
    let _ = (events, server, started);
    match runtime.block_on(engine.run()) {
        Exit::Restart => ExitCode::from(RESTART),
    }
}

/// Runs the engine on the runtime's threads and the window on this (the main) thread, as
/// windowing systems require.
#[cfg(feature = "window")]
fn run_window(
    runtime: &tokio::runtime::Runtime,
    engine: std::sync::Arc<Engine>,
    events: tokio::sync::mpsc::UnboundedReceiver<Event>,
    windowed: bool,
    renderer: vitrin_player::Renderer,
    server: String,
    started: std::time::Instant,
) -> ExitCode {
    use vitrin_player::power::{Controls, Environment};
    use vitrin_player::render::{app, kiosk};
    let _entered = runtime.enter();
    // A kiosk switches its panel by the store's hours; a window on someone's desk only
    // shows black then, and never turns their monitor off.
    if !windowed {
        engine.use_power_controls(Controls::detect(&Environment::current()));
    }
    let running = engine.clone();
    runtime.spawn(async move {
        match running.run().await {
            // The service manager starts the player again.
            Exit::Restart => std::process::exit(i32::from(RESTART)),
        }
    });
    let options = eframe::NativeOptions {
        viewport: kiosk::viewport(windowed),
        renderer: match renderer {
            vitrin_player::Renderer::Gl => eframe::Renderer::Glow,
            vitrin_player::Renderer::Wgpu => eframe::Renderer::Wgpu,
        },
        ..Default::default()
    };
    let result = eframe::run_native(
        "vitrin-player",
        options,
        Box::new(move |cc| {
            let events = app::forward_events(events, cc.egui_ctx.clone());
            let options = app::Options {
                windowed,
                server,
                started,
            };
            Ok(Box::new(app::PlayerApp::new(
                &cc.egui_ctx,
                cc.gl.as_ref(),
                engine,
                events,
                options,
            )))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(
            e @ (eframe::Error::Wgpu(_)
            | eframe::Error::Glutin(_)
            | eframe::Error::NoGlutinConfigs(..)),
        ) => {
            eprintln!(
                "vitrin-player: no GPU driver can draw the window ({e}): the player needs the \
                 GPU's Mesa driver or, without one, Mesa's software renderers (Debian packages \
                 libgl1-mesa-dri and libegl1 for --renderer gl, mesa-vulkan-drivers for wgpu)"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("vitrin-player: the window failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether a display server can be reached: without one, winit's own error names neither
/// the cause nor the fix.
fn display_server() -> Result<(), &'static str> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    if set("WAYLAND_DISPLAY") || set("WAYLAND_SOCKET") || set("DISPLAY") {
        return Ok(());
    }
    Err(
        "no display server: neither WAYLAND_DISPLAY nor DISPLAY is set. On a kiosk the \
         vitrin-player service starts the player under cage (its messages are in \
         `journalctl -u vitrin-player`); --windowed needs a desktop session; --headless runs \
         the engine without a screen",
    )
}

/// `--check`: asks the server's /healthz once.
async fn check(config: &Config) -> ExitCode {
    let out = Output::default();
    let server = config.server.to_string();
    let trust = vitrin_player::tls::Trust {
        ca_file: config.ca_file.clone(),
        pins: vitrin_player::tls::Pins::new(config.server.pins.clone()),
    };
    let api = match Api::new(&config.server, &trust) {
        Ok(api) => api,
        Err(error) => {
            out.emit(&Event::ServerUnreachable { server, error });
            return ExitCode::FAILURE;
        }
    };
    match api.health().await {
        Ok(health) => {
            out.emit(&Event::ServerReachable {
                server,
                version: health.version,
                api_version: health.api_version,
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            out.emit(&Event::ServerUnreachable {
                server,
                error: e.to_string(),
            });
            ExitCode::FAILURE
        }
    }
}
