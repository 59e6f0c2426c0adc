//! The browser player's window: the same stage, renderers and fonts as the native player
//! (`vitrin-render`), fed by the web engine. Pictures are decoded from the Cache Storage;
//! videos play in the browser's own `<video>` element placed over their zone.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Cursor;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vitrin_render::stage::{self, FRAME, Host, Stage, on_wall};
use vitrin_render::{ImageState, MediaTextures, Outcome, pairing, status};
use vitrin_shared::content::MediaRef;
use web_time::Instant;

use crate::engine::{Engine, Mode};
use crate::video::DomVideo;

/// Textures kept besides the ones drawn in the current frame.
const KEEP_TEXTURES: usize = 3;

pub struct WebApp {
    engine: Rc<Engine>,
    /// The server's address, for the pairing screen's QR code.
    server: String,
    stage: Stage,
    media: WebMedia,
    /// Screen rotation applied to the page (degrees clockwise).
    rotation: u16,
    started: Instant,
    first_frame: bool,
    /// Screenshots taken (PNG), waiting to be uploaded.
    shots: Arc<Mutex<Vec<Vec<u8>>>>,
    /// The store is closed: the frame is black (a browser cannot switch its panel off).
    asleep: bool,
}

impl WebApp {
    pub fn new(ctx: &egui::Context, engine: Rc<Engine>, server: String) -> WebApp {
        vitrin_render::install_fonts(ctx);
        WebApp {
            media: WebMedia {
                engine: engine.clone(),
                pictures: Rc::new(RefCell::new(HashMap::new())),
                frame: 0,
                videos: HashMap::new(),
            },
            engine,
            server,
            stage: Stage::on_cleared_frames(),
            rotation: 0,
            started: Instant::now(),
            first_frame: false,
            shots: Arc::default(),
            asleep: false,
        }
    }

    /// Whether the screen sleeps now; asks for a frame when that changes next. Falling asleep
    /// removes the videos (they are elements over the canvas) and forgets the stage.
    fn sleeps(&mut self, ctx: &egui::Context) -> bool {
        let plan = self.engine.panel_plan();
        if let Some(until) = plan.until {
            // At most an hour ahead: a browser's timers overflow after 24.8 days.
            let wait = self
                .engine
                .clock
                .real_until(until)
                .min(Duration::from_secs(3600));
            ctx.request_repaint_after(wait);
        }
        let asleep = !plan.on && self.engine.state.borrow().mode == Mode::Playing;
        if asleep != self.asleep {
            if asleep {
                self.media.videos.clear();
                self.stage = Stage::on_cleared_frames();
            }
            ctx.request_repaint();
        }
        self.asleep = asleep;
        asleep
    }

    fn draw(&mut self, ui: &mut egui::Ui, screen: egui::Rect) {
        let (mode, showing, loaded, pushed) = {
            let state = self.engine.state.borrow();
            (
                state.mode.clone(),
                state.showing.clone(),
                state.loaded.clone(),
                state.pushed_emergency.as_ref().map(|(t, _)| t.clone()),
            )
        };
        if let Mode::Pairing { code } = &mode {
            let _ = pairing::show(ui, screen, &self.server, code, &[], &mut self.stage.text);
            crate::set_page_mark("vitrinPairingMs");
            return;
        }
        let (Some(showing), Some(loaded)) = (showing, loaded) else {
            vitrin_render::waiting(ui, screen);
            return;
        };
        if self.stage.check_manifest(&loaded.manifest) {
            let degrees = loaded.manifest.screen.orientation.degrees();
            if degrees != self.rotation {
                self.rotation = degrees;
                crate::kiosk::rotate(degrees);
            }
        }
        let now = self.engine.clock.now().to_zoned(loaded.tz.clone());
        // A tile of a wall draws the whole wall, cut to its own part of it.
        let media = &mut self.media;
        let stage = &mut self.stage;
        let any_shown = on_wall(ui, screen, loaded.manifest.screen.wall, |ui, canvas| {
            stage.draw(
                ui,
                canvas,
                &showing,
                &loaded.manifest,
                &now,
                pushed.as_deref(),
                media,
            )
        });
        if any_shown && !self.first_frame {
            self.first_frame = true;
            let ms = self.started.elapsed().as_millis() as u64;
            tracing::info!(startup_ms = ms, "first content frame");
            crate::set_page_mark("vitrinFirstFrameMs");
        }
    }

    fn draw_identify(&mut self, ui: &mut egui::Ui, screen: egui::Rect) {
        let identify = self.engine.state.borrow().identify.clone();
        let Some((name, until)) = identify else {
            return;
        };
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.engine.state.borrow_mut().identify = None;
            return;
        }
        stage::paint_identify(ui, screen, &name, &mut self.stage.text);
        ui.ctx().request_repaint_after(left);
    }

    /// Takes the screenshot the server asked for; the next frame uploads it.
    fn serve_screenshot(&mut self, ctx: &egui::Context) {
        for png in std::mem::take(&mut *self.shots.lock().expect("shots lock")) {
            let engine = self.engine.clone();
            wasm_bindgen_futures::spawn_local(async move { engine.upload_screenshot(png).await });
        }
        if !std::mem::take(&mut self.engine.state.borrow_mut().screenshot_wanted) {
            return;
        }
        let (shots, repaint) = (self.shots.clone(), ctx.clone());
        let callback = egui::ScreenshotCallback::new(move |image: Arc<egui::ColorImage>| {
            match vitrin_render::picture::encode_png(&image) {
                Ok(png) => {
                    shots.lock().expect("shots lock").push(png);
                    repaint.request_repaint();
                }
                Err(e) => tracing::warn!("{e}"),
            }
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
    }
}

impl eframe::App for WebApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.media.frame += 1;
        self.serve_screenshot(&ctx);
        let screen = ui.max_rect();
        let asleep = self.sleeps(&ctx);
        if !asleep {
            self.draw(ui, screen);
            self.draw_identify(ui, screen);
        }
        let (online, progress) = {
            let state = self.engine.state.borrow();
            (state.online, state.progress)
        };
        let connection = if online {
            status::Connection::Online
        } else {
            status::Connection::Offline
        };
        // Black while asleep, but for the mark of a screen that lost its server.
        let shown = if asleep { Default::default() } else { progress };
        status::paint(ui, screen, connection, shown);
        if !asleep && progress.files_total > 0 {
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        self.media.forget_old_pictures();
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        if self.asleep {
            egui::Color32::BLACK.to_normalized_gamma_f32()
        } else {
            // Gamma-space values: egui blends in gamma space (not `Rgba`, which is linear).
            self.stage.palette().background.to_normalized_gamma_f32()
        }
    }
}

/// One picture at one decoded size.
enum Picture {
    Loading,
    Ready {
        texture: egui::TextureHandle,
        used: u64,
    },
    Failed(String),
}

type PictureKey = (String, [u32; 2]);

/// Pictures and videos from the engine's Cache Storage.
struct WebMedia {
    engine: Rc<Engine>,
    pictures: Rc<RefCell<HashMap<PictureKey, Picture>>>,
    /// Frame counter, to keep the textures used most recently.
    frame: u64,
    /// Videos by "layer/zone" and content id.
    videos: HashMap<(String, i64), DomVideo>,
}

impl WebMedia {
    /// Keeps the textures drawn in this frame and the `KEEP_TEXTURES` used last before it.
    fn forget_old_pictures(&mut self) {
        let mut pictures = self.pictures.borrow_mut();
        let mut ready: Vec<(u64, PictureKey)> = pictures
            .iter()
            .filter_map(|(k, p)| match p {
                Picture::Ready { used, .. } if *used < self.frame => Some((*used, k.clone())),
                _ => None,
            })
            .collect();
        ready.sort();
        let excess = ready.len().saturating_sub(KEEP_TEXTURES);
        for (_, key) in ready.into_iter().take(excess) {
            pictures.remove(&key);
        }
    }
}

impl MediaTextures for WebMedia {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: egui::Vec2) -> ImageState {
        let key = (media.sha256.clone(), [max.x as u32, max.y as u32]);
        let mut pictures = self.pictures.borrow_mut();
        match pictures.get_mut(&key) {
            Some(Picture::Ready { texture, used }) => {
                *used = self.frame;
                return ImageState::Ready(texture.clone());
            }
            Some(Picture::Loading) => return ImageState::Loading,
            Some(Picture::Failed(reason)) => return ImageState::Failed(reason.clone()),
            None => {}
        }
        pictures.insert(key.clone(), Picture::Loading);
        let (store, pictures, ctx) = (
            self.engine.media.clone(),
            self.pictures.clone(),
            ctx.clone(),
        );
        let frame = self.frame;
        wasm_bindgen_futures::spawn_local(async move {
            let (sha, max) = key.clone();
            let picture = match store.get(&sha).await {
                None => Picture::Failed(format!("picture {sha} is not in the media cache")),
                Some(bytes) => {
                    let reader = image::ImageReader::new(Cursor::new(bytes));
                    match vitrin_render::picture::decode(reader, &sha, max) {
                        Ok(image) => Picture::Ready {
                            texture: ctx.load_texture(
                                format!("picture {sha}"),
                                image,
                                egui::TextureOptions::LINEAR,
                            ),
                            used: frame,
                        },
                        Err(reason) => Picture::Failed(reason),
                    }
                }
            };
            pictures.borrow_mut().insert(key, picture);
            ctx.request_repaint();
        });
        ImageState::Loading
    }
}

impl Host for WebMedia {
    fn video(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        content: i64,
        media: &MediaRef,
        muted: bool,
    ) -> Outcome {
        let video = self
            .videos
            .entry((key.to_owned(), content))
            .or_insert_with(|| DomVideo::open(&self.engine.media, media, muted));
        let outcome = video.show(rect, ui.opacity());
        if outcome == Outcome::NotReady {
            ui.ctx().request_repaint_after(FRAME);
        }
        outcome
    }

    fn keep_videos(&mut self, keep: &dyn Fn(&str, i64) -> bool) {
        self.videos
            .retain(|(zone, content), _| keep(zone, *content));
    }
}
