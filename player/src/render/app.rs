//! The eframe application: takes what the engine says is showing, lays the zones out by the
//! layout's template, hands each zone's content to its renderer and cross-fades between items.
//!
//! Never a black frame: the next item is drawn invisibly until its renderer reports `Shown`
//! (a picture decoded, a video's first frame), and only then faded in over the old one. An item
//! that `Failed` is skipped to the next good entry of its playlist, and the reason is logged.
//! Idle means idle: nothing repaints unless an event, a decoded picture, a video frame, a fade
//! or a renderer's own animation asks for it (plus the watchdog ping every few seconds).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use image::ImageEncoder as _;
use vitrin_shared::content::{ContentItem, ContentKind};
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::FeedId;
use vitrin_shared::layout::Template;
use vitrin_shared::playlist::Transition;
use vitrin_shared::schedule::Target;

use super::frame_stats::FrameStats;
use super::image::ImageLoader;
use super::kiosk::Kiosk;
use super::text::TextCache;
use super::video::Video;
use super::{Env, Outcome, emergency, pairing, status};
use crate::Event;
use crate::engine::{Engine, LayerView, Loaded, Showing};

/// Behind every zone: the renderers' dark slate, so an empty zone or a gap is never black.
pub const BACKGROUND: egui::Color32 = super::text::palette::BACKGROUND;
/// Animation (fades) is capped at about this frame rate.
pub const FRAME: Duration = Duration::from_millis(33);

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

/// Installs the bundled Vazirmatn as egui's only font (also for its own diagnostic text), so
/// every machine draws the same.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::empty();
    fonts.font_data.insert(
        "vazirmatn".into(),
        Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/Vazirmatn-Regular.ttf"
        ))),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.insert(family, vec!["vazirmatn".into()]);
    }
    ctx.set_fonts(fonts);
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

/// What the whole screen is doing.
enum Mode {
    /// Starting, nothing to show yet.
    Waiting,
    Pairing {
        code: String,
    },
    Playing,
}

/// One zone's items: the one on screen and the one fading in.
#[derive(Default)]
struct ZoneSlot {
    current: Option<Shown>,
    incoming: Option<Incoming>,
    /// Content that failed here; skipped until the manifest changes.
    failed: HashSet<i64>,
}

#[derive(Clone, Copy)]
struct Shown {
    content: i64,
    since: Instant,
}

struct Incoming {
    content: i64,
    since: Instant,
    /// When the fade began (the item reported `Shown` for the first time).
    fade_from: Option<Instant>,
    fade: Duration,
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
    /// Zones by "layer/zone".
    zones: HashMap<String, ZoneSlot>,
    images: ImageLoader,
    /// Videos by "layer/zone" and content id.
    videos: HashMap<(String, i64), Video>,
    text: TextCache,
    kiosk: Kiosk,
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    /// The manifest version the zones and feeds were checked against.
    checked_version: Option<u64>,
    first_frame: bool,
    /// The `identify` command: the screen's name shown big until then.
    identify: Option<(String, Instant)>,
    screenshots: Receiver<ScreenshotReply>,
    /// Frame-time statistics, only with `VITRIN_FRAME_STATS` set (the window benchmark).
    frame_stats: Option<FrameStats>,
}

impl PlayerApp {
    pub fn new(
        ctx: &egui::Context,
        engine: Arc<Engine>,
        events: Receiver<Event>,
        options: Options,
    ) -> PlayerApp {
        install_fonts(ctx);
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
            engine,
            options,
            events,
            mode: Mode::Waiting,
            showing: None,
            pushed_emergency: None,
            zones: HashMap::new(),
            images,
            videos: HashMap::new(),
            text: TextCache::default(),
            feeds: BTreeMap::new(),
            checked_version: None,
            first_frame: false,
            identify: None,
            screenshots,
            frame_stats: FrameStats::from_env(),
        }
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

    /// On a new manifest: forget failures (the files may be new), index the feeds, and log
    /// layout bindings that name zones their template lacks (they are ignored).
    fn check_manifest(&mut self, loaded: &Loaded) {
        let version = loaded.manifest.version;
        if self.checked_version == Some(version) {
            return;
        }
        self.checked_version = Some(version);
        for slot in self.zones.values_mut() {
            slot.failed.clear();
        }
        self.feeds = loaded
            .manifest
            .feeds
            .iter()
            .map(|f| (f.feed, f.clone()))
            .collect();
        for layout in &loaded.manifest.layouts {
            for binding in &layout.zones {
                if !layout.template.has_zone(&binding.zone) {
                    tracing::warn!(
                        "layout {:?} binds zone {:?}, which its template {:?} lacks: ignored",
                        layout.name,
                        binding.zone,
                        layout.template
                    );
                }
            }
        }
        self.kiosk.rotate(loaded.manifest.screen.orientation);
    }

    fn draw(&mut self, ui: &mut egui::Ui, screen: egui::Rect) {
        // No full-screen fill: the frame is cleared to BACKGROUND (`clear_color`). On a software
        // renderer a screen-sized quad is a real share of every frame (the window bench saw
        // three quarters of a playing video's CPU in Mesa's rasteriser).
        // Until the server is trusted there is no code to show: say why, where the code would be.
        if let Some(reason) = self.engine.untrusted()
            && (self.engine.current().is_none() || matches!(self.mode, Mode::Pairing { .. }))
        {
            pairing::untrusted(ui, screen, &self.options.server, &reason, &mut self.text);
            return;
        }
        if let Mode::Pairing { code } = &self.mode {
            let code = code.clone();
            let pins = self.engine.pins();
            let server = &self.options.server;
            let _ = pairing::show(ui, screen, server, &code, &pins, &mut self.text);
            return;
        }
        let (Some(showing), Some(loaded)) = (self.showing.clone(), self.engine.current()) else {
            waiting(ui, screen);
            return;
        };
        self.check_manifest(&loaded);
        let now = self.engine.now().to_zoned(loaded.tz.clone());
        let mut touched = HashSet::new();
        let mut any_shown = false;
        let layers = showing.main.iter().map(|l| ("main".to_owned(), l)).chain(
            showing
                .overlays
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("overlay{i}"), l)),
        );
        for (name, layer) in layers {
            any_shown |= self.draw_layer(ui, screen, &name, layer, &loaded, &now, &mut touched);
        }
        // The emergency pre-empts everything: drawn last, over the whole screen.
        if let Some(layer) = &showing.emergency {
            ui.painter().rect_filled(screen, 0.0, emergency::FIELD);
            any_shown |=
                self.draw_layer(ui, screen, "emergency", layer, &loaded, &now, &mut touched);
        } else if let Some((text, _)) = self.pushed_emergency.clone() {
            let mut env = Env {
                now: &now,
                shown_for: 0.0,
                text: &mut self.text,
                media: &mut self.images,
                feeds: &self.feeds,
            };
            emergency::show(ui, screen, &text, &mut env);
            any_shown = true;
        }
        self.draw_identify(ui, screen);
        self.zones.retain(|key, _| touched.contains(key));
        self.videos.retain(|(zone, content), _| {
            touched.contains(zone)
                && self.zones.get(zone).is_some_and(|slot| {
                    slot.current.is_some_and(|c| c.content == *content)
                        || slot
                            .incoming
                            .as_ref()
                            .is_some_and(|i| i.content == *content)
                })
        });
        if any_shown && !self.first_frame {
            self.first_frame = true;
            tracing::info!(
                startup_ms = self.options.started.elapsed().as_millis() as u64,
                "first content frame"
            );
        }
    }

    /// Draws one layer's zones; returns whether any zone shows content.
    #[allow(clippy::too_many_arguments)]
    fn draw_layer(
        &mut self,
        ui: &mut egui::Ui,
        screen: egui::Rect,
        name: &str,
        layer: &LayerView,
        loaded: &Loaded,
        now: &jiff::Zoned,
        touched: &mut HashSet<String>,
    ) -> bool {
        let template = layer
            .layout
            .and_then(|id| loaded.manifest.layouts.iter().find(|l| l.id.0 == id))
            .map_or(Template::Fullscreen, |l| l.template);
        let mut any_shown = false;
        for (zone, content) in &layer.zones {
            let Some(spec) = template.zones().iter().find(|z| z.name == zone) else {
                tracing::warn!("zone {zone:?} is not in the {template:?} template: ignored");
                continue;
            };
            let r = spec.rect;
            let rect = egui::Rect::from_min_size(
                screen.min + egui::vec2(r.x * screen.width(), r.y * screen.height()),
                egui::vec2(r.w * screen.width(), r.h * screen.height()),
            );
            let key = format!("{name}/{zone}");
            touched.insert(key.clone());
            let entries = zone_entries(loaded, layer, zone);
            any_shown |= self.draw_zone(ui, rect, &key, *content, &entries, loaded, now);
        }
        any_shown
    }

    /// Draws a zone: the current item, and the wanted one fading in once it is ready.
    #[allow(clippy::too_many_arguments)]
    fn draw_zone(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        wanted: Option<i64>,
        entries: &[(i64, Transition)],
        loaded: &Loaded,
        now: &jiff::Zoned,
    ) -> bool {
        let mut slot = self.zones.remove(key).unwrap_or_default();
        let target = wanted.and_then(|w| next_good(w, entries, &slot.failed));
        if target != slot.current.map(|c| c.content)
            && target != slot.incoming.as_ref().map(|i| i.content)
        {
            slot.incoming = target.map(|content| Incoming {
                content,
                since: Instant::now(),
                fade_from: None,
                fade: fade_of(content, entries),
            });
        }
        if target.is_none() {
            slot.incoming = None;
            slot.current = None;
        }
        if let Some(current) = slot.current {
            let outcome = self.draw_item(
                ui,
                rect,
                key,
                current.content,
                current.since,
                1.0,
                loaded,
                now,
            );
            if let Outcome::Failed(reason) = outcome {
                self.fail(&mut slot, current.content, &reason);
                slot.current = None;
            }
        }
        if let Some(incoming) = slot.incoming.as_mut() {
            let opacity = match incoming.fade_from {
                _ if slot.current.is_none() => 1.0,
                Some(from) if !incoming.fade.is_zero() => {
                    (from.elapsed().as_secs_f32() / incoming.fade.as_secs_f32()).min(1.0)
                }
                Some(_) => 1.0,
                None => 0.0,
            };
            let (content, since) = (incoming.content, incoming.since);
            match self.draw_item(ui, rect, key, content, since, opacity, loaded, now) {
                Outcome::Shown => {
                    let fade_from = *incoming.fade_from.get_or_insert_with(Instant::now);
                    let done = slot.current.is_none() || fade_from.elapsed() >= incoming.fade;
                    if done {
                        slot.current = Some(Shown { content, since });
                        slot.incoming = None;
                        // One more frame draws it alone at full strength.
                        ui.ctx().request_repaint();
                    } else {
                        ui.ctx().request_repaint_after(FRAME);
                    }
                }
                Outcome::NotReady => {}
                Outcome::Failed(reason) => {
                    self.fail(&mut slot, content, &reason);
                    slot.incoming = None;
                    // The next good entry is chosen on the next frame.
                    ui.ctx().request_repaint();
                }
            }
        }
        let shown = slot.current.is_some();
        self.zones.insert(key.to_owned(), slot);
        shown
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
        let band =
            egui::Rect::from_center_size(screen.center(), screen.size() * egui::vec2(1.0, 0.3));
        ui.painter()
            .rect_filled(band, 0.0, egui::Color32::from_black_alpha(220));
        let style = super::text::TextStyle::new(
            band.height() * 0.5,
            egui::Color32::WHITE,
            super::text::Direction::of_text(&name),
        )
        .align(super::text::Align::Center);
        self.text.paint(
            ui,
            band.shrink(band.height() * 0.1),
            &name,
            &style,
            super::text::Flow::Line,
        );
        ui.ctx().request_repaint_after(left);
    }

    fn fail(&mut self, slot: &mut ZoneSlot, content: i64, reason: &str) {
        tracing::warn!("content {content} cannot be shown, skipping it: {reason}");
        slot.failed.insert(content);
    }

    /// Dispatches one item to its renderer, at `opacity`.
    #[allow(clippy::too_many_arguments)]
    fn draw_item(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        content: i64,
        since: Instant,
        opacity: f32,
        loaded: &Loaded,
        now: &jiff::Zoned,
    ) -> Outcome {
        let Some(item) = loaded.manifest.content.iter().find(|c| c.id.0 == content) else {
            return Outcome::Failed(format!("content {content} is not in the manifest"));
        };
        let mut inner = ui.new_child(egui::UiBuilder::new().max_rect(rect));
        inner.set_clip_rect(rect.intersect(ui.clip_rect()));
        inner.set_opacity(opacity);
        if let ContentKind::Video { media, muted } = &item.kind {
            let video_key = (key.to_owned(), content);
            if !self.videos.contains_key(&video_key) {
                let Some(path) = self.engine.media_path(&media.sha256) else {
                    return Outcome::Failed(format!(
                        "video {} is not in the media cache",
                        media.sha256
                    ));
                };
                let ctx = ui.ctx().clone();
                match Video::open(&path, *muted, move || ctx.request_repaint_after(FRAME)) {
                    Ok(video) => {
                        self.videos.insert(video_key.clone(), video);
                    }
                    Err(reason) => return Outcome::Failed(reason),
                }
            }
            let video = self.videos.get_mut(&video_key).expect("just inserted");
            return video.show(&mut inner, rect);
        }
        let mut env = Env {
            now,
            shown_for: since.elapsed().as_secs_f64(),
            text: &mut self.text,
            media: &mut self.images,
            feeds: &self.feeds,
        };
        match &item.kind {
            // An emergency message keeps its red field whatever zone it lands in.
            ContentKind::Text { title, body, .. } if key.starts_with("emergency/") => {
                let message = [title.as_str(), body.as_str()]
                    .iter()
                    .filter(|t| !t.trim().is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n");
                emergency::show(&mut inner, rect, &message, &mut env)
            }
            _ => render(&mut inner, rect, item, &mut env),
        }
    }

    /// Asks egui for a screenshot when someone (the `screenshot` command) waits for one; the
    /// callback answers them all with the PNG.
    fn serve_screenshots(&mut self, ctx: &egui::Context) {
        let waiting: Vec<ScreenshotReply> = self.screenshots.try_iter().collect();
        if waiting.is_empty() {
            return;
        }
        let callback = egui::ScreenshotCallback::new(move |image: Arc<egui::ColorImage>| {
            let png = encode_png(&image);
            for reply in waiting {
                let _ = reply.send(png.clone());
            }
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
    }
}

impl eframe::App for PlayerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(stats) = &mut self.frame_stats {
            stats.frame();
        }
        self.kiosk.tick(&ctx);
        self.take_events();
        self.serve_screenshots(&ctx);
        self.images.begin_frame();
        let screen = ui.max_rect();
        self.draw(ui, screen);
        let connection = if self.engine.untrusted().is_some() {
            status::Connection::Untrusted
        } else if self.engine.online() {
            status::Connection::Online
        } else {
            status::Connection::Offline
        };
        status::paint(ui, screen, connection, self.engine.progress());
        if self.engine.progress().files_total > 0 {
            // The bar moves while nothing else may.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        egui::Rgba::from(BACKGROUND).to_array()
    }
}

/// The renderer for each kind of content.
pub fn render(ui: &mut egui::Ui, rect: egui::Rect, item: &ContentItem, env: &mut Env) -> Outcome {
    match &item.kind {
        ContentKind::Image { media, fit } => super::image::show(ui, rect, media, *fit, env),
        // Videos need the app's players; `PlayerApp::draw_item` handles them.
        ContentKind::Video { .. } => Outcome::Failed("video outside the player window".into()),
        ContentKind::MenuBoard { menu } => super::menu::show(ui, rect, menu, env),
        ContentKind::Text { title, body, lang } => {
            super::slide::show(ui, rect, title, body, *lang, env)
        }
        ContentKind::Ticker {
            source,
            speed,
            lang,
        } => super::ticker::show(ui, rect, source, *speed, *lang, env),
        ContentKind::Weather { feed, lang } => super::weather::show(ui, rect, *feed, *lang, env),
        ContentKind::CurrencyBoard {
            feed,
            symbols,
            unit,
        } => super::currency::show(ui, rect, *feed, symbols, *unit, env),
        ContentKind::Clock {
            calendar,
            digits,
            show_seconds,
        } => super::clock::show(ui, rect, *calendar, *digits, *show_seconds, env),
        ContentKind::QrPromo {
            headline,
            url,
            image,
        } => super::qr::show(ui, rect, headline, url, image.as_ref(), env),
    }
}

/// Nothing to show yet (no manifest): the background and a quiet word.
fn waiting(ui: &mut egui::Ui, screen: egui::Rect) {
    ui.painter().text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Vitrin",
        egui::FontId::proportional(screen.height() / 12.0),
        egui::Color32::from_white_alpha(90),
    );
}

/// The entries (content and transition) of the playlist a zone of `layer` plays.
fn zone_entries(loaded: &Loaded, layer: &LayerView, zone: &str) -> Vec<(i64, Transition)> {
    let manifest = &loaded.manifest;
    let playlist = match layer.layout {
        Some(id) => manifest
            .layouts
            .iter()
            .find(|l| l.id.0 == id)
            .and_then(|l| l.playlist_of(zone)),
        None => layer
            .rule
            .and_then(|rule| manifest.rules.iter().find(|r| r.id.0 == rule))
            .and_then(|r| match r.target {
                Target::Playlist(p) => Some(p),
                Target::Layout(_) => None,
            }),
    };
    playlist
        .and_then(|p| manifest.playlists.iter().find(|pl| pl.id == p))
        .map(|p| {
            p.entries
                .iter()
                .map(|e| (e.content.0, e.transition))
                .collect()
        })
        .unwrap_or_default()
}

/// `wanted`, or when it failed the next entry after it (in playlist order, wrapping) that has
/// not failed; `None` when nothing in the playlist can be shown.
fn next_good(wanted: i64, entries: &[(i64, Transition)], failed: &HashSet<i64>) -> Option<i64> {
    if !failed.contains(&wanted) {
        return Some(wanted);
    }
    let start = entries.iter().position(|(c, _)| *c == wanted)?;
    (1..entries.len())
        .map(|step| entries[(start + step) % entries.len()].0)
        .find(|c| !failed.contains(c))
}

/// How long `content` fades in, by its playlist entry (a cut is immediate; a slide fades).
fn fade_of(content: i64, entries: &[(i64, Transition)]) -> Duration {
    match entries.iter().find(|(c, _)| *c == content).map(|(_, t)| *t) {
        Some(Transition::Fade { ms } | Transition::Slide { ms }) => {
            Duration::from_millis(u64::from(ms))
        }
        Some(Transition::Cut) | None => Duration::ZERO,
    }
}

fn encode_png(image: &egui::ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgba, w as u32, h as u32, image::ExtendedColorType::Rgba8)
        .map_err(|e| format!("cannot encode the screenshot: {e}"))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_item_is_skipped_to_the_next_good_one() {
        let entries = [
            (1, Transition::Cut),
            (2, Transition::Cut),
            (3, Transition::Fade { ms: 400 }),
        ];
        let failed: HashSet<i64> = [2].into();
        assert_eq!(next_good(1, &entries, &failed), Some(1));
        assert_eq!(next_good(2, &entries, &failed), Some(3));
        let all: HashSet<i64> = [1, 2, 3].into();
        assert_eq!(next_good(2, &entries, &all), None);
        assert_eq!(fade_of(3, &entries), Duration::from_millis(400));
        assert_eq!(fade_of(1, &entries), Duration::ZERO);
    }
}
