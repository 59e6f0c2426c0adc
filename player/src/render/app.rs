//! The eframe application: takes what the engine says is showing, lays the zones out by the
//! layout's template, hands each zone's content to its renderer and cross-fades between items.
//!
//! Never a black frame: the next item is drawn invisibly until its renderer reports `Shown`
//! (a picture decoded, a video's first frame), and only then faded in over the old one. An item
//! that `Failed` is skipped to the next good entry of its playlist, and the reason is logged.
//! Idle means idle: nothing repaints unless an event, a decoded picture, a video frame, a fade
//! or a renderer's own animation asks for it (plus the watchdog ping every few seconds).
//!
//! While the store is closed (its hours and the screen's power schedule say so) the frame is
//! plain black, whether or not the engine could switch the panel off.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use vitrin_shared::content::MediaRef;

use super::compositor::Compositor;
use super::frame_stats::FrameStats;
use super::image::ImageLoader;
use super::kiosk::Kiosk;
use super::stage::{self, FRAME, Host, Stage, on_wall};
use super::video::Video;
use super::{ImageState, MediaTextures, Outcome, install_fonts, pairing, status};
use crate::Event;
use crate::engine::{Engine, Showing};

/// How long the `identify` command shows the screen's name.
const IDENTIFY_FOR: Duration = Duration::from_secs(15);

/// How the window was asked to run.
pub struct Options {
    pub windowed: bool,
    /// The server's address, for the pairing screen's QR code.
    pub server: String,
    /// When the process started (the cold-start figure is logged at the first frame).
    pub started: Instant,
}

/// Forwards the engine's events to the window and wakes it for each (the UI thread sleeps
/// while nothing changes).
pub fn forward_events(
    mut events: tokio::sync::mpsc::UnboundedReceiver<Event>,
    ctx: egui::Context,
) -> Receiver<Event> {
    let (tx, rx) = std::sync::mpsc::channel();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if tx.send(event).is_err() {
                return;
            }
            ctx.request_repaint();
        }
    });
    rx
}

/// Pictures decoded on a worker thread and GStreamer videos, from the engine's media cache.
struct NativeMedia {
    images: ImageLoader,
    /// Videos by "layer/zone" and content id.
    videos: HashMap<(String, i64), Video>,
    engine: Arc<Engine>,
}

impl MediaTextures for NativeMedia {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: egui::Vec2) -> ImageState {
        self.images.image(ctx, media, max)
    }
}

impl Host for NativeMedia {
    fn video(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        content: i64,
        media: &MediaRef,
        muted: bool,
    ) -> Outcome {
        let video_key = (key.to_owned(), content);
        if !self.videos.contains_key(&video_key) {
            let Some(path) = self.engine.media_path(&media.sha256) else {
                return Outcome::Failed(format!(
                    "video {} is not in the media cache",
                    media.sha256
                ));
            };
            let ctx = ui.ctx().clone();
            match Video::open(&path, muted, move || ctx.request_repaint_after(FRAME)) {
                Ok(video) => {
                    self.videos.insert(video_key.clone(), video);
                }
                Err(reason) => return Outcome::Failed(reason),
            }
        }
        let video = self.videos.get_mut(&video_key).expect("just inserted");
        video.show(ui, rect)
    }

    fn keep_videos(&mut self, keep: &dyn Fn(&str, i64) -> bool) {
        self.videos
            .retain(|(zone, content), _| keep(zone, *content));
    }
}

/// What the whole screen is doing.
enum Mode {
    /// Starting, nothing to show yet.
    Waiting,
    Pairing {
        code: String,
    },
    Playing,
}

/// A screenshot someone (the engine's `screenshot` command) is waiting for.
type ScreenshotReply = Sender<Result<Vec<u8>, String>>;

pub struct PlayerApp {
    engine: Arc<Engine>,
    options: Options,
    events: Receiver<Event>,
    mode: Mode,
    showing: Option<Showing>,
    /// An emergency pushed ahead of the manifest that carries it, and the manifest version
    /// it arrived under (a newer manifest's own emergency layer replaces it).
    pushed_emergency: Option<(String, u64)>,
    stage: Stage,
    media: NativeMedia,
    kiosk: Kiosk,
    first_frame: bool,
    /// The `identify` command: the screen's name shown big until then.
    identify: Option<(String, Instant)>,
    screenshots: Receiver<ScreenshotReply>,
    /// Frame-time statistics, only with `VITRIN_FRAME_STATS` set (the window benchmark).
    frame_stats: Option<FrameStats>,
    /// The panel sleeps (the store is closed): the frame is black.
    asleep: bool,
    /// Damage-limited drawing, on OpenGL; with wgpu the frames go through eframe whole.
    compositor: Option<Compositor>,
}

impl PlayerApp {
    /// `gl`: eframe's OpenGL context, when it draws with OpenGL.
    pub fn new(
        ctx: &egui::Context,
        gl: Option<&Arc<eframe::glow::Context>>,
        engine: Arc<Engine>,
        events: Receiver<Event>,
        options: Options,
    ) -> PlayerApp {
        let compositor = gl.and_then(|gl| {
            Compositor::new(gl, ctx)
                .inspect_err(|reason| tracing::warn!(%reason, "drawing every frame through eframe"))
                .ok()
        });
        install_fonts(compositor.as_ref().map_or(ctx, |c| &c.ctx));
        let locate_engine = engine.clone();
        let images = ImageLoader::new(Arc::new(move |sha: &str| locate_engine.media_path(sha)));
        let (shots_tx, screenshots) = std::sync::mpsc::channel::<ScreenshotReply>();
        let shot_ctx = ctx.clone();
        engine.set_screenshot_hook(Box::new(move || {
            let (reply, answer) = std::sync::mpsc::channel();
            shots_tx
                .send(reply)
                .map_err(|_| "the window is closed".to_string())?;
            shot_ctx.request_repaint();
            answer
                .recv_timeout(Duration::from_secs(10))
                .map_err(|_| "the window did not answer within 10 s".to_string())?
        }));
        PlayerApp {
            kiosk: Kiosk::new(options.windowed),
            engine: engine.clone(),
            options,
            events,
            mode: Mode::Waiting,
            showing: None,
            pushed_emergency: None,
            stage: Stage::on_cleared_frames(),
            media: NativeMedia {
                images,
                videos: HashMap::new(),
                engine: engine.clone(),
            },
            first_frame: false,
            identify: None,
            screenshots,
            frame_stats: FrameStats::from_env(),
            asleep: false,
            compositor,
        }
    }

    /// Whether the panel sleeps now; asks for a frame when that changes next. Falling asleep
    /// stops the videos and forgets the stage, so the screen wakes to a fresh start.
    fn sleeps(&mut self, ctx: &egui::Context) -> bool {
        let plan = self.engine.panel_plan(self.engine.now());
        if let Some(until) = plan.until {
            // At most an hour ahead: timers that far off are not to be trusted everywhere.
            ctx.request_repaint_after(self.engine.real_until(until).min(Duration::from_secs(3600)));
        }
        // A screen being paired shows its code whatever the time.
        let asleep = !plan.on && matches!(self.mode, Mode::Playing);
        if asleep != self.asleep {
            if asleep {
                self.media.videos.clear();
                self.stage = Stage::on_cleared_frames();
            }
            // Some backends take the clear colour before the frame's logic: one more frame.
            ctx.request_repaint();
        }
        self.asleep = asleep;
        asleep
    }

    fn take_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            match event {
                Event::PairingCode { code, .. } => self.mode = Mode::Pairing { code },
                Event::Paired { .. } => self.mode = Mode::Playing,
                Event::Unpaired { .. } => self.mode = Mode::Waiting,
                Event::Showing { view, .. } => {
                    if !matches!(self.mode, Mode::Pairing { .. }) {
                        self.mode = Mode::Playing;
                    }
                    let newer_manifest = self
                        .pushed_emergency
                        .as_ref()
                        .is_some_and(|(_, under)| view.manifest_version > *under);
                    if view.emergency.is_some() || newer_manifest {
                        self.pushed_emergency = None;
                    }
                    self.showing = Some(view);
                }
                Event::Identify { name } => {
                    let name = name.unwrap_or_else(|| "Vitrin".into());
                    self.identify = Some((name, Instant::now() + IDENTIFY_FOR));
                }
                Event::Emergency { text, .. } => {
                    let version = self.showing.as_ref().map_or(0, |s| s.manifest_version);
                    self.pushed_emergency = Some((text, version));
                }
                _ => {}
            }
        }
    }

    fn draw(&mut self, ui: &mut egui::Ui, screen: egui::Rect) {
        // No full-screen fill: the frame is cleared to the brand's background (`clear_color`). On a software
        // renderer a screen-sized quad is a real share of every frame (the window bench saw
        // three quarters of a playing video's CPU in Mesa's rasteriser).
        // Until the server is trusted there is no code to show: say why, where the code would be.
        if let Some(reason) = self.engine.untrusted()
            && (self.engine.current().is_none() || matches!(self.mode, Mode::Pairing { .. }))
        {
            pairing::untrusted(
                ui,
                screen,
                &self.options.server,
                &reason,
                &mut self.stage.text,
            );
            return;
        }
        if let Mode::Pairing { code } = &self.mode {
            let code = code.clone();
            let pins = self.engine.pins();
            let server = &self.options.server;
            let _ = pairing::show(ui, screen, server, &code, &pins, &mut self.stage.text);
            return;
        }
        let (Some(showing), Some(loaded)) = (self.showing.clone(), self.engine.current()) else {
            super::waiting(ui, screen);
            return;
        };
        if self.stage.check_manifest(&loaded.manifest) {
            self.kiosk.rotate(loaded.manifest.screen.orientation);
        }
        let now = self.engine.now().to_zoned(loaded.tz.clone());
        let pushed = self
            .pushed_emergency
            .as_ref()
            .map(|(text, _)| text.as_str());
        let media = &mut self.media;
        let stage = &mut self.stage;
        let any_shown = on_wall(ui, screen, loaded.manifest.screen.wall, |ui, canvas| {
            stage.draw(ui, canvas, &showing, &loaded.manifest, &now, pushed, media)
        });
        self.draw_identify(ui, screen);
        if any_shown && !self.first_frame {
            self.first_frame = true;
            tracing::info!(
                startup_ms = self.options.started.elapsed().as_millis() as u64,
                "first content frame"
            );
        }
    }

    /// The screen's name over everything, so a person can tell which screen is which.
    fn draw_identify(&mut self, ui: &mut egui::Ui, screen: egui::Rect) {
        let Some((name, until)) = self.identify.clone() else {
            return;
        };
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.identify = None;
            return;
        }
        stage::paint_identify(ui, screen, &name, &mut self.stage.text);
        ui.ctx().request_repaint_after(left);
    }

    /// One frame of the screen, drawn into `ui` (of the compositor's context or eframe's).
    fn paint_frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let screen = ui.max_rect();
        let asleep = self.sleeps(&ctx);
        if !asleep {
            self.media.images.begin_frame();
            self.draw(ui, screen);
        }
        let connection = if self.engine.untrusted().is_some() {
            status::Connection::Untrusted
        } else if self.engine.online() {
            status::Connection::Online
        } else {
            status::Connection::Offline
        };
        if asleep {
            // Black, but for the mark of a screen that lost its server.
            status::paint(ui, screen, connection, Default::default());
        } else {
            status::paint(ui, screen, connection, self.engine.progress());
        }
        if !asleep && self.engine.progress().files_total > 0 {
            // The bar moves while nothing else may.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }

    /// The colour the frame is cleared to, in gamma space (egui blends in gamma space).
    fn background(&self) -> [f32; 4] {
        if self.asleep {
            egui::Color32::BLACK.to_normalized_gamma_f32()
        } else {
            self.stage.palette().background.to_normalized_gamma_f32()
        }
    }
}

/// Answers everyone waiting with the PNG of `image`.
fn answer_screenshots(waiting: Vec<ScreenshotReply>, image: &egui::ColorImage) {
    let png = super::picture::encode_png(image);
    for reply in waiting {
        let _ = reply.send(png.clone());
    }
}

/// Asks eframe for a screenshot of the frame it paints; its callback answers them all.
fn request_screenshot(ctx: &egui::Context, waiting: Vec<ScreenshotReply>) {
    if waiting.is_empty() {
        return;
    }
    let callback = egui::ScreenshotCallback::new(move |image: Arc<egui::ColorImage>| {
        answer_screenshots(waiting, &image);
    });
    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
}

impl eframe::App for PlayerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(stats) = &mut self.frame_stats {
            stats.frame();
        }
        self.kiosk.tick(&ctx);
        self.take_events();
        // Screenshots someone (the `screenshot` command) waits for.
        let waiting: Vec<ScreenshotReply> = self.screenshots.try_iter().collect();
        match self.compositor.take() {
            Some(mut compositor) => {
                let picture = compositor.frame(&ctx, !waiting.is_empty(), |ui| {
                    self.paint_frame(ui);
                    self.background()
                });
                self.compositor = Some(compositor);
                match picture {
                    Some(image) => answer_screenshots(waiting, &image),
                    None => {
                        for reply in waiting {
                            let _ = reply.send(Err("the window is not visible".into()));
                        }
                    }
                }
            }
            None => {
                request_screenshot(&ctx, waiting);
                self.paint_frame(ui);
            }
        }
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        self.background()
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(compositor) = &mut self.compositor {
            compositor.destroy();
        }
    }
}
