//! Customer-facing text: cosmic-text shapes it (HarfBuzz-compatible shaping through harfrust),
//! applies the Unicode bidi algorithm and wraps it; swash rasterises it into an egui texture.
//! egui's own text has no bidi (Latin words and numbers inside Persian come out reversed), so
//! every string a customer reads goes through here.
//!
//! Only the bundled typefaces are loaded (no system fonts), so every screen draws the same
//! pixels; the screen's brand kit chooses among them (`TextCache::set_typeface`). Textures are cached by everything that changes their pixels and
//! evicted least-recently-used past a bound, so a static slide costs nothing per frame.
//!
//! Painting a text adds an egui `Image` widget whose `alt_text` is the text, which is how
//! AccessKit (and egui_kittest) find it.

use std::collections::HashMap;

use cosmic_text::{
    Attrs, Buffer, Ellipsize, EllipsizeHeightLimit, Family, FontSystem, Metrics, Shaping,
    SwashCache, Weight, Wrap, fontdb,
};
use egui::emath::GuiRounding;
use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use vitrin_shared::brand::{BrandKit, Colour, Typeface};
use vitrin_shared::calendar::normalize_persian_text;
use vitrin_shared::content::Lang;

/// The bundled font files, regular and bold of every `Typeface`.
const FONTS: [&[u8]; 6] = [
    include_bytes!("../assets/fonts/Vazirmatn-Regular.ttf"),
    include_bytes!("../assets/fonts/Vazirmatn-Bold.ttf"),
    include_bytes!("../assets/fonts/Sahel.ttf"),
    include_bytes!("../assets/fonts/Sahel-Bold.ttf"),
    include_bytes!("../assets/fonts/Parastoo.ttf"),
    include_bytes!("../assets/fonts/Parastoo-Bold.ttf"),
];

/// Line height as a multiple of the font size. Persian needs room for dots and marks above
/// and below the baseline that Latin text does not.
pub const LINE_HEIGHT: f32 = 1.5;
/// Shrinking stops at this fraction of the wanted size; beyond it text ellipsizes instead.
const MIN_SHRINK: f32 = 0.45;
/// Each shrinking step multiplies the size by this.
const SHRINK_STEP: f32 = 0.9;
/// Textures kept at most, and their pixels at most (≈ 128 MiB of RGBA).
pub const MAX_TEXTURES: usize = 512;
const MAX_PIXELS: usize = 32 * 1024 * 1024;
/// Fitting and measuring results kept at most (they are cheap, but shaping to find them is
/// not).
const MAX_FITS: usize = 4096;

/// U+200F RIGHT-TO-LEFT MARK: a paragraph that starts with it has an RTL base direction even
/// when its first word is Latin or a number.
const RLM: char = '\u{200F}';
/// U+200E LEFT-TO-RIGHT MARK, for English paragraphs that start with a Persian word.
const LRM: char = '\u{200E}';

/// The base direction of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Rtl,
    Ltr,
}

impl Direction {
    /// The direction of the first strongly directional letter, RTL when there is none (the
    /// player's audience reads Persian). For feed text whose language nobody told us.
    pub fn of_text(text: &str) -> Direction {
        for c in text.chars() {
            if is_rtl_letter(c) {
                return Direction::Rtl;
            }
            if c.is_alphabetic() {
                return Direction::Ltr;
            }
        }
        Direction::Rtl
    }
}

impl From<Lang> for Direction {
    fn from(lang: Lang) -> Direction {
        match lang {
            Lang::Fa => Direction::Rtl,
            Lang::En => Direction::Ltr,
        }
    }
}

fn is_rtl_letter(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Where lines sit horizontally, relative to the reading direction: `Start` is the right edge
/// for Persian and the left edge for English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    Start,
    Center,
    End,
}

/// How a text looks. `size` is in egui points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub size: f32,
    pub color: Color32,
    pub bold: bool,
    pub dir: Direction,
    pub align: Align,
}

impl TextStyle {
    pub fn new(size: f32, color: Color32, dir: Direction) -> TextStyle {
        TextStyle {
            size,
            color,
            bold: false,
            dir,
            align: Align::Start,
        }
    }

    pub fn bold(self) -> TextStyle {
        TextStyle { bold: true, ..self }
    }

    pub fn align(self, align: Align) -> TextStyle {
        TextStyle { align, ..self }
    }

    pub fn size(self, size: f32) -> TextStyle {
        TextStyle { size, ..self }
    }

    pub fn color(self, color: Color32) -> TextStyle {
        TextStyle { color, ..self }
    }

    fn cosmic_align(&self) -> cosmic_text::Align {
        use cosmic_text::Align::{Center, Left, Right};
        match (self.align, self.dir) {
            (Align::Center, _) => Center,
            (Align::Start, Direction::Rtl) | (Align::End, Direction::Ltr) => Right,
            (Align::Start, Direction::Ltr) | (Align::End, Direction::Rtl) => Left,
        }
    }
}

/// How a text is laid out in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// One line (a menu item, a price, a ticker).
    Line,
    /// Wrapped to the box's width (a slide's body).
    Wrapped,
}

/// The size a text gets in a box: shrunk to fit, and ellipsized if even the smallest size
/// does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub ellipsized: bool,
}

/// A rasterised text.
#[derive(Clone)]
pub struct RenderedText {
    pub texture: TextureHandle,
    /// The laid-out box in points: the wrapping width (or the line's advance) by the lines'
    /// height. Ink may reach into `pad` around it.
    pub size: Vec2,
    /// Transparent margin of the texture around the box, in points, for ink that overhangs
    /// its advance (Persian swashes, dots below the line).
    pub pad: Vec2,
    /// The text as displayed, for `alt_text`.
    pub alt: String,
}

impl RenderedText {
    /// Adds the texture as an `Image` widget whose laid-out box has its top-left at `min`.
    pub fn paint(&self, ui: &mut egui::Ui, min: Pos2) -> egui::Response {
        let rect = Rect::from_min_size(min - self.pad, self.size + 2.0 * self.pad);
        ui.put(
            rect,
            egui::Image::new((self.texture.id(), rect.size()))
                .fit_to_exact_size(rect.size())
                .alt_text(self.alt.clone()),
        )
    }
}

/// Everything that changes a text's pixels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TextureKey {
    text: String,
    typeface: Typeface,
    size: u32,
    color: Color32,
    bold: bool,
    dir: Direction,
    align: Align,
    /// Wrapping width for `Flow::Wrapped`, or the width to ellipsize a line at.
    width: Option<u32>,
    /// Height to ellipsize a wrapped text at.
    max_height: Option<u32>,
    flow: Flow,
    pixels_per_point: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FitKey {
    text: String,
    typeface: Typeface,
    size: u32,
    bold: bool,
    dir: Direction,
    bounds: (u32, u32),
    flow: Flow,
}

struct Cached<T> {
    value: T,
    last_used: u64,
}

/// Shaped and rasterised text, cached.
pub struct TextCache {
    fonts: FontSystem,
    /// The typeface every text is drawn in: the screen's brand kit's.
    typeface: Typeface,
    swash: SwashCache,
    textures: HashMap<TextureKey, Cached<RenderedText>>,
    fits: HashMap<FitKey, Fitted>,
    /// Measured boxes, keyed like fits with the wrapping width as bounds.
    measures: HashMap<FitKey, Vec2>,
    /// Pixels held by `textures`.
    pixels: usize,
    /// Increases with every use, for least-recently-used eviction.
    clock: u64,
}

impl Default for TextCache {
    fn default() -> TextCache {
        TextCache::new()
    }
}

impl TextCache {
    /// Loads the bundled fonts (and only those).
    pub fn new() -> TextCache {
        let mut db = fontdb::Database::new();
        for font in FONTS {
            db.load_font_data(font.to_vec());
        }
        db.set_sans_serif_family(Typeface::default().family());
        TextCache {
            fonts: FontSystem::new_with_locale_and_db("fa-IR".to_owned(), db),
            typeface: Typeface::default(),
            swash: SwashCache::new(),
            textures: HashMap::new(),
            fits: HashMap::new(),
            measures: HashMap::new(),
            pixels: 0,
            clock: 0,
        }
    }

    /// Draws every following text in `typeface` (the stage sets the screen's on each manifest).
    /// Cached texts of other typefaces stay cached: a preview may switch back and forth.
    pub fn set_typeface(&mut self, typeface: Typeface) {
        self.typeface = typeface;
    }

    /// Textures currently cached (for tests and diagnostics).
    pub fn cached_textures(&self) -> usize {
        self.textures.len()
    }

    /// The box `text` takes at `style`, in points: for `Flow::Wrapped` wrapped at `width`.
    pub fn measure(&mut self, text: &str, style: &TextStyle, flow: Flow, width: f32) -> Vec2 {
        // A line is measured unbounded: `width` only matters to where it wraps.
        let width = match flow {
            Flow::Line => f32::INFINITY,
            Flow::Wrapped => width,
        };
        let key = FitKey {
            text: text.to_owned(),
            typeface: self.typeface,
            size: style.size.to_bits(),
            bold: style.bold,
            dir: style.dir,
            bounds: (width.to_bits(), 0),
            flow,
        };
        if let Some(size) = self.measures.get(&key) {
            return *size;
        }
        let buffer = self.lay_out(&prepare(text, style.dir), style, 1.0, flow, width, None);
        let size = measure_buffer(&buffer, flow, width);
        if self.measures.len() >= MAX_FITS {
            self.measures.clear();
        }
        self.measures.insert(key, size);
        size
    }

    /// The largest size up to `style.size` at which `text` fits in `bounds`, shrinking by steps
    /// down to `MIN_SHRINK` of it; past that the text keeps the smallest size and is marked
    /// for ellipsizing.
    pub fn fit(&mut self, text: &str, style: &TextStyle, flow: Flow, bounds: Vec2) -> Fitted {
        let key = FitKey {
            text: text.to_owned(),
            typeface: self.typeface,
            size: style.size.to_bits(),
            bold: style.bold,
            dir: style.dir,
            bounds: (bounds.x.to_bits(), bounds.y.to_bits()),
            flow,
        };
        if let Some(fitted) = self.fits.get(&key) {
            return *fitted;
        }
        let smallest = style.size * MIN_SHRINK;
        let mut size = style.size;
        let fitted = loop {
            let measured = self.measure(text, &style.size(size), flow, bounds.x);
            // A little slack for float rounding of the advances.
            if measured.x <= bounds.x + 0.5 && measured.y <= bounds.y + 0.5 {
                break Fitted {
                    size,
                    ellipsized: false,
                };
            }
            if size <= smallest {
                break Fitted {
                    size: smallest,
                    ellipsized: true,
                };
            }
            size = (size * SHRINK_STEP).max(smallest);
        };
        if self.fits.len() >= MAX_FITS {
            self.fits.clear();
        }
        self.fits.insert(key, fitted);
        fitted
    }

    /// `text` rasterised at `style`. `width` wraps a `Flow::Wrapped` text; for a line it is
    /// the width past which it is ellipsized (`f32::INFINITY`: never). `max_height` ellipsizes
    /// a wrapped text after the last line that fits.
    pub fn render(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        style: &TextStyle,
        flow: Flow,
        width: f32,
        max_height: Option<f32>,
    ) -> RenderedText {
        let ppp = ctx.pixels_per_point();
        let key = TextureKey {
            text: text.to_owned(),
            typeface: self.typeface,
            size: style.size.to_bits(),
            color: style.color,
            bold: style.bold,
            dir: style.dir,
            align: style.align,
            width: width.is_finite().then(|| width.to_bits()),
            max_height: max_height.map(f32::to_bits),
            flow,
            pixels_per_point: ppp.to_bits(),
        };
        self.clock += 1;
        if let Some(cached) = self.textures.get_mut(&key) {
            cached.last_used = self.clock;
            return cached.value.clone();
        }
        // The texture may not be larger than the GPU allows: a longer line is ellipsized.
        let max_side = ctx.input(|i| i.max_texture_side) as f32 / ppp;
        let pad = Vec2::splat((style.size * 0.25).ceil());
        let width = width.min(max_side - 2.0 * pad.x);
        let max_height = max_height.map(|h| h.min(max_side - 2.0 * pad.y));
        let prepared = prepare(text, style.dir);
        let mut buffer = self.lay_out(&prepared, style, ppp, flow, width, max_height);
        let size = measure_buffer(&buffer, flow, width * ppp) / ppp;
        let image = self.rasterise(&mut buffer, style.color, size * ppp, pad * ppp);
        let pixels = image.pixels.len();
        let texture = ctx.load_texture(
            format!("text:{}", short(text)),
            image,
            TextureOptions::LINEAR,
        );
        let rendered = RenderedText {
            texture,
            size,
            pad,
            alt: display_text(text),
        };
        self.evict_for(pixels);
        self.pixels += pixels;
        self.textures.insert(
            key,
            Cached {
                value: rendered.clone(),
                last_used: self.clock,
            },
        );
        rendered
    }

    /// Paints `text` in `rect`: shrunk to fit, then ellipsized, placed by `style.align` and
    /// vertically centred (a line) or top-aligned (a wrapped text). Returns the painted box.
    pub fn paint(
        &mut self,
        ui: &mut egui::Ui,
        rect: Rect,
        text: &str,
        style: &TextStyle,
        flow: Flow,
    ) -> Rect {
        if text.trim().is_empty() || rect.width() < 1.0 || rect.height() < 1.0 {
            return Rect::from_min_size(rect.min, Vec2::ZERO);
        }
        let fitted = self.fit(text, style, flow, rect.size());
        let style = style.size(fitted.size);
        let (width, max_height) = match flow {
            Flow::Wrapped => (rect.width(), fitted.ellipsized.then_some(rect.height())),
            Flow::Line => (
                if fitted.ellipsized {
                    rect.width()
                } else {
                    f32::INFINITY
                },
                None,
            ),
        };
        let rendered = self.render(ui.ctx(), text, &style, flow, width, max_height);
        let x = match (flow, style.cosmic_align()) {
            // A wrapped texture is as wide as the box and aligns its lines itself.
            (Flow::Wrapped, _) | (_, cosmic_text::Align::Left) => rect.left(),
            (_, cosmic_text::Align::Center) => rect.center().x - rendered.size.x / 2.0,
            _ => rect.right() - rendered.size.x,
        };
        let y = match flow {
            Flow::Line => rect.center().y - rendered.size.y / 2.0,
            Flow::Wrapped => rect.top(),
        };
        // Whole pixels keep the texture sharp (one texel per pixel).
        let min = Pos2::new(x, y).round_to_pixels(ui.pixels_per_point());
        rendered.paint(ui, min);
        Rect::from_min_size(min, rendered.size)
    }

    fn lay_out(
        &mut self,
        prepared: &str,
        style: &TextStyle,
        scale: f32,
        flow: Flow,
        width: f32,
        max_height: Option<f32>,
    ) -> Buffer {
        let size = style.size * scale;
        let mut buffer = Buffer::new(&mut self.fonts, Metrics::new(size, size * LINE_HEIGHT));
        let mut shaped = buffer.borrow_with(&mut self.fonts);
        match flow {
            Flow::Line => {
                shaped.set_wrap(Wrap::None);
                if width.is_finite() {
                    shaped.set_size(Some(width * scale), None);
                    shaped.set_ellipsize(Ellipsize::End(EllipsizeHeightLimit::Lines(1)));
                } else {
                    shaped.set_size(None, None);
                }
            }
            Flow::Wrapped => {
                shaped.set_wrap(Wrap::WordOrGlyph);
                shaped.set_size(Some(width * scale), None);
                if let Some(height) = max_height {
                    // At least one line, however small the box.
                    let height = (height * scale).max(size * LINE_HEIGHT);
                    shaped.set_ellipsize(Ellipsize::End(EllipsizeHeightLimit::Height(height)));
                }
            }
        }
        let weight = if style.bold {
            Weight::BOLD
        } else {
            Weight::NORMAL
        };
        // The metrics again on the text itself: cosmic-text measures an ellipsizing height
        // limit in the text's line height, and without them takes the font size for it (a
        // wrapped text then ran half as tall again as its box).
        let attrs = Attrs::new()
            .family(Family::Name(self.typeface.family()))
            .weight(weight)
            .metrics(Metrics::new(size, size * LINE_HEIGHT));
        // A line's texture is exactly as wide as the line (the caller places it), so its
        // glyphs start at the left edge whatever the direction; a wrapped text aligns its
        // lines inside the wrapping width.
        let align = match flow {
            Flow::Line => cosmic_text::Align::Left,
            Flow::Wrapped => style.cosmic_align(),
        };
        shaped.set_text(prepared, &attrs, Shaping::Advanced, Some(align));
        shaped.shape_until_scroll(false);
        buffer
    }

    /// Draws the laid-out glyphs into an image `size` pixels large plus `pad` on every side,
    /// all in `color` with the glyphs' coverage as alpha.
    fn rasterise(
        &mut self,
        buffer: &mut Buffer,
        color: Color32,
        size: Vec2,
        pad: Vec2,
    ) -> ColorImage {
        let (pad_x, pad_y) = (pad.x.ceil() as i32, pad.y.ceil() as i32);
        let width = (size.x.ceil() as i32 + 2 * pad_x).max(1) as usize;
        let height = (size.y.ceil() as i32 + 2 * pad_y).max(1) as usize;
        let mut coverage = vec![0.0f32; width * height];
        buffer.draw(
            &mut self.fonts,
            &mut self.swash,
            cosmic_text::Color::rgba(255, 255, 255, 255),
            |x, y, w, h, c| {
                let alpha = f32::from(c.a()) / 255.0;
                for py in y + pad_y..y + pad_y + h as i32 {
                    for px in x + pad_x..x + pad_x + w as i32 {
                        if (0..width as i32).contains(&px) && (0..height as i32).contains(&py) {
                            let cell = &mut coverage[py as usize * width + px as usize];
                            // Glyphs of joined Persian letters overlap a little: add coverage
                            // the way "over" compositing does instead of overwriting it.
                            *cell += alpha * (1.0 - *cell);
                        }
                    }
                }
            },
        );
        let [r, g, b, a] = color.to_srgba_unmultiplied();
        let pixels = coverage
            .into_iter()
            .map(|c| Color32::from_rgba_unmultiplied(r, g, b, (c * f32::from(a)).round() as u8))
            .collect();
        ColorImage::new([width, height], pixels)
    }

    /// Drops least-recently-used textures until `incoming` more pixels fit in the bounds.
    fn evict_for(&mut self, incoming: usize) {
        while !self.textures.is_empty()
            && (self.textures.len() >= MAX_TEXTURES || self.pixels + incoming > MAX_PIXELS)
        {
            let oldest = self
                .textures
                .iter()
                .min_by_key(|(_, cached)| cached.last_used)
                .map(|(key, _)| key.clone())
                .expect("not empty");
            if let Some(cached) = self.textures.remove(&oldest) {
                let [w, h] = cached.value.texture.size();
                self.pixels = self.pixels.saturating_sub(w * h);
            }
        }
    }
}

/// The text as shown: Arabic ي/ك as the Persian ی/ک (same meaning, but Persian readers expect
/// these forms), line ends unified.
pub fn display_text(text: &str) -> String {
    normalize_persian_text(text).replace("\r\n", "\n")
}

/// `text` ready for cosmic-text: normalised, each paragraph opened with a mark that fixes its
/// base direction. Without it a Persian paragraph that starts with a Latin word or a number
/// would be laid out left-to-right and its words reversed.
fn prepare(text: &str, dir: Direction) -> String {
    let mark = match dir {
        Direction::Rtl => RLM,
        Direction::Ltr => LRM,
    };
    display_text(text)
        .split('\n')
        .map(|paragraph| format!("{mark}{paragraph}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The box of a laid-out buffer: a wrapped text is as wide as its wrapping width (its lines
/// are aligned inside it), a line as wide as its advance.
fn measure_buffer(buffer: &Buffer, flow: Flow, width: f32) -> Vec2 {
    let (mut line_width, mut height) = (0.0f32, 0.0f32);
    for run in buffer.layout_runs() {
        line_width = line_width.max(run.line_w);
        height = height.max(run.line_top + run.line_height);
    }
    match flow {
        Flow::Wrapped => Vec2::new(width, height),
        Flow::Line => Vec2::new(line_width.ceil(), height),
    }
}

/// The start of a text, to name its texture in egui's debug views.
fn short(text: &str) -> String {
    text.chars().take(24).collect()
}

/// Glyph positions of a laid-out text, for tests of bidi ordering: the byte range of the
/// source text (as given, before normalisation and marks) each glyph came from, and its left
/// edge in points.
pub fn glyph_positions(cache: &mut TextCache, text: &str, style: &TextStyle) -> Vec<(usize, f32)> {
    let prepared = prepare(text, style.dir);
    // The mark is one 3-byte character in front of every paragraph; the normalisation keeps
    // byte lengths (ي/ك and ی/ک are all two bytes).
    let buffer = cache.lay_out(&prepared, style, 1.0, Flow::Line, f32::INFINITY, None);
    let mut glyphs = Vec::new();
    let mut paragraph_offsets = vec![0usize];
    for (i, c) in text.char_indices() {
        if c == '\n' {
            paragraph_offsets.push(i + 1);
        }
    }
    for run in buffer.layout_runs() {
        let base = paragraph_offsets.get(run.line_i).copied().unwrap_or(0);
        for glyph in run.glyphs {
            if glyph.start >= RLM.len_utf8() {
                glyphs.push((base + glyph.start - RLM.len_utf8(), glyph.x));
            }
        }
    }
    glyphs
}

/// The colours the content renderers draw with: the screen's brand kit, plus the fixed marks
/// for up, down and warnings (their meaning must not change with a brand).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color32,
    /// A band set off from the background (ticker strip, forecast row, card).
    pub band: Color32,
    pub text: Color32,
    /// Secondary text: descriptions, units, sold-out items.
    pub muted: Color32,
    /// Titles, category names, badges.
    pub accent: Color32,
    pub up: Color32,
    pub down: Color32,
    /// Marks that warn: sold out, stale data.
    pub warn: Color32,
}

impl Palette {
    pub fn of(kit: &BrandKit) -> Palette {
        let colour = |c: Colour| Color32::from_rgb(c.r, c.g, c.b);
        Palette {
            background: colour(kit.background),
            band: colour(kit.surface),
            text: colour(kit.text),
            muted: colour(kit.muted),
            accent: colour(kit.accent),
            up: Color32::from_rgb(0x3c, 0xc4, 0x6e),
            down: Color32::from_rgb(0xe5, 0x48, 0x4d),
            warn: Color32::from_rgb(0xe5, 0x48, 0x4d),
        }
    }
}

impl Default for Palette {
    /// Vitrin's own dark board.
    fn default() -> Palette {
        Palette::of(&BrandKit::default())
    }
}

/// A small "not up to date" mark in the top end corner of `rect`, for feed data the server
/// could not refresh within the source's freshness limit.
pub fn paint_stale_mark(
    ui: &mut egui::Ui,
    cache: &mut TextCache,
    rect: Rect,
    dir: Direction,
    palette: &Palette,
) {
    let label = match dir {
        Direction::Rtl => "به\u{200c}روز نیست",
        Direction::Ltr => "Not up to date",
    };
    let height = (rect.height() * 0.06).clamp(12.0, 40.0);
    let width = (rect.width() * 0.3).max(height * 4.0);
    // The end corner: top-left for Persian, top-right for English.
    let corner = match dir {
        Direction::Rtl => Rect::from_min_size(rect.min, Vec2::new(width, height)),
        Direction::Ltr => Rect::from_min_size(
            Pos2::new(rect.right() - width, rect.top()),
            Vec2::new(width, height),
        ),
    };
    let style = TextStyle::new(height * 0.6, palette.warn, dir).align(Align::End);
    cache.paint(ui, corner.shrink(height * 0.15), label, &style, Flow::Line);
}
