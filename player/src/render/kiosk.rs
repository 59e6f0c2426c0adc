//! Kiosk duties of the window: fullscreen without borders or cursor, sized to the monitor
//! even with no window manager (X11 ignores fullscreen requests then), the output rotated as
//! the screen is mounted, and systemd's readiness and watchdog pings. Screen blanking and the
//! panel's power are `crate::power`'s.
//!
//! Rotation is the display server's job, not the drawing's: egui's layer transforms only
//! translate and scale, so rotating the picture in the player would mean an extra offscreen
//! pass every frame on a software renderer. The compositor rotates the whole output for free
//! (`wlr-randr --transform` under cage, `xrandr --rotate` on X11); the window then simply
//! gets the rotated monitor size and the portrait layouts fill it.

use std::os::unix::net::UnixDatagram;
use std::process::Command;
use std::time::{Duration, Instant};

use vitrin_shared::manifest::Orientation;

/// How often the UI loop tells systemd it is alive. The unit's `WatchdogSec=` is 30 s; a ping
/// every 10 s leaves room for slow frames. Each ping costs an idle screen one frame (on a
/// software renderer tens of milliseconds), so it is not more often than needed.
pub const WATCHDOG_EVERY: Duration = Duration::from_secs(10);

/// The native window's options: fullscreen and borderless, or a plain window with `windowed`.
pub fn viewport(windowed: bool) -> egui::ViewportBuilder {
    let builder = egui::ViewportBuilder::default()
        .with_title("Vitrin")
        .with_app_id("vitrin-player");
    if windowed {
        builder.with_inner_size([1280.0, 720.0])
    } else {
        builder
            .with_fullscreen(true)
            .with_decorations(false)
            .with_position([0.0, 0.0])
    }
}

/// Sends one `sd_notify` state line (e.g. `READY=1`) to the service manager, if the player
/// runs under one (`NOTIFY_SOCKET` set). Abstract sockets start with `@`.
pub fn sd_notify(state: &str) -> std::io::Result<bool> {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return Ok(false);
    };
    let socket = UnixDatagram::unbound()?;
    let bytes = path.as_encoded_bytes();
    if let Some(name) = bytes.strip_prefix(b"@") {
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
        socket.send_to_addr(state.as_bytes(), &addr)?;
    } else {
        socket.send_to(state.as_bytes(), &path)?;
    }
    Ok(true)
}

/// What the kiosk keeps doing from the UI loop.
pub struct Kiosk {
    windowed: bool,
    last_ping: Option<Instant>,
    /// The monitor size the window was last fitted to.
    fitted: Option<egui::Vec2>,
    rotation: Option<Orientation>,
}

impl Kiosk {
    pub fn new(windowed: bool) -> Kiosk {
        Kiosk {
            windowed,
            last_ping: None,
            fitted: None,
            rotation: None,
        }
    }

    /// Called every frame: readiness and watchdog pings, cursor, window size. Asks for a
    /// frame in time for the next ping.
    pub fn tick(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        if self.last_ping.is_none_or(|t| now - t >= WATCHDOG_EVERY) {
            let state = if self.last_ping.is_none() {
                "READY=1\nWATCHDOG=1"
            } else {
                "WATCHDOG=1"
            };
            if let Err(e) = sd_notify(state) {
                tracing::warn!("cannot notify the service manager: {e}");
            }
            self.last_ping = Some(now);
        }
        // A frozen UI stops pinging and is restarted; a healthy but idle one must still wake,
        // in time for the next ping whatever frames came between.
        let since = self.last_ping.map_or(Duration::ZERO, |t| now - t);
        ctx.request_repaint_after(WATCHDOG_EVERY.saturating_sub(since));
        if self.windowed {
            return;
        }
        ctx.set_cursor_icon(egui::CursorIcon::None);
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        if let Some(monitor) = monitor.filter(|m| m.x > 0.0 && m.y > 0.0) {
            let fits = inner.is_some_and(|r| (r.size() - monitor).length() < 1.0);
            if !fits && self.fitted != Some(monitor) {
                // Without a window manager the fullscreen request is ignored: take the whole
                // monitor ourselves.
                ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
                ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
                self.fitted = Some(monitor);
            }
        }
    }

    /// Rotates the output when the screen's mounting changes (kiosk mode only).
    pub fn rotate(&mut self, orientation: Orientation) {
        if self.windowed || self.rotation == Some(orientation) {
            return;
        }
        self.rotation = Some(orientation);
        // Let the size be fitted again to the rotated monitor.
        self.fitted = None;
        std::thread::spawn(move || {
            if let Err(e) = rotate_output(orientation) {
                tracing::warn!(
                    "cannot rotate the screen to {}°: {e}",
                    orientation.degrees()
                );
            }
        });
    }
}

/// Asks the display server to rotate the (first) output.
fn rotate_output(orientation: Orientation) -> Result<(), String> {
    if std::env::var_os("WAYLAND_DISPLAY").is_some() {
        let listing = Command::new("wlr-randr")
            .output()
            .map_err(|e| format!("wlr-randr: {e}"))?;
        let text = String::from_utf8_lossy(&listing.stdout);
        let output = crate::power::first_wlr_output(&text).ok_or("wlr-randr lists no output")?;
        let transform = match orientation.degrees() {
            0 => "normal".to_owned(),
            degrees => degrees.to_string(),
        };
        run(
            "wlr-randr",
            &["--output", output, "--transform", &transform],
        )
    } else if std::env::var_os("DISPLAY").is_some() {
        // xrandr names the rotation by where the top of the picture goes, counter-clockwise.
        let rotate = match orientation {
            Orientation::Landscape => "normal",
            Orientation::Portrait => "right",
            Orientation::LandscapeFlipped => "inverted",
            Orientation::PortraitFlipped => "left",
        };
        run("xrandr", &["-o", rotate])
    } else {
        Err("no display server to ask".into())
    }
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed: {status}", args.join(" ")))
    }
}
