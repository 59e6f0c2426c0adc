//! Vitrin's renderers, the same on the native window and in the browser: one renderer per
//! content kind, and the `stage` that lays the zones out and fades between items.
//! Customer-facing text goes through `text` (cosmic-text: shaping, bidi, wrapping) into cached
//! textures; egui's own text is only for diagnostics. No I/O here: the host supplies pictures
//! (`MediaTextures`) and videos (`stage::Host`).
//!
//! The contract between the stage and the renderers: a renderer gets the zone's `Ui` and rect,
//! its content and an `Env`, paints, and says whether it could (`Outcome`). The stage keeps the
//! previous item on screen while the next one is `NotReady` (no black frame) and skips an item
//! that `Failed` to the next good one, logging why.

use std::collections::BTreeMap;
use std::sync::Arc;

use vitrin_shared::brand::BrandKit;
use vitrin_shared::content::{ContentItem, ContentKind, Fit, MediaRef};
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::FeedId;

pub mod clock;
pub mod currency;
pub mod emergency;
pub mod menu;
pub mod pairing;
pub mod picture;
pub mod qr;
pub mod reviews;
pub mod slide;
pub mod stage;
/// The offline and sync-progress mark.
pub mod status;
pub mod text;
pub mod ticker;
pub mod weather;

/// What every renderer gets besides its own content.
pub struct Env<'a> {
    /// Screen-local time now, in the screen's IANA zone.
    pub now: &'a jiff::Zoned,
    /// Seconds since this item started showing (tickers and fades move by elapsed time).
    pub shown_for: f64,
    pub text: &'a mut text::TextCache,
    pub media: &'a mut dyn MediaTextures,
    /// The manifest's feed snapshots.
    pub feeds: &'a BTreeMap<FeedId, FeedSnapshot>,
    /// The screen's brand kit (its logo and background picture) and its colours.
    pub brand: &'a BrandKit,
    pub palette: text::Palette,
    /// Where one screen of a wall meets the next, for renderers that lay text out across
    /// the wall (a menu keeps each column and its title on one screen).
    pub seams: &'a Seams,
    /// The zone lies straight on the frame, which the window cleared to
    /// `palette.background`: `paint_background` need not fill it again.
    pub on_cleared_frame: bool,
}

/// The seams of a wall: where, in the coordinates a renderer draws in, one screen's edge
/// meets the next one's. A screen of its own has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seams {
    /// Vertical seams (x positions), left to right.
    pub x: Vec<f32>,
    /// Horizontal seams (y positions), top to bottom.
    pub y: Vec<f32>,
}

impl Seams {
    /// The seams of `wall` when the whole wall is drawn on `canvas`.
    pub fn of_wall(canvas: egui::Rect, wall: Option<vitrin_shared::manifest::WallTile>) -> Seams {
        let Some(wall) = wall else {
            return Seams::default();
        };
        let cuts = |from: f32, size: f32, count: u8| -> Vec<f32> {
            (1..count)
                .map(|k| from + size * f32::from(k) / f32::from(count))
                .collect()
        };
        Seams {
            x: cuts(canvas.left(), canvas.width(), wall.cols),
            y: cuts(canvas.top(), canvas.height(), wall.rows),
        }
    }

    /// `rect` cut at the vertical seams that cross it, in reading order (from the right for
    /// `Rtl`).
    pub fn segments(&self, rect: egui::Rect, dir: text::Direction) -> Vec<egui::Rect> {
        let mut parts: Vec<egui::Rect> = split(rect.x_range(), &self.x)
            .map(|x| egui::Rect::from_x_y_ranges(x, rect.y_range()))
            .collect();
        if dir == text::Direction::Rtl {
            parts.reverse();
        }
        parts
    }

    /// `rect` cut at the horizontal seams that cross it, top first.
    pub fn bands(&self, rect: egui::Rect) -> Vec<egui::Rect> {
        split(rect.y_range(), &self.y)
            .map(|y| egui::Rect::from_x_y_ranges(rect.x_range(), y))
            .collect()
    }

    /// `rect` cut at every seam that crosses it: each screen's part of it, screen row after
    /// screen row, each row in reading order.
    pub fn cells(&self, rect: egui::Rect, dir: text::Direction) -> Vec<egui::Rect> {
        self.bands(rect)
            .into_iter()
            .flat_map(|band| self.segments(band, dir))
            .collect()
    }

    /// Whether a horizontal seam runs at `y` (the top of a screen below another).
    pub fn is_horizontal_seam(&self, y: f32) -> bool {
        self.y.iter().any(|seam| (seam - y).abs() < 1.0)
    }
}

/// `range` cut at the (sorted) `cuts` that fall inside it, more than a pixel from its ends.
fn split(range: egui::Rangef, cuts: &[f32]) -> impl Iterator<Item = egui::Rangef> + '_ {
    let inside = cuts
        .iter()
        .copied()
        .filter(move |&c| c > range.min + 1.0 && c < range.max - 1.0);
    let starts = std::iter::once(range.min).chain(inside.clone());
    let ends = inside.chain(std::iter::once(range.max));
    starts
        .zip(ends)
        .map(|(min, max)| egui::Rangef::new(min, max))
}

impl<'a> Env<'a> {
    /// The manifest's snapshot of `feed`, or why there is none (a renderer reports that as
    /// `Outcome::Failed`). Added by the renderers' side; additive.
    pub fn feed(&self, feed: FeedId) -> Result<&'a FeedSnapshot, String> {
        self.feeds
            .get(&feed)
            .ok_or_else(|| format!("feed {feed} has no snapshot in the manifest"))
    }
}

/// How much of the brand's background colour veils its background picture, so text on it stays
/// readable whatever the picture.
const BACKGROUND_VEIL: f32 = 0.55;

/// Fills `rect` with the brand's background: its picture covering the rect under a veil of
/// its colour, or the colour alone (also while the picture is decoding or missing).
///
/// On a frame already cleared to that colour the fill is left out: a software renderer
/// shades every pixel of every quad, and zone-sized fills were half of the cost of a frame
/// of a menu, a clock and a ticker (`player/benches/frame_cost.rs`).
pub fn paint_background(ui: &mut egui::Ui, rect: egui::Rect, env: &mut Env) {
    if !env.on_cleared_frame {
        ui.painter().rect_filled(rect, 0.0, env.palette.background);
    }
    let Some(media) = &env.brand.background_image else {
        return;
    };
    let want = picture::request_size(media, rect.size() * ui.pixels_per_point(), Fit::Cover);
    match env.media.image(ui.ctx(), media, want) {
        ImageState::Ready(texture) => {
            picture::paint_covering(ui, rect, &texture);
            ui.painter().rect_filled(
                rect,
                0.0,
                env.palette.background.gamma_multiply(BACKGROUND_VEIL),
            );
        }
        ImageState::Loading => {}
        ImageState::Failed(reason) => {
            tracing::warn!(%reason, "the brand's background picture is not shown");
        }
    }
}

/// Decoded media as textures. The app implements it with decoding off the UI thread.
pub trait MediaTextures {
    /// The image `media`, downscaled to fit in `max` pixels, EXIF orientation applied.
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: egui::Vec2) -> ImageState;
}

pub enum ImageState {
    Ready(egui::TextureHandle),
    /// Still decoding; the implementation requests a repaint when it is done.
    Loading,
    /// Missing from the cache or not decodable.
    Failed(String),
}

/// What a renderer reports after painting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Shown,
    /// Not ready to be shown yet (e.g. a texture still decoding): keep the previous frame.
    NotReady,
    /// Cannot be shown (undecodable, feed missing...): the app moves on and logs the reason.
    Failed(String),
}

/// Installs the bundled Vazirmatn as egui's only font (also for its own diagnostic text), so
/// every machine draws the same.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::empty();
    fonts.font_data.insert(
        "vazirmatn".into(),
        Arc::new(egui::FontData::from_static(include_bytes!(
            "../assets/fonts/Vazirmatn-Regular.ttf"
        ))),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.insert(family, vec!["vazirmatn".into()]);
    }
    ctx.set_fonts(fonts);
}

/// The renderer for each kind of content.
pub fn render(ui: &mut egui::Ui, rect: egui::Rect, item: &ContentItem, env: &mut Env) -> Outcome {
    match &item.kind {
        ContentKind::Image { media, fit } => crate::picture::show(ui, rect, media, *fit, env),
        // Videos need the host's players; `Stage::draw_item` hands them over.
        ContentKind::Video { .. } => Outcome::Failed("video outside the player window".into()),
        ContentKind::MenuBoard { menu } => crate::menu::show(ui, rect, menu, env),
        ContentKind::Text { title, body, lang } => {
            crate::slide::show(ui, rect, title, body, *lang, env)
        }
        ContentKind::Ticker {
            source,
            speed,
            lang,
        } => crate::ticker::show(ui, rect, source, *speed, *lang, env),
        ContentKind::Weather { feed, lang } => crate::weather::show(ui, rect, *feed, *lang, env),
        ContentKind::CurrencyBoard {
            feed,
            symbols,
            unit,
        } => crate::currency::show(ui, rect, *feed, symbols, *unit, env),
        ContentKind::Clock {
            calendar,
            digits,
            show_seconds,
        } => crate::clock::show(ui, rect, *calendar, *digits, *show_seconds, env),
        // What a scan opens is the server's business: the code is always of `url`.
        ContentKind::QrPromo {
            headline,
            url,
            image,
            ..
        } => crate::qr::show(ui, rect, headline, url, image.as_ref(), env),
        ContentKind::Reviews {
            style,
            min_rating,
            max_items,
            lang,
            reviews,
            ..
        } => {
            let shown = crate::reviews::shown_reviews(reviews, *min_rating, *max_items);
            crate::reviews::show(ui, rect, *style, *lang, &shown, env)
        }
    }
}

/// Nothing to show yet (no manifest): the background and a quiet word.
pub fn waiting(ui: &mut egui::Ui, screen: egui::Rect) {
    ui.painter().text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Vitrin",
        egui::FontId::proportional(screen.height() / 12.0),
        egui::Color32::from_white_alpha(90),
    );
}
