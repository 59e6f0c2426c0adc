//! What a frame costs on this machine's renderer, piece by piece: a window of `FLOOR_SIZE`
//! (default 1920x1080) that repaints 30 times a second and draws `FLOOR_DRAW`, printing its
//! frame rate and CPU every 10 s. The player's frame-cost profile in BENCHMARKS.md comes from
//! it:
//! - `none`: only the clear and the present;
//! - `fill` / `texture`: one window-sized quad, a colour or a picture;
//! - any of `menu`, `clock`, `ticker` joined by commas: Vitrin's renderers in the demo café's
//!   zones (`main_side_ticker`), with `FLOOR_FILL=1` painting zone backgrounds under them as
//!   the player did before it left them to the cleared frame.
//!
//! `FLOOR_DAMAGE=ticker` lays out and tessellates every zone as usual but clips all drawing
//! to the ticker's strip: the floor of a renderer that shades only what changed between
//! frames (eframe still clears and presents the whole window).
//!
//! `FLOOR_DAMAGE=compositor` draws through the player's compositor (`render::compositor`):
//! only what changed since the frame in the window's back buffer is shaded again.
//!
//! `FLOOR_RENDERER=wgpu` draws with wgpu instead of glow (the player's `--renderer`).
//!
//! `DISPLAY=:n FLOOR_DRAW=menu,clock,ticker cargo run --release -p vitrin-player --features window --example frame_floor`

use std::time::{Duration, Instant};

use egui::{Color32, Rect, pos2, vec2};
use vitrin_player::render::compositor::Compositor;
use vitrin_player::render::text::{Direction, Palette, TextCache};
use vitrin_player::render::{Env, ImageState, MediaTextures, Seams, clock, menu, ticker};
use vitrin_shared::content::{MediaRef, Menu};

const REPORT_EVERY: Duration = Duration::from_secs(10);

struct NoMedia;

impl MediaTextures for NoMedia {
    fn image(&mut self, _ctx: &egui::Context, _media: &MediaRef, _max: egui::Vec2) -> ImageState {
        ImageState::Failed("no pictures here".into())
    }
}

struct Floor {
    draw: String,
    fill_zones: bool,
    ticker_damage_only: bool,
    use_compositor: bool,
    compositor: Option<Compositor>,
    text: TextCache,
    menu: Menu,
    started: Instant,
    texture: Option<egui::TextureHandle>,
    frames: u32,
    since: Instant,
    cpu: f64,
}

/// User + system CPU seconds of this process.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / per_second
}

impl Floor {
    fn draw_zones(&mut self, ui: &mut egui::Ui, screen: Rect) {
        let (now, feeds, brand, seams) = (
            jiff::Zoned::now(),
            Default::default(),
            Default::default(),
            Seams::default(),
        );
        let mut env = Env {
            now: &now,
            shown_for: self.started.elapsed().as_secs_f64(),
            text: &mut self.text,
            media: &mut NoMedia,
            feeds: &feeds,
            brand: &brand,
            palette: Palette::default(),
            seams: &seams,
            on_cleared_frame: !self.fill_zones,
        };
        let (w, h) = (screen.width(), screen.height());
        let strip = Rect::from_min_size(pos2(0.0, h * 0.9), vec2(w, h * 0.1));
        if self.ticker_damage_only {
            ui.set_clip_rect(strip);
        }
        if self.draw.contains("menu") {
            let main = Rect::from_min_size(screen.min, vec2(w * 0.7, h * 0.9));
            menu::show(ui, main, &self.menu, &mut env);
        }
        if self.draw.contains("clock") {
            let side = Rect::from_min_size(pos2(w * 0.7, 0.0), vec2(w * 0.3, h * 0.9));
            let (calendar, digits) = Default::default();
            clock::show(ui, side, calendar, digits, false, &mut env);
        }
        if self.draw.contains("ticker") {
            let items = ["به کافه ویترین خوش آمدید", "Wi-Fi: vitrin-guest"];
            ticker::show_items(ui, strip, &items, false, 120, Direction::Rtl, &mut env);
        }
    }
}

impl eframe::App for Floor {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if self.compositor.is_none()
            && self.use_compositor
            && let Some(gl) = frame.gl()
        {
            self.compositor = Some(Compositor::new(gl, ui.ctx()).expect("a compositor"));
        }
        let clear = ui.visuals().panel_fill.to_normalized_gamma_f32();
        match self.compositor.take() {
            Some(mut compositor) => {
                let _ = compositor.frame(ui.ctx(), false, |ui| {
                    self.paint(ui);
                    clear
                });
                self.compositor = Some(compositor);
            }
            None => self.paint(ui),
        }
        self.frames += 1;
        if self.since.elapsed() >= REPORT_EVERY {
            let secs = self.since.elapsed().as_secs_f64();
            let cpu = cpu_seconds();
            let screen = ui.max_rect();
            println!(
                "{} at {}×{}: {:.1} frames/s, {:.1} % of a core",
                self.draw,
                screen.width(),
                screen.height(),
                f64::from(self.frames) / secs,
                (cpu - self.cpu) / secs * 100.0
            );
            (self.frames, self.since, self.cpu) = (0, Instant::now(), cpu);
        }
        ui.ctx().request_repaint_after(Duration::from_millis(33));
    }
}

impl Floor {
    fn paint(&mut self, ui: &mut egui::Ui) {
        let screen = ui.max_rect();
        match self.draw.as_str() {
            "none" => {}
            "fill" => {
                ui.painter().rect_filled(screen, 0.0, Color32::DARK_BLUE);
            }
            "texture" => {
                let [w, h] = [screen.width() as usize, screen.height() as usize];
                let texture = self.texture.get_or_insert_with(|| {
                    let pixels = vec![Color32::from_rgb(40, 80, 120); w * h];
                    let image = egui::ColorImage::new([w, h], pixels);
                    ui.ctx()
                        .load_texture("floor", image, egui::TextureOptions::LINEAR)
                });
                let whole = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
                ui.painter()
                    .image(texture.id(), screen, whole, Color32::WHITE);
            }
            _ => self.draw_zones(ui, screen),
        }
    }
}

fn main() {
    let size = std::env::var("FLOOR_SIZE").unwrap_or_else(|_| "1920x1080".into());
    let (w, h) = size.split_once('x').expect("FLOOR_SIZE is WIDTHxHEIGHT");
    let options = eframe::NativeOptions {
        // X11 without a window manager ignores fullscreen requests: ask for the size itself.
        viewport: egui::ViewportBuilder::default()
            .with_decorations(false)
            .with_position([0.0, 0.0])
            .with_inner_size([w.parse::<f32>().unwrap(), h.parse::<f32>().unwrap()]),
        renderer: match std::env::var("FLOOR_RENDERER").as_deref() {
            Ok("wgpu") => eframe::Renderer::Wgpu,
            _ => eframe::Renderer::Glow,
        },
        ..Default::default()
    };
    let menu = serde_json::from_value(serde_json::json!({
        "title": "صبحانه · Breakfast", "unit": "toman",
        "categories": vitrin_server::demo::breakfast_categories()}))
    .unwrap();
    let floor = Floor {
        draw: std::env::var("FLOOR_DRAW").unwrap_or_else(|_| "none".into()),
        fill_zones: std::env::var_os("FLOOR_FILL").is_some(),
        ticker_damage_only: std::env::var("FLOOR_DAMAGE").as_deref() == Ok("ticker"),
        use_compositor: std::env::var("FLOOR_DAMAGE").as_deref() == Ok("compositor"),
        compositor: None,
        text: TextCache::new(),
        menu,
        started: Instant::now(),
        texture: None,
        frames: 0,
        since: Instant::now(),
        cpu: cpu_seconds(),
    };
    eframe::run_native("frame_floor", options, Box::new(|_| Ok(Box::new(floor)))).unwrap();
}
